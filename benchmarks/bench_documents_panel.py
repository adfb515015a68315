"""Benchmark: the documents panel with 10,000 documents, offscreen: filter by text, sort by length.

Builds (not timed, but reported; documents are added without their full-text index rows) a
project of --documents documents (default 10,000) of about --chars characters each (default
10,000: paragraphs of the sentences of ../shared/corpus/*.txt, synthetic words when that folder is
missing), titled by their first words, from 50 source names, with 0 to 5 annotations each. Then,
with Qt's offscreen platform, a shown CorpusPanel over a DocumentTableModel (what the main window
uses) measures:

  filter   `panel.apply_filter()` after `filter_edit.setText(needle)`, through `processEvents()`:
           the search, the proxy's filter and the count label, for needles of several kinds (a
           word in few documents, a word in most, a phrase, a non-ASCII word, and needles of 1
           and 2 characters, which have no trigram of their own: the index's vocabulary answers
           the rare ones, the scan the ones most texts hold; the first short needle also reads
           every text's last characters, once)  (median of --runs each)                     ≤ 0.2 s
  sort     `panel.table.sortByColumn(column, order)` (a header click), through processEvents,
           by length ascending and descending, and by title (the panel back in import order
           between runs, not timed)  (median of --runs each)                                ≤ 0.1 s

and, without a target, `Project.find_documents(needle)` alone. Before those, once: the filter on
the rare word while no document is indexed yet (the scan answers), then indexing every document as
the window does in idle time: `Project.index_documents(indexing.SLICE_SECONDS)` until none is left (total, slices,
the longest slice). Also prints the project file's
size, the build time, peak RSS (VmHWM) and the load average before and after. The same script
runs on main (the old filter and sort) for the "before" figures. Exits non-zero when a filter
finds a number of documents other than the casefold reference (checked once per needle).

Run:  .venv/bin/python benchmarks/bench_documents_panel.py [--documents 10000] [--chars 10000]
      [--runs 5] [--seed 1] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported

import workload

TARGETS = {"filter": 0.2, "sort": 0.1}


def build(path, rng: random.Random, documents: int, chars: int):
    from annotator.core.project.documents import NewDocument
    from annotator.core.schema.templates import create_project

    sentences = workload.load_sentences(rng)
    project = create_project(path)
    coder = project.add_annotator("alice").id
    categories = [c.id for c in project.categories()]
    for first in range(0, documents, 500):
        items = []
        for i in range(first, min(documents, first + 500)):
            text = workload.paragraphs(rng, sentences, "", chars, lambda s, _r: s)[:chars]
            title = " ".join(text.split()[:6]) or f"Document {i}"
            items.append(NewDocument(f"{i:05d} {title}", text, source=f"source-{i % 50:02d}.txt"))
        added = project.add_documents(items)
        rows = [dict(document_id=a.document.id, category_id=rng.choice(categories), annotator_id=coder,
                     start=s, end=s + 5) for a in added if a.created for s in range(0, 10 * rng.randint(0, 5), 10)]
        if rows:
            project.add_annotations(rows)
    return project


def vm_hwm_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(do, app) -> float:
    started = time.perf_counter()
    do()
    app.processEvents()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=10_000, help="characters per document (default 10,000)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with workload.temporary_home("annotator-bench-documents-panel-", args.keep) as (tmp, _env):
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        from annotator.gui.models.document_table_model import DocumentTableModel
        from annotator.gui.panels.corpus import CorpusPanel

        app = QApplication.instance() or QApplication([])
        rng = random.Random(args.seed)
        path = tmp / "documents.annotator"
        started = time.perf_counter()
        project = build(path, rng, args.documents, args.chars)
        built = time.perf_counter() - started
        size = sum(p.stat().st_size for p in tmp.glob("documents.annotator*"))
        print(f"text: {workload.text_source()}; {args.documents:,} documents of about {args.chars:,} characters, "
              f"{project.count_annotations():,} annotations; built in {built:.1f} s, file {size / 2**20:.0f} MiB")
        texts = [(d.title, project.document(d.id).text) for d in project.documents()]
        words = sorted({w for _, text in texts[:50] for w in text.split() if w.isalpha() and len(w) > 4})
        by_count = sorted(words, key=lambda w: sum(w in text for _, text in texts[::20]))
        needles = {"rare word": by_count[0], "common word": by_count[-1], "phrase": " ".join(texts[7][1].split()[3:6]),
                   "non-ASCII": "ÉTAT", "2 characters": "zq", "2 characters, common": "th",
                   "1 character": "q", "1 character, common": "e"}
        started = time.perf_counter()
        pending_found = len(project.find_documents(needles["rare word"]))
        print(f"find_documents({needles['rare word']!r}) with {project.documents_to_index():,} documents not indexed "
              f"yet (scanned): {time.perf_counter() - started:.3f} s, {pending_found:,} found")
        from annotator.gui.controllers.indexing import SLICE_SECONDS

        slices, left, started = [], 1, time.perf_counter()
        while left:
            slice_started = time.perf_counter()
            left = project.index_documents(SLICE_SECONDS)
            slices.append(time.perf_counter() - slice_started)
        print(f"indexed in idle-time slices: {time.perf_counter() - started:.1f} s, {len(slices):,} slices of "
              f"{SLICE_SECONDS * 1000:.0f} ms of indexing, "
              f"longest {max(slices) * 1000:.0f} ms, median {statistics.median(slices) * 1000:.0f} ms")
        model = DocumentTableModel(project)
        panel = CorpusPanel(model, project.find_documents)
        panel.filter_edit.blockSignals(True)  # no typing timer: each apply_filter is called here
        panel.resize(500, 700)
        panel.show()
        model.refresh()
        app.processEvents()
        failures, results = [], {}
        for label, needle in needles.items():
            folded = needle.casefold()
            expected = sum(folded in title.casefold() or folded in text.casefold() for title, text in texts)
            runs, core = [], []
            for _ in range(args.runs):
                panel.filter_edit.setText(needle)
                runs.append(timed(panel.apply_filter, app))
                panel.filter_edit.setText("")
                panel.apply_filter()
                app.processEvents()
                started = time.perf_counter()
                project.find_documents(needle)
                core.append(time.perf_counter() - started)
            panel.filter_edit.setText(needle)
            panel.apply_filter()
            if panel.proxy.rowCount() != expected:
                failures.append(f"filter {needle!r} shows {panel.proxy.rowCount()} documents, not {expected}")
            panel.filter_edit.setText("")
            panel.apply_filter()
            results[f"filter, {label} ({needle!r}: {expected:,})"] = ("filter", runs)
            results[f"  find_documents alone, {label}"] = (None, core)
        for label, column, order in (("length ascending", 1, Qt.SortOrder.AscendingOrder),
                                     ("length descending", 1, Qt.SortOrder.DescendingOrder),
                                     ("title ascending", 0, Qt.SortOrder.AscendingOrder)):
            runs = []
            for _ in range(args.runs):
                runs.append(timed(lambda c=column, o=order: panel.table.sortByColumn(c, o), app))
                panel.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
                app.processEvents()
            results[f"sort, {label}"] = ("sort", runs)
        print(f"\n{'measure':<58}{'median':>9}{'target':>9}   runs")
        for label, (kind, values) in results.items():
            median = statistics.median(values)
            target = f"{TARGETS[kind]:.2f} s" if kind else ""
            missed = "   MISSED" if kind and median > TARGETS[kind] else ""
            print(f"{label:<58}{median:>8.3f}s{target:>9}   {', '.join(f'{v:.3f}' for v in values)}{missed}")
        print(f"\npeak RSS {vm_hwm_mb():.0f} MB; load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        project.close()
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
