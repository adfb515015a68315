"""Benchmark: the coder's workspace (the main window) on a large document, offscreen.

Builds (not timed) a project with the core API: the default Claims categories (4), 2 annotators,
a small document (about 3,000 characters) and a large one of 1,000,000 characters (about 1 MB of
UTF-8) holding 20,000 annotations (random valid spans of 1-300 characters spread over the text,
about 30% of them overlapping an earlier one, in the 4 categories, by the 2 annotators). The
text is paragraphs of the sentences of ../shared/corpus/*.txt (read only; synthetic words when
that folder is missing), with curly quotes and an emoji in about 2% of sentences, so the view's
code point / UTF-16 conversion is exercised. Then it measures, with Qt's offscreen platform:

  open     `window.open_document(big)` in a shown window that has the small document open, until
           `window.view.viewport().repaint()` and `QApplication.processEvents()` have returned
           (median of --runs, the window going back to the small document between runs)   ≤ 0.5 s
  create   one annotation in that document: `view.select_range(start, end)` (not timed), then
           `window.annotate(category)` + repaint + processEvents (median of --creations
           places)                                                                         ≤ 30 ms
           and the same with `QTest.keyClick(window.view, <the category's shortcut key>)` on
           the focused view instead of the direct call (reported; same target)
  move     one edge of one of the coder's annotations moved a character (`annotating.set_span`),
           then repaint + processEvents (each annotation selected first, not timed)          ≤ 30 ms
  delete   each of them deleted (`annotating.delete_annotations`), the same way             ≤ 30 ms
  memory   peak resident memory (the child's own VmHWM) of a process that opens that
           document in the window, at the first painted screen (median of --memory-runs; it
           prints beside it how long after the open idle time had read every span, and the
           peak once idle time has read them, cut the index and laid the text out)          ≤ 400 MB
  start    cold start: wall time from starting `python -c …` until the child prints "shown"
           after QApplication, `annotator.gui.app.open_main_window()` (the default project, in a
           fresh ANNOTATOR_HOME each run) and one turn of the event loop (median of --runs)  ≤ 1.5 s
           and, without a target, the import time of `annotator.gui.main_window` alone. Both run
           with Python's bytecode settings as found; when PYTHONDONTWRITEBYTECODE (or
           PYTHONPYCACHEPREFIX) is set, so that the project's modules may be compiled at every
           start, both are measured again as "(.pyc)" with bytecode cached under the temporary
           folder (PYTHONPYCACHEPREFIX, after one warm-up start; nothing is written in the repository)

Prints each run, then a table of measure, median, target, ratio and runs. Exits non-zero when a
check fails (the document does not show its 20,000 annotations, a creation adds no annotation, a
child process fails). A missed target does not change the exit status; it shows as MISSED.
ANNOTATOR_HOME points at a temporary folder, so nothing is written to the user's folders.

Run:  .venv/bin/python benchmarks/bench_workspace.py [--runs 5] [--creations 20] [--memory-runs 3]
      [--keep] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported, here and in the children

import workload

TARGETS = {"open": 0.5, "create": 0.030, "create (key)": 0.030, "move": 0.030, "delete": 0.030, "memory": 400.0,
           "start": 1.5, "start (.pyc)": 1.5}
BIG_CHARS = 1_000_000
SMALL_CHARS = 3_000
ANNOTATIONS = 20_000
ANNOTATORS = 2
QUOTES = {'"': ("\u201c", "\u201d"), "'": ("\u2019", "\u2019")}


def dressed(sentence: str, rng: random.Random) -> str:
    """The sentence with curly quotes (straight ones replaced, some added) and, in ~2% of cases, an emoji."""
    out, opened = [], {'"': False, "'": False}
    for ch in sentence:
        if ch in QUOTES:
            out.append(QUOTES[ch][opened[ch]])
            opened[ch] = not opened[ch]
        else:
            out.append(ch)
    sentence = "".join(out)
    if rng.random() < 0.1:
        sentence = "\u201c" + sentence.rstrip(".") + "\u201d, they said."
    return sentence + (" " + rng.choice(workload.EMOJI) if rng.random() < 0.02 else "")


def make_text(rng: random.Random, sentences: list[str], title: str, size: int) -> str:
    return workload.paragraphs(rng, sentences, f"{title}\n\n", size, dressed)[:size].rstrip()


def build_project(path: Path, rng: random.Random) -> tuple[str, str, dict]:
    """Create the project; returns (small document id, large document id, facts for the report)."""
    from annotator.core.schema.templates import create_project

    sentences = workload.load_sentences(rng)
    big_text = make_text(rng, sentences, "Workspace benchmark — the long document", BIG_CHARS)
    small_text = make_text(rng, sentences, "Workspace benchmark — a short document", SMALL_CHARS)
    project = create_project(path)
    try:
        small = project.add_document("A short document", small_text).document
        big = project.add_document("The long document", big_text).document
        annotators = [project.add_annotator(f"coder {i + 1}") for i in range(ANNOTATORS)]
        categories = [c.id for c in project.categories()]
        spans = workload.make_spans(rng, [big.length], len(categories), ANNOTATIONS, ANNOTATORS)
        project.add_annotations(
            {"document_id": big.id, "category_id": categories[c], "annotator_id": annotators[a].id,
             "start": start, "end": end, "note": note}
            for _, c, a, start, end, note in spans
        )
        stored = project.count_annotations(document_id=big.id)
    finally:
        project.close()
    facts = {
        "chars": len(big_text), "bytes": len(big_text.encode("utf-8")),
        "utf16": len(big_text.encode("utf-16-le")) // 2,
        "astral": sum(1 for ch in big_text if ord(ch) > 0xFFFF),
        "curly": sum(big_text.count(q) for q in "\u201c\u201d\u2019"),
        "paragraphs": big_text.count("\n\n") + 1, "stored": stored,
        "overlapping": count_overlapping(spans),
    }
    return small.id, big.id, facts


def count_overlapping(spans: list[tuple]) -> int:
    """How many spans overlap at least one other."""
    ordered = sorted((s[3], s[4]) for s in spans)
    hit = [False] * len(ordered)
    furthest, owner = -1, -1
    for i, (start, end) in enumerate(ordered):
        if start < furthest:
            hit[i] = hit[owner] = True
        if end > furthest:
            furthest, owner = end, i
    return sum(hit)


# -- in this process: opening and creating -----------------------------------------------------------

def settle(app, window) -> None:
    window.view.viewport().repaint()
    app.processEvents()


def measure_gui(project_path: Path, small_id: str, big_id: str, runs: int, creations: int,
                rng: random.Random, failures: list[str], idle: float = 0.0) -> dict[str, list[float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.core.project.project import Project
    from annotator.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    project = Project.open(project_path)
    window = MainWindow(project)
    window.show()
    window.open_document(small_id)
    settle(app, window)
    results: dict[str, list[float]] = {"open": [], "create": [], "create (key)": [], "move": [], "delete": []}

    for run in range(1, runs + 1):
        started = time.perf_counter()
        window.open_document(big_id)
        settle(app, window)
        seconds = time.perf_counter() - started
        results["open"].append(seconds)
        shown = len(window.view.index.spans) if window.view.index is not None else 0  # the count: none read
        loaded = len(window.view.index.loaded) if window.view.index is not None else 0
        print(f"open run {run}: {seconds * 1000:.0f} ms  ({shown:,} annotations in the view, {loaded:,} read "
              "for the first screen)")
        if shown != ANNOTATIONS:
            failures.append(f"open run {run}: the view holds {shown:,} annotations, not {ANNOTATIONS:,}")
        if run < runs:
            window.open_document(small_id)
            settle(app, window)

    category = project.categories()[0]
    length = len(window.view.text())
    if idle:
        print(f"{idle:g} s of idle event loop before the creations (not timed)")
        until = time.perf_counter() + idle
        while time.perf_counter() < until:
            app.processEvents()
            time.sleep(0.001)
    print(f"creating annotations as {category.name!r} (shortcut {category.shortcut!r}) in the "
          f"{length:,}-character document")

    def create(label: str, do) -> None:
        for i in range(1, creations + 1):
            start = rng.randrange(length - 200)
            window.view.select_range(start, start + rng.randint(5, 150))
            settle(app, window)  # the scroll to the selection is not part of the creation
            before = len(window.view.index.spans)
            started = time.perf_counter()
            do()
            settle(app, window)
            seconds = time.perf_counter() - started
            added = len(window.view.index.spans) - before
            results[label].append(seconds)
            if added != 1:
                failures.append(f"{label} {i}: {added} annotations added to the view, not 1")
                return
        times = results[label]
        print(f"{label}: " + ", ".join(f"{t * 1000:.1f}" for t in times) + " ms")

    create("create", lambda: window.annotate(category.id))

    # The same through the category's shortcut key, pressed on the focused view.
    window.activateWindow()
    window.raise_()
    active = QTest.qWaitForWindowActive(window, 2000)
    window.view.setFocus()
    app.processEvents()
    key = getattr(Qt.Key, f"Key_{category.shortcut.upper()}", None) if category.shortcut else None
    before = len(window.view.index.spans)
    start = rng.randrange(length - 200)
    window.view.select_range(start, start + 40)
    settle(app, window)
    if key is not None:
        QTest.keyClick(window.view, key)
        settle(app, window)
    if key is None or len(window.view.index.spans) != before + 1:
        print(f"create (key): pressing {category.shortcut!r} on the view created no annotation offscreen "
              f"(window active: {active}, view focused: {window.view.hasFocus()}); only the direct call is reported")
        results.pop("create (key)")
    else:
        print(f"create (key): window active: {active}, view focused: {window.view.hasFocus()}")
        create("create (key)", lambda: QTest.keyClick(window.view, key))
    mine = [span.id for span in window.view.index.spans.values() if span.annotator_id == window.context.annotator.id]
    edit_each(app, window, "move", mine[:creations], results, failures,
              lambda span: window.annotating.set_span(span.id, span.start, span.end + 1), 0)
    edit_each(app, window, "delete", mine[:creations], results, failures,
              lambda span: window.annotating.delete_annotations([span.id]), -1)
    window.close()
    project.close()
    return results


def edit_each(app, window, label: str, ids: list[str], results: dict, failures: list[str], do, change: int) -> None:
    """Select each annotation (not timed), then time ``do(span)`` + repaint + processEvents: an edge
    moved one character (``move``) or the annotation deleted (``delete``), as the coder's own."""
    for i, annotation_id in enumerate(ids, 1):
        window.view.select_annotation(annotation_id)
        settle(app, window)
        span, before = window.view.index.spans[annotation_id], len(window.view.index.spans)
        started = time.perf_counter()
        do(span)
        settle(app, window)
        results[label].append(time.perf_counter() - started)
        moved = window.view.index.spans.get(annotation_id)
        if len(window.view.index.spans) - before != change or (change == 0 and moved.end != span.end + 1):
            failures.append(f"{label} {i}: the view did not follow")
            return
    print(f"{label}: " + ", ".join(f"{t * 1000:.1f}" for t in results[label]) + " ms")


