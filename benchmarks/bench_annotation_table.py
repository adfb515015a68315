"""Benchmark: the corpus-wide annotation table (issue 16, point 3), offscreen.

Builds (not timed) a project of --documents documents (default 10,000, about 3,000 characters of
corpus sentences each) holding --annotations annotations (default 1,000,000: random valid spans
of 1-300 characters, 4 categories, 2 coders, some notes) with one `add_annotations` call, under
/tmp/sql-table-bench (removed afterwards unless --keep). Then, in a shown main window with the
first document open and the table in document mode, it measures:

  keys     the one-time keying of every annotation (`Project.refresh_annotation_keys`), reported
  show     switching the table to "All documents" until it has painted             ≤ 1 s
  sort     a click on the Quote header (sort by quote) until painted                ≤ 0.5 s
  filter   typing a word into the filter field until painted                        ≤ 0.5 s
  scroll   scrolling to the last row of the filtered, sorted table until painted   (reported)
  switch   opening another document with the corpus table on (no re-query)        (reported)
  memory   peak resident memory of the process (VmHWM) after all of it             ≤ 500 MB

Run:  .venv/bin/python benchmarks/bench_annotation_table.py [--documents 10000] [--annotations 1000000]
      [--keep] [--project PATH (reuse a built one)] [--word WORD] [--seed 1] [--shot PNG]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import workload

TARGETS = {"show": 1.0, "sort": 0.5, "filter": 0.5, "memory": 500.0}
FOLDER = Path("/tmp/sql-table-bench")


def build(path: Path, documents: int, annotations: int, rng: random.Random) -> None:
    from annotator.core.schema.templates import create_project

    sentences = workload.load_sentences(rng)
    project = create_project(path)
    try:
        coders = [project.add_annotator(f"coder {i + 1}").id for i in range(2)]
        categories = [c.id for c in project.categories()]
        docs = []
        for i in range(documents):
            text = workload.paragraphs(rng, sentences, f"Document {i + 1}\n\n", 3000, lambda s, _: s)[:3000]
            docs.append(project.add_document(f"Document {i + 1:05d}", text).document)
        per = annotations // documents
        lengths = [d.length for d in docs]
        notes = ["", "", "", "check this", "Évidence forte", "see the source"]

        def items():
            for at, doc in enumerate(docs):
                count = per + (1 if at < annotations - per * documents else 0)
                for _ in range(count):
                    start = rng.randrange(lengths[at] - 1)
                    yield {"document_id": doc.id, "category_id": rng.choice(categories),
                           "annotator_id": rng.choice(coders), "start": start,
                           "end": min(lengths[at], start + rng.randint(1, 300)), "note": rng.choice(notes)}
        started = time.perf_counter()
        project.add_annotations(items())
        print(f"built: {documents:,} documents, {project.count_annotations():,} annotations "
              f"(add_annotations {time.perf_counter() - started:.1f} s)")
    finally:
        project.close()


def vm_mb(field: str) -> float:
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(path: Path, word: str, shot: Path | None = None) -> dict[str, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from annotator.core.project.project import Project
    from annotator.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    project = Project.open(path)
    started = time.perf_counter()
    keyed = project.refresh_annotation_keys()
    results = {"keys": time.perf_counter() - started}
    print(f"keys: {keyed:,} annotations keyed in {results['keys']:.1f} s (once per project)")
    window = MainWindow(project)
    window.resize(1400, 900)
    window.show()
    first, second = (d.id for d in project.documents()[:2])
    window.open_document(first)
    table = window.table_panel

    def settle():
        table.table.viewport().repaint()
        app.processEvents()

    settle()

    def timed(label: str, do) -> None:
        started = time.perf_counter()
        do()
        settle()
        results[label] = time.perf_counter() - started
        print(f"{label}: {results[label] * 1000:.0f} ms  ({table.count_label.text()}; "
              f"{table.model.queries} queries so far)")

    timed("show", lambda: table.mode_combo.setCurrentIndex(1))
    timed("sort", lambda: table.table.sortByColumn(1, Qt.SortOrder.AscendingOrder))
    print(f"sort column {table.model.query.column}, first row {table.model.annotation_at(0).quote[:40]!r}")
    timed("filter", lambda: table.filter_edit.setText(word))
    if shot is not None:
        window.grab().save(str(shot))
    timed("scroll", lambda: table.table.scrollToBottom())
    queries = table.model.queries
    timed("switch", lambda: window.open_document(second))
    if table.model.queries != queries or window.document.id != second:
        print("switch: the corpus table was read again")
        results["switch"] = float("nan")
    results["memory"] = vm_mb("VmHWM")
    print(f"memory: {results['memory']:.0f} MB peak resident")
    window.close()
    project.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--annotations", type=int, default=1_000_000)
    parser.add_argument("--word", default="council")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--project", type=Path, help="a project built before (with --keep)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--shot", type=Path, help="save a picture of the window after the filter step")
    args = parser.parse_args()
    os.environ["ANNOTATOR_HOME"] = str(FOLDER / "home")
    path = args.project
    if path is None:
        FOLDER.mkdir(parents=True, exist_ok=True)
        path = FOLDER / f"table-{args.documents}-{args.annotations}.annotator"
        if path.exists():
            path.unlink()
        build(path, args.documents, args.annotations, random.Random(args.seed))
    try:
        results = measure(path, args.word, args.shot)
    finally:
        if args.project is None and not args.keep:
            shutil.rmtree(FOLDER, ignore_errors=True)
    print("\n| measure | result | target | load |\n|---|---|---|---|")
    load = os.getloadavg()
    for label, value in results.items():
        target = TARGETS.get(label)
        shown = f"{value:.0f} MB" if label == "memory" else f"{value:.3f} s"
        aim = "" if target is None else (f"{target:.0f} MB" if label == "memory" else f"{target} s")
        miss = " MISSED" if target is not None and not value <= target else ""
        print(f"| {label} | {shown}{miss} | {aim} | {load[0]:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
