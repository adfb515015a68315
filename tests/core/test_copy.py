"""The project is safe to copy: close() checkpoints the WAL into the file, and copy_project writes a
consistent, checked single-file copy while another connection holds the project and writes."""

import shutil
import sqlite3
import threading

import pytest

from annotator.cli import main
from annotator.core.errors import NotAProjectError
from annotator.core.files import OutputError
from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project
from annotator.core.storage.backups import copy_project


def test_after_close_the_file_alone_holds_every_edit_even_while_another_program_reads(tmp_path):
    path = tmp_path / "study.annotator"
    create_project(path).close()
    other = sqlite3.connect(path)  # e.g. the app, still open: SQLite does not delete the -wal then
    other.execute("SELECT count(*) FROM documents").fetchall()
    with Project.open(path) as project:
        for i in range(20):
            project.add_document(f"doc {i}", f"text number {i}")
    wal = path.with_name(path.name + "-wal")
    assert wal.exists()  # kept: `other` has the database open
    alone = tmp_path / "alone" / "study.annotator"
    alone.parent.mkdir()
    shutil.copyfile(path, alone)  # the main file only, as a naive copy (or a sync tool) takes it
    with Project.open(alone) as copy:
        assert copy.counts().documents == 20
    other.close()


def test_copy_while_another_connection_writes(tmp_path, capsys):
    path = tmp_path / "study.annotator"
    with create_project(path) as project:
        doc = project.add_document("doc", "some text to annotate here").document
        coder = project.add_annotator("alice")
        category = project.categories()[0]
    stop = threading.Event()
    written = []

    def writer():
        with Project.open(path) as busy:
            while not stop.is_set():
                busy.add_annotation(doc.id, category.id, coder.id, 0, 4)
                written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        copies = []
        for n in range(3):
            target = tmp_path / f"copy{n}.annotator"
            assert main(["copy", str(path), str(target)]) == 0
            copies.append(target)
    finally:
        stop.set()
        thread.join(30)
    out = capsys.readouterr().out
    assert out.startswith(f"copied {path} to {tmp_path / 'copy0.annotator'} (") and "checked" in out
    for target in copies:
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(target.name)) == [target.name]
        with sqlite3.connect(target) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        with Project.open(target) as copy:
            assert 20 <= copy.counts().annotations <= len(written)


def test_copy_refuses_projects_and_non_projects(tmp_path, capsys):
    path = tmp_path / "study.annotator"
    create_project(path).close()
    other = tmp_path / "other.annotator"
    create_project(other, name="Other").close()
    before = other.read_bytes()
    for target in (path, other, tmp_path / "study.annotator-wal", "-"):
        with pytest.raises(OutputError):
            copy_project(path, target)
    assert other.read_bytes() == before
    (tmp_path / "notes.txt").write_text("not a project")
    with pytest.raises(NotAProjectError):
        copy_project(tmp_path / "notes.txt", tmp_path / "x.annotator")
    assert main(["copy", str(path), str(other)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "other.annotator: is an Annotator project" in err
