"""The project file: its engine (WAL, foreign keys, busy timeout), its header, and the checks that
tell a project from another file and a damaged project from a sound one.

A project is one SQLite file. We mark it as ours with ``PRAGMA application_id`` and record the
layout version in ``PRAGMA user_version``; both live in the file header, so an unknown file can be
recognised, and refused, before anything is written to it. Opening (with its upgrade) is
annotator.core.storage.migrations; backups are annotator.core.storage.backups.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

from sqlalchemy import URL, event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

from annotator.core.errors import DamagedProjectError, NotAProjectError, one_line
from annotator.core.storage import annotation_keys, document_search
from annotator.core.storage import tables as models  # noqa: F401  (registers the tables)

log = logging.getLogger(__name__)

APPLICATION_ID = 0x414E4E4F  # "ANNO"
SCHEMA_VERSION = 6
SQLITE_HEADER = b"SQLite format 3\x00"
# table -> the format that added it (the others are in every format)
TABLES_ADDED = {"origins": 2, "settings": 3, "document_status": 3, "decisions": 4,
                "annotation_keys": 5, "annotation_search": 5, "annotation_keys_stale": 5, "annotation_fts": 5}


BUSY_TIMEOUT_MS = 5000  # how long a write waits for another program's write lock


def _set_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit survives a power cut too, not only a crash of the app.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.close()


def _set_read_only_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def make_engine(path: Path, read_only: bool = False) -> Engine:
    """An engine on ``path`` with WAL, foreign keys and a busy timeout on every connection;
    ``read_only``: opened with SQLite's ``mode=ro`` and ``query_only``, so nothing can be written."""
    # check_same_thread off: the GUI's import worker uses the pool from another thread; a pooled
    # connection is only ever used by one thread at a time.
    if read_only:
        url = URL.create("sqlite", database=read_only_uri(path), query={"uri": "true"})
    else:
        url = URL.create("sqlite", database=str(path))
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_read_only_pragmas if read_only else _set_pragmas)
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
    if not path.is_file():  # a FIFO would block the read below; a device is no project
        raise NotAProjectError(f"{path}: not a regular file (a device, FIFO or socket), not a project")
    with path.open("rb") as handle:
        head = handle.read(100)
    if not head:
        raise NotAProjectError(f"{path}: empty file, not an Annotator project")
    if not head.startswith(SQLITE_HEADER):
        raise NotAProjectError(f"{path}: not an Annotator project (not an SQLite database)")
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
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


def read_only_uri(path: Path) -> str:
    """An SQLite URI that reads ``path`` without writing. In a folder we may not write, SQLite
    cannot create the -shm file a WAL database needs, so when no -wal file exists (nothing is
    waiting in it) the file is opened as immutable instead."""
    uri = f"file:{_uri_path(path)}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    return uri


def newer_format_message(where, version: int) -> str:
    """What a project (a file, or a server's display) of a format newer than this version gets."""
    return (f"{where}: made by a newer Annotator (project format {version}; this version reads up to "
            f"{SCHEMA_VERSION}). Update Annotator to open it.")


def check_project_file(path: Path) -> int:
    """The layout version of an Annotator project file; NotAProjectError if it is not one."""
    app_id, version = read_header(path)
    if app_id != APPLICATION_ID:
        raise NotAProjectError(f"{path}: an SQLite database, but not an Annotator project")
    if version > SCHEMA_VERSION:
        raise NotAProjectError(newer_format_message(path, version))
    if version < 1:
        raise NotAProjectError(f"{path}: damaged Annotator project (no format version)")
    return version


def install_format_5(execute) -> None:
    """What format 5 adds beside the SQLModel tables: the annotation table's keys and the
    documents' full-text index. ``execute`` runs one SQL statement."""
    annotation_keys.install(execute)
    document_search.install(execute)


def create_database(path: Path) -> Engine:
    """Create the tables in a new file at ``path`` and return its engine."""
    if path.is_dir():
        raise NotAProjectError(f"{path}: is a folder; give the path of a new file in it")
    if path.exists() and not path.is_file():
        raise NotAProjectError(f"{path}: not a regular file (a device, FIFO or socket); choose a file name")
    if path.exists() and path.stat().st_size > 0:
        raise NotAProjectError(f"{path}: already exists; choose another name or open it")
    if not path.parent.is_dir():
        raise NotAProjectError(f"{path}: folder {path.parent} does not exist")
    engine = make_engine(path)
    try:
        SQLModel.metadata.create_all(engine)
        with engine.begin() as conn:
            install_format_5(conn.exec_driver_sql)
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except Exception:
        engine.dispose()
        raise
    return engine


def writable(path: Path) -> bool:
    """Whether the project file and its folder (for the -wal and -shm files) may be written.
    A file without any write permission bit counts as read-only even for root."""
    try:
        bits = path.stat().st_mode
    except OSError:
        return False
    return (bool(bits & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(path, os.W_OK)
            and os.access(path.parent, os.W_OK))


def quick_check(path: Path) -> str | None:
    """None if SQLite's ``PRAGMA quick_check`` finds ``path`` sound, else its first findings."""
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(str(r) for r in rows)[:300]


def damage(path: Path) -> str | None:
    """What is wrong with a project file (quick_check, the documents' text, JSON values), or None.

    Both read every page: about 0.05 s for a 100 MB project in the page cache, 1.2 s from disk."""
    problem = quick_check(path)
    if problem:
        return f"quick_check: {one_line(problem, 120)}"  # clipped: the way out must stay in the one printed line
    bad: list[str] = []
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        conn.text_factory = bytes
        try:
            for doc_id, text in conn.execute("SELECT id, text FROM documents"):
                if not _is_text(text):
                    bad.append(doc_id.decode("utf-8", "replace") if isinstance(doc_id, bytes) else str(doc_id))
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if bad:
        return f"{len(bad)} document(s) whose text is not valid UTF-8 text, first {bad[0][:40]}"
    return _bad_json(path)


# table -> its JSON columns (checked with SQLite's json_valid)
JSON_COLUMNS = {"documents": ("metadata",), "categories": ("attributes",), "annotations": ("attributes",),
                "settings": ("value",), "decisions": ("sources", "gold", "replaces")}


def _bad_json(path: Path) -> str | None:
    """The first JSON column holding text that is not JSON, as "N annotations.attributes ...", or None."""
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table, columns in JSON_COLUMNS.items():
            for column in columns if table in tables else ():
                count = conn.execute(f"""SELECT count(*) FROM "{table}" WHERE "{column}" NOT IN ('{{}}', '[]')
                                         AND NOT json_valid("{column}")""").fetchone()[0]  # most are empty
                if count:
                    return f"{count} value(s) of {table}.{column} that are not JSON"
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return None


def _is_text(value) -> bool:
    if not isinstance(value, bytes):
        return False
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def missing_tables(path: Path, version: int) -> list[str]:
    """The tables of format ``version`` that the file lacks."""
    wanted = {t for t in (*SQLModel.metadata.tables, *annotation_keys.TABLES) if TABLES_ADDED.get(t, 1) <= version}
    wanted |= set(document_search.TABLES) if version >= 5 else set()  # the full-text index and its shadow tables
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return []  # unreadable schema: quick_check reports it
    except UnicodeDecodeError:  # a table name that is not text: the schema page is damaged
        raise DamagedProjectError(damaged_message(path, "the list of tables is not valid text")) from None
    return sorted(wanted - present)


def damaged_message(path: Path, problem: str) -> str:
    return (f"{path}: the project file is damaged ({problem}); restore a backup with "
            f"'annotator restore {path} BACKUP' or export what is readable")
