"""Benchmark: the scaling run of issue 16 (point 8): every operation of the issue's table at 1×, 10×
and 100× of today's workloads, each in its own process, with the bare floor beside it.

Scales (× of the benchmarks' default workloads; 10× is about the issue's own figures):

  document   one document of s × 1,000,000 characters (about s MB) with s × 20,000 annotations,
             bench_workspace.build_project's workload (1×: bench_workspace.py's default)
  corpus     s × 1,000 documents of about 5,000 characters with s × 100,000 annotations by 3
             coders, bench_exchange_scale.build's workload (1×: bench_exchange.py's; 10×: the issue's
             10,000 documents / 1,000,000 annotations)
  spans      3 coders × s × 200 documents of bench_agreement_spans.build (10×: the issue's 2,000)

Operations, each in a fresh child process whose own peak RSS (VmHWM) is reported (the Qt ones
offscreen, through the public GUI objects, as bench_workspace.py does, so a rewritten panel is
measured the same way); what a child does before its timed part (a window, the table shown before
it is sorted) is not timed but is in its peak:

  open document        MainWindow.open_document(big) to the first painted screen      0.5 s
  create annotation    window.annotate(category) + repaint, median of 5 (after the open)  30 ms
  table: show          View → Table: Whole Corpus (the action), to the painted table  1 s, 500 MB
  table: sort by quote table.sortByColumn(the "Quote" column)                         0.5 s
  table: text filter   the table's filter field set to FILTER_WORD                    0.5 s
  table: switch doc    View → Next Document with the corpus table on                  0.5 s
  documents: filter    the documents panel's filter field set to FILTER_WORD          0.2 s
  documents: sort      sortByColumn(the "Length" column) in the documents panel       0.1 s
  export               `annotator export CORPUS -o x.json` (the CLI)               no target
  import-annotations   `annotator import-annotations EMPTY x.json`           30 s and 1 GB per 1M
  merge                `annotator merge x.json -o team.json`                 30 s and 1 GB per 1M
  add_annotations      one Project.add_annotations call with all the corpus's rows    10 s per 1M
  span report          span_report(texts, spans), every measure    5 s at 2,000 documents (8.9 s per 1M spans)
  CSV export           `annotator export CORPUS -o x.csv`                  peak ≤ the JSON export's

A debounce timer a panel starts on typing is fired at once (its wait is a choice, not work). The
floors, each in a child of its own, with the sqlite3 module and Qt only: the same rows read with a
bare SELECT (the annotation rows with their quotes cut by substr, all of them and the first screen
of 60; sorted by quote; filtered by LIKE; a document's text and rows; the documents by length or
text LIKE), a bare executemany of the same rows into a fresh table of the same schema (import,
add_annotations), one INSERT + COMMIT (create), reading the export file's lines (merge), and a
bare QTextDocument with QPlainTextDocumentLayout laid out offscreen (first screen and whole text).

--cap S kills an operation still running S seconds into its timed part (or its setup), reported
"> cap"; an operation over its cap (or --mem-cap) at one scale is not run at the larger ones, nor
one whose last figure, scaled linearly, would pass the cap or --mem-cap. Everything is written
under --workdir (default /tmp/scale-run-bench), removed at the end unless --keep (with --keep, the
built workloads are reused by the next run).

Run:  .venv/bin/python benchmarks/bench_scale.py [--scales 1,10] [--cap 300] [--mem-cap 8000]
      [--only NAME,...] [--workdir /tmp/scale-run-bench] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before PySide6 is imported, here and in the children
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bench_exchange
import bench_workspace
import scale_plan
import workload

FILTER_WORD = "capital"  # in about 4% of the quotes and most documents of the corpus text
SPAN_DOCS = 200  # span report documents at 1×
CREATIONS = 5


@dataclass
class Op:
    name: str
    group: str  # "doc", "corpus", "spans": which workload
    target: float | None  # seconds (interactive) or seconds per million rows (batch)
    batch: bool = False
    mem_target: float | None = None  # MB, at the scale the issue states it (see MEM_AT)
    needs: str | None = None  # an operation whose output this one reads


OPS = [
    Op("open document", "doc", 0.5),
    Op("create annotation", "doc", 0.030),
    Op("table: show", "corpus", 1.0, mem_target=500),
    Op("table: sort by quote", "corpus", 0.5),
    Op("table: text filter", "corpus", 0.5),
    Op("table: switch document", "corpus", 0.5),
    Op("documents: filter by text", "corpus", 0.2),
    Op("documents: sort by length", "corpus", 0.1),
    Op("export", "corpus", None, batch=True),
    Op("import-annotations", "corpus", 30.0, batch=True, mem_target=1000, needs="export"),
    Op("merge", "corpus", 30.0, batch=True, mem_target=1000, needs="export"),
    Op("add_annotations", "corpus", 10.0, batch=True),
    Op("span report", "spans", 5.0 / 0.564631, batch=True, mem_target=500),
    Op("CSV export", "corpus", None, batch=True),
]
MEM_AT = {"table: show": 10, "import-annotations": 10, "merge": 10, "span report": 10}  # the sizes
FLOORS = {"doc": "floor-doc", "corpus": "floor-corpus"}


# -- in a child: building the workloads --------------------------------------------------------------

def builds(op: Op) -> set[str]:
    """The projects an operation reads: doc, corpus-docs (documents only) or corpus."""
    if op.group != "corpus":
        return {"doc": {"doc"}, "spans": set()}[op.group]
    return {"corpus-docs"} if op.name == "add_annotations" else {"corpus"}


def child_build(work: Path, scale: int, wanted: set[str]) -> None:
    """The projects of this scale that are wanted (each skipped when already built, with --keep)."""
    import bench_exchange_scale

    if "doc" in wanted and not (work / "doc.json").exists():
        bench_workspace.BIG_CHARS, bench_workspace.ANNOTATIONS = int(1_000_000 * scale), int(20_000 * scale)
        started = time.perf_counter()
        small, big, facts = bench_workspace.build_project(work / "doc.annotator", random.Random(1))
        (work / "doc.json").write_text(json.dumps({"small": small, "big": big, **facts}))
        print(f"built doc.annotator: {facts['chars']:,} characters, {facts['stored']:,} annotations "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
    bench_exchange.DOCUMENTS = int(1000 * scale)
    for name, count in (("corpus-docs", 0), ("corpus", int(100_000 * scale))):
        if name in wanted and not (work / f"{name}.annotator").exists():
            part = work / "building" / f"{name}.annotator"  # moved into place once whole
            part.parent.mkdir(exist_ok=True)
            remove(part)
            bench_exchange_scale.build(part, count, 1)  # the same seed: the same texts
            part.rename(work / f"{name}.annotator")
            sys.stdout.flush()


# -- in a child: the operations ------------------------------------------------------------------------

def fresh_copy(source: Path, target: Path) -> Path:
    """Copy a project file over ``target``, removing a WAL left beside an earlier copy first."""
    remove(target)
    shutil.copyfile(source, target)
    return target


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ready() -> None:
    """Tell the parent the timed part starts (its cap clock starts here)."""
    print(f"ready {proc_kb('self', 'VmRSS')}", flush=True)


def settle(app, *widgets) -> None:
    for widget in widgets:
        widget.viewport().repaint()
    app.processEvents()


def fire_timers(app, panel) -> None:
    """Fire at once the single-shot timers a panel started (a filter's debounce), then let events run."""
    from PySide6.QtCore import QTimer

    for timer in panel.findChildren(QTimer):
        if timer.isActive() and timer.isSingleShot():
            timer.setInterval(0)
            timer.start()
    for _ in range(100):
        app.processEvents()
        if not any(t.isActive() and t.isSingleShot() for t in panel.findChildren(QTimer)):
            break


def column(view, title: str) -> int:
    model = view.model()
    from PySide6.QtCore import Qt

    for c in range(model.columnCount()):
        if str(model.headerData(c, Qt.Orientation.Horizontal)).strip().lower() == title.lower():
            return c
    raise LookupError(f"no {title!r} column in {type(model).__name__}")


def doc_op(work: Path, name: str) -> tuple[float, str, int]:
    """open / create through bench_workspace.measure_gui (one open; CREATIONS creations or none)."""
    facts = json.loads((work / "doc.json").read_text())
    bench_workspace.ANNOTATIONS = facts["stored"]
    # A copy: the creations (and the one key press measure_gui tries after an open) are written to it.
    path = fresh_copy(work / "doc.annotator", work / "doc-run.annotator")
    failures: list[str] = []
    ready()
    results = bench_workspace.measure_gui(path, facts["small"], facts["big"], 1,
                                          CREATIONS if name == "create annotation" else 0,
                                          random.Random(2), failures)
    if failures:
        raise RuntimeError("; ".join(failures))
    if name == "open document":
        return results["open"][0], f"{facts['chars']:,} chars, {facts['stored']:,} annotations", facts["stored"]
    times = results["create"]
    return statistics.median(times), f"median of {len(times)}; " + ", ".join(f"{t * 1000:.0f}" for t in times) + \
        " ms", 1


def corpus_window(work: Path):
    from PySide6.QtWidgets import QApplication

    from annotator.core.project.project import Project
    from annotator.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(Project.open(work / "corpus.annotator"))
    window.resize(1400, 900)
    window.show()
    bench_workspace.settle(app, window)
    return app, window


def label_text(panel) -> str:
    label = getattr(panel, "count_label", None)
    return label.text() if label is not None else "?"


def table_op(work: Path, name: str) -> tuple[float, str, int]:
    from PySide6.QtCore import Qt

    app, window = corpus_window(work)
    panel, corpus_action = window.table_panel, window.actions["view.corpus_table"]
    if name != "table: show":
        corpus_action.trigger()  # setup: the corpus table shown (not timed)
        settle(app, panel.table)
    ready()
    started = time.perf_counter()
    if name == "table: show":
        corpus_action.trigger()
        settle(app, panel.table)
    elif name == "table: sort by quote":
        panel.table.sortByColumn(column(panel.table, "Quote"), Qt.SortOrder.AscendingOrder)
        settle(app, panel.table)
    elif name == "table: text filter":
        panel.filter_edit.setText(FILTER_WORD)
        fire_timers(app, panel)
        settle(app, panel.table)
    else:
        window.actions["view.next_document"].trigger()
        settle(app, window.view, panel.table)
    seconds = time.perf_counter() - started
    detail = f"{label_text(panel)}; corpus table on: {corpus_action.isChecked()}"
    if name == "table: switch document":
        detail += f"; now {getattr(getattr(window, 'document', None), 'title', None)!r}"
    return seconds, detail, 0


def documents_op(work: Path, name: str) -> tuple[float, str, int]:
    from PySide6.QtCore import Qt

    app, window = corpus_window(work)
    panel = window.corpus
    indexing = time.perf_counter()  # documents added are indexed in the app's idle time (not timed)
    while window.project.documents_to_index():
        app.processEvents()
    indexing = time.perf_counter() - indexing
    ready()
    started = time.perf_counter()
    if name == "documents: filter by text":
        panel.filter_edit.setText(FILTER_WORD)
        fire_timers(app, panel)
    else:
        panel.table.sortByColumn(column(panel.table, "Length"), Qt.SortOrder.DescendingOrder)
    settle(app, panel.table)
    seconds = time.perf_counter() - started
    first = panel.table.model().index(0, 0).data()
    return seconds, f"{label_text(panel)}; first row {str(first)[:30]!r}; indexed first: {indexing:.1f} s", 0


def add_op(work: Path) -> tuple[float, str, int]:
    from annotator.core.project.project import Project

    path = fresh_copy(work / "corpus-docs.annotator", work / "add.annotator")
    with Project.open(path) as project:
        documents = project.documents()
        categories = [c.id for c in project.categories()]
        annotators = project.annotators(gold=False)
        count = 100 * len(documents)
        spans = workload.make_spans(random.Random(3), [d.length for d in documents], len(categories), count, 3,
                                    bench_exchange.NOTE)
        ready()
        started = time.perf_counter()
        bench_exchange.add_spans(project, documents, categories, annotators, spans)
        seconds = time.perf_counter() - started
        stored = project.count_annotations()
    remove(path)
    if stored != count:
        raise RuntimeError(f"{stored:,} annotations stored, not {count:,}")
    return seconds, f"{count:,} rows (the rows' tuples, made beforehand, are in the peak)", count


def span_op(scale: int) -> tuple[float, str, int]:
    import bench_agreement_spans

    from annotator.core.agreement.spans import span_report

    texts, spans = bench_agreement_spans.build(1, int(SPAN_DOCS * scale))
    ready()
    started = time.perf_counter()
    report = span_report(texts, spans)
    seconds = time.perf_counter() - started
    return seconds, f"{len(texts):,} documents, {len(spans):,} spans, {len(report['per_document']):,} reported", \
        len(spans)


# -- in a child: the floors ----------------------------------------------------------------------------

def timed(do) -> float:
    started = time.perf_counter()
    do()
    return time.perf_counter() - started


def plain_layout(text: str) -> tuple[float, float]:
    """Seconds for a bare QTextDocument + QPlainTextDocumentLayout to take the text and lay out the
    first screen (900 px at 1,000 px wide), then the rest."""
    from PySide6.QtGui import QGuiApplication, QTextDocument
    from PySide6.QtWidgets import QPlainTextDocumentLayout

    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    started = time.perf_counter()
    document = QTextDocument()
    layout = QPlainTextDocumentLayout(document)
    document.setDocumentLayout(layout)
    document.setPlainText(text)
    document.setTextWidth(1000)
    block, height = document.begin(), 0.0
    while block.isValid() and height < 900:
        height += layout.blockBoundingRect(block).height()
        block = block.next()
    first = time.perf_counter() - started
    while block.isValid():
        layout.blockBoundingRect(block)
        block = block.next()
    return first, time.perf_counter() - started


ROWS = ("SELECT a.id, a.document_id, a.category_id, a.annotator_id, a.start, a.\"end\", a.note, "
        "substr(d.text, a.start + 1, min(a.\"end\" - a.start, 200)) AS quote "
        "FROM annotations a JOIN documents d ON d.id = a.document_id")


def floor_doc(work: Path) -> dict[str, str]:
    import sqlite3

    facts = json.loads((work / "doc.json").read_text())
    db = sqlite3.connect(work / "doc.annotator")
    ready()
    read = timed(lambda: (db.execute("SELECT text FROM documents WHERE id = ?", (facts["big"],)).fetchone(),
                          db.execute("SELECT id, start, \"end\", category_id, annotator_id FROM annotations "
                                     "WHERE document_id = ?", (facts["big"],)).fetchall()))
    text = db.execute("SELECT text FROM documents WHERE id = ?", (facts["big"],)).fetchone()[0]
    db.close()
    first, whole = plain_layout(text)
    copy = fresh_copy(work / "doc.annotator", work / "doc-floor.annotator")
    db = sqlite3.connect(copy, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    columns = [row[1] for row in db.execute("PRAGMA table_info(annotations)")]
    one = db.execute("SELECT id FROM annotations LIMIT 1").fetchone()[0]
    rest = ", ".join(f'"{c}"' for c in columns if c != "id")
    insert = timed(lambda: db.execute(f"INSERT INTO annotations (id, {rest}) SELECT 'floor-1', {rest} "
                                      "FROM annotations WHERE id = ?", (one,)))
    db.close()
    remove(copy)
    return {"open document": f"{show_s(read + first)} (read {show_s(read)}, plain layout first screen "
                             f"{show_s(first)}; whole {show_s(whole)})",
            "create annotation": f"{show_s(insert)} (INSERT + COMMIT, synchronous=FULL)"}


def floor_corpus(work: Path) -> dict[str, str]:
    import sqlite3

    db = sqlite3.connect(work / "corpus.annotator")
    like = f"%{FILTER_WORD}%"
    ready()

    def drain(sql: str, *params) -> int:
        return sum(1 for _ in db.execute(sql, params))

    page = f"{ROWS} ORDER BY d.position, a.start LIMIT 60"
    all_rows = timed(lambda: drain(ROWS))
    first = timed(lambda: (db.execute("SELECT count(*) FROM annotations").fetchone(), drain(page)))
    by_quote = timed(lambda: drain(f"{ROWS} ORDER BY quote LIMIT 60"))
    filtered = timed(lambda: db.execute(f"SELECT count(*) FROM ({ROWS}) WHERE quote LIKE ? OR note LIKE ?",
                                        (like, like)).fetchone())
    second = db.execute("SELECT id FROM documents ORDER BY position LIMIT 1 OFFSET 1").fetchone()[0]
    switch = timed(lambda: (db.execute("SELECT text FROM documents WHERE id = ?", (second,)).fetchone(),
                            drain("SELECT id, start, \"end\", category_id, annotator_id FROM annotations "
                                  "WHERE document_id = ?", second)))
    documents = timed(lambda: drain("SELECT id FROM documents WHERE title LIKE ? OR text LIKE ?", like, like))
    by_length = timed(lambda: drain("SELECT id, title, length FROM documents ORDER BY length DESC"))
    export = timed(lambda: (drain("SELECT * FROM annotations"), drain("SELECT id, title, text FROM documents")))
    lines = work / "export.json"
    merge = timed(lambda: sum(len(line) for line in open(lines, "rb"))) if lines.exists() else None
    db.close()
    insert = insert_floor(work)
    return {"table: show": f"{show_s(first)} first screen; all rows {show_s(all_rows)}",
            "table: sort by quote": f"{show_s(by_quote)} (ORDER BY quote LIMIT 60, no index)",
            "table: text filter": f"{show_s(filtered)} (quote or note LIKE)",
            "table: switch document": f"{show_s(switch)} (its text and rows)",
            "documents: filter by text": f"{show_s(documents)} (title or text LIKE)",
            "documents: sort by length": f"{show_s(by_length)} (ORDER BY length, all rows)",
            "export": f"{show_s(export)} (every row and text read)",
            "import-annotations": f"{show_s(insert)} (bare executemany)",
            "merge": f"{show_s(merge)} (the file's lines read)" if merge is not None else "no export file",
            "add_annotations": f"{show_s(insert)} (bare executemany)"}


def insert_floor(work: Path) -> float:
    """Seconds to executemany the corpus's annotation rows into a fresh file with the same table and
    indexes (WAL, synchronous=FULL, a 256 MiB page cache as the bulk path uses), read 200,000 at a
    time beforehand (not timed)."""
    import sqlite3

    target = work / "floor-insert.sqlite"
    remove(target)
    source = sqlite3.connect(work / "corpus.annotator")
    db = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "cache_size = -262144"):
        db.execute(f"PRAGMA {pragma}")
    for (sql,) in source.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'annotations' AND sql IS NOT NULL "
                                 "AND type IN ('table', 'index') ORDER BY type DESC"):
        db.execute(sql)
    width = len(source.execute("SELECT * FROM annotations LIMIT 1").description)
    cursor, seconds = source.execute("SELECT * FROM annotations"), 0.0
    db.execute("BEGIN")
    while rows := cursor.fetchmany(200_000):
        seconds += timed(lambda: db.executemany(f"INSERT INTO annotations VALUES ({', '.join('?' * width)})", rows))
    seconds += timed(lambda: db.execute("COMMIT"))
    db.close()
    source.close()
    remove(target)
    return seconds


