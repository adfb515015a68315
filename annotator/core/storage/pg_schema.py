"""What a PostgreSQL project holds beyond the SQLModel tables (issue 19): the objects only the server
needs (the format row that a file keeps in its header, search indexes, triggers), created with the
tables by ``install(connection)`` in the transaction that creates a server project.

Each part lives beside the code that uses it and registers here, so the order of creation is
readable in one place:

- annotation_keys.SERVER_SCHEMA: the annotations' ``rowid`` (an identity column, standing in for
  SQLite's rowid in the same SQL), the annotation table's keys with bytea sort keys, and the
  PL/pgSQL triggers that list new and changed annotations to key (survey items S8, S10);
- document_search.SERVER_SCHEMA: the documents panel's keys and the folded copy of the titles
  and texts that ``find_on_server`` searches (survey item S7);
- notify.install: the statement-level NOTIFY triggers of live updates (point 6), so every server
  project has them from its first transaction (server_roles.setup installs them again, idempotently);
- the SEARCH_INDEXES of both (``install_search_indexes``): pg_trgm GIN indexes on the folded
  texts the two filters search, so a needle of 3 code points or more (a LIKE, engine_sql.holds)
  is found from its trigrams instead of by reading every text. They need the pg_trgm extension,
  which may be missing (not installed on the server, or the role may not add it): a project works
  without them, its filters scan, with the same answers.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from annotator.core.storage import annotation_keys, document_search, notify

log = logging.getLogger(__name__)

SCHEMA = (*annotation_keys.SERVER_SCHEMA, *document_search.SERVER_SCHEMA)
TABLES = (*annotation_keys.SERVER_TABLES, *document_search.SERVER_TABLES)  # beside the SQLModel tables
# (index, table, column): GIN trigram indexes on folded text, where pg_trgm is there
SEARCH_INDEXES = (*document_search.SERVER_SEARCH_INDEXES, *annotation_keys.SERVER_SEARCH_INDEXES)
EXTENSION = "pg_trgm"


def install(connection) -> None:
    """Create the server-only objects on ``connection`` (a SQLAlchemy Connection in a transaction,
    on a database whose SQLModel tables were just created)."""
    for statement in SCHEMA:
        connection.exec_driver_sql(statement)
    notify.install(connection)
    install_search_indexes(connection)


def trigram_schema(connection) -> str | None:
    """The schema pg_trgm is installed in, in the connection's database (None: it is not)."""
    return connection.execute(text("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                   "WHERE extname = :name"), {"name": EXTENSION}).scalar()


def install_search_indexes(connection) -> bool:
    """Add pg_trgm (``CREATE EXTENSION IF NOT EXISTS``: a trusted extension, which a role with
    CREATE on the database may add) and the trigram indexes that are missing, on ``connection`` (a
    SQLAlchemy Connection in a transaction, as the owner of the tables); whether the indexes are
    there (on the tables there are). Idempotent. An extension the server refuses (not installed
    there, or not allowed to this role) is logged and left out, inside a savepoint so the caller's
    transaction goes on: the filters then scan. On tables already full an index is built from
    their rows (a project of 50 MB of text: tens of seconds, writes to the table waiting meanwhile)."""
    schema = trigram_schema(connection)
    if schema is None:
        try:
            with connection.begin_nested():
                connection.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS {EXTENSION}")
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            log.info("no %s search indexes in %s (the filters scan instead): %s", EXTENSION,
                     connection.engine.url.database, reason)
            return False
        schema = trigram_schema(connection)
    for name, table, column in SEARCH_INDEXES:
        if connection.execute(text("SELECT to_regclass(:table)"), {"table": table}).scalar() is None:
            continue  # tables made without pg_schema (roles tried on the SQLModel tables alone)
        connection.exec_driver_sql(f'CREATE INDEX IF NOT EXISTS {name} ON {table} '
                                   f'USING gin ({column} "{schema}".gin_trgm_ops)')
    return True


def has_search_indexes(connection) -> bool:
    """Whether every trigram index of SEARCH_INDEXES is in the connection's database."""
    names = [name for name, _table, _column in SEARCH_INDEXES]
    found = connection.execute(text("SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() "
                                    "AND indexname = ANY(:names)"), {"names": names}).scalar()
    return found == len(names)
