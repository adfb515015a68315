"""Opening a project (a file or a server database), and upgrading an older one on the way.

Upgrades are ordered migration steps (``MIGRATIONS[n]`` turns version n into n + 1), each run with
the version bump in one transaction after a backup, the way Anki and Vorta do it. We chose this over
Alembic: a project is a single-user file that must upgrade itself on open, anywhere, with no
migration environment or extra dependency; the steps are few and plain SQL, and SQLite's
transactional DDL lets each step roll back whole. A server project (format 5 on) runs the same steps
through its connection, all in one transaction under a lock of its format table (``migrate_server``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from annotator.core.errors import (
    DamagedProjectError,
    NotAProjectError,
    PermissionDeniedError,
    ReadOnlyError,
    one_line,
)
from annotator.core.storage import server_db
from annotator.core.storage.backups import backup_project
from annotator.core.storage.db import (
    SCHEMA_VERSION,
    check_project_file,
    damage,
    damaged_message,
    install_format_5,
    make_engine,
    missing_tables,
    writable,
)
from annotator.core.storage.location import Location

log = logging.getLogger(__name__)

Execute = Callable[[str], object]  # runs one SQL statement


def _v1_to_v2(execute: Execute) -> None:
    """Format 2: provenance of imported annotations (annotations.origin_id, table origins)."""
    execute("CREATE TABLE origins (id VARCHAR NOT NULL, name VARCHAR NOT NULL, PRIMARY KEY (id))")
    execute("ALTER TABLE annotations ADD COLUMN origin_id VARCHAR")


def _v2_to_v3(execute: Execute) -> None:
    """Format 3: who last changed an annotation (annotations.modified_by), project settings (table
    settings), each coder's status per document (table document_status)."""
    execute('CREATE TABLE settings ("key" VARCHAR NOT NULL, value JSON NOT NULL, modified VARCHAR NOT NULL, '
                 'modified_by VARCHAR, PRIMARY KEY ("key"))')
    execute("ALTER TABLE annotations ADD COLUMN modified_by VARCHAR")
    execute("CREATE TABLE document_status (document_id VARCHAR NOT NULL, annotator_id VARCHAR NOT NULL, "
                 "status VARCHAR NOT NULL, modified VARCHAR NOT NULL, PRIMARY KEY (document_id, annotator_id), "
                 "FOREIGN KEY(document_id) REFERENCES documents (id), "
                 "FOREIGN KEY(annotator_id) REFERENCES annotators (id))")


def _v3_to_v4(execute: Execute) -> None:
    """Format 4: the adjudicator's decisions (table decisions); the gold layer's annotations are
    ordinary rows of the reserved annotator GOLD_ID."""
    execute("CREATE TABLE decisions (id VARCHAR NOT NULL, document_id VARCHAR NOT NULL, unit_id VARCHAR, "
                 'start INTEGER NOT NULL, "end" INTEGER NOT NULL, kind VARCHAR NOT NULL, sources JSON NOT NULL, '
                 "gold JSON NOT NULL, replaces JSON NOT NULL, rule VARCHAR, decided_by VARCHAR NOT NULL, "
                 "decided VARCHAR NOT NULL, reason VARCHAR NOT NULL, PRIMARY KEY (id), "
                 "CONSTRAINT ck_decisions_kind CHECK (kind IN ('accepted', 'merged', 'edited', 'created', "
                 "'rejected')), FOREIGN KEY(document_id) REFERENCES documents (id))")
    execute("CREATE INDEX ix_decisions_unit_id ON decisions (unit_id)")
    execute("CREATE INDEX ix_decisions_document ON decisions (document_id, start)")


def _v4_to_v5(execute: Execute) -> None:
    """Format 5: the annotation table's keys and the documents' full-text index, for sorting,
    filtering and counting in SQL (issue 16)."""
    install_format_5(execute)


VERSIONED = ("categories", "settings", "decisions")  # the shared objects of format 6


def _v5_to_v6(execute: Execute) -> None:
    """Format 6: a version on the shared objects (the schema's categories, the settings, the
    decisions), so that a stale write is refused (issue 19, point 5). The first step that also runs
    on a server: plain SQL both engines take; an added column keeps a server's grants (they are on
    whole tables), its row-level security policies and its NOTIFY triggers."""
    for table in VERSIONED:
        execute(f"ALTER TABLE {table} ADD COLUMN version INTEGER NOT NULL DEFAULT 1")