def child(argv: list[str]) -> int:
    """--child KIND WORK SCALE: run one operation (or build, or a floor); print `result JSON` at the end."""
    kind, work, scale = argv[0], Path(argv[1]), float(argv[2])
    if kind == "build":
        child_build(work, scale, set(argv[3].split(",")))
        return 0
    floors = {"floor-doc": floor_doc, "floor-corpus": floor_corpus}
    if kind in floors:
        result = {"floors": floors[kind](work)}
    else:
        if kind in ("open document", "create annotation"):
            seconds, detail, rows = doc_op(work, kind)
        elif kind.startswith("table: "):
            seconds, detail, rows = table_op(work, kind)
        elif kind.startswith("documents: "):
            seconds, detail, rows = documents_op(work, kind)
        elif kind == "add_annotations":
            seconds, detail, rows = add_op(work)
        else:
            seconds, detail, rows = span_op(scale)
        result = {"seconds": seconds, "detail": detail, "rows": rows}
    result["peak_kb"] = proc_kb("self", "VmHWM")
    print("result " + json.dumps(result), flush=True)
    os._exit(0)  # no Qt teardown of a million-row model: it is not what is measured


# -- the parent: running children under the caps -----------------------------------------------------

@dataclass
class Run:
    status: str  # ok, cap, mem, failed
    seconds: float = 0.0
    peak_mb: float = 0.0
    before_mb: float = 0.0
    detail: str = ""
    rows: int = 0
    load: str = ""
    floors: dict = field(default_factory=dict)


