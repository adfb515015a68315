"""Backups of project files: taking them safely, keeping a bounded number, listing and restoring.

A backup is a consistent copy made through SQLite's backup API into the backups folder
(``paths.backup_dir()``), named by the project's identity so that two ``study.annotator`` files in
different folders never share a rotation::

    <file stem>-<first 8 characters of the project id>-<UTC time>-<reason>.annotator

It is written under a temporary name (``… .annotator.partial``), checked with ``PRAGMA
quick_check``, flushed to disk, and only then renamed: a kill or a full disk leaves at most a
temporary file, which the next backup removes, never a broken file counted among the kept ones.

``copy_project`` writes a checked single-file copy the same way to a file the user names (``annotator
copy``, File → Save a Copy).

Kept per project (per id): at most BACKUPS_KEPT backups whose total size is at most
``max(BACKUPS_MIN_BUDGET, BACKUPS_SIZE_FACTOR × the size of the newest backup)`` (1 GiB or three
times the project's size); the newest is always kept.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from annotator import paths
from annotator.core.errors import AnnotatorError, BackupError
from annotator.core.files import STDOUT, OutputError, check_target, output_error, sync_folder, temp_path
from annotator.core.storage import db

BACKUPS_KEPT = 20  # per project
BACKUPS_MIN_BUDGET = 1 << 30  # 1 GiB: the total size of one project's backups may always reach this
BACKUPS_SIZE_FACTOR = 3  # ... or three times the project's size, whichever is larger
ORPHAN_AGE = 3600  # seconds: a temporary file older than this belongs to a backup that was killed
PARTIAL = ".partial"
STAMP = "%Y%m%dT%H%M%S%fZ"
NAME = re.compile(r"^(?P<stem>.*)-(?P<id>[0-9a-f]{8})-(?P<stamp>\d{8}T\d{12}Z)-(?P<reason>[A-Za-z0-9_.-]+)\.annotator$")


@dataclass(frozen=True)
class Backup:
    """One backup file of a project."""

    path: Path
    project_id8: str
    time: datetime  # UTC
    reason: str
    size: int

    def local_time(self) -> str:
        """The time the backup was taken, in the local time zone, e.g. ``2026-12-01 11:02:03``."""
        return self.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def human_size(size: int) -> str:
    """``812 bytes``, ``76.0 KB``, ``1.2 GB``."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def project_id(path: Path) -> str:
    """The id stored in a project file (its ``project`` table), read without changing the file."""
    try:
        conn = sqlite3.connect(db.read_only_uri(path), uri=True)
        try:
            row = conn.execute("SELECT id FROM project LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot read the project's id ({exc})") from exc
    if not row or not isinstance(row[0], str):
        raise BackupError(f"{path}: the project has no id")
    return row[0]


def backup_project(path: Path, reason: str, *, id: str | None = None, verify: bool = True) -> Path:
    """Back ``path`` up into the backups folder (see the module docstring); returns the backup.

    Raises BackupError, before anything is changed, when the folder cannot be written or is full.
    ``verify=False`` skips the ``quick_check`` of the copy (for the copy of a damaged project).
    """
    id8 = (id or project_id(path))[:8].lower()
    folder = _folder()
    stamp = datetime.now(UTC).strftime(STAMP)
    safe_reason = re.sub(r"[^A-Za-z0-9_.-]+", "-", reason).strip("-") or "backup"
    target = folder / f"{path.stem}-{id8}-{stamp}-{safe_reason}.annotator"
    partial = target.with_name(target.name + PARTIAL)
    try:
        remove_orphans(folder)
        copy_database(str(path), partial, backup_of=path, verify=verify)
        _fsync(partial)
        os.replace(partial, target)
        _fsync(folder, strict=False)
    except (OSError, sqlite3.Error) as exc:
        _remove(partial)
        _remove(partial.with_name(partial.name + "-journal"))
        raise BackupError(f"cannot write a backup to {folder}: {_reason(exc)}; the project was not changed") from exc
    except BaseException:
        _remove(partial)
        raise
    prune(path, id8)
    return target


def list_backups(path: Path, id: str | None = None) -> list[Backup]:
    """The backups of the project at ``path`` (matched by its id), newest first."""
    id8 = (id or project_id(path))[:8].lower()
    folder = paths.backup_dir()
    found = []
    for entry in folder.glob(f"*-{id8}-*.annotator"):
        match = NAME.match(entry.name)
        if not match or match["id"] != id8 or not entry.is_file():
            continue
        moment = datetime.strptime(match["stamp"], STAMP).replace(tzinfo=UTC)
        found.append(Backup(entry, id8, moment, match["reason"], entry.stat().st_size))
    return sorted(found, key=lambda b: b.time, reverse=True)


