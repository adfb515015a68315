"""How long input can wait while a long document is laid out (issue 16, points 1 and 2).

Shows a document of ``--chars`` characters (paragraphs from the sample corpus) in the document
view, offscreen, and for ``--seconds`` runs a 1 ms timer: the longest gap between two of its
ticks is the longest a key or click would have waited. Once with the view's layout pacer
(gui/views/layout_pacer.py: idle slices of a few milliseconds) and once with Qt's own lazy layout
(its steps double up to 200,000 characters). The first gap (the first screen painted) is
left out: it is the same either way. Prints, per way, the median over ``--runs`` of the
longest gap and of the 99th percentile, and how long the whole text took to be laid out.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import workload


def one_run(app, text: str, paced: bool, seconds: float) -> tuple[float, float, float]:
    from PySide6.QtCore import QTimer

    from annotator.gui.views.document_view import DocumentView

    view = DocumentView()
    view.resize(900, 700)
    view.show()
    app.processEvents()
    started = time.perf_counter()
    view.show_text(text)
    if not paced:  # Qt's own lazy layout: let its timer through again
        view.document().documentLayout().removeEventFilter(view.layout_pacer)
        view.layout_pacer._timer.stop()
    layout, last_block = view.document().documentLayout(), view.document().lastBlock()
    gaps, last, finished = [], [time.perf_counter()], [None]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
        if finished[0] is None and last_block.layout().lineCount() > 0:
            finished[0] = now - started

    ticker = QTimer()
    ticker.setInterval(1)
    ticker.timeout.connect(tick)
    ticker.start()
    QTimer.singleShot(round(seconds * 1000), app.quit)
    app.exec()
    ticker.stop()
    del layout
    view.close()
    view.deleteLater()
    app.processEvents()
    gaps = sorted(gaps[1:])  # the first is the first paint, the same either way
    return gaps[-1], gaps[int(len(gaps) * 0.99)], finished[0] if finished[0] is not None else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0, help="how long to watch each run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    rng = random.Random(args.seed)
    sentences = workload.load_sentences(rng)
    text = workload.paragraphs(rng, sentences, "A long document\n\n", args.chars, lambda s, _r: s)[:args.chars]
    print(f"{len(text):,} characters, {text.count(chr(10)):,} lines; load {os.getloadavg()[0]:.2f}")
    for paced in (True, False):
        runs = [one_run(app, text, paced, args.seconds) for _ in range(args.runs)]
        name = "pacer" if paced else "Qt's own steps"
        laid = statistics.median(r[2] for r in runs)
        laid_text = f"{laid:.2f} s" if laid != float("inf") else f"not within {args.seconds:g} s"
        print(f"{name:15} longest wait {statistics.median(r[0] for r in runs) * 1000:6.1f} ms, "
              f"99th percentile {statistics.median(r[1] for r in runs) * 1000:5.1f} ms, "
              f"whole text laid out in {laid_text}  (median of {args.runs})")
    print(f"load {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
