"""The annotation table's keys (project format 5): what the corpus-wide annotation table sorts
and searches by, kept in SQL so sorting, filtering and counting happen there (issue 16, point 3).

``install(execute)`` creates the tables and triggers in a new project and in the upgrade from
format 4; ``execute`` runs one SQL statement.
"""

from __future__ import annotations

from collections.abc import Callable


def install(execute: Callable[[str], object]) -> None:
    """Create this module's tables, indexes and triggers (none yet)."""
