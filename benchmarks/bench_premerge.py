"""Benchmark: automatic pre-merge into a project (annotator.core.agreement.premerge.premerge).

Workload (built once, not timed): the workload of bench_agreement_spans.py, 3 coders x 200
documents of about 17,000 characters (sentences of ../shared/corpus, else synthetic words), about 94
spans per coder per document (56,285 non-empty spans, 6 categories), coders agreeing a lot but not
perfectly, put into a project file (documents, coders, categories, one bulk add_annotations).

Timed: for each run a fresh copy of that project is opened (not timed), then the one call
``premerge(project, Strategy("majority"), by=coder, backup=None)``: the units of every document, the
plan, and every decision with its gold spans written in one transaction (Project.decide_many). The
backup that ``annotator adjudicate PROJECT`` takes first is a copy of the project file, whatever the
pre-merge does; it is timed once on its own (``backup="before-premerge"``). Prints each run, the
median of --runs runs (default 5) and the ratio to the 1 s target. Also reported, without a target:
the unanimous strategy (one run). Exits non-zero when a run writes no decision, or a second run over
the same project changes anything.

Run:  .venv/bin/python benchmarks/bench_premerge.py [--runs 5] [--seed 1] [--keep]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_agreement_spans as spans_workload
import workload

TARGET_S = 1.0
COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"]


def build_project(path: Path, seed: int):
    """The project of the workload at ``path``; returns (documents, spans) counts and the first coder's id."""
    from annotator.core.project.project import NewDocument, Project

    texts, spans = spans_workload.build(seed)
    spans = [span for span in spans if span[2] < span[3]]  # a few moved ends leave an empty span: no annotation
    categories = [{"name": name, "colour": colour} for name, colour in zip(spans_workload.CATEGORIES, COLOURS)]
    with Project.create(path, name="premerge", categories=categories) as project:
        cats = {c.name: c.id for c in project.categories()}
        docs = {doc: added.document.id for doc, added in
                zip(texts, project.add_documents(NewDocument(doc, text) for doc, text in texts.items()))}
        coders = {name: project.add_annotator(name).id for name in spans_workload.CODERS}
        project.add_annotations([dict(document_id=docs[doc], category_id=cats[cat], annotator_id=coders[coder],
                                      start=start, end=end) for doc, coder, start, end, cat in spans])
        return len(texts), len(spans), coders[spans_workload.CODERS[0]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    with workload.temporary_home("annotator-bench-premerge-", args.keep) as (tmp, _env):
        from annotator.core.agreement.premerge import Strategy, premerge  # after ANNOTATOR_HOME is set
        from annotator.core.project.project import Project
        from annotator.core.storage.backups import copy_project

        base = tmp / "team.annotator"
        t0 = time.perf_counter()
        documents, count, by = build_project(base, args.seed)
        print(f"workload: {len(spans_workload.CODERS)} coders x {documents} documents, {count:,} spans "
              f"({count / documents / len(spans_workload.CODERS):.1f} per coder per document); text from "
              f"{workload.text_source()}; built in {time.perf_counter() - t0:.1f} s")
        times, failed = [], False
        for run in range(1, args.runs + 1):
            copy = tmp / f"run{run}.annotator"
            copy_project(base, copy)
            with Project.open(copy) as project:
                t0 = time.perf_counter()
                report = premerge(project, Strategy("majority"), by=by, backup=None)
                times.append(time.perf_counter() - t0)
                print(f"run {run}: {times[-1]:.3f} s ({report.units:,} units, {report.accepted:,} accepted, "
                      f"{report.gold_spans:,} gold spans, {report.left_open:,} left open)")
                failed |= report.accepted == 0
                if run == 1:
                    again = premerge(project, Strategy("majority"), by=by)
                    print(f"  a second run over it: {again.unchanged:,} unchanged, {again.accepted} accepted, "
                          f"backup {again.backup}")
                    failed |= again.accepted != 0 or again.backup is not None
        for name, backup in (("majority", "before-premerge"), ("unanimous", None)):
            copy = tmp / f"{name}.annotator"
            copy_project(base, copy)
            with Project.open(copy) as project:
                t0 = time.perf_counter()
                report = premerge(project, Strategy(name), by=by, backup=backup)
                print(f"{name}{' with the backup' if backup else ''} (one run): {time.perf_counter() - t0:.3f} s, "
                      f"{report.accepted:,} accepted of {report.units:,} units")
                failed |= backup is not None and report.backup is None
        med = statistics.median(times)
        print(f"pre-merge: median {med:.3f} s for {len(spans_workload.CODERS)} coders x {documents} documents "
              f"(target {TARGET_S:g} s, ratio {med / TARGET_S:.2f}){'  MISSED' if med > TARGET_S else ''}")
    if failed:
        print("FAILED: a run wrote nothing, or a second run changed something", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
