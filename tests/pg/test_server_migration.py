"""Migrations on a server (issue 19, point 1; survey item S4): a server project of format 5 is
upgraded when its owner opens it, after a backup (a project file), in one transaction under an
ACCESS EXCLUSIVE lock of the format table; it keeps its data (the export is byte for byte the
same), its grants, row-level security and NOTIFY triggers. A coder's role is told to ask the lead.
A file of format 5 is upgraded the same way (its own tests: tests/core/test_db.py and others)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import text

from annotator.core.errors import AnnotatorError, PermissionDeniedError
from annotator.core.exchange.export_file import write_export
from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project
from annotator.core.storage import db, server_db, server_roles
from annotator.core.storage.location import parse_location
from tests.conftest import REPO
from tests.core.test_engines_same_export import build
from tests.old_formats import drop_format_6
from tests.pg.cluster import require_psycopg

require_psycopg()


def as_format_5(pg_engine) -> None:
    """Take format 6 away with raw SQL: the project as a format-5 Annotator made it."""
    with pg_engine.begin() as conn:
        drop_format_6(conn.exec_driver_sql)
        conn.execute(text("UPDATE annotator_format SET version = 5"))


def format_of(pg_engine) -> tuple[int, set[str]]:
    with pg_engine.connect() as conn:
        version = conn.execute(text("SELECT version FROM annotator_format")).scalar()
        tables = set(conn.execute(text("SELECT table_name FROM information_schema.columns "
                                       "WHERE column_name = 'version' AND table_schema = current_schema() "
                                       "AND table_name <> 'annotator_format'")).scalars())
    return version, tables


def test_a_format_5_server_project_is_upgraded_by_its_owner_and_keeps_everything(
        pg_cluster, pg_url, pg_engine, tmp_path, annotator_home):
    with create_project(pg_url, name="study") as project:
        build(project)
        write_export(project, tmp_path / "before.json")
    tag = uuid.uuid4().hex[:8]
    with server_roles.transaction(pg_url) as conn:
        server_roles.setup(conn)
        alice = server_roles.add_coder(conn, f"alice_{tag}", "Alice")
    as_format_5(pg_engine)
    coder_url = pg_cluster.url(parse_location(pg_url).url.database, user=alice.role)

    with pytest.raises(PermissionDeniedError) as refused:  # a coder cannot change the tables' layout
        Project.open(coder_url)
    assert str(refused.value) == (f"{parse_location(coder_url).display}: the project is in an older format "
                                  "(version 5) that its owner must upgrade; ask the project's lead to open it once "
                                  "with this version of Annotator")
    assert format_of(pg_engine) == (5, set()) and not list((annotator_home / "backups").glob("*"))

    with Project.open(pg_url) as project:  # the owner: backup, then the upgrade
        write_export(project, tmp_path / "after.json")
        assert [c.version for c in project.categories()] == [1] * len(project.categories())
    assert format_of(pg_engine) == (db.SCHEMA_VERSION, {"categories", "settings", "decisions"})
    assert (tmp_path / "after.json").read_bytes() == (tmp_path / "before.json").read_bytes()
    (backup,) = (annotator_home / "backups").glob("*before-upgrade-v5.annotator")
    with Project.open(backup, mode="read") as copy:  # the state before, as a project file
        write_export(copy, tmp_path / "backup.json")
    assert (tmp_path / "backup.json").read_bytes() == (tmp_path / "before.json").read_bytes()

    with Project.open(coder_url) as project:  # grants and row-level security as they were
        category = project.categories()[0]
        assert category.version == 1
        project.add_annotation("B-doc", category.id, alice.annotator_id, 0, 2)
        with pytest.raises(AnnotatorError, match="permission denied"):
            project.update_category(category.id, name="Mine", version=category.version)
    with pg_engine.connect() as conn:
        triggers = set(conn.execute(text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'categories'::regclass "
                                         "AND NOT tgisinternal")).scalars())
        policies = conn.execute(text("SELECT count(*) FROM pg_policies WHERE tablename = 'decisions'")).scalar()
    assert triggers and policies == 2


def test_two_clients_opening_an_old_project_at_once_upgrade_it_once(pg_url, pg_engine):
    create_project(pg_url, name="study").close()
    as_format_5(pg_engine)
    code = ("import sys; from annotator.core.project.project import Project\n"
            "with Project.open(sys.argv[1]) as p: print(p.categories()[0].version)")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    clients = [subprocess.Popen([sys.executable, "-c", code, parse_location(pg_url).safe_display()],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outputs = [client.communicate(timeout=120) for client in clients]
    assert [out.strip() for out, _ in outputs] == ["1", "1"], outputs  # the second waited, then found it done
    assert format_of(pg_engine) == (db.SCHEMA_VERSION, {"categories", "settings", "decisions"})


def test_an_older_server_project_is_not_read_before_its_upgrade(pg_url, pg_engine):
    create_project(pg_url).close()
    as_format_5(pg_engine)
    with pytest.raises(AnnotatorError, match=r"older project format \(version 5\); the project's lead opens it once"):
        Project.open(pg_url, mode="read")
    assert server_db.FIRST_FORMAT == 5