def load() -> str:
    """The 1-minute load average."""
    return f"{os.getloadavg()[0]:.1f}"


def watch(argv: list[str], env: dict, cap: float, mem_cap_mb: float, peak_file: Path | None = None,
          timed_from_start: bool = False) -> Run:
    """Run a child; kill it past `cap` seconds of setup or of timed part, or past `mem_cap_mb` of RSS.

    Python children print `ready RSS_KB` when their timed part starts and `result JSON` at the end; a
    CLI child (timed_from_start) is timed by wall clock here and writes its VmHWM to `peak_file`.
    """
    started_load = load()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    tail: list[str] = []
    reader = threading.Thread(target=lambda: ([lines.put(line) for line in proc.stdout], lines.put(None)), daemon=True)
    errors = threading.Thread(target=lambda: tail.extend(proc.stderr), daemon=True)
    reader.start()
    errors.start()
    clock = time.perf_counter()
    timing_from = clock if timed_from_start else None
    result, before_kb, hwm_kb, status = None, 0, 0, None
    while True:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            line = ""
        if line is None:  # the child closed its output: it is done
            break
        if line.startswith("ready "):
            timing_from, before_kb = time.perf_counter(), int(line.split()[1])
        elif line.startswith("result "):
            result = json.loads(line[7:])
        elif line.startswith("built "):
            print(f"    {line.rstrip()}", flush=True)
        rss, hwm_kb = proc_kb(proc.pid, "VmRSS"), max(hwm_kb, proc_kb(proc.pid, "VmHWM"))
        if rss * 1024 / 1e6 > mem_cap_mb:
            status = "mem"
        elif time.perf_counter() - (timing_from or clock) > cap:
            status = "cap" if timing_from is not None else "setup cap"
        if status:
            proc.kill()
            break
    proc.wait()
    errors.join(timeout=5)
    wall = time.perf_counter() - (timing_from or clock)
    run = Run(status or "ok", load=f"{started_load}→{load()}")
    run.before_mb = before_kb * 1024 / 1e6
    if status:
        run.seconds, run.peak_mb = wall, hwm_kb * 1024 / 1e6
        return run
    if proc.returncode != 0 or (not timed_from_start and result is None):
        run.status, run.detail = "failed", f"exit {proc.returncode}: " + "".join(tail)[-600:].strip()
        return run
    if timed_from_start:
        peak = peak_file.read_text().strip() if peak_file and peak_file.exists() else ""
        run.seconds, run.peak_mb = wall, int(peak or hwm_kb) * 1024 / 1e6
        return run
    run.peak_mb = result["peak_kb"] * 1024 / 1e6
    run.seconds, run.detail, run.rows = result.get("seconds", wall), result.get("detail", ""), result.get("rows", 0)
    run.floors = result.get("floors", {})
    return run


