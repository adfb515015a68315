"""Backups of a server project (issue 19, point 1; survey item S5): an Annotator project *file*
in the backups folder, the "documented equivalent" of a file project's backup.

``backup(engine, location, reason)`` (Project.backup calls it for a server project, before
migrations, imports and merges as for a file) reads the project in one ``REPEATABLE READ``
snapshot, the committed state, and writes it with ``annotator copy``'s code (core.storage.copying)
into the backups folder, named as file backups are::

    <the server's name>-<first 8 characters of the project id>-<UTC time>-<reason>.annotator

where the server's name is its display (``Location.display``: the URL without any password)
without the scheme, each run of other characters than letters, digits, ``_``, ``.`` and ``-``
made one ``-`` (``postgresql://lab@db.example.org/study`` gives ``lab-db.example.org-study``). It
is written under ``… .annotator.partial``, checked (``PRAGMA quick_check``), flushed and only
then renamed, and pruned with the file backups' rules (by project id), so ``annotator backups``
lists it and ``annotator copy BACKUP postgresql://…`` puts it back on a new, empty database. It
needs no pg_dump of the server's major version; admins back up the whole database with
``pg_dump -Fc`` as well (docs/project-file.md).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from annotator.core.errors import AnnotatorError, BackupError
from annotator.core.storage import backups, copying, server_db
from annotator.core.storage.location import Location

STEM_LIMIT = 80  # characters of the server's name in a backup's file name


def backup_stem(location: Location) -> str:
    """The server's name as the first part of a backup's file name (see the module docstring)."""
    shown = location.display.split("://", 1)[-1]
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", shown).strip("-.")
    return stem[:STEM_LIMIT].rstrip("-.") or "server"


def backup(engine: Engine, location: Location, reason: str) -> Path:
    """Back the server project on ``engine`` up into the backups folder; returns the file.
    BackupError, with nothing changed, when it cannot be read or written."""
    folder = backups._folder()
    try:
        with server_db.guard(location), copying.engine_snapshot(engine) as conn:
            project_id = conn.execute(text("SELECT id FROM project LIMIT 1")).scalar()
            if not isinstance(project_id, str):
                raise BackupError(f"{location.display}: the project has no id; nothing was changed")
            id8 = project_id[:8].lower()
            stamp = datetime.now(UTC).strftime(backups.STAMP)
            safe_reason = re.sub(r"[^A-Za-z0-9_.-]+", "-", reason).strip("-") or "backup"
            target = folder / f"{backup_stem(location)}-{id8}-{stamp}-{safe_reason}.annotator"
            partial = target.with_name(target.name + backups.PARTIAL)
            backups.remove_orphans(folder)
            copying.copy_to_file(conn, location, target, temp=partial)
    except BackupError:
        raise
    except (AnnotatorError, OSError, SQLAlchemyError) as exc:
        raise BackupError(f"cannot write a backup of {location.display} to {folder}: {_reason(exc)}; "
                          "the project was not changed") from exc
    backups.prune(target, id8)
    return target


def _reason(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return message
