"""Benchmark: `annotator import PROJECT study.qdpx` of a REFI-QDA project of 1,000 documents with 100
codings each (issue 17, point 9; target 5 s).

Builds the package with its own code (xml.etree and zipfile): --count text sources of about
--chars characters each under `sources/` (paragraphs from workload.py: the sample articles of
../shared/corpus when present, else synthetic words; curly quotes, an emoji now and then, 20% of
the sources in CR LF, written as NVivo writes them: a BOM, UTF-16 positions with CR LF as 2), 20
codes, 5 users, and --per-doc selections per source (random spans, workload.make_spans; about 10%
with a Description). Then for each of --runs it creates a fresh project with `annotator init`
(not timed) and times the real CLI command as a subprocess. Prints each run, the median, the
target and median/target, and exits non-zero when a project does not hold every document and
coding or the command fails.

Run:  .venv/bin/python benchmarks/bench_qdpx_import.py [--runs 3] [--count 1000] [--per-doc 100] [--keep]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import workload

TARGET_S = 5.0
NS = "urn:QDA-XML:project:1.0"


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _dress(sentence: str, rng: random.Random) -> str:
    s = sentence.replace('"', "“", 1).replace('"', "”", 1)
    return s + " " + rng.choice(workload.EMOJI) if rng.random() < 0.02 else s


def _nvivo_units(text: str, offset: int) -> int:
    """NVivo's position for a code-point offset: UTF-16 units over the CR LF text."""
    before = text[:offset]
    return len(before.encode("utf-16-le")) // 2 + before.count("\n")


def build(path: Path, count: int, per_doc: int, chars: int, seed: int) -> tuple[int, int]:
    """Write the package; returns (sources, selections)."""
    rng = random.Random(seed)
    sentences = workload.load_sentences(rng)
    ET.register_namespace("", NS)
    project = ET.Element(f"{{{NS}}}Project", {"name": "benchmark", "origin": "NVivo 12.6 (benchmark)"})
    users = [_guid(rng) for _ in range(5)]
    holder = ET.SubElement(project, f"{{{NS}}}Users")
    for n, user in enumerate(users):
        ET.SubElement(holder, f"{{{NS}}}User", {"guid": user, "name": f"coder {n}"})
    codes = [_guid(rng) for _ in range(20)]
    book = ET.SubElement(ET.SubElement(project, f"{{{NS}}}CodeBook"), f"{{{NS}}}Codes")
    for n, code in enumerate(codes):
        ET.SubElement(book, f"{{{NS}}}Code", {"guid": code, "name": f"code {n}", "isCodable": "true",
                                               "color": f"#{rng.randrange(0x1000000):06X}"})
    sources = ET.SubElement(project, f"{{{NS}}}Sources")
    members = {}
    selections = 0
    for index in range(count):
        text = workload.paragraphs(rng, sentences, f"Document {index:05d}\n\n", chars, _dress)[:chars].rstrip()
        crlf = rng.random() < 0.2
        guid = _guid(rng)
        members[f"sources/{guid}.txt"] = b"\xef\xbb\xbf" + (text.replace("\n", "\r\n") if crlf else text).encode()
        source = ET.SubElement(sources, f"{{{NS}}}TextSource", {"guid": guid, "name": f"Document {index:05d}",
                                                                 "plainTextPath": f"internal://{guid}.txt"})
        for _doc, category, annotator, start, end, note in workload.make_spans(rng, [len(text)], len(codes),
                                                                                  per_doc, len(users)):
            unit = _nvivo_units if crlf else (lambda t, o: len(t[:o].encode("utf-16-le")) // 2)
            selection = ET.SubElement(source, f"{{{NS}}}PlainTextSelection", {
                "guid": _guid(rng), "startPosition": str(unit(text, start)), "endPosition": str(unit(text, end)),
                "creatingUser": users[annotator], "creationDateTime": "2024-05-01T10:00:00Z"})
            if note:
                ET.SubElement(selection, f"{{{NS}}}Description").text = note
            coding = ET.SubElement(selection, f"{{{NS}}}Coding", {"guid": _guid(rng), "creatingUser": users[annotator]})
            ET.SubElement(coding, f"{{{NS}}}CodeRef", {"targetGUID": codes[category]})
            selections += 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", ET.tostring(project, encoding="utf-8", xml_declaration=True))
        for name, data in members.items():
            archive.writestr(name, data)
    return count, selections


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag, default, what in (("--runs", 3, "timed runs"), ("--count", 1000, "text sources"),
                                ("--per-doc", 100, "codings per source"), ("--chars", 5000, "characters per source"),
                                ("--seed", 1, "the random seed")):
        parser.add_argument(flag, type=int, default=default, help=f"{what} (default {default})")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    with workload.temporary_home("annotator-bench-qdpx-import-", args.keep) as (tmp, env):
        from annotator.core.project.project import Project  # after ANNOTATOR_HOME is set

        package = tmp / "study.qdpx"
        started = time.perf_counter()
        documents, codings = build(package, args.count, args.per_doc, args.chars, args.seed)
        size = package.stat().st_size / 2**20
        print(f"built {package.name}: {documents} sources, {codings:,} codings, {size:.1f} MiB "
              f"in {time.perf_counter() - started:.1f} s (text from {workload.text_source()})")
        times, failed = [], False
        for run in range(1, args.runs + 1):
            project = tmp / f"run{run}.annotator"
            seconds, result = workload.timed_import(project, package, env, "--empty")
            with Project.open(project) as p:
                counts = p.counts()
            times.append(seconds)
            print(f"run {run}: {seconds:.2f} s  exit {result.returncode}, {counts.documents} documents, "
                  f"{counts.annotations:,} annotations")
            if result.returncode or (counts.documents, counts.annotations) != (documents, codings):
                failed = True
                print(f"  expected {documents} documents, {codings} annotations and exit 0; stderr: "
                      f"{result.stderr.strip()[:500]}", file=sys.stderr)
            if not args.keep:
                for path in tmp.glob(f"run{run}.annotator*"):
                    path.unlink()
        median = statistics.median(times)
        print(f"qdpx import: median {median:.2f} s for {documents} documents x {args.per_doc} codings "
              f"(target {TARGET_S:.0f} s, ratio {median / TARGET_S:.2f})")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
