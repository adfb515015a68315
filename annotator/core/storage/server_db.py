"""A project on a PostgreSQL server (issue 19, point 1; survey items S1-S3): its engine, the format
row that stands in for a file's header, and the checks made before a database is used.

A file marks itself as a project with ``PRAGMA application_id`` and records its layout version in
``PRAGMA user_version``. A database has no header, so ``annotator init`` writes a one-row table,
``annotator_format(application_id, version)``, in the same transaction as the tables. Opening
reads it first: no table at all in the schema is an empty database (``annotator init URL``), tables
but no format table is another application's database, a newer version is refused with the
message a newer file gets. Pages and checksums are the server's business: no quick_check here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine

from annotator.core.errors import DamagedProjectError, NotAProjectError, server_error
from annotator.core.storage import notify, pg_schema
from annotator.core.storage import tables as models  # noqa: F401  (registers the tables)
from annotator.core.storage.location import Location

log = logging.getLogger(__name__)

FORMAT_TABLE = "annotator_format"
# pg_advisory_xact_lock's key of a project's write lock: one writer at a time, as on a file
WRITE_LOCK_KEY = 0x414E4E4F  # "ANNO", the files' application_id
APPLICATION_NAME = "annotator"
FIRST_FORMAT = 5  # the format of the first server projects (issue 19): the migrations from there run here
CONNECT_TIMEOUT_S = 10  # when the URL does not say: a server that does not answer is reported, not waited for


def make_engine(location: Location, read_only: bool = False) -> Engine:
    """An engine on the server project ``location``: psycopg 3, a pre-ping so a dropped connection
    is replaced, and, ``read_only``, every transaction read-only (default_transaction_read_only)."""
    connect_args = {}
    if "application_name" not in location.url.query:
        connect_args["application_name"] = APPLICATION_NAME
    if "connect_timeout" not in location.url.query and "service" not in location.url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S  # libpq waits for the network's own timeout
    engine = create_engine(location.engine_url(), pool_pre_ping=True, connect_args=connect_args)
    notify.track_backends(engine)  # live updates skip this client's own writes
    if read_only:
        event.listen(engine, "connect", _set_read_only)
    return engine


def reachable(location: Location, timeout_s: int = 2) -> bool:
    """Whether the server of ``location`` answers now: a fresh connection (``timeout_s`` to
    connect, whatever the URL says) that runs ``SELECT 1``; for a client waiting to reconnect."""
    engine = create_engine(location.engine_url(), poolclass=NullPool, connect_args={
        "connect_timeout": max(1, int(timeout_s)), "application_name": APPLICATION_NAME})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except DBAPIError as exc:
        log.info("%s does not answer yet: %s", location.display, str(exc.orig).strip().splitlines()[:1])
        return False
    finally:
        engine.dispose()


def _set_read_only(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET default_transaction_read_only = on")
    dbapi_connection.commit()


@contextmanager
def guard(location: Location) -> Iterator[None]:
    """Turn the driver's errors met in the block (no server, a refused login, no such database,
    permission denied) into the plain errors of core.errors, naming the server by its display."""
    try:
        yield
    except DBAPIError as exc:
        mapped = server_error(exc, location.display)
        if mapped is None:
            raise
        raise mapped from exc


def tables_present(conn: Connection) -> set[str]:
    """The tables (and views) of the connection's current schema."""
    rows = conn.execute(text("SELECT table_name FROM information_schema.tables "
                             "WHERE table_schema = current_schema()"))
    return {row[0] for row in rows}


def read_format(conn: Connection, location: Location) -> tuple[int, int]:
    """``(application_id, version)`` of the project in the database; NotAProjectError for an
    empty database or one that holds another application's tables."""
    present = tables_present(conn)
    if not present:
        raise NotAProjectError(f"{location.display}: empty database, not an Annotator project yet "
                               f"(create one in it with: annotator init {location.display})")
    if FORMAT_TABLE not in present:
        raise NotAProjectError(f"{location.display}: not an Annotator project (the database holds other "
                               f"tables: {', '.join(sorted(present)[:3])}{', …' if len(present) > 3 else ''})")
    rows = conn.execute(text(f"SELECT application_id, version FROM {FORMAT_TABLE}")).all()
    if len(rows) != 1:
        raise NotAProjectError(f"{location.display}: damaged Annotator project ({len(rows)} format rows, not 1)")
    return int(rows[0][0]), int(rows[0][1])


def check_project(engine: Engine, location: Location) -> int:
    """The format version of the server project (an older one is upgraded by migrations.open_database);
    NotAProjectError if the database is not one, DamagedProjectError if tables are missing."""
    from annotator.core.storage.db import APPLICATION_ID, SCHEMA_VERSION, newer_format_message

    with guard(location), engine.connect() as conn:
        app_id, version = read_format(conn, location)
        if app_id != APPLICATION_ID:
            raise NotAProjectError(f"{location.display}: not an Annotator project (another application's format table)")
        if version > SCHEMA_VERSION:
            raise NotAProjectError(newer_format_message(location.display, version))
        if version < FIRST_FORMAT:  # no server project was ever made before format 5
            raise NotAProjectError(f"{location.display}: damaged Annotator project (format {version} on a server)")
        missing = sorted(wanted_tables() - tables_present(conn))
    if missing:
        raise DamagedProjectError(f"{location.display}: the project's database is damaged (table "
                                  f"{', '.join(missing)} missing); restore it from a backup")
    return version


def owns_project(conn: Connection, tables: tuple[str, ...]) -> bool:
    """Whether the connection's role owns ``tables`` and the format table (directly or as a member
    of the owning role): only the owner may change their layout, so only the owner migrates."""
    names = [FORMAT_TABLE, *tables]
    owned = conn.execute(text("SELECT count(*) FROM pg_class WHERE oid = ANY(CAST(:names AS regclass[])) "
                              "AND pg_has_role(current_user, relowner, 'USAGE')"), {"names": names}).scalar()
    return owned == len(names)


def wanted_tables() -> set[str]:
    """The tables a server project of the current format holds."""
    return {*SQLModel.metadata.tables, *pg_schema.TABLES, FORMAT_TABLE}


def create_database(location: Location, fill: Callable[[Session], None]) -> Engine:
    """Create a project in the empty database of ``location``, in one transaction: the SQLModel
    tables, the server-only objects (pg_schema.install), the format row, and what ``fill(session)``
    adds (the project row, the categories). Refuses a database that holds any table."""
    from annotator.core.storage.db import APPLICATION_ID, SCHEMA_VERSION

    engine = make_engine(location)
    try:
        with guard(location), engine.connect() as conn:
            with conn.begin():
                # two inits at once: the second waits here, then finds the tables
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
                present = tables_present(conn)
                if present:
                    what = ("an Annotator project already" if FORMAT_TABLE in present
                            else f"{len(present)} table(s) of another application")
                    raise NotAProjectError(f"{location.display}: the database is not empty ({what}); "
                                           "annotator init needs an empty database")
                SQLModel.metadata.create_all(conn)
                pg_schema.install(conn)
                conn.execute(text(f"CREATE TABLE {FORMAT_TABLE} (application_id BIGINT NOT NULL, "
                                  "version INTEGER NOT NULL)"))
                conn.execute(text(f"INSERT INTO {FORMAT_TABLE} VALUES (:app, :version)"),
                             {"app": APPLICATION_ID, "version": SCHEMA_VERSION})
                with Session(bind=conn, expire_on_commit=False) as session:
                    fill(session)
                    session.flush()
    except Exception:
        engine.dispose()
        raise
    log.info("created a project in %s", location.display)
    return engine