# -- child processes: memory and cold start ---------------------------------------------------------

def vm_kb(field: str) -> int:
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child_memory(project_path: str, small_id: str, big_id: str) -> int:
    """In a child: open the project in a shown window (small document), then the large one; print peak RSS."""
    from PySide6.QtWidgets import QApplication

    from annotator.core.project.project import Project
    from annotator.gui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    window = MainWindow(Project.open(project_path))
    window.show()
    window.open_document(small_id)
    settle(app, window)
    before = vm_kb("VmRSS")
    started = time.perf_counter()
    window.open_document(big_id)
    settle(app, window)
    shown, peak_shown = time.perf_counter(), vm_kb("VmHWM")
    while not window.view.index.complete:  # the rest of the spans, read in idle time
        app.processEvents()
    loaded = time.perf_counter()
    while not (window.view.index.fully_cut() and window.view.layout_pacer.done):  # and the rest of idle work
        app.processEvents()
    print(f"peak {peak_shown} before {before} spans {len(window.view.index.loaded)} "
          f"shown {shown - started:.3f} loaded {loaded - started:.3f} idle {vm_kb('VmHWM')}", flush=True)
    return 0


START_CHILD = (
    "import sys\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication\n"
    "app = QApplication(sys.argv[:1])\n"
    "from annotator.gui.app import open_main_window\n"
    "window = open_main_window()\n"
    "def shown():\n"
    "    print('shown', flush=True)\n"
    "    app.quit()\n"
    "QTimer.singleShot(0, shown)\n"
    "app.exec()\n"
)

