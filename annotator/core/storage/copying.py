"""``annotator copy SOURCE TARGET``: a whole project between a file and a server, either way (issue
19, point 3), and between two files or two servers.

The source is read in one consistent snapshot (a file: one SQLite read transaction, which WAL keeps
apart from writers; a server: one ``REPEATABLE READ`` read-only transaction), so others may go on
writing while it is copied. Its format must be this version's (``db.SCHEMA_VERSION``): an older file
is upgraded by opening it once, a newer one needs a newer Annotator.

The target must be new: a file path that does not exist yet (in an existing folder), or an empty
database (no table; made by the server's admin). It is written in one transaction: a server's
tables, server-only objects and format row (``server_db.create_database``) with all the rows, so a
failure leaves the database empty; a file is written under a temporary name beside the target,
checked (``PRAGMA quick_check``), made a single file (no -wal) and only then given its name.

The rows of the SQLModel tables are copied table by table in dependency order (categories parents
first) with SQLAlchemy Core, read and inserted in chunks. Derived data is not copied: the target
makes its own, as it does for new documents and annotations. Each document gets its (pending)
documents-panel keys as an import gives them (``document_search.add`` through the project's
``documents.sql``); the annotation table's keys are computed when the table is first shown (a file:
every annotation is above the keys' ``max(rid)``; a server: the insert trigger lists them).

``server_backup`` writes a server project's backup file with this copy.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session, SQLModel

from annotator.core.errors import AnnotatorError, NotAProjectError
from annotator.core.files import check_target, sync_folder, temp_path
from annotator.core.storage import db, document_search, server_db
from annotator.core.storage import tables as models
from annotator.core.storage.engine_sql import Execute
from annotator.core.storage.location import Location, parse_location

CHUNK_ROWS = 1000  # rows read and inserted at a time
DOCUMENT_ROWS = 50  # documents at a time (texts of up to hundreds of MB each are possible)
Progress = Callable[[str, int], None]  # (table, rows copied so far)


class CopyError(AnnotatorError):
    """The copy could not be made; the target was not created (or left empty)."""


@dataclass
class CopyReport:
    source: str  # what the messages call it (a path, or a URL without its password)
    target: str
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied

    @property
    def documents(self) -> int:
        return self.rows.get("documents", 0)

    @property
    def annotations(self) -> int:
        return self.rows.get("annotations", 0)


def location_of(value: str | os.PathLike[str] | Location) -> Location:
    """The Location a command's argument names (a path has ``~`` expanded)."""
    if isinstance(value, Location):
        return value
    location = parse_location(value if isinstance(value, str) else Path(value))
    return location if location.is_server else Location(kind="sqlite", path=location.path.expanduser())


def copy_project(source: str | os.PathLike[str] | Location, target: str | os.PathLike[str] | Location,
                 progress: Progress | None = None) -> CopyReport:
    """Copy the project at ``source`` to the new ``target`` (see the module docstring); either may
    be a file path or a PostgreSQL URL. NotAProjectError when the source is not a project of this
    format or the target is not new; CopyError when the copy fails (nothing is left at the target)."""
    src, dst = location_of(source), location_of(target)
    if not dst.is_server:
        check_new_file(dst.path)
    else:
        check_empty_database(dst)
    try:
        with source_snapshot(src) as conn:
            if dst.is_server:
                return _to_server(conn, src, dst, progress)
            return copy_to_file(conn, src, dst.path, progress)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:  # a damaged file: text that is not text or JSON
        raise CopyError(f"{src.safe_display()}: cannot copy it to {dst.safe_display()}: the project holds a value "
                        f"that is not {'JSON' if isinstance(exc, json.JSONDecodeError) else 'UTF-8 text'} "
                        f"({exc}); nothing was written") from None


# -- the source ------------------------------------------------------------------------------------

@contextmanager
def source_snapshot(location: Location) -> Iterator[Connection]:
    """A connection in one read-only transaction on the project at ``location``, after checking
    that it is a project of this version's format."""
    if location.is_server:
        engine = server_db.make_engine(location, read_only=True)
        try:
            version = server_db.check_project(engine, location)
            if version != db.SCHEMA_VERSION:
                raise NotAProjectError(_older(location.display, version))
            with server_db.guard(location), engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    yield conn
        finally:
            engine.dispose()
        return
    path = location.path
    version = db.check_project_file(path)
    if version != db.SCHEMA_VERSION:
        raise NotAProjectError(_older(path, version))
    engine = db.make_engine(path, read_only=True)
    # sqlite3 begins a transaction only before a write, so each SELECT would see the latest commit:
    # BEGIN is sent here, and the first read in it fixes the snapshot every later read sees (WAL).
    event.listen(engine, "connect", _no_implicit_transactions)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    try:
        with engine.connect() as conn, conn.begin():
            yield conn
    finally:
        engine.dispose()


def _older(where, version: int) -> str:
    return (f"{where}: an older project format ({version}); open it once with this version of Annotator "
            f"(which upgrades it, after a backup), then copy it")