def proc_kb(pid: int | str, field_name: str) -> int:
    """A field of /proc/PID/status in kB (0 once the process is gone)."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cli_run(env: dict, cap: float, mem_cap: float, work: Path, *args: str) -> Run:
    peak = work / "peak.txt"
    peak.unlink(missing_ok=True)
    return watch([sys.executable, "-c", bench_exchange._WRAPPER, str(peak), *args], env, cap, mem_cap, peak, True)


def run_op(op: Op, work: Path, scale: int, env: dict, cap: float, mem_cap: float) -> Run:
    corpus = str(work / "corpus.annotator")
    if op.name == "export":
        return cli_run(env, cap, mem_cap, work, "export", corpus, "-o", str(work / "export.json"))
    if op.name == "CSV export":
        run = cli_run(env, cap, mem_cap, work, "export", corpus, "-o", str(work / "export.csv"))
        (work / "export.csv").unlink(missing_ok=True)
        return run
    if op.name == "import-annotations":
        empty = work / "import.annotator"
        empty.unlink(missing_ok=True)
        workload.run_cli("init", "--empty", str(empty), env=env)
        run = cli_run(env, cap, mem_cap, work, "import-annotations", str(empty), str(work / "export.json"))
        empty.unlink(missing_ok=True)
        return run
    if op.name == "merge":
        run = cli_run(env, cap, mem_cap, work, "merge", str(work / "export.json"), "-o", str(work / "team.json"))
        (work / "team.json").unlink(missing_ok=True)
        return run
    return watch([sys.executable, __file__, "--child", op.name, str(work), str(scale)], env, cap, mem_cap)


# -- the report ----------------------------------------------------------------------------------------

def show_s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 0.001:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def workload_label(op: Op, scale: int) -> str:
    if op.group == "doc":
        return f"{scale:g} MB / {int(20_000 * scale):,}"
    if op.group == "spans":
        return f"3 × {int(SPAN_DOCS * scale):,} docs"
    return f"{int(1000 * scale):,} docs / {int(100_000 * scale):,}"


def verdict(op: Op, scale: int, run: Run, json_peak: float | None) -> str:
    """Against the issue's target: "yes" / "NO (...)" for interactive work, per million rows for batches."""
    if run.status != "ok":
        return "—"
    mem = ""
    if op.mem_target is not None and MEM_AT.get(op.name) == scale:
        mem = "; memory " + ("ok" if run.peak_mb <= op.mem_target else f"NO (> {op.mem_target:.0f} MB)")
    if op.name == "CSV export" and json_peak:
        return ("memory ≤ JSON's: " + ("yes" if run.peak_mb <= json_peak else "NO")
                + f" ({json_peak:.0f} MB)")
    if not op.batch:
        return ("yes" if run.seconds <= op.target else f"NO (> {show_s(op.target)})") + mem
    rows = run.rows or int(100_000 * scale)
    per = run.seconds / rows * 1e6
    if op.target is None:
        return f"{per:.1f} s per 1M (no target)"
    return f"{per:.1f} s per 1M: " + ("yes" if per <= op.target else f"NO (> {op.target:.1f})") + mem


