"""What a PostgreSQL project holds beyond the SQLModel tables (issue 19): the objects only the server
needs (the format row that a file keeps in its header, search indexes, triggers), created with the
tables by ``install(connection)`` in the transaction that creates a server project.

Each part lives beside the code that uses it and registers here, so the order of creation is
readable in one place.
"""

from __future__ import annotations


def install(connection) -> None:
    """Create the server-only objects on ``connection`` (a SQLAlchemy Connection in a transaction,
    on a database whose SQLModel tables were just created)."""
