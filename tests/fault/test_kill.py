"""SIGKILL at random moments: whatever a process had committed is there afterwards, the file passes
SQLite's integrity check, and the next run carries on. Each scenario kills a real process (no
clean-up runs) a seeded number of times after seeded delays."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from faultlib import integrity, snapshot

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

KILLS = int(os.environ.get("ANNOTATOR_KILLS", "12"))
SEED = int(os.environ.get("ANNOTATOR_FUZZ_SEED", "10"))
REPO = Path(__file__).resolve().parents[2]
FIXTURE_V1 = REPO / "tests" / "fixtures" / "project-v1.annotator"


def _start(code: str, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _kill(proc: subprocess.Popen) -> tuple[str, str]:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    return out, err


def _cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


# The writer: an endless, deterministic sequence of edits; after each commit it prints what it
# did, so everything it printed must survive the kill. Op i adds an annotation whose note is
# "n<i>"; every third op also rewrites an earlier note, every fifth deletes an earlier annotation
# (each of those a separate committed call, printed on its own).
WRITER = """
    import sys
    from annotator.core.project.project import Project
    p = Project.open(sys.argv[1])
    doc = p.documents()[0]
    coder = p.annotator_named("killer")
    cat = p.categories()[0].id
    i = len(p.annotations())
    print("ready", flush=True)
    while True:
        a = p.add_annotation(doc.id, cat, coder.id, i % 50, i % 50 + 5, note=f"n{i}")
        print("add", a.id, f"n{i}", flush=True)
        if i % 3 == 0:
            p.update_annotation(a.id, note=f"u{i}", by=coder.id)
            print("note", a.id, f"u{i}", flush=True)
        if i % 5 == 0:
            p.delete_annotation(a.id, by=coder.id)
            print("delete", a.id, "-", flush=True)
        i += 1
