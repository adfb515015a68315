"""Benchmark: `annotator export PROJECT -o study.qdpx` (REFI-QDA project) at 1,000 documents x 100 annotations.

Builds (not timed) the project bench_exchange.py builds: 1,000 documents of about 5,000 characters
with 100,000 annotations by 3 annotators (random valid spans of 1-300 characters, many
overlapping, a note on about 10%, an emoji now and then in the text). Then, for each of --runs
runs, times the real CLI command as a subprocess for each receiving tool:

  standard   `annotator export PROJECT -o FILE.qdpx`                               target 5 s
  nvivo      `annotator export PROJECT -o FILE.qdpx --qdpx-positions nvivo`       target 5 s
             (UTF-16 units over CR LF source texts: every line end and emoji is an irregular place)

Prints each run (seconds, CPU seconds, peak MB) with the load average, the medians and
median/target, and exits non-zero when a command fails or a result is wrong: each package must
hold 100,000 selections on 1,000 sources, be byte-identical in every run, and (checked once, not
timed, when lxml and ../shared/refi-qda/Project.xsd are there) its project.qde must validate.

Run:  .venv/bin/python benchmarks/bench_qdpx_export.py [--runs 3] [--keep] [--seed 1]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
import zipfile
from pathlib import Path

import bench_exchange as exchange
import workload

TARGET_S = 5.0
TOOLS = {"standard": [], "nvivo": ["--qdpx-positions", "nvivo"]}
XSD = Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "Project.xsd"


def load() -> str:
    return "load " + " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def check_package(path: Path, failures: list[str], tool: str) -> None:
    """Selections and sources counted; project.qde validated against Project.xsd when it can be."""
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde")
        sources = sum(name.startswith("sources/") for name in archive.namelist())
    selections = qde.count(b"<PlainTextSelection ")
    if (selections, sources) != (exchange.ANNOTATIONS, exchange.DOCUMENTS):
        failures.append(f"{tool}: {selections:,} selections on {sources:,} sources")
    try:
        from lxml import etree
    except ImportError:
        print(f"{tool}: lxml is not installed; project.qde not validated")
        return
    if not XSD.is_file():
        print(f"{tool}: {XSD} not found; project.qde not validated")
        return
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    if not schema.validate(etree.fromstring(qde, etree.XMLParser(huge_tree=True))):
        failures.append(f"{tool}: project.qde is not valid: {schema.error_log.last_error}")
    else:
        print(f"{tool}: project.qde ({len(qde) / 1e6:.1f} MB) validates against Project.xsd")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag, default in (("--runs", 3), ("--seed", 1)):  # as the other benchmarks take them
        parser.add_argument(flag, type=int, default=default)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    with workload.temporary_home("annotator-bench-qdpx-", args.keep) as (tmp, env):
        from annotator.core.project.project import NewDocument  # after ANNOTATOR_HOME is set
        from annotator.core.schema.templates import create_project

        started = time.perf_counter()
        rng = random.Random(args.seed)
        texts = exchange.make_texts(rng)
        source = tmp / "source.annotator"
        with create_project(source) as project:
            added = project.add_documents(NewDocument(f"doc {i + 1:04d}", t) for i, t in enumerate(texts))
            documents = [a.document for a in added]
            categories = [c.id for c in project.categories()]
            annotators = [project.add_annotator(f"coder {k + 1}") for k in range(exchange.ANNOTATORS)]
            lengths = [d.length for d in documents]
            exchange.add_spans(project, documents, categories, annotators,
                               workload.make_spans(rng, lengths, len(categories), exchange.ANNOTATIONS,
                                                   exchange.ANNOTATORS, exchange.NOTE))
            counts = project.counts()
        print(f"project: {counts.documents:,} documents ({sum(lengths):,} characters), {counts.annotators} "
              f"annotators, {counts.annotations:,} annotations (text from {workload.text_source()}); built in "
              f"{time.perf_counter() - started:.1f} s")

        failures: list[str] = []
        results: dict[str, list] = {tool: [] for tool in TOOLS}
        digests: dict[str, set[str]] = {tool: set() for tool in TOOLS}
        for run in range(args.runs):
            for tool, options in TOOLS.items():
                out = tmp / f"{tool}.qdpx"
                measured = exchange.run_measured("export", str(source), "-o", str(out), *options, env=env)
                if measured.returncode != 0:
                    failures.append(f"{tool}: exit {measured.returncode}: {measured.stderr.strip()[:300]}")
                    continue
                results[tool].append(measured)
                digests[tool].add(hashlib.sha256(out.read_bytes()).hexdigest())
                print(f"run {run + 1} {tool:8} {measured.seconds:6.2f} s  cpu {measured.cpu_seconds:6.2f} s  "
                      f"peak {measured.peak_mb:6.0f} MB  ({load()}; {out.stat().st_size / 1e6:.1f} MB written)")
                if run == 0:
                    print(f"  {measured.stdout.strip()[:400]}")
                    check_package(out, failures, tool)
        for tool, runs in results.items():
            if len(digests[tool]) > 1:
                failures.append(f"{tool}: the runs wrote different bytes")
            if runs:
                median = statistics.median(m.seconds for m in runs)
                cpu = statistics.median(m.cpu_seconds for m in runs)
                peak = statistics.median(m.peak_mb for m in runs)
                print(f"median {tool:8} {median:6.2f} s (cpu {cpu:.2f} s, peak {peak:.0f} MB), target "
                      f"{TARGET_S:.0f} s: {median / TARGET_S:.2f} of it  ({load()})")
        for failure in failures:
            print(f"FAILED: {failure}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
