"""Backups: named by the project's id, written whole or not at all, bounded by count and size,
taken only before a change, listed and restored; damaged, read-only and odd project files."""

import os
import sqlite3
import time

import pytest

from annotator.core.documents.importing import import_paths
from annotator.core.errors import BackupError, DamagedProjectError, NotAProjectError, ReadOnlyError
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import build_export, save
from annotator.core.project.project import Project
from annotator.core.schema.apply import import_schema
from annotator.core.schema.files import write_schema
from annotator.core.schema.templates import create_project
from annotator.core.storage import backups, db


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_two_projects_with_the_same_file_name_keep_their_own_backups(tmp_path, monkeypatch, annotator_home):
    monkeypatch.setattr(backups, "BACKUPS_KEPT", 2)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (create_project(tmp_path / "a" / "study.annotator") as a,
          create_project(tmp_path / "b" / "study.annotator") as b):
        a_backups = [a.backup(f"a{i}") for i in range(2)]
        for i in range(3):
            b.backup(f"b{i}")
        assert all(p.exists() for p in a_backups)  # b's rotation did not delete a's backups
        assert a.info().id[:8] in a_backups[0].name
        assert [x.reason for x in backups.list_backups(a.path)] == ["a1", "a0"]
        assert [x.reason for x in backups.list_backups(b.path)] == ["b2", "b1"]


def test_backups_are_also_bounded_by_size_and_the_newest_is_always_kept(project, monkeypatch):
    monkeypatch.setattr(backups, "BACKUPS_MIN_BUDGET", 0)
    monkeypatch.setattr(backups, "BACKUPS_SIZE_FACTOR", 2)  # room for about two copies
    made = [project.backup(f"r{i}") for i in range(5)]
    kept = [b.path for b in backups.list_backups(project.path)]
    assert kept == made[:-3:-1]
    monkeypatch.setattr(backups, "BACKUPS_SIZE_FACTOR", 0)
    newest = project.backup("alone")
    assert [b.path for b in backups.list_backups(project.path)] == [newest]


def test_a_failing_backup_leaves_no_file_and_changes_nothing(filled, tmp_path, monkeypatch, annotator_home, dump):
    project = filled[0]
    before = dump(project)

    real_copy = backups.copy_database

    def full(source, dest, **kwargs):
        real_copy(source, dest)  # a partial file exists, then the disk is full
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "copy_database", full)
    new = tmp_path / "new.txt"
    new.write_text("A text the project does not hold yet.")
    with pytest.raises(BackupError, match=r"cannot write a backup to .*backups: database or disk is full; "
                                          r"the project was not changed"):
        import_paths(project, [new])
    assert dump(project) == before
    assert names(annotator_home / "backups") == []  # no partial file, no journal