"""


def _expected(lines: list[str], state: dict[str, str]) -> None:
    for line in lines:
        parts = line.split()
        if len(parts) != 3:
            continue  # a line cut by the kill: that operation may or may not have committed
        kind, ann_id, value = parts
        if kind == "delete":
            state.pop(ann_id, None)
        else:
            state[ann_id] = value


def test_edits_survive_kills_at_random_moments(tmp_path):
    from annotator.core.project.project import Project
    from annotator.core.schema.templates import create_project

    path = tmp_path / "kill.annotator"
    with create_project(path) as project:
        project.add_document("Doc", "A text long enough for fifty-five characters of annotations, and more.")
    rng = random.Random(f"{SEED}-edits")
    state: dict[str, str] = {}
    for _ in range(KILLS):
        proc = _start(WRITER, path)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()  # start-up takes 0.4-1.5 s
        time.sleep(0.1 + rng.random() * 0.7)  # into the writes
        out, err = _kill(proc)
        assert "Traceback" not in err, err
        _expected(out.splitlines(), state)
        assert integrity(path) == "ok"
        with Project.open(path) as project:
            found = {a.id: a.note for a in project.annotations()}
        # Every printed operation holds; at most the one in flight differs.
        missing = {k: v for k, v in state.items() if found.get(k) != v}
        extra = set(found) - set(state)
        assert len(missing) + len(extra) <= 1, (missing, extra)
        state = {**state, **{k: found[k] for k in extra}}
        for key in list(missing):  # the in-flight op: take what the file says
            if key in found:
                state[key] = found[key]
            else:
                state.pop(key)
    assert len(state) > KILLS  # the writer got somewhere each time


def test_a_killed_import_leaves_whole_documents_and_the_next_run_finishes(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    texts = {}
    for n in range(300):
        text = f"Document {n}. " + "Some sentence about claims and opinions. " * (20 + n % 40)
        (folder / f"doc{n:03}.txt").write_text(text, encoding="utf-8")
        texts[hashlib.sha256(text.encode()).hexdigest()] = text
    path = tmp_path / "import.annotator"
    assert _cli("init", path).returncode == 0
    rng = random.Random(f"{SEED}-import")
    for _ in range(max(3, KILLS // 3)):
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "import", str(path), str(folder)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.4 + rng.random() * 1.2)
        _kill(proc)
        assert integrity(path) == "ok"
        rows = snapshot(path)["documents"]
        assert len(rows) == len(set(rows))
    from annotator.core.project.project import Project

    finished = _cli("import", path, folder)
    assert finished.returncode == 0, finished.stderr
    with Project.open(path) as project:
        docs = project.documents()
        assert len(docs) == 300  # all there, none twice
        for summary in docs[::37]:
            assert project.document(summary.id).text == texts[summary.sha256]


def test_a_killed_import_of_annotations_is_all_or_nothing(tmp_path):
    from annotator.core.project.project import Project
    from annotator.core.schema.templates import create_project

    source = tmp_path / "source.annotator"
    with create_project(source) as project:
        doc = project.add_document("Doc", "word " * 5000).document
        coder = project.add_annotator("alice")
        cat = project.categories()[0].id
        project.add_annotations({"document_id": doc.id, "category_id": cat, "annotator_id": coder.id,
                                 "start": i * 5, "end": i * 5 + 4} for i in range(4000))
    export = tmp_path / "alice.json"
    assert _cli("export", source, "-o", export).returncode == 0
    target = tmp_path / "target.annotator"
    rng = random.Random(f"{SEED}-import-annotations")
    for _ in range(max(3, KILLS // 3)):
        target.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        assert _cli("init", target).returncode == 0
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "import-annotations", str(target), str(export)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3 + rng.random() * 1.5)
        _kill(proc)
        assert integrity(target) == "ok"
        with Project.open(target) as project:
            assert project.count_annotations() in (0, 4000)


def test_a_killed_upgrade_leaves_a_project_that_opens(tmp_path):
    from annotator.core.project.project import Project

    reference = tmp_path / "reference.annotator"
    shutil.copy(FIXTURE_V1, reference)
    with Project.open(reference) as project:
        expected = sorted((a.id, a.start, a.end, a.note) for a in project.annotations())
    rng = random.Random(f"{SEED}-upgrade")
    for n in range(max(3, KILLS // 3)):
        path = tmp_path / f"v1-{n}.annotator"
        shutil.copy(FIXTURE_V1, path)
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "documents", str(path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.2 + rng.random() * 0.4)
        _kill(proc)
        assert integrity(path) == "ok"
        with Project.open(path) as project:
            assert sorted((a.id, a.start, a.end, a.note) for a in project.annotations()) == expected


def test_a_kill_during_a_backup_never_leaves_a_broken_backup(tmp_path, annotator_home):
    """Every file in the backups folder that looks like a backup opens and passes quick_check."""
    from annotator.core.project.project import NewDocument
    from annotator.core.schema.templates import create_project

    path = tmp_path / "big.annotator"
    with create_project(path) as project:
        # about 12 MB: a backup takes a while
        project.add_documents(NewDocument(f"D{n}", f"{n} " + "x" * 200_000) for n in range(60))
    env = dict(os.environ, ANNOTATOR_HOME=str(annotator_home))
    code = """
        import sys
        from annotator.core.project.project import Project
        p = Project.open(sys.argv[1])
        print("open", flush=True)
        while True:
            p.backup("loop")
            print("backup", flush=True)
    """
    rng = random.Random(f"{SEED}-backup")
    for _ in range(max(3, KILLS // 3)):
        proc = _start(code, path, env=env)
        assert proc.stdout.readline().strip() == "open"
        time.sleep(rng.random() * 0.3)
        _kill(proc)
    backups = annotator_home / "backups"
    kept = sorted(p for p in backups.glob("*.annotator"))
    for backup in kept:
        assert backup.stat().st_size > 0, f"{backup.name}: empty"
        assert integrity(backup) == "ok", f"{backup.name}: damaged"


def test_a_kill_during_an_export_leaves_no_stray_file_after_the_next(tmp_path):
    from annotator.core.project.project import NewDocument
    from annotator.core.schema.templates import create_project

    path = tmp_path / "export.annotator"
    with create_project(path) as project:
        project.add_documents([NewDocument(f"D{n}", f"{n} " + "word " * 40_000) for n in range(100)])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "export.json"
    rng = random.Random(f"{SEED}-export")
    for _ in range(max(3, KILLS // 3)):
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "export", str(path), "-o", str(target)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.4 + rng.random() * 0.8)
        _kill(proc)
    finished = _cli("export", path, "-o", target)
    assert finished.returncode == 0, finished.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["export.json"]
