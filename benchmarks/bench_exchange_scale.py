"""Benchmark: export, import-annotations and merge of a 1,000,000-annotation export (issue 16), and
the peak memory of the CSV export beside the JSON export's at 100,000 annotations.

Builds (not timed) a project of 1,000 documents of about 5,000 characters with --annotations
annotations (default 1,000,000) by 3 annotators, the workload of bench_exchange.py ten times over
(a file of about 656 MB). Then times the real CLI commands as subprocesses and reads each one's
own peak memory (VmHWM, as bench_exchange.py does):

  export  `annotator export PROJECT -o FILE`                      target 30 s, 1 GB (none set; shown)
  import  `annotator import-annotations EMPTY FILE` (EMPTY from `annotator init --empty`)
                                                                  target 30 s, 1 GB
  merge   `annotator merge FILE -o TEAM`                          target 30 s, 1 GB

and, on a second project of --small annotations (default 100,000, bench_exchange.py's), the peak
memory of `annotator export PROJECT -o x.json` and `-o x.csv`: the CSV's must be at most the JSON's.
Exits non-zero when a command fails or a count is wrong. With --workdir DIR the projects are built
there once and reused by later runs (delete DIR afterwards); otherwise a temporary folder is used.

Run:  .venv/bin/python benchmarks/bench_exchange_scale.py [--annotations 1000000] [--small 100000]
      [--workdir /tmp/x] [--skip-big] [--skip-small]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import bench_exchange
import workload

TARGET_S = 30.0
TARGET_MB = 1000.0


def build(path: Path, annotations: int, seed: int) -> None:
    """A project of bench_exchange.DOCUMENTS documents with ``annotations`` annotations by 3 annotators."""
    from annotator.core.project.project import NewDocument
    from annotator.core.schema.templates import create_project

    rng = random.Random(seed)
    texts = bench_exchange.make_texts(rng)
    started = time.perf_counter()
    with create_project(path) as project:
        added = project.add_documents(NewDocument(f"doc {i + 1:04d}", t) for i, t in enumerate(texts))
        documents = [a.document for a in added]
        categories = [c.id for c in project.categories()]
        annotators = [project.add_annotator(f"coder {k + 1}") for k in range(3)]
        lengths = [d.length for d in documents]
        chunk = 100_000  # the spans are made and added a chunk at a time: the builder's memory stays small
        for first in range(0, annotations, chunk):
            spans = workload.make_spans(rng, lengths, len(categories), min(chunk, annotations - first), 3,
                                        bench_exchange.NOTE)
            bench_exchange.add_spans(project, documents, categories, annotators, spans)
    print(f"built {path.name}: {annotations:,} annotations on {len(texts):,} documents "
          f"in {time.perf_counter() - started:.1f} s")


def measured(label: str, *args: str, env: dict, failures: list[str]) -> bench_exchange.Measured:
    r = bench_exchange.run_measured(*args, env=env)
    print(f"  {label:14} {r.seconds:7.2f} s ({r.cpu_seconds:.1f} s CPU)  peak {r.peak_mb:7.1f} MB  "
          f"exit {r.returncode}  (load {os.getloadavg()[0]:.2f})")
    if r.returncode != 0:
        failures.append(f"{label} exited {r.returncode}: {r.stderr.strip()[:300]}")
    return r


def big_run(tmp: Path, env: dict, annotations: int, failures: list[str]) -> None:
    from annotator.core.project.project import Project

    source = tmp / f"big-{annotations}.annotator"
    if not source.exists():
        build(source, annotations, 1)
    export, team, empty = tmp / "big.json", tmp / "big-team.json", tmp / "big-import.annotator"
    for path in (export, team, empty):
        path.unlink(missing_ok=True)
    print(f"{annotations:,} annotations:")
    rows = [("export", measured("export", "export", str(source), "-o", str(export), env=env, failures=failures))]
    size = export.stat().st_size / 1e6 if export.exists() else 0.0
    print(f"  export file: {size:.1f} MB")
    init = workload.run_cli("init", "--empty", str(empty), env=env)
    if init.returncode:
        failures.append(f"init --empty: {init.stderr.strip()}")
    rows.append(("import", measured("import", "import-annotations", str(empty), str(export), env=env,
                                    failures=failures)))
    with Project.open(empty, mode="read") as project:
        got = project.counts().annotations
    if got != annotations:
        failures.append(f"import: {got:,} annotations in the project, expected {annotations:,}")
    rows.append(("merge", measured("merge", "merge", str(export), "-o", str(team), env=env, failures=failures)))
    if team.exists() and team.read_bytes() != export.read_bytes():  # merge(A) is A
        failures.append("merge of the one file is not byte-identical to it")
    for name, r in rows:
        met = "met" if r.returncode == 0 and r.seconds <= TARGET_S and r.peak_mb <= TARGET_MB else "MISSED"
        print(f"{name}: {r.seconds:.2f} s, peak {r.peak_mb:.0f} MB for {annotations:,} annotations "
              f"({size:.0f} MB file; target {TARGET_S:.0f} s, {TARGET_MB:.0f} MB) — {met}")
    for path in (export, team, empty):
        path.unlink(missing_ok=True)


def small_run(tmp: Path, env: dict, annotations: int, failures: list[str]) -> None:
    source = tmp / f"small-{annotations}.annotator"
    if not source.exists():
        build(source, annotations, 2)
    print(f"{annotations:,} annotations, JSON and CSV export:")
    peaks = {}
    for fmt in ("json", "csv"):
        out = tmp / f"small.{fmt}"
        peaks[fmt] = measured(f"export .{fmt}", "export", str(source), "-o", str(out), env=env, failures=failures)
        out.unlink(missing_ok=True)
    json_mb, csv_mb = peaks["json"].peak_mb, peaks["csv"].peak_mb
    print(f"csv export peak {csv_mb:.0f} MB, json export peak {json_mb:.0f} MB at {annotations:,} annotations "
          f"— {'met' if csv_mb <= json_mb else 'MISSED'} (csv at most json)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, help="build the projects here once and reuse them")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-small", action="store_true")
    args = parser.parse_args()
    failures: list[str] = []
    with workload.temporary_home("annotator-bench-exchange-scale-", False) as (tmp, env):
        work = args.workdir or tmp
        work.mkdir(parents=True, exist_ok=True)
        if not args.skip_big:
            big_run(work, env, args.annotations, failures)
        if not args.skip_small:
            small_run(work, env, args.small, failures)
    for line in failures:
        print(f"CHECK FAILED: {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