def test_a_backups_folder_that_cannot_be_made_is_one_plain_error(project, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("ANNOTATOR_HOME", str(blocker))  # backups folder under a regular file
    with pytest.raises(BackupError, match=r"cannot write a backup to .*a-file/backups: Not a directory"):
        project.backup("x")


def test_a_check_failure_or_kill_never_leaves_a_file_counted_as_a_backup(project, monkeypatch, annotator_home):
    def broken(conn, source):
        raise sqlite3.DatabaseError("quick_check failed")

    monkeypatch.setattr(backups, "_check", broken)
    with pytest.raises(BackupError, match="quick_check failed"):
        project.backup("checked")
    assert backups.list_backups(project.path) == []
    assert names(annotator_home / "backups") == []


def test_orphans_of_killed_backups_are_removed(project, annotator_home):
    folder = annotator_home / "backups"
    folder.mkdir(parents=True)
    orphans = [folder / "x-0123abcd-20260101T000000000000Z-a.annotator.partial",
               folder / "x-0123abcd-20260101T000000000000Z-a.annotator.partial-journal",
               folder / "old-0123abcd-20260101T000000000000Z-a.annotator-journal",
               folder / "old-0123abcd-20260101T000000000000Z-a.annotator"]
    for orphan in orphans:
        orphan.write_bytes(b"half")
        os.utime(orphan, (time.time() - 2 * backups.ORPHAN_AGE,) * 2)
    fresh = folder / "y-0123abcd-20260101T000000000000Z-b.annotator.partial"  # another program's, running
    fresh.write_bytes(b"busy")
    made = project.backup("now")
    assert names(folder) == sorted([made.name, fresh.name])


def test_import_of_nothing_new_takes_no_backup(filled, tmp_path, annotator_home):
    project = filled[0]
    same = tmp_path / "one.txt"
    same.write_text(project.document(filled[1][0].id).text)
    report = import_paths(project, [same])
    assert report.backup is None and len(report.duplicates) == 1
    export = tmp_path / "export.json"
    save(build_export(project), export)
    assert import_annotations(project, [export]).backup is None
    schema = tmp_path / "schema.json"
    write_schema(project, schema, "json")
    assert import_schema(project, schema).backup is None
    assert not (annotator_home / "backups").exists() or names(annotator_home / "backups") == []
    other = tmp_path / "two.txt"
    other.write_text("Something new.")
    report = import_paths(project, [same, other])
    assert report.backup is not None
    with Project.open(report.backup, mode="read") as copy:
        assert copy.counts().documents == 2  # the state before the import


def test_restore_brings_back_the_backup_after_backing_up_the_current_state(filled, tmp_path, dump):
    project, (doc1, _), _, _ = filled
    before = dump(project)
    backup = project.backup("manual")
    first = project.annotations()[0]
    project.delete_annotation(first.id, by=first.annotator_id)
    after = dump(project)
    project.close()
    saved = backups.restore_backup(project.path, backup)
    with Project.open(project.path) as restored:
        assert dump(restored) == before
    assert "before-restore" in saved.name
    with Project.open(saved, mode="read") as copy:
        assert dump(copy) == after
    assert [b.reason for b in backups.list_backups(project.path)][:2] == ["before-restore", "manual"]


def test_restore_refuses_another_projects_backup_and_a_damaged_one(project, tmp_path):
    with create_project(tmp_path / "other.annotator") as other:
        theirs = other.backup("x")
    with pytest.raises(BackupError, match="a backup of another project.*nothing was restored"):
        backups.restore_backup(project.path, theirs)
    mine = project.backup("y")
    damage_pages(mine)
    with pytest.raises(BackupError, match="the backup is damaged"):
        backups.restore_backup(project.path, mine)


def damage_pages(path):
    """Overwrite bytes in the middle of a file of several pages."""
    size = path.stat().st_size
    assert size > 8 * 4096
    with path.open("r+b") as handle:
        handle.seek(size // 2 - 4096)
        handle.write(b"\xa5" * 8192)


def damage_table(path, table):
    """Overwrite the pages of one table's b-tree after its first (found with SQLite's dbstat), so
    reading it fails wherever the other tables' pages lie (the full-text index's are among them)."""
    conn = sqlite3.connect(path)
    pages = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert len(pages) > 2
    with path.open("r+b") as handle:
        for page in pages[1:]:
            handle.seek((page - 1) * size)
            handle.write(b"\xa5" * size)


@pytest.fixture
def big(project):
    from annotator.core.project.project import NewDocument

    project.add_documents([NewDocument(f"doc {i}", f"text number {i} " * 200) for i in range(60)])
    project.close()
    return project.path


def test_a_damaged_project_is_refused_for_writing_and_can_still_be_read(big, annotator_home):
    damage_pages(big)
    with pytest.raises(DamagedProjectError, match=r"test.annotator: the project file is damaged \(quick_check: .*"
                                                  r"restore a backup with 'annotator restore"):
        Project.open(big)
    with Project.open(big, mode="read") as project:
        assert project.read_only
        assert project.info().name == "test"
        with pytest.raises(ReadOnlyError, match="open read-only; changes cannot be saved"):
            project.add_annotator("x")


def test_a_damaged_project_can_be_restored(big):
    with Project.open(big) as project:
        backup = project.backup("good")
        count = project.counts().documents
    damage_pages(big)
    backups.restore_backup(big, backup)
    with Project.open(big) as project:
        assert project.counts().documents == count
    [saved] = [b for b in backups.list_backups(big) if b.reason == "before-restore"]
    assert saved.size == big.stat().st_size or saved.size > 0


def test_a_document_whose_text_is_not_text_is_damage(filled):
    project = filled[0]
    project.close()
    with sqlite3.connect(project.path) as conn:
        conn.execute("UPDATE documents SET text = CAST(X'48ff6c6c6f' AS TEXT) WHERE title = 'Two'")
    with pytest.raises(DamagedProjectError, match=r"damaged \(1 document\(s\) whose text is not valid UTF-8"):
        Project.open(project.path)


def test_a_project_missing_a_table_is_one_plain_error(project):
    project.close()
    conn = sqlite3.connect(project.path)
    conn.execute("DROP TABLE annotations")
    conn.commit()
    conn.close()
    with pytest.raises(DamagedProjectError, match=r"damaged \(table annotations missing\)"):
        Project.open(project.path)


def test_a_read_only_project_opens_read_only(project, monkeypatch, dump):
    project.close()
    mode = project.path.stat().st_mode
    project.path.chmod(0o444)
    try:
        with pytest.raises(ReadOnlyError, match="read-only .*it can be exported but not changed"):
            Project.open(project.path)
        with Project.open_for_reading(project.path) as opened:
            assert opened.read_only and opened.counts().categories > 0
    finally:
        project.path.chmod(mode)
    monkeypatch.setattr(os, "access", lambda path, how: how != os.W_OK)
    with pytest.raises(ReadOnlyError):
        Project.open(project.path)


def test_odd_project_paths_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.annotator"
    os.mkfifo(fifo)
    with pytest.raises(NotAProjectError, match="not a regular file"):
        Project.open(fifo)  # not waited on
    with pytest.raises(NotAProjectError, match="not a regular file"):
        create_project(fifo)
    with pytest.raises(NotAProjectError, match="not a regular file"):
        create_project("/dev/null")
    with pytest.raises(NotAProjectError, match="is a folder"):
        create_project(tmp_path)
    assert fifo.exists()


def test_a_backup_killed_halfway_is_never_listed_and_its_leftovers_go(project, annotator_home, monkeypatch):
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from annotator.core.storage import backups
        real = backups.copy_database
        def copy_then_die(source, dest, **kwargs):
            real(source, dest)
            os.kill(os.getpid(), signal.SIGKILL)
        backups.copy_database = copy_then_die
        backups.backup_project(Path({str(project.path)!r}), "killed")
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    assert subprocess.run([sys.executable, "-c", script], env=env).returncode == -9
    folder = annotator_home / "backups"
    assert [p.suffix for p in folder.iterdir()] == [".partial"]
    assert backups.list_backups(project.path) == []
    monkeypatch.setattr(backups, "ORPHAN_AGE", 0)
    made = project.backup("next")
    assert names(folder) == [made.name]


def test_a_project_in_a_read_only_folder_is_read_without_creating_files(filled, monkeypatch, dump):
    project = filled[0]
    before = dump(project)
    project.close()
    folder = project.path.parent
    assert not (folder / "test.annotator-wal").exists()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, how: how != os.W_OK and real_access(path, how))
    assert db.read_only_uri(project.path).endswith("?mode=ro&immutable=1")  # no -shm needed
    with pytest.raises(ReadOnlyError):
        Project.open(project.path)
    with Project.open(project.path, mode="read") as opened:
        assert dump(opened) == before
    assert not list(folder.glob("test.annotator-*"))  # a non-root user could not have made -shm here