def _no_implicit_transactions(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


@contextmanager
def engine_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection in one read-only snapshot on an engine already open (a server project's
    backup), whose project was checked when it was opened."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn


# -- the target ------------------------------------------------------------------------------------

def check_new_file(path: Path) -> None:
    """Refuse a target file that exists (or is a project's companion, or a folder)."""
    try:
        check_target(path)
    except AnnotatorError as exc:
        raise NotAProjectError(str(exc)) from None
    if path.exists() or path.is_symlink():
        raise NotAProjectError(f"{path}: already exists; a copy is written to a new file (choose another name)")
    if not path.parent.is_dir():
        raise NotAProjectError(f"{path}: folder {path.parent} does not exist")


def check_empty_database(location: Location) -> None:
    """Refuse a target database that holds any table."""
    engine = server_db.make_engine(location)
    try:
        with server_db.guard(location), engine.connect() as conn:
            present = server_db.tables_present(conn)
    finally:
        engine.dispose()
    if present:
        what = ("an Annotator project" if server_db.FORMAT_TABLE in present
                else f"{len(present)} table(s) of another application")
        raise NotAProjectError(f"{location.display}: the database is not empty (it holds {what}); "
                               "a copy is written to an empty database")


def copy_to_file(source: Connection, src: Location, path: Path, progress: Progress | None = None,
                 temp: Path | None = None) -> CopyReport:
    """Write the rows ``source`` (a connection in its snapshot) sees into a new project file at
    ``path``: a temporary file beside it (``temp``, or a name of core.files'), one transaction,
    quick_check, then the name."""
    real = Path(os.path.realpath(path))
    temp = temp or temp_path(real)
    report = CopyReport(src.safe_display(), str(path))
    try:
        engine = db.create_database(temp)
        try:
            with Session(engine) as session, session.begin():
                copy_rows(source, session, report, progress)
            with engine.connect() as conn:  # one file: no -wal beside the copy
                conn.exec_driver_sql("PRAGMA journal_mode = DELETE")
        finally:
            engine.dispose()
        problem = db.quick_check(temp)
        if problem:
            raise CopyError(f"{path}: the copy of {src.safe_display()} failed its check ({problem})")
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        _give_name(temp, real)
        sync_folder(real.parent)
    except (OSError, sqlite3.Error, SQLAlchemyError) as exc:
        raise CopyError(f"{path}: cannot copy {src.safe_display()} ({_reason(exc)}); nothing was written") from exc
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(temp) + suffix).unlink(missing_ok=True)
    return report


def _give_name(temp: Path, real: Path) -> None:
    """Rename ``temp`` to ``real``, refusing to replace a file made there meanwhile."""
    try:
        os.link(temp, real)  # fails if ``real`` exists
    except FileExistsError:
        raise NotAProjectError(f"{real}: already exists; a copy is written to a new file") from None
    except OSError:  # no hard links on this file system
        if real.exists():
            raise NotAProjectError(f"{real}: already exists; a copy is written to a new file") from None
        os.replace(temp, real)


def _to_server(source: Connection, src: Location, dst: Location, progress: Progress | None) -> CopyReport:
    report = CopyReport(src.safe_display(), dst.display)

    def fill(session: Session) -> None:
        copy_rows(source, session, report, progress)

    try:
        server_db.create_database(dst, fill).dispose()
    except DBAPIError as exc:
        raise CopyError(f"{dst.display}: cannot copy {src.safe_display()} ({_reason(exc)}); "
                        "the database was left empty") from exc
    return report


# -- the rows --------------------------------------------------------------------------------------

def tables_in_order() -> list[Table]:
    """The SQLModel tables, each after the tables it references."""
    return list(SQLModel.metadata.sorted_tables)


def copy_rows(source: Connection, session: Session, report: CopyReport, progress: Progress | None = None) -> None:
    """Insert every row of the SQLModel tables that ``source`` sees into ``session``'s transaction
    (a new project's empty tables), with the documents' pending keys."""
    target = session.connection()
    for table in tables_in_order():
        count = 0
        if table.name == models.Category.__tablename__:
            rows = _parents_first([dict(row) for row in source.execute(_read(source, table)).mappings()])
            chunks: Iterator[list[dict]] = (rows[at:at + CHUNK_ROWS] for at in range(0, len(rows), CHUNK_ROWS))
        else:
            chunks = _chunks(source, table, DOCUMENT_ROWS if table.name == "documents" else CHUNK_ROWS)
        for chunk in chunks:
            target.execute(table.insert(), chunk)
            if table.name == models.Document.__tablename__:
                document_search.add(_execute(session), [(r["id"], r["title"], r["source"], r["length"],
                                                         r["position"], r["created"]) for r in chunk])
            count += len(chunk)
            if progress is not None:
                progress(table.name, count)
        report.rows[table.name] = count


def _chunks(source: Connection, table: Table, size: int) -> Iterator[list[dict]]:
    order = [table.c.position, table.c.id] if table.name == "documents" else list(table.primary_key.columns)
    result = source.execution_options(yield_per=size).execute(_read(source, table).order_by(*order))
    for part in result.mappings().partitions(size):
        yield [dict(row) for row in part]


def _read(source: Connection, table: Table):
    """SELECT of the table's columns that the source holds: a format-5 server's backup, made before
    its upgrade, has no ``version`` columns, which the copy then fills with their default (1)."""
    held = {column["name"] for column in inspect(source).get_columns(table.name)}
    return select(*[column for column in table.c if column.name in held or column.server_default is None])


def _parents_first(rows: list[dict]) -> list[dict]:
    """Categories ordered so that each comes after its parent (a foreign key checked at once)."""
    by_id = {row["id"]: row for row in rows}
    done: set[str] = set()
    out: list[dict] = []
    for row in sorted(rows, key=lambda r: r["id"]):
        chain = []
        while row is not None and row["id"] not in done:
            chain.append(row)
            done.add(row["id"])
            row = by_id.get(row["parent_id"]) if row["parent_id"] else None
        out.extend(reversed(chain))
    return out


def _execute(session: Session) -> Execute:
    """``execute(sql, params)`` for document_search in the session's transaction, as the project's
    ``documents.sql`` gives it (a layer above: storage cannot import it)."""
    return Execute(session.connection())


def _reason(exc: Exception) -> str:
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return str(exc.orig).strip().splitlines()[0]
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