def show_run(run: Run) -> tuple[str, str]:
    if run.status == "ok":
        before = f" ({run.before_mb:,.0f} before)" if run.before_mb else ""
        return show_s(run.seconds), f"{run.peak_mb:,.0f} MB{before}"
    if run.status in ("cap", "setup cap", "mem"):
        what = {"cap": "> cap", "setup cap": "setup > cap", "mem": "> mem cap"}[run.status]
        return f"{what} ({show_s(run.seconds)})", f"≥ {run.peak_mb:,.0f} MB"
    return run.status, "—"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated (default 1,10; the issue: 1,10,100)")
    parser.add_argument("--cap", type=float, default=300.0, help="seconds per operation (default 300)")
    parser.add_argument("--mem-cap", type=float, default=8000.0, help="MB of RSS per operation (default 8000)")
    parser.add_argument("--only", default="", help="comma-separated operation names (default: all)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/scale-run-bench"))
    parser.add_argument("--keep", action="store_true", help="keep the workloads (and reuse them next time)")
    args = parser.parse_args()
    scales = [float(s) for s in args.scales.split(",")]
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    ops = [op for op in OPS if not only or op.name in only]
    env = dict(os.environ, ANNOTATOR_HOME=str(args.workdir / "home"), QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]),
                                                      os.environ.get("PYTHONPATH")]))
    print(f"scaling run: scales {scales}, cap {args.cap:g} s, memory cap {args.mem_cap:,.0f} MB, "
          f"{os.cpu_count()} cores, load {load()}, text from {workload.text_source()}", flush=True)
    history: dict[str, list[tuple[int, Run]]] = {op.name: [] for op in ops}
    rows: list[tuple[Op, int, Run | str]] = []
    floors: dict[tuple[str, int], str] = {}
    started_all = time.perf_counter()
    try:
        for scale in scales:
            work = args.workdir / f"{scale:g}x"
            work.mkdir(parents=True, exist_ok=True)
            planned = {op.name: scale_plan.skip_reason(history[op.name], scale, args.cap, args.mem_cap)
                       for op in ops}
            wanted = set().union(*(builds(op) for op in ops if planned[op.name] is None))
            if wanted:
                started = time.perf_counter()
                print(f"\n{scale:g}×: building {', '.join(sorted(wanted))} (not timed; load {load()}) …", flush=True)
                built = watch([sys.executable, __file__, "--child", "build", str(work), str(scale), ",".join(wanted)],
                              env, float("inf"), float("inf"), timed_from_start=True)
                if built.status != "ok":
                    print(f"  build failed: {built.detail}", flush=True)
                    return 1
                print(f"  built in {time.perf_counter() - started:.0f} s (load {load()})", flush=True)
            else:
                print(f"\n{scale:g}×: nothing to build", flush=True)
            done: dict[str, Run] = {}
            for op in ops:
                reason = planned[op.name]
                if reason is None and op.needs and (done.get(op.needs) is None or done[op.needs].status != "ok"):
                    reason = f"not run ({op.needs} did not finish)"
                if reason is not None:
                    print(f"  {op.name:<27} {scale:>3g}×  {reason}", flush=True)
                    rows.append((op, scale, reason))
                    continue
                print(f"  {op.name:<27} {scale:>3g}×  running (load {load()}) …", end="", flush=True)
                run = run_op(op, work, scale, env, args.cap, args.mem_cap)
                done[op.name] = run
                history[op.name].append((scale, run))
                rows.append((op, scale, run))
                time_s, peak = show_run(run)
                print(f" {time_s}, peak {peak}  {run.detail[:120]}", flush=True)
            for group in sorted({op.group for op in ops if op.name in done and builds(op) <= wanted} & set(FLOORS)):
                print(f"  floors ({group}) {scale:>3g}×  running …", end="", flush=True)
                run = watch([sys.executable, __file__, "--child", FLOORS[group], str(work), str(scale)], env,
                            args.cap, args.mem_cap)
                print(f" {run.status}, {show_s(run.seconds) if run.status != 'ok' else 'done'}", flush=True)
                for name, text in run.floors.items():
                    floors[(name, scale)] = text
                if run.status != "ok":
                    for op in ops:
                        if op.group == group:
                            floors[(op.name, scale)] = f"{run.status} ({run.detail[:80]})"
            (work / "export.json").unlink(missing_ok=True)
    finally:
        if not args.keep:
            shutil.rmtree(args.workdir, ignore_errors=True)
        else:
            print(f"kept {args.workdir}")
    json_peaks = {scale: run.peak_mb for op, scale, run in rows
                  if op.name == "export" and isinstance(run, Run) and run.status == "ok"}
    rows.sort(key=lambda row: ([op.name for op in OPS].index(row[0].name), row[1]))  # by operation, then scale
    print_table(rows, floors, json_peaks)
    print_summary(ops, rows, json_peaks)
    print(f"\nthe whole run took {time.perf_counter() - started_all:.0f} s; load at the end {load()}")
    return 0


