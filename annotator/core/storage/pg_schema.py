"""What a PostgreSQL project holds beyond the SQLModel tables (issue 19): the objects only the server
needs (the format row that a file keeps in its header, search indexes, triggers), created with the
tables by ``install(connection)`` in the transaction that creates a server project.

Each part lives beside the code that uses it and registers here, so the order of creation is
readable in one place:

- annotation_keys.SERVER_SCHEMA: the annotations' ``rowid`` (an identity column, standing in for
  SQLite's rowid in the same SQL), the annotation table's keys with bytea sort keys, and the
  PL/pgSQL triggers that list new and changed annotations to key (survey items S8, S10);
- document_search.SERVER_SCHEMA: the documents panel's keys and the folded copy of the titles
  and texts that ``find_on_server`` scans with strpos (survey item S7);
- notify.install: the statement-level NOTIFY triggers of live updates (point 6), so every server
  project has them from its first transaction (server_roles.setup installs them again, idempotently).
"""

from __future__ import annotations

from annotator.core.storage import annotation_keys, document_search, notify

SCHEMA = (*annotation_keys.SERVER_SCHEMA, *document_search.SERVER_SCHEMA)
TABLES = (*annotation_keys.SERVER_TABLES, *document_search.SERVER_TABLES)  # beside the SQLModel tables


def install(connection) -> None:
    """Create the server-only objects on ``connection`` (a SQLAlchemy Connection in a transaction,
    on a database whose SQLModel tables were just created)."""
    for statement in SCHEMA:
        connection.exec_driver_sql(statement)
    notify.install(connection)
