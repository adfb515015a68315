"""The core's raw statements on either engine (issue 19): one qmark SQL text, run on the raw
driver connection (sqlite3 or psycopg) or through SQLAlchemy's ``exec_driver_sql``, through
``dialect.statement``; and the few spellings that differ between the engines.

- ``Driver(connection)``: ``execute(sql, params=())`` and ``executemany(sql, rows)`` on a raw
  driver connection; psycopg has no ``Connection.executemany`` and parses ``%`` only when given
  parameters, so the parameters are always passed.
- ``Execute(connection)``: the same over a SQLAlchemy Connection (``exec_driver_sql``), callable
  as ``execute(sql, params=())``, with ``kind``.
- ``instr(kind)``: SQLite's ``instr`` is PostgreSQL's ``strpos`` (both 1-based, 0 when absent).
- ``holds(column, needle, kind)``: a substring test of a folded text column and its parameter:
  ``instr``/``strpos``, or on a server, for needles of 3 code points or more, ``LIKE`` (the needle's
  ``%``, ``_`` and ``\\`` escaped), which a pg_trgm GIN index serves where pg_schema made one (a scan
  answers the same where there is none; 1 or 2 code points are a scan either way: survey item S7).
- ``json_text(column, kind)``: a JSON column as its text (psycopg decodes json itself; SQLite
  gives the stored text, which is what the exports and readers take).
- ``ordered(column, kind)``: a text column in code point order (SQLite's BINARY is; a server's
  collation may not be, so ``COLLATE "C"`` there), for ORDER BYs whose order reaches an export.
- ``code_point_order(bind, *columns)``: the same for SQLAlchemy's ORDER BY terms.
- ``forced_joins(tables, kind)``: SQLite's ``CROSS JOIN … ON`` fixes the join order; PostgreSQL
  has no ``ON`` after ``CROSS JOIN`` (and plans the order itself): a plain ``JOIN`` there.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import String

from annotator.core.storage.dialect import POSTGRESQL, SQLITE, kind, statement

__all__ = ["Driver", "Execute", "POSTGRESQL", "SQLITE", "code_point_order", "driver_kind", "forced_joins", "holds",
           "instr", "json_text", "kind", "ordered"]

TRIGRAM = 3  # code points: the shortest needle a trigram index can serve


def driver_kind(connection) -> str:
    """"sqlite" for a sqlite3 connection, else "postgresql" (psycopg's, the only other driver)."""
    return SQLITE if isinstance(connection, sqlite3.Connection) else POSTGRESQL


class Driver:
    """A raw driver connection (sqlite3 or psycopg) taking qmark SQL."""

    __slots__ = ("connection", "kind", "server")

    def __init__(self, connection, engine_kind: str | None = None) -> None:
        self.connection = connection
        self.kind = engine_kind or driver_kind(connection)
        self.server = self.kind == POSTGRESQL

    def execute(self, sql: str, params=()):
        return self.connection.execute(statement(sql, self.kind), params)

    def executemany(self, sql: str, rows) -> None:
        if self.server:
            rows = list(rows)
            if rows:
                with self.connection.cursor() as cursor:
                    cursor.executemany(statement(sql, self.kind), rows)
        else:
            self.connection.executemany(sql, rows)


class Execute:
    """``exec_driver_sql`` of a SQLAlchemy Connection, taking qmark SQL: ``execute(sql, params)``."""

    __slots__ = ("connection", "kind", "server")

    def __init__(self, connection) -> None:
        self.connection = connection
        self.kind = kind(connection)
        self.server = self.kind == POSTGRESQL

    def __call__(self, sql: str, params=()):
        return self.connection.exec_driver_sql(statement(sql, self.kind), params)


def instr(engine_kind: str) -> str:
    return "strpos" if engine_kind == POSTGRESQL else "instr"


def like_pattern(needle: str) -> str:
    """A LIKE pattern (``ESCAPE '\\'``) matching any text that holds ``needle``, code point for code point."""
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def holds(column: str, needle: str, engine_kind: str) -> tuple[str, str]:
    """``(sql, parameter)``: whether the text ``column`` holds ``needle`` (both folded by Python
    already). On a server a needle of 3 code points or more is a LIKE, which pg_trgm's GIN index
    answers from its trigrams (PostgreSQL plans strpos as a scan); a shorter one has no trigram of
    its own and is scanned for with strpos, which PostgreSQL does faster than a trigram plan."""
    if engine_kind == POSTGRESQL and len(needle) >= TRIGRAM:
        return f"{column} LIKE ? ESCAPE '\\'", like_pattern(needle)
    return f"{instr(engine_kind)}({column}, ?) > 0", needle


def json_text(column: str, engine_kind: str) -> str:
    return f"{column}::text" if engine_kind == POSTGRESQL else column


def ordered(column: str, engine_kind: str) -> str:
    return f'{column} COLLATE "C"' if engine_kind == POSTGRESQL else column


def forced_joins(tables: str, engine_kind: str) -> str:
    return tables.replace("CROSS JOIN", "JOIN") if engine_kind == POSTGRESQL else tables


def code_point_order(bind, *columns) -> list:
    """SQLAlchemy ORDER BY terms of ``columns`` in code point order on ``bind``'s engine (an
    Engine, Connection or Session): text columns ``COLLATE "C"`` on a server, as they are on
    SQLite (whose BINARY collation is code point order); other columns as they are."""
    if kind(bind) != POSTGRESQL:
        return list(columns)
    return [column.collate("C") if isinstance(getattr(column, "type", None), String) else column for column in columns]