def counts(backup: Path) -> tuple[int, int] | None:
    """``(documents, annotations)`` in a backup file, or None when it cannot be read."""
    try:
        conn = sqlite3.connect(db.read_only_uri(backup), uri=True)
        try:
            return (conn.execute("SELECT count(*) FROM documents").fetchone()[0],
                    conn.execute("SELECT count(*) FROM annotations").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def prune(path: Path, id8: str) -> None:
    """Remove the oldest backups of one project beyond the count and size bounds (module docstring)."""
    total = 0
    for index, backup in enumerate(list_backups(path, id8)):
        if not index:  # the newest backup: the project's size, its -wal included
            budget = max(BACKUPS_MIN_BUDGET, BACKUPS_SIZE_FACTOR * backup.size)
        total += backup.size
        if index and (index >= BACKUPS_KEPT or total > budget):
            for suffix in ("", "-wal", "-shm"):  # a backup opened by an older version may have these
                _remove(backup.path.with_name(backup.path.name + suffix))


def remove_orphans(folder: Path) -> None:
    """Delete what killed backups left: temporary files, ``-journal`` files (and the unfinished
    backups they belong to), once they are older than ORPHAN_AGE seconds."""
    limit = time.time() - ORPHAN_AGE
    for entry in folder.iterdir():
        name = entry.name
        if not (name.endswith(PARTIAL) or name.endswith(PARTIAL + "-journal") or name.endswith(".annotator-journal")):
            continue
        try:
            if entry.stat().st_mtime > limit:
                continue  # perhaps another program's backup, still being written
        except OSError:
            continue
        if name.endswith(".annotator-journal"):  # a backup taken by an older version, never finished
            _remove(entry.with_name(name[: -len("-journal")]))
        _remove(entry)


def check_backup(path: Path, backup: Path, id: str | None) -> None:
    """Refuse ``backup`` unless it is a sound Annotator project with the id ``id`` (when known)."""
    db.check_project_file(backup)
    problem = db.quick_check(backup)
    if problem:
        raise BackupError(f"{backup}: the backup is damaged (quick_check: {problem}); choose another one")
    other = project_id(backup)
    if id is not None and other != id:
        raise BackupError(f"{backup}: a backup of another project (id {other[:8]}, this one is {id[:8]}); "
                          f"nothing was restored")


def restore_backup(path: Path, backup: Path) -> Path:
    """Replace the content of the project at ``path`` with ``backup``'s, after backing up the
    current state (reason ``before-restore``). Returns that backup.

    The project must not be open in this process. A sound project is overwritten through SQLite's
    backup API, so its -wal and -shm stay consistent (and other programs see the change as one
    commit); a damaged one is replaced whole by a copy of the backup.
    """
    db.check_project_file(path)
    if not db.writable(path):
        raise BackupError(f"{path}: the project is read-only; nothing was restored")
    damaged = db.damage(path)
    try:
        current = project_id(path)
    except AnnotatorError:
        current = None
        if not damaged:
            raise
    check_backup(path, backup, current)
    before = backup_project(path, "before-restore", id=current or project_id(backup), verify=not damaged)
    try:
        if damaged:
            partial = path.with_name(path.name + PARTIAL)
            shutil.copyfile(backup, partial)
            _fsync(partial)
            for suffix in ("-wal", "-shm"):
                _remove(path.with_name(path.name + suffix))
            os.replace(partial, path)
        else:
            copy_database(db.read_only_uri(backup), path)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"{path}: restoring {backup.name} failed ({_reason(exc)}); "
                          f"the state before is in {before}") from exc
    return before


def copy_database(source_uri: str, dest: Path, backup_of: Path | None = None, verify: bool = True) -> None:
    """Copy a database page by page (SQLite's backup API) into ``dest``. ``backup_of``: ``dest`` is
    a backup of that project: made a single file (no -wal) and, if ``verify``, quick_checked."""
    source = sqlite3.connect(source_uri, uri=True)
    try:
        source.execute("PRAGMA busy_timeout = 5000")
        target = sqlite3.connect(str(dest))
        try:
            source.backup(target)
            if backup_of is not None:
                target.execute("PRAGMA journal_mode = DELETE")
                if verify:
                    _check(target, backup_of)
        finally:
            target.close()
    finally:
        source.close()


def copy_project(project: str | os.PathLike[str], target: str | os.PathLike[str]) -> int:
    """Write a consistent single-file copy of ``project`` to ``target`` (a new name, or a file that
    is not a project) while other programs may have it open and be writing: SQLite's backup API
    copies one snapshot into a temporary file beside ``target``, ``PRAGMA quick_check`` checks it,
    then it is renamed onto ``target``. Returns the copy's size in bytes. NotAProjectError when
    ``project`` is not a project; OutputError for a refused target or a failed copy."""
    source_path = Path(project)
    db.check_project_file(source_path)
    given = Path(target)
    if str(target) == STDOUT:
        raise OutputError("-: a project copy is a file; give a file name")
    check_target(given)
    real = Path(os.path.realpath(given))
    if real.exists() and not real.is_file():
        raise OutputError(f"{given}: is not a regular file; choose a file name for the copy")
    temp = temp_path(real)
    try:
        # One step of SQLite's backup API: one snapshot, writers are not blocked (WAL); the copy is
        # one file (no -wal) and passes quick_check, as a backup does.
        copy_database(str(source_path), temp, backup_of=source_path)
        _fsync(temp)
        os.replace(temp, real)
        sync_folder(real.parent)
    except sqlite3.Error as exc:
        raise OutputError(f"{given}: cannot copy {source_path}: {exc}") from None
    except OSError as exc:
        raise output_error(given, exc) from None
    finally:
        temp.unlink(missing_ok=True)
    return real.stat().st_size



def _check(conn: sqlite3.Connection, source: Path) -> None:
    rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    if [r[0] for r in rows] != ["ok"]:
        raise sqlite3.DatabaseError(f"the copy of {source} failed its check ({rows[0][0]})")


def _folder() -> Path:
    try:
        return paths.backup_dir()
    except OSError as exc:
        raise BackupError(f"cannot write a backup to {paths.backup_dir_path()}: {_reason(exc)}; "
                          f"the project was not changed") from exc


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or exc.__class__.__name__


def _fsync(path: Path, strict: bool = True) -> None:
    """Flush a file (or, not strict, a folder: not possible everywhere) to disk."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        if strict:
            raise


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass

