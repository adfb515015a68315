"""Importing files and folders as documents (used by ``annotator import`` and the GUI).

Each file is read and stored in its own transaction: a file that fails leaves nothing behind and
the other files still import. A project that already holds documents is backed up just before the
first file that adds something (an import of duplicates only takes no backup). A lost connection to
a server ends the import there (ConnectionLostError, saying how many files were imported whole
before it): the file being stored rolled back whole, and the next would only fail the same way.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.documents.readers import SUPPORTED_EXTENSIONS, ImportOptions, read_file
from annotator.core.errors import (
    AnnotatorError,
    BackupError,
    ConnectionLostError,
    connection_lost,
    user_message,
)
from annotator.core.project.changes import NOTHING, Changes, Progress
from annotator.core.project.project import DocumentSummary, NewDocument, Project, insert_documents

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    """What became of one file."""

    path: Path
    encoding: str | None = None
    added: list[DocumentSummary] = field(default_factory=list)
    duplicates: list[DocumentSummary] = field(default_factory=list)  # the documents already held
    error: str | None = None


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    backup: Path | None = None
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)  # links skipped or followed (collect_files)
    changes: Changes = NOTHING  # the documents added

    @property
    def added(self) -> list[DocumentSummary]:
        return [doc for f in self.files for doc in f.added]

    @property
    def duplicates(self) -> list[tuple[Path, DocumentSummary]]:
        return [(f.path, doc) for f in self.files for doc in f.duplicates]

    @property
    def failures(self) -> list[FileResult]:
        return [f for f in self.files if f.error]

    @property
    def ok(self) -> bool:
        return not self.failures and not self.cancelled


def collect_files(paths: Iterable[str | Path],
                  notes: list[str] | None = None) -> list[tuple[Path, str, str | None]]:
    """Expand the paths given into ``(file, source name, error)`` triples, in a stable order.

    Folders are searched recursively for supported extensions (hidden files and folders are
    skipped); a missing path, or a folder with nothing importable, becomes an entry with an error.
    Files named directly are kept whatever their extension (the reader refuses unknown ones).
    Inside a folder, a link to a file outside it, a broken link and any link to a folder (which
    could loop) are skipped; a path named directly is followed even when it is a link. What was
    skipped or followed is added to ``notes``, one line each.
    """
    notes = [] if notes is None else notes
    out: list[tuple[Path, str, str | None]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_symlink() and path.exists():
            notes.append(f"followed link {path} -> {_target(path)}")
        if path.is_dir():
            found = _search(path, notes)
            if not found:
                kinds = ", ".join(SUPPORTED_EXTENSIONS)
                out.append((path, path.name, f"no importable files in this folder (looked for {kinds})"))
            out.extend((p, p.relative_to(path).as_posix(), None) for p in found)
        elif path.is_file():
            out.append((path, path.name, None))
        elif path.exists():
            out.append((path, path.name, "not a regular file"))
        else:
            out.append((path, path.name, "no such file or folder"))
    return out


def _target(link: Path) -> str:
    """Where a link leads, for a note."""
    try:
        return str(link.resolve(strict=True))
    except RuntimeError:  # Python 3.11 and 3.12 on a loop
        return "a loop of links"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a loop of links"
        return f"{os.readlink(link)}, which does not exist"


def _search(folder: Path, notes: list[str]) -> list[Path]:
    """The importable files under ``folder``; os.walk does not descend into linked folders."""
    top = folder.resolve()
    found = []
    for where, dirs, files in os.walk(folder):
        base = Path(where)
        for name in [d for d in dirs if (base / d).is_symlink() and not d.startswith(".")]:
            notes.append(f"skipped {base / name}: a link to a folder ({_target(base / name)}); "
                         "name it directly to import it")
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            file = base / name
            if name.startswith(".") or file.suffix.lower() not in SUPPORTED_EXTENSIONS:
                continue
            if file.is_symlink():
                if not file.exists():
                    notes.append(f"skipped {file}: a broken link ({_target(file)})")
                    continue
                target = file.resolve()
                if not target.is_relative_to(top):
                    notes.append(f"skipped {file}: a link to {target}, outside {folder}; name it directly "
                                 "to import it")
                    continue
            if file.is_file():
                found.append(file)
    return sorted(found)


# What the import dialog's preview reads at most: larger files, and files past the count, are listed
# without a number (their documents are counted when they are imported).
PREVIEW_MAX_BYTES = 8 * 2**20
PREVIEW_MAX_FILES = 200


@dataclass(frozen=True)
class FilePreview:
    """How many documents one file will make with the options given (``documents``), or why that
    is not known (``note``: the file cannot be read, or it was too large to count)."""

    chosen: Path  # the file or folder the user chose
    path: Path
    source: str  # as the documents will record it (the path below the chosen folder)
    documents: int | None
    note: str | None = None


def preview_import(paths: Iterable[str | Path], options: ImportOptions = ImportOptions(), *,
                   max_bytes: int = PREVIEW_MAX_BYTES, max_files: int = PREVIEW_MAX_FILES,
                   is_cancelled: Callable[[], bool] | None = None) -> list[FilePreview]:
    """What ``import_paths`` would make of ``paths``, file by file, without touching a project: the
    same folder search (``collect_files``) and the same reader and splitting (``read_file``). Files
    over ``max_bytes``, and those after the first ``max_files``, are listed but not read; a
    cancelled preview returns what it has."""
    out: list[FilePreview] = []
    counted = 0
    for chosen in paths:
        for path, source, error in collect_files([chosen]):
            if is_cancelled is not None and is_cancelled():
                return out
            documents, note = None, error
            if error is None:
                over = None if counted < max_files else f"not counted (the preview reads {max_files} files at most)"
                documents, note = _count(path, options, max_bytes, over)
                counted += documents is not None or not note.startswith("not counted")
            out.append(FilePreview(Path(chosen), path, source, documents, note or None))
    return out


def _count(path: Path, options: ImportOptions, max_bytes: int, over: str | None) -> tuple[int | None, str]:
    """The number of documents ``read_file`` makes of ``path``, or None and why not (a file over
    ``max_bytes`` is not read, nor any file when the preview is ``over`` its budget)."""
    try:
        if path.stat().st_size > max_bytes:
            return None, f"not counted (larger than {max_bytes / 2**20:g} MiB)"
        if over:
            return None, over
        return len(read_file(path, options)), ""
    except Exception as exc:
        return None, _reason(exc, path)  # what the import would say


def _reason(exc: Exception, path: Path) -> str:
    """Why a file could not be read, as one line for its user."""
    if isinstance(exc, AnnotatorError):  # ReadError and ValidationError: a plain reason
        return user_message(exc)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    # A reader bug must not stop the other files or show a traceback.
    log.exception("unexpected error reading %s", path)
    return f"unexpected error: {user_message(exc)}"


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    options: ImportOptions = ImportOptions(),
    progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import files and folders into ``project``; see the module docstring.

    ``progress(done, total, file name)`` is called before each file; ``is_cancelled()`` is checked
    between files, and stops the import there (files already imported stay).
    """
    report = ImportReport()
    entries = collect_files(paths, report.notes)
    reason = "before-import" if project.counts().documents else None  # an empty project: nothing to keep
    for index, (path, source, error) in enumerate(entries):
        if is_cancelled is not None and is_cancelled():
            report.cancelled = True
            break
        if progress is not None:
            progress(index, len(entries), path.name)
        result = FileResult(path)
        report.files.append(result)
        if error:
            result.error = error
            continue
        try:
            extracted = read_file(path, options)
            result.encoding = extracted[0].encoding if extracted else None
            with project.transaction(backup=None if report.backup else reason) as tx:
                added = insert_documents(tx.session, (NewDocument(e.title, e.text, source, e.metadata)
                                                      for e in extracted))
            report.backup = report.backup or tx.backup
        except BackupError:  # no backup, no import: stop here with the project unchanged
            raise
        except ConnectionLostError as exc:
            done = len([f for f in report.files[:-1] if not f.error])
            raise connection_lost(getattr(exc, "where", project.where), getattr(exc, "reason", "no answer"),
                                  f"{done} of {len(entries)} file(s) were imported before it, each whole; "
                                  f"{path.name} and the files after it were not") from exc
        except Exception as exc:
            result.error = _reason(exc, path)
            continue
        for item in added:
            (result.added if item.created else result.duplicates).append(item.document)
    if progress is not None and not report.cancelled:
        progress(len(entries), len(entries), "")
    report.changes = Changes.of(documents=[doc.id for doc in report.added], corpus=bool(report.added))
    return report
