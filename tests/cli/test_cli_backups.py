"""`annotator backups` and `annotator restore`; damaged, read-only and odd project files on the CLI."""

import os
import sqlite3

import pytest

from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project
from annotator.core.storage import backups
from tests.core.test_backups import damage_table


@pytest.fixture
def proj(tmp_path, run):
    path = tmp_path / "study.annotator"
    assert run("init", path)[0] == 0
    (tmp_path / "one.txt").write_text("The first text.\n")
    assert run("import", path, tmp_path / "one.txt")[0] == 0
    return path


def test_backups_lists_newest_first_and_restore_puts_one_back(proj, tmp_path, run):
    code, out, _ = run("backups", proj)
    assert code == 0 and out.startswith("no backups yet")
    (tmp_path / "two.txt").write_text("The second text.\n")
    assert run("import", proj, tmp_path / "two.txt")[0] == 0  # backup: one document
    (tmp_path / "three.txt").write_text("The third text.\n")
    assert run("import", proj, tmp_path / "three.txt")[0] == 0  # backup: two documents
    code, out, _ = run("backups", proj)
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:4] == ["#", "time", "reason", "size"]
    assert [line.split()[3] for line in lines[2:4]] == ["before-import", "before-import"]
    assert lines[-1] == f"restore one with: annotator restore {proj} NUMBER"
    code, out, err = run("restore", proj, "2")  # the older one: one document
    assert (code, err) == (0, "")
    assert out.startswith(f"restored {proj} from study-") and "before-restore" in out
    with Project.open(proj) as project:
        assert [d.title for d in project.documents()] == ["one.txt"]
    code, out, _ = run("backups", proj)
    assert out.splitlines()[2].split()[3] == "before-restore"
    code, _, err = run("restore", proj, "99")
    assert code == 1 and err.startswith("annotator: error: ") and "no backup number 99" in err


def test_restore_refuses_another_projects_backup(proj, tmp_path, run):
    with create_project(tmp_path / "other.annotator") as other:
        theirs = other.backup("x")
    code, _, err = run("restore", proj, theirs)
    assert code == 1 and "a backup of another project" in err and len(err.splitlines()) == 1


def test_damaged_project_refused_for_writing_but_exported(proj, tmp_path, run):
    texts = [tmp_path / f"t{i}.txt" for i in range(40)]
    for i, text in enumerate(texts):
        text.write_text(f"text {i} " * 300)
    assert run("import", proj, *texts)[0] == 0
    with sqlite3.connect(proj) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage_table(proj, "documents")  # not the middle of the file: the schema's own pages may lie there
    code, out, err = run("import", proj, tmp_path / "one.txt")
    assert code == 1 and out == ""
    assert err.startswith(f"annotator: error: {proj}: the project file is damaged (quick_check: ")
    assert "restore a backup with 'annotator restore" in err and len(err.splitlines()) == 1
    code, out, err = run("schema", "show", proj)
    assert code == 0 and "Opinion" in out


def test_read_only_project_refuses_writes_with_one_line(proj, run):
    proj.chmod(0o444)
    try:
        code, out, err = run("schema", "import", proj, proj)
        assert code == 1 and "the project is read-only" in err and len(err.splitlines()) == 1
        code, out, err = run("documents", proj)
        assert code == 0 and "one.txt" in out
    finally:
        proj.chmod(0o644)


def test_missing_table_and_odd_paths_are_one_line(proj, tmp_path, run):
    fifo = tmp_path / "fifo.annotator"
    os.mkfifo(fifo)
    for args in (["init", "/dev/null"], ["init", fifo], ["init", tmp_path], ["documents", fifo]):
        code, out, err = run(*args)
        assert code == 1 and err.startswith("annotator: error: ") and len(err.splitlines()) == 1, args
    with sqlite3.connect(proj) as conn:
        conn.execute("DROP TABLE annotations")
    code, _, err = run("export", proj, "-o", tmp_path / "x.json")
    assert code == 1 and "table annotations missing" in err


def test_a_full_backups_folder_stops_the_import(proj, tmp_path, run, monkeypatch):
    def full(source, dest, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "copy_database", full)
    (tmp_path / "new.txt").write_text("Something new.\n")
    code, out, err = run("import", proj, tmp_path / "new.txt")
    assert code == 1 and out == ""
    assert err.startswith("annotator: error: cannot write a backup to ") and err.endswith(
        ": database or disk is full; the project was not changed\n")
    with Project.open(proj) as project:
        assert project.counts().documents == 1
