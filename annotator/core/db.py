"""Opening, creating, upgrading and backing up project files.

A project is one SQLite file. We mark it as ours with ``PRAGMA application_id`` and record the
layout version in ``PRAGMA user_version``; both live in the file header, so an unknown file can be
recognised, and refused, before anything is written to it.

Upgrades are ordered migration steps (``MIGRATIONS[n]`` turns version n into n + 1), each run with
the version bump in one transaction after a backup, the way Anki and Vorta do it. We chose this over
Alembic: a project is a single-user file that must upgrade itself on open, anywhere, with no
migration environment or extra dependency; the steps are few and plain SQL, and SQLite's
transactional DDL lets each step roll back whole.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import URL, event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

from annotator import paths
from annotator.core import models  # noqa: F401  (registers the tables)
from annotator.core.errors import NotAProjectError

log = logging.getLogger(__name__)

APPLICATION_ID = 0x414E4E4F  # "ANNO"
SCHEMA_VERSION = 2
SQLITE_HEADER = b"SQLite format 3\x00"
BACKUPS_KEPT = 20  # per project file



def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Format 2: provenance of imported annotations (annotations.origin_id, table origins)."""
    conn.execute("CREATE TABLE origins (id VARCHAR NOT NULL, name VARCHAR NOT NULL, PRIMARY KEY (id))")
    conn.execute("ALTER TABLE annotations ADD COLUMN origin_id VARCHAR")


# version n -> function that upgrades an open sqlite3 connection from n to n + 1 (no commit).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1_to_v2}


BUSY_TIMEOUT_MS = 5000  # how long a write waits for another program's write lock


def _set_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit survives a power cut too, not only a crash of the app.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(path: Path) -> Engine:
    """An engine on ``path`` with WAL, foreign keys and a busy timeout on every connection."""
    # check_same_thread off: the GUI's import worker uses the pool from another thread; a pooled
    # connection is only ever used by one thread at a time.
    engine = create_engine(URL.create("sqlite", database=str(path)), connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas)
    return engine


def read_header(path: Path) -> tuple[int, int]:
    """``(application_id, user_version)`` of an existing SQLite file, without changing it.

    Raises NotAProjectError for a missing path, a folder, an empty file, a file that is not
    SQLite, or a damaged database.
    """
    if not path.exists():
        raise NotAProjectError(f"{path}: no such project file (create one with: annotator init {path})")
    if path.is_dir():
        raise NotAProjectError(f"{path}: is a folder, not a project file")
    with path.open("rb") as handle:
        head = handle.read(100)
    if not head:
        raise NotAProjectError(f"{path}: empty file, not an Annotator project")
    if not head.startswith(SQLITE_HEADER):
        raise NotAProjectError(f"{path}: not an Annotator project (not an SQLite database)")
    try:
        conn = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotAProjectError(f"{path}: not an Annotator project (unreadable database: {exc})") from exc
    return app_id, version


def _uri_path(path: Path) -> str:
    return str(path.resolve()).replace("?", "%3f").replace("#", "%23")


def check_project_file(path: Path) -> int:
    """The layout version of an Annotator project file; NotAProjectError if it is not one."""
    app_id, version = read_header(path)
    if app_id != APPLICATION_ID:
        raise NotAProjectError(f"{path}: an SQLite database, but not an Annotator project")
    if version > SCHEMA_VERSION:
        raise NotAProjectError(
            f"{path}: made by a newer Annotator (project format {version}; this version reads up to "
            f"{SCHEMA_VERSION}). Update Annotator to open it."
        )
    if version < 1:
        raise NotAProjectError(f"{path}: damaged Annotator project (no format version)")
    return version


def create_database(path: Path) -> Engine:
    """Create the tables in a new file at ``path`` and return its engine."""
    if path.exists() and (path.is_dir() or path.stat().st_size > 0):
        raise NotAProjectError(f"{path}: already exists; choose another name or open it")
    if not path.parent.is_dir():
        raise NotAProjectError(f"{path}: folder {path.parent} does not exist")
    engine = make_engine(path)
    try:
        SQLModel.metadata.create_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except Exception:
        engine.dispose()
        raise
    return engine


def open_database(path: Path) -> Engine:
    """Check ``path`` is a project, upgrade it if it is older, and return its engine."""
    version = check_project_file(path)
    if version < SCHEMA_VERSION:
        migrate(path, version)
    return make_engine(path)


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
                step(conn)
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


def backup_project(path: Path, reason: str) -> Path:
    """Copy the project file (consistently, through SQLite's backup API) into the backups folder.

    The copy is named ``<stem>-<UTC time>-<reason>.annotator``; the oldest copies of the same
    project beyond BACKUPS_KEPT are removed.
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    safe_reason = re.sub(r"[^A-Za-z0-9_.-]+", "-", reason).strip("-") or "backup"
    target = paths.backup_dir() / f"{path.stem}-{stamp}-{safe_reason}.annotator"
    source = sqlite3.connect(str(path))
    try:
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    _prune_backups(path.stem)
    return target


def _prune_backups(stem: str) -> None:
    pattern = re.compile(re.escape(stem) + r"-\d{8}T\d{12}Z-")
    mine = sorted(p for p in paths.backup_dir().glob(f"{stem}-*.annotator") if pattern.match(p.name))
    for old in mine[:-BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
