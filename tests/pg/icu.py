"""A database whose default collation is ICU's root locale ("und"), as an admin's ``CREATE
DATABASE`` with a linguistic collation makes it: there ``'a' < 'B'`` and ``'ä'`` sorts beside
``'a'``, so a server test on it fails wherever the core relies on the database's order instead of
code point order (issue 19, T3). The tests' cluster itself is ``--locale=C``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def icu_database(cluster) -> Iterator[str]:
    """The libpq URL of a fresh empty database with ICU's root collation, dropped afterwards."""
    import psycopg

    name = f"annotator_icu_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' "
                     "LOCALE_PROVIDER icu ICU_LOCALE 'und'")
    try:
        yield cluster.url(name)
    finally:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
