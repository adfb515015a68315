"""Helpers of Project's opening and transactions that tell a file from a server (issue 19, point 1)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from annotator.core.storage import dialect, server_db
from annotator.core.storage.location import Location, parse_location


def project_location(value: str | Path | Location) -> Location:
    """The Location a project argument names; a file path has ``~`` expanded."""
    if isinstance(value, Location):
        return value
    location = parse_location(value)
    return location if location.is_server else Location(kind="sqlite", path=location.path.expanduser())


def empty_database(location: Location) -> bool:
    engine = server_db.make_engine(location)
    try:
        with server_db.guard(location), engine.connect() as conn:
            return not server_db.tables_present(conn)
    finally:
        engine.dispose()


def change_counter(session: Session):
    """A function whose value changes once the transaction of ``session`` has written something:
    SQLite's total_changes, or whether PostgreSQL assigned the transaction an id (it does at the
    first write, PostgreSQL 13+)."""
    connection = session.connection()
    if dialect.is_server(connection):
        return lambda: connection.exec_driver_sql("SELECT pg_current_xact_id_if_assigned() IS NOT NULL").scalar()
    raw = connection.connection.driver_connection
    return lambda: raw.total_changes
