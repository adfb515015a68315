"""Older project formats made from a new project, for the upgrade tests: each function takes away
what a later format added, through ``execute`` (one SQL statement; SQLite's and PostgreSQL's both
take these), and leaves setting the version number to the caller."""

from annotator.core.storage.migrations import VERSIONED


def drop_format_6(execute) -> None:
    """A format-6 project as format 5 had it: no ``version`` on the shared objects."""
    for table in VERSIONED:
        execute(f"ALTER TABLE {table} DROP COLUMN version")
