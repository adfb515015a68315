"""Backups of a server project (issue 19, S5): a checked Annotator project file in the backups
folder, of the committed state in one snapshot, named like file backups after the server's name
without its password, pruned with them; it restores by ``annotator copy`` onto an empty database."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from annotator import paths
from annotator.core.errors import BackupError
from annotator.core.project.project import Project
from annotator.core.storage import backups, copying, db, server_backup
from annotator.core.storage.backups import NAME, list_backups
from annotator.core.storage.location import parse_location
from tests.copy_fixtures import export_bytes, rich_project
from tests.pg.cluster import require_psycopg

require_psycopg()


def test_backup_stem_is_the_display_without_scheme_or_password():
    location = parse_location("postgresql://lab:s3cret@db.example.org:5433/study?sslmode=require")
    assert server_backup.backup_stem(location) == "lab-db.example.org-5433-study-sslmode-require"
    assert "s3cret" not in server_backup.backup_stem(parse_location("postgresql://u@h/d?password=s3cret"))
    assert server_backup.backup_stem(parse_location("postgresql://?service=lab")) == "service-lab"


def test_a_server_project_backs_up_to_a_checked_file_that_copies_back(tmp_path, pg_url, pg_cluster):
    source = rich_project(tmp_path / "study.annotator")
    with Project.open(source) as project:
        before = export_bytes(project, tmp_path / "before.json")
    copying.copy_project(source, pg_url)
    location = parse_location(pg_url)
    with Project.open(pg_url) as on_server:
        path = on_server.backup("before-import")
    assert path.parent == paths.backup_dir()
    match = NAME.match(path.name)
    assert match and match["stem"] == server_backup.backup_stem(location) and match["reason"] == "before-import"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no .partial left
    assert db.check_project_file(path) == db.SCHEMA_VERSION and db.quick_check(path) is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        file_id = conn.execute("SELECT id FROM project").fetchone()[0]
    with sqlite3.connect(source) as conn:
        assert conn.execute("SELECT id FROM project").fetchone()[0] == file_id
    assert [b.path for b in list_backups(path, file_id)] == [path]  # listed with the project's backups
    with Project.open(path) as backup:
        assert export_bytes(backup, tmp_path / "backup.json") == before
    # Restored onto a new empty database with the same copy.
    import psycopg

    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute('CREATE DATABASE "restored_copy" TEMPLATE template0')
    try:
        restored = pg_url.replace(location.url.database, "restored_copy")
        copying.copy_project(path, restored)
        copying.copy_project(restored, tmp_path / "again.annotator")
        with Project.open(tmp_path / "again.annotator") as again:
            assert export_bytes(again, tmp_path / "again.json") == before
    finally:
        with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "restored_copy" WITH (FORCE)')


def test_the_backup_is_the_committed_state_taken_inside_a_write(tmp_path, pg_url):
    copying.copy_project(rich_project(tmp_path / "study.annotator"), pg_url)
    with Project.open(pg_url) as on_server:
        with on_server.transaction(backup="before-merge") as tx:
            tx.session.execute(text("UPDATE project SET name = 'changed in the transaction'"))
        path = tx.backup
        assert path is not None and "before-merge" in path.name
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM project").fetchone()[0] == "study"  # before the change


def test_a_backup_that_cannot_be_written_is_a_plain_error(tmp_path, pg_url, monkeypatch):
    copying.copy_project(rich_project(tmp_path / "study.annotator"), pg_url)
    location = parse_location(pg_url)
    folder = paths.backup_dir()
    monkeypatch.setattr(backups, "_folder", lambda: tmp_path / "missing" / "backups")
    engine = copying.server_db.make_engine(location)
    try:
        with pytest.raises(BackupError, match=r"^cannot write a backup of postgresql://.*; the project was not"):
            server_backup.backup(engine, location, "before-import")
    finally:
        engine.dispose()
    assert list(folder.iterdir()) == []