def print_table(rows, floors, json_peaks) -> None:
    print("\n| operation | scale | workload | time | peak RSS | floor | interactive? | load |")
    print("|---|---|---|---|---|---|---|---|")
    for op, scale, run in rows:
        floor = floors.get((op.name, scale), "—")
        if op.name == "CSV export":
            floor = "the JSON export's figure (export row)"
        if op.name == "span report":
            floor = "— (in memory: no read)"
        if isinstance(run, str):
            print(f"| {op.name} | {scale:g}× | {workload_label(op, scale)} | {run} | | {floor} | | |")
            continue
        time_s, peak = show_run(run)
        if run.status == "failed":
            time_s = f"failed: {run.detail[:100]}"
        print(f"| {op.name} | {scale:g}× | {workload_label(op, scale)} | {time_s} | {peak} | {floor} | "
              f"{verdict(op, scale, run, json_peaks.get(scale))} | {run.load} |")


def print_summary(ops, rows, json_peaks) -> None:
    """For each operation, the first scale at which it misses its target (or was stopped or not run)."""
    print("\nwhere each stops being interactive (first scale missing its target):")
    for op in ops:
        said, last_met = None, None
        for o, scale, run in rows:
            if o.name != op.name:
                continue
            if isinstance(run, str):
                said = said or f"{scale:g}×: {run}"
            elif run.status != "ok":
                said = said or f"{scale:g}×: {show_run(run)[0]}"
            elif "NO" in verdict(op, scale, run, json_peaks.get(scale)):
                said = said or f"{scale:g}×: {show_s(run.seconds)}, {verdict(op, scale, run, json_peaks.get(scale))}"
            elif said is None:
                last_met = scale
        met = f"meets it up to {last_met:g}×" if last_met is not None else "meets it at no scale run"
        print(f"  {op.name:<27} {met}" + (f"; stops at {said}" if said else "; never stops in this run"))


if __name__ == "__main__":
    sys.exit(main())