IMPORT_CHILD = (
    "import time\n"
    "started = time.perf_counter()\n"
    "import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets\n"
    "qt = time.perf_counter()\n"
    "import annotator.gui.main_window\n"
    "done = time.perf_counter()\n"
    "print(done - started, qt - started, done - qt)\n"
)


def measure_memory(tmp: Path, project_path: Path, small_id: str, big_id: str, runs: int, env: dict,
                   failures: list[str]) -> list[float]:
    peaks = []
    for run in range(1, runs + 1):
        # A fresh home each run: no remembered document, so the window first shows the small one.
        child_env = dict(env, ANNOTATOR_HOME=str(tmp / f"memory-home-{run}"))
        proc = subprocess.run([sys.executable, __file__, "--child-memory", str(project_path), small_id, big_id],
                              env=child_env, capture_output=True, text=True)
        words = proc.stdout.split()
        if proc.returncode != 0 or len(words) < 12 or words[0] != "peak":
            failures.append(f"memory run {run}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
            continue
        peak_mb, before_mb = int(words[1]) * 1024 / 1e6, int(words[3]) * 1024 / 1e6
        peaks.append(peak_mb)
        if int(words[5]) != ANNOTATIONS:
            failures.append(f"memory run {run}: the view holds {int(words[5]):,} annotations, not {ANNOTATIONS:,}")
        print(f"memory run {run}: peak {peak_mb:.0f} MB  (RSS {before_mb:.0f} MB with the small document open; "
              f"{int(words[5]):,} annotations read; first screen {float(words[7]):.2f} s, every span "
              f"read in idle time {float(words[9]):.2f} s after the open; peak {int(words[11]) * 1024 / 1e6:.0f} MB "
              "once idle time has read every span, cut the index and laid the text out)")
    return peaks


def measure_start(tmp: Path, runs: int, env: dict, tag: str,
                  failures: list[str]) -> tuple[list[float], list[tuple]]:
    """Cold starts (each in a fresh ANNOTATOR_HOME), then imports of annotator.gui.main_window alone."""
    times, imports = [], []
    for run in range(1, runs + 1):
        home = tmp / f"start-home-{tag}-{run}"  # fresh: the default project is created
        child_env = dict(env, ANNOTATOR_HOME=str(home))
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", START_CHILD], env=child_env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        seconds = time.perf_counter() - started
        _, err = proc.communicate()
        if line.strip() != "shown" or proc.returncode != 0:
            failures.append(f"start ({tag}) run {run}: printed {line!r}, exit {proc.returncode}\n{err[-2000:]}")
            continue
        times.append(seconds)
        print(f"start ({tag}) run {run}: {seconds:.2f} s")
    for run in range(1, runs + 1):
        proc = subprocess.run([sys.executable, "-c", IMPORT_CHILD], env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            failures.append(f"import ({tag}) run {run}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
            continue
        imports.append(tuple(float(x) for x in proc.stdout.split()))
        total, qt, own = imports[-1]
        print(f"import ({tag}) run {run}: annotator.gui.main_window {total * 1000:.0f} ms "
              f"(PySide6 QtCore/QtGui/QtWidgets {qt * 1000:.0f} ms, the rest {own * 1000:.0f} ms)")
    return times, imports


def cached_env(tmp: Path, env: dict) -> dict:
    """`env` with bytecode written and read under tmp/pycache (never in the repository), warmed up once."""
    cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    subprocess.run([sys.executable, "-c", START_CHILD], env=dict(cached, ANNOTATOR_HOME=str(tmp / "warm-home")),
                   capture_output=True)
    return cached


# -- report ------------------------------------------------------------------------------------------

def show(label: str, value: float) -> str:
    if label == "memory":
        return f"{value:.0f} MB"
    if value < 1:
        return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def show_runs(label: str, values: list[float]) -> str:
    """Every run, in one unit: MB, else s when any run reaches 1 s, else ms."""
    if label == "memory":
        return "MB: " + ", ".join(f"{v:.0f}" for v in values)
    if max(values) >= 1:
        return "s: " + ", ".join(f"{v:.2f}" for v in values)
    return "ms: " + ", ".join(f"{v * 1000:.1f}" for v in values)


def main() -> int:
    global BIG_CHARS, ANNOTATIONS
    if len(sys.argv) == 5 and sys.argv[1] == "--child-memory":
        return child_memory(*sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of open and of start (default 5)")
    parser.add_argument("--creations", type=int, default=20, help="annotations created each way (default 20)")
    parser.add_argument("--memory-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chars", type=int, default=BIG_CHARS, help="the large document's length (default 1,000,000)")
    parser.add_argument("--annotations", type=int, default=ANNOTATIONS, help="its annotations (default 20,000)")
    parser.add_argument("--no-start", action="store_true", help="skip the cold-start runs")
    parser.add_argument("--idle", type=float, default=0.0,
                        help="seconds of idle event loop before the creations (Qt lays a long text out meanwhile)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    BIG_CHARS, ANNOTATIONS = args.chars, args.annotations

    with workload.temporary_home("annotator-bench-workspace-", args.keep) as (tmp, env):
        env["QT_QPA_PLATFORM"] = "offscreen"
        rng = random.Random(args.seed)
        project_path = tmp / "workspace.annotator"
        started = time.perf_counter()
        small_id, big_id, facts = build_project(project_path, rng)
        print(f"text: {workload.text_source()}")
        print(f"large document: {facts['chars']:,} characters, {facts['bytes']:,} bytes of UTF-8, "
              f"{facts['utf16']:,} UTF-16 units ({facts['astral']} emoji outside the BMP), "
              f"{facts['curly']:,} curly quotes, {facts['paragraphs']:,} paragraphs; "
              f"{facts['stored']:,} annotations ({facts['overlapping']:,} overlap another), "
              f"4 categories, {ANNOTATORS} annotators; built in {time.perf_counter() - started:.1f} s (not timed)")
        failures: list[str] = []
        if facts["stored"] != ANNOTATIONS:
            failures.append(f"the project holds {facts['stored']:,} annotations, not {ANNOTATIONS:,}")

        gui_path = tmp / "workspace-gui.annotator"  # the creations go here; the children get the original
        shutil.copyfile(project_path, gui_path)
        results = measure_gui(gui_path, small_id, big_id, args.runs, args.creations, rng, failures, args.idle)
        results["memory"] = measure_memory(tmp, project_path, small_id, big_id, args.memory_runs, env, failures)
        # As this environment runs Python (bytecode written or not), then with bytecode cached.
        writes = "PYTHONDONTWRITEBYTECODE" not in env and "PYTHONPYCACHEPREFIX" not in env
        print(f"start: PYTHONDONTWRITEBYTECODE is {'set' if 'PYTHONDONTWRITEBYTECODE' in env else 'unset'}, "
              f"PYTHONPYCACHEPREFIX {env.get('PYTHONPYCACHEPREFIX', 'unset')}")
        imports: list[tuple] = []
        imports_cached: list[tuple] = []
        if not args.no_start:
            results["start"], imports = measure_start(tmp, args.runs, env, "as is", failures)
        if not writes and not args.no_start:
            results["start (.pyc)"], imports_cached = measure_start(tmp, args.runs, cached_env(tmp, env), ".pyc",
                                                                    failures)

        print(f"\n{'measure':<14}{'median':>10}{'target':>10}{'ratio':>7}   runs")
        for label, values in results.items():
            if not values:
                print(f"{label:<14}{'—':>10}{show(label, TARGETS[label]):>10}{'':>7}   no run succeeded")
                continue
            median = statistics.median(values)
            ratio = median / TARGETS[label]
            print(f"{label:<14}{show(label, median):>10}{show(label, TARGETS[label]):>10}{ratio:>7.2f}   "
                  f"{len(values)} runs, {show_runs(label, values)}{'   MISSED' if ratio > 1 else ''}")
        for label, found in (("import", imports), ("import (.pyc)", imports_cached)):
            if found:
                total, qt, own = (statistics.median(column) for column in zip(*found))
                print(f"{label:<14}{show('import', total):>10}{'none':>10}{'':>7}   "
                      f"annotator.gui.main_window alone, {len(found)} runs, "
                      f"{show_runs('import', [f[0] for f in found])}; "
                      f"median PySide6 {qt * 1000:.0f} ms, the rest {own * 1000:.0f} ms")
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
