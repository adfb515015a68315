"""The documents panel's full-text index (project format 5): SQLite FTS5 over the documents'
titles and texts, so the panel filters and sorts in SQL (issue 16, point 4).

``install(execute)`` creates the index in a new project and in the upgrade from format 4;
``execute`` runs one SQL statement.
"""

from __future__ import annotations

from collections.abc import Callable


def install(execute: Callable[[str], object]) -> None:
    """Create this module's tables and index (none yet)."""