# version n -> function that upgrades a project from n to n + 1 (no commit) through ``execute``,
# which runs one SQL statement. A server project is created at format 5 or later: only the steps
# from 5 on run there, so those are written in SQL both engines accept.
MIGRATIONS: dict[int, Callable[[Execute], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5,
                                                    5: _v5_to_v6}
FIRST_SERVER_FORMAT = 5


def open_database(path: Path | Location, mode: str = "write") -> Engine:
    """Check ``path`` is a project, upgrade it if it is older, and return its engine.

    ``path`` may be a server Location (a PostgreSQL database): its format row is checked instead
    of a file header (server_db.check_project), with no page checks (the server's business).

    ``mode="write"`` refuses, with the file unchanged, a read-only project (ReadOnlyError) and a
    damaged one (DamagedProjectError: ``PRAGMA quick_check``, missing tables, text that is not
    text). ``mode="read"`` gives a read-only engine on either, so what is readable can be exported.
    """
    if isinstance(path, Location):
        if path.is_server:
            return _open_server(path, mode)
        path = path.path
    version = check_project_file(path)
    missing = missing_tables(path, version)
    if missing:
        raise DamagedProjectError(damaged_message(path, f"table {', '.join(missing)} missing"))
    if mode == "write":
        if not writable(path):
            raise ReadOnlyError(f"{path}: the project is read-only (no write permission on the file or its "
                                f"folder); it can be exported but not changed")
        problem = damage(path)
        if problem:
            raise DamagedProjectError(damaged_message(path, problem))
    if version < SCHEMA_VERSION:
        if mode == "read" and (not writable(path) or damage(path)):
            raise NotAProjectError(f"{path}: an older project format (version {version}) that cannot be "
                                   f"upgraded here: the file is read-only or damaged")
        migrate(path, version)
    return make_engine(path, read_only=mode == "read")


def _open_server(location: Location, mode: str) -> Engine:
    engine = server_db.make_engine(location, read_only=mode == "read")
    try:
        version = server_db.check_project(engine, location)
        if version < SCHEMA_VERSION:
            if mode == "read":
                raise NotAProjectError(f"{location.display}: an older project format (version {version}); the "
                                       f"project's lead opens it once with this version of Annotator to upgrade it")
            migrate_server(engine, location, version)
    except Exception:
        engine.dispose()
        raise
    return engine


def migrate_server(engine: Engine, location: Location, version: int) -> Path:
    """Upgrade the server project from ``version`` to SCHEMA_VERSION after a backup (server_backup:
    a project file of its committed state), all steps and the format row in ONE transaction under
    an ACCESS EXCLUSIVE lock of the format table: other clients opening it wait, then read the new
    version (an older Annotator then refuses it as newer). Only the tables' owner may: a coder's
    role gets one line saying to ask the lead. Returns the backup."""
    from annotator.core.storage import server_backup  # it reads through copying: only when needed

    with server_db.guard(location), engine.connect() as conn:
        if not server_db.owns_project(conn, VERSIONED):
            raise PermissionDeniedError(
                f"{location.display}: the project is in an older format (version {version}) that its owner must "
                f"upgrade; ask the project's lead to open it once with this version of Annotator")
    backup = server_backup.backup(engine, location, f"before-upgrade-v{version}")
    try:
        with server_db.guard(location), engine.connect() as conn, conn.begin():
            conn.execute(text(f"LOCK TABLE {server_db.FORMAT_TABLE} IN ACCESS EXCLUSIVE MODE"))
            current = server_db.read_format(conn, location)[1]  # another client may have upgraded it meanwhile
            while current < SCHEMA_VERSION:
                MIGRATIONS[current](conn.exec_driver_sql)
                current += 1
            conn.execute(text(f"UPDATE {server_db.FORMAT_TABLE} SET version = :version"), {"version": current})
    except SQLAlchemyError as exc:
        raise NotAProjectError(f"{location.display}: upgrading the project from format {version} failed "
                               f"({one_line(str(getattr(exc, 'orig', exc)), 160)}); the database is unchanged "
                               f"and a backup is at {backup}") from exc
    log.info("upgraded %s from format %d to %d", location.display, version, SCHEMA_VERSION)
    return backup


def migrate(path: Path, version: int) -> Path:
    """Upgrade ``path`` from ``version`` to SCHEMA_VERSION, after a backup. Returns the backup.

    Each step runs with its version bump in one transaction: a failing step leaves the file at
    the last version that completed.
    """
    backup = backup_project(path, f"before-upgrade-v{version}")
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")  # steps may rebuild tables
        while version < SCHEMA_VERSION:
            step = MIGRATIONS[version]
            conn.execute("BEGIN IMMEDIATE")
            try:
                step(conn.execute)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                problems = conn.execute("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise sqlite3.IntegrityError(f"foreign key check failed after upgrade: {problems[:3]}")
                conn.execute("COMMIT")
            except Exception as exc:
                conn.execute("ROLLBACK")
                raise NotAProjectError(
                    f"{path}: upgrading the project from format {version} failed ({exc}); "
                    f"the file is unchanged and a backup is at {backup}"
                ) from exc
            log.info("upgraded %s from format %d to %d", path, version, version + 1)
            version += 1
    finally:
        conn.close()
    return backup
