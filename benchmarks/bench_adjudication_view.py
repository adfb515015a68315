"""Benchmark: the adjudication view (Tools → Adjudicate…) on a document of 3 coders × 500 spans, offscreen.

Builds (not timed) a project with the core API: the default Claims categories (4), a small document
and a large one (about 150,000 characters of the sentences of ../shared/corpus/*.txt, or synthetic
words), and 3 coders who each mark 500 spans in the large one at the same 500 places, each coder's
edges moved by up to 12 characters and in about 1 of 6 cases another category, so the units are of
every kind; the small document has one unit. Then, with Qt's offscreen platform:

  open     the window opened (``open_adjudication``: its units computed, the queue filled, the first
           unit's document and lanes shown) until a repaint and ``processEvents`` have returned, the
           first unit being in the large document (median of --runs, the window closed between)  ≤ 0.3 s
  document going from the small document's unit to the first unit of the large one in an open window
           (``go_to``, its document shown in the overview) + repaint + processEvents (median)     ≤ 0.3 s
  decide   one decision key (``QTest.keyClick(window, "1")``: coder 1's version taken, committed,
           the view moved to the next open unit) + a repaint of the lanes, the document and the
           queue + processEvents (median of --decisions)                                        ≤ 30 ms

Prints each run and a table of measure, median, target and ratio. Exits non-zero when a check fails
(the large document has no 1,500 coder spans in the view's units, a key makes no decision). A missed
target shows as MISSED and does not change the exit status. ANNOTATOR_HOME points at a temporary folder.

Run:  .venv/bin/python benchmarks/bench_adjudication_view.py [--runs 5] [--decisions 30] [--keep] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported

import workload

TARGETS = {"open": 0.3, "document": 0.3, "decide": 0.030}
CODERS = ("Ana", "Ben", "Cleo")
SPANS = 500
BIG_CHARS = 150_000


def build_project(path: Path, rng: random.Random):
    from annotator.core.schema.templates import create_project

    project = create_project(path)
    sentences = workload.load_sentences(rng)
    text = workload.paragraphs(rng, sentences, "A long report\n\n", BIG_CHARS, lambda s, r: s)[:BIG_CHARS].rstrip()
    big = project.add_document("A long report", text).document
    small = project.add_document("A short note", "A short note about one claim.").document
    categories = [c.id for c in project.categories()]
    coders = [project.add_annotator(name).id for name in CODERS]
    step = len(text) // SPANS
    rows = []
    for k in range(SPANS):
        base = k * step + 20
        category = rng.choice(categories)
        for coder in coders:
            start = max(k * step, base + rng.randint(-12, 12))
            end = min((k + 1) * step - 1, base + 60 + rng.randint(-12, 12))
            other = rng.choice(categories) if rng.random() < 1 / 6 else category
            rows.append(dict(document_id=big.id, category_id=other, annotator_id=coder, start=start, end=end))
    for coder in coders:
        rows.append(dict(document_id=small.id, category_id=categories[0], annotator_id=coder, start=2, end=7))
    project.add_annotations(rows)
    return project, big.id, small.id, coders[0]


def settle(app, widget) -> None:
    """Paint now: the adjudication window's three views (else the whole widget), then whatever else is pending."""
    parts = [widget]
    if hasattr(widget, "lanes"):
        parts = [widget.lanes, widget.overview.viewport(), widget.queue.viewport()]
    for part in parts:
        part.repaint()
    app.processEvents()


def timed(app, widget, do) -> float:
    began = time.perf_counter()
    do()
    settle(app, widget)
    return time.perf_counter() - began


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--decisions", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    with workload.temporary_home("annotator-bench-adjudication-", args.keep) as (tmp, _env):
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        from annotator.gui.adjudication import open_adjudication
        from annotator.gui.context import CurrentAnnotator
        from annotator.gui.main_window import MainWindow

        app = QApplication.instance() or QApplication(["annotator"])
        project, big, small, first = build_project(tmp / "bench.annotator", random.Random(args.seed))
        window = MainWindow(project)
        window.context.annotator = CurrentAnnotator(CODERS[0], first)
        window.show()
        settle(app, window)
        times: dict[str, list[float]] = {key: [] for key in TARGETS}
        for run in range(args.runs):
            seconds = timed(app, window, lambda: open_adjudication(window))
            adjudication = window.adjudication
            spans = sum(len(u.spans) for u in adjudication.session.units if u.document == big)
            if adjudication.unit is None or adjudication.unit.document != big or spans != len(CODERS) * SPANS:
                print(f"check failed: the view opened on {adjudication.unit} with {spans} coder spans")
                return 1
            times["open"].append(seconds)
            print(f"open run {run}: {seconds * 1000:.0f} ms ({len(adjudication.session.units)} units)")
            adjudication.close()
            window.adjudication = None
        adjudication = open_adjudication(window)
        settle(app, adjudication)
        first_big = adjudication.unit
        note = next(u for u in adjudication.session.units if u.document == small)
        for run in range(args.runs):
            adjudication.go_to(note)
            settle(app, adjudication)
            seconds = timed(app, adjudication, lambda: adjudication.go_to(first_big))
            times["document"].append(seconds)
            print(f"document run {run}: {seconds * 1000:.0f} ms")
        adjudication.activateWindow()
        for n in range(args.decisions):
            before = len(project.decisions())
            seconds = timed(app, adjudication, lambda: QTest.keyClick(adjudication, Qt.Key.Key_1))
            if len(project.decisions()) != before + 1:
                print(f"check failed: decision key {n} made no decision ({adjudication.message.text()})")
                return 1
            times["decide"].append(seconds)
        print("decide: " + ", ".join(f"{t * 1000:.1f}" for t in times["decide"]) + " ms")
        adjudication.close()
        window.close()
        print(f"\n{'measure':<10}{'median':>12}{'target':>12}{'ratio':>8}  runs")
        for key, target in TARGETS.items():
            median = statistics.median(times[key])
            verdict = "" if median <= target else "  MISSED"
            print(f"{key:<10}{median * 1000:>9.1f} ms{target * 1000:>9.0f} ms{median / target:>8.2f}  "
                  f"{len(times[key])}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
