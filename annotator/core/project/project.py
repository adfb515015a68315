"""The project: the one object the GUI and the CLI use to read and change a project file.

Every public method is one transaction: it commits when it returns and rolls back whole when it
raises. Methods return detached model objects (plain data; changing them changes nothing) or
small dataclasses. Categories and annotations live in their own modules as mixins, documents'
values in documents.py. An operation of several steps (an import, a merge) runs in
``Project.transaction()``, the one public unit of work, and calls the ``insert_*`` helpers with
its session; no module outside core.project and core.storage opens a session or writes SQL.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, func
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from annotator import __version__
from annotator.core.errors import (
    DamagedProjectError,
    NotAProjectError,
    NotFoundError,
    ProjectBusyError,
    ReadOnlyError,
    StaleWriteError,
    ValidationError,
    is_busy,
    quoted,
    server_error,
)
from annotator.core.project.annotation_table import AnnotationTableMixin
from annotator.core.project.annotations import AnnotationsMixin
from annotator.core.project.categories import CategoriesMixin, insert_tree
from annotator.core.project.changes import EVERYTHING, Changes
from annotator.core.project.coders import CodersMixin
from annotator.core.project.documents import (
    AddedDocument,
    DocumentDeletionReport,
    DocumentSummary,
    NewDocument,
    document_order,
    insert_documents,
    sql,
)
from annotator.core.project.export_rows import ExportRows, iter_export_annotations, read_export_rows
from annotator.core.project.gold import GoldMixin, insert_decisions
from annotator.core.project.opening import change_counter, empty_database, project_location
from annotator.core.project.ownership import LEAD, check_lead
from annotator.core.project.span_reads import SpanReadsMixin
from annotator.core.project.statuses import StatusesMixin, put_status, take_statuses
from annotator.core.project.versions import expect
from annotator.core.storage import backups, db, dialect, document_search, migrations, notify, server_db
from annotator.core.storage.engine_sql import code_point_order
from annotator.core.storage.location import Location
from annotator.core.storage.tables import (
    Annotation,
    Annotator,
    Category,
    Decision,
    Document,
    ProjectInfo,
    ProjectSetting,
    now,
)
from annotator.core.text import LIMITS, check_id, clean_line

log = logging.getLogger(__name__)

_LOCK_WAIT_MS: ContextVar[int | None] = ContextVar("lock_wait_ms", default=None)  # None: db.BUSY_TIMEOUT_MS

PROJECT_SUFFIX = ".annotator"


__all__ = ["AddedDocument", "Counts", "DocumentDeletionReport", "DocumentSummary", "NewDocument", "PROJECT_SUFFIX",
           "Project", "Transaction", "insert_documents", "lock_wait"]


@dataclass
class Transaction:
    """What ``Project.transaction`` yields: ``session``, for the ``insert_*`` helpers of
    core.project (``insert_documents``, ``insert_category``, ``insert_annotations``...), and after
    the block ``backup``: the copy of the state before, or None when none was asked for or taken."""

    session: Session
    backup: Path | None = None


@dataclass(frozen=True)
class Counts:
    documents: int
    categories: int
    annotators: int
    annotations: int


class Project(CategoriesMixin, AnnotationsMixin, AnnotationTableMixin, CodersMixin, StatusesMixin, GoldMixin,
              SpanReadsMixin):
    """An open project file. Use ``Project.create`` or ``Project.open``; ``close()`` when done
    (or use it as a context manager)."""

    def __init__(self, location: Location | Path, engine, read_only: bool = False) -> None:
        if not isinstance(location, Location):
            location = Location(kind="sqlite", path=Path(location))
        self.location = location
        # the project file; None for a project on a server (``location.display`` names it)
        self.path: Path | None = location.path
        self._engine = engine
        self.read_only = read_only  # opened with mode="read": every change raises ReadOnlyError
        self.read_only_reason = ""  # why open_for_reading opened it read-only
        self._tails = document_search.Tails()  # for find_documents' needles of 1 or 2 characters
        self._written: dict[str, int] = {}  # category id -> its version after this client's last write

    @property
    def is_server(self) -> bool:
        return self.location.is_server

    @property
    def label(self) -> str:
        """The project's name in messages: the file's name, or the server URL without its password."""
        return self.location.display if self.is_server else self.location.path.name

    @property
    def stem(self) -> str:
        """A name to suggest files by: the file's stem, or the server database's name."""
        return self.path.stem if self.path is not None else (self.location.url.database or "project")

    @property
    def where(self) -> str:
        """The project's full place in messages: the file's path, or the URL without its password."""
        return self.location.safe_display()

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path | Location, name: str | None = None,
               categories: Iterable[dict[str, Any]] = ()) -> Project:
        """Create a new project at ``path``, a file path (any extension; ``.annotator`` is usual)
        or a PostgreSQL URL (an empty database: the tables are made there), holding
        ``categories``: nested category dicts as schema files give them (id, name, colour, shortcut,
        description, attributes, children), such as a template's,
        ``templates.template_categories("claims")``; none by default. Refuses a path that already
        holds a non-empty file (and a database that holds tables); the new file is removed when a
        category is refused (on a server, nothing is created: it is all one transaction).
        """
        location = project_location(path)
        if location.is_server:
            title = name or (location.url.database or "project")

            def fill(session: Session) -> None:
                session.add(ProjectInfo(name=clean_line(title, LIMITS["title"]), created_by=f"Annotator {__version__}"))
                insert_tree(session, categories)

            return cls(location, server_db.create_database(location, fill))
        path = location.path
        engine = db.create_database(path)
        project = cls(location, engine)
        try:
            with project._tx(write=True) as s:
                s.add(ProjectInfo(name=clean_line(name or path.stem, LIMITS["title"]),
                                  created_by=f"Annotator {__version__}"))
            with project.transaction() as tx:
                insert_tree(tx.session, categories)
        except Exception:
            project.close()
            path.unlink(missing_ok=True)
            raise
        return project

    @classmethod
    def open(cls, path: str | Path | Location, mode: str = "write") -> Project:
        """Open an existing project (a file path or a PostgreSQL URL), upgrading an older file
        format after a backup.

        Raises NotAProjectError when the path is missing or is not an Annotator project (an
        empty database, another application's); the file is not changed then. ``mode="write"``
        (the default) also refuses a read-only project file (ReadOnlyError) and a damaged one
        (DamagedProjectError); ``mode="read"`` opens either read-only, for listing and exporting
        (on a server: every transaction read-only).
        """
        location = project_location(path)
        engine = migrations.open_database(location, mode)
        return cls(location, engine, read_only=mode == "read")

    @classmethod
    def open_for_reading(cls, path: str | Path | Location) -> Project:
        """Open ``path`` for writing when it can be, else (read-only or damaged) read-only."""
        try:
            return cls.open(path)
        except (ReadOnlyError, DamagedProjectError) as exc:
            project = cls.open(path, mode="read")
            project.read_only_reason = str(exc)
            return project

    @classmethod
    def open_or_create(cls, path: str | Path | Location, categories: Iterable[dict[str, Any]] = ()) -> Project:
        """Open ``path``, or create it with ``categories`` (see ``create``) when it does not exist
        yet (a server project: when its database is empty)."""
        location = project_location(path)
        if location.is_server:
            try:
                return cls.open(location)
            except NotAProjectError:
                if not empty_database(location):
                    raise
            return cls.create(location, categories=categories)
        if location.path.exists():
            return cls.open(location)
        return cls.create(location, categories=categories)

    def close(self) -> None:
        """Release the file or the server's connections (all edits are already committed), after
        a checkpoint."""
        self.checkpoint()
        self._engine.dispose()

    def checkpoint(self) -> None:
        """Copy the committed changes from the -wal file into the project file itself, so that the
        file alone holds them (``PRAGMA wal_checkpoint(PASSIVE)``: never waits for other programs;
        what their open reads still need stays in the -wal until a later checkpoint). Nothing on a
        server: its durability is the server's."""
        if self.read_only or self.is_server:
            return
        try:
            with self._engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except SQLAlchemyError as exc:  # a checkpoint is an optimisation; the data is safe in the -wal
            log.warning("checkpoint of %s failed: %s", self.path, exc)

    def listener(self, callback, on_state=None) -> notify.Listener:
        """A notify.Listener (not started) on this server project that hears the other clients'
        changes, ``callback(event)`` in its thread, and not this project's own writes (they are
        known already: the History and the operations report them)."""
        if not self.is_server:
            raise ValueError(f"{self.label}: live updates need a project on a server")
        engine = self._engine
        return notify.Listener(self.location, callback, on_state=on_state,
                               skip=lambda pid: notify.own_backend(engine, pid))

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def backup(self, reason: str) -> Path:
        """Copy the project into the backups folder; returns the copy's path. A server project is
        copied by server_backup (an Annotator project file of its last committed state)."""
        if not self.is_server:
            return backups.backup_project(self.path, reason)
        from annotator.core.storage import server_backup  # it reads through copying: only when asked for

        return server_backup.backup(self._engine, self.location, reason)

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[Session]:
        """A session in one transaction: commit on success, roll back whole on any error.

        ``write``: take the project's write lock first (BEGIN IMMEDIATE on a file, an advisory
        lock on a server), waiting up to ``lock_wait`` for another program to finish, so what the
        transaction reads cannot change before it writes; ProjectBusyError (nothing done) if the
        lock stays taken.
        """
        try:
            changed: list[Category] = []  # the categories this transaction wrote
            with Session(self._engine, expire_on_commit=False) as session:
                if write:
                    event.listen(session, "after_flush", lambda s, _context: changed.extend(
                        row for row in (*s.new, *s.dirty) if isinstance(row, Category)))
                with session.begin():
                    if write:
                        self._lock(session.connection())
                    yield session
                    session.flush()
            self._written.update((row.id, row.version) for row in changed)
        except DBAPIError as exc:
            mapped = server_error(exc, self.where, established=True) if self.is_server else None
            if mapped is not None:
                raise mapped from exc
            if isinstance(exc, OperationalError) and self.read_only and "readonly" in str(exc.orig).replace(" ", ""):
                raise ReadOnlyError(f"{self.path}: the project is open read-only; changes cannot be saved") from exc
            if isinstance(exc, DatabaseError) and "malformed" in str(exc.orig) and not self.is_server:
                # a damaged page met while reading (quick_check found it on open)
                raise DamagedProjectError(db.damaged_message(self.path, str(exc.orig))) from exc
            raise
        except StaleDataError as exc:  # an UPDATE of a versioned row found another version (versions.py)
            raise StaleWriteError("a category, setting or decision was changed by another coder at the same "
                                  "moment; nothing was written: make your change again on the current state") from exc
        except json.JSONDecodeError as exc:  # a JSON column whose stored text is not JSON (db.damage names it)
            raise DamagedProjectError(db.damaged_message(self.path, f"a stored value is not JSON: {exc.msg}")) from exc

    @contextmanager
    def transaction(self, backup: str | None = None) -> Iterator[Transaction]:
        """One write transaction for a core operation made of several steps (an import, a merge):
        it takes the write lock (see ``_tx``), commits when the block ends and rolls back whole when
        it raises. Steps use ``tx.session`` with the ``insert_*`` helpers of core.project.

        ``backup``: a reason (``"before-import"``); when the block changed something, the state
        before is copied into the backups folder just before the commit (the copy reads the last
        committed state) and ``tx.backup`` names it. A backup that fails rolls the transaction back.
        """
        with self._tx(write=True) as s:
            changes = change_counter(s)
            before = changes()
            tx = Transaction(s)
            yield tx
            s.flush()
            if backup is not None and changes() != before:
                tx.backup = self.backup(backup)

    def _lock(self, conn) -> None:
        wait_ms = int(_LOCK_WAIT_MS.get() or db.BUSY_TIMEOUT_MS)
        if self.is_server:  # one writer at a time, as on a file; lock_timeout ends the wait (55P03)
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait_ms}")
            try:
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({server_db.WRITE_LOCK_KEY})")
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) != "55P03":
                    raise
                raise ProjectBusyError(f"{self.label}: another client is writing to the project; "
                                       "try again when it has finished") from exc
            return
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as exc:
            if not is_busy(exc):
                raise
            raise ProjectBusyError(f"{self.label}: the database is locked by another program; "
                                   "try again when it has finished") from exc
        finally:
            if wait_ms != db.BUSY_TIMEOUT_MS:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")

    def written_version(self, category_id: str) -> int | None:
        """The category's version after this client's last write that touched it (None: none yet):
        what an undo or redo passes, so that one over another client's newer change is refused
        while this client's own later steps (a move, a reorder) are not taken for one."""
        return self._written.get(category_id)

    def info(self) -> ProjectInfo:
        """The project's id, name and creation time."""
        with self._tx() as s:
            return s.exec(select(ProjectInfo)).one()

    # -- settings (format 3) ----------------------------------------------------------------------

    def setting(self, key: str, default: Any = None) -> Any:
        """A project setting's value (``SETTINGS`` names them), or ``default`` when it was never set."""
        with self._tx() as s:
            row = s.get(ProjectSetting, _setting_key(key))
            return default if row is None else copy.deepcopy(row.value)

    def setting_version(self, key: str) -> int:
        """The version of a setting (format 6), 0 when it was never set: what ``set_setting`` takes
        as ``version`` to refuse a change made from an older read."""
        return self.setting_read(key)[1]

    def setting_read(self, key: str, default: Any = None) -> tuple[Any, int]:
        """``(value, version)`` of a setting in one read (``default`` and 0 when never set)."""
        with self._tx() as s:
            row = s.get(ProjectSetting, _setting_key(key))
            return (default, 0) if row is None else (copy.deepcopy(row.value), row.version)

    def set_setting(self, key: str, value: Any, by: str | None = None, version: int | None = None) -> Changes:
        """Set a project setting (committed at once), recording when and by which coder (an id).
    Once the project has a lead, only the lead (``by``) may (ownership.check_lead). ``version``: the
    one the caller read (``setting_version``); StaleWriteError, nothing written, if it changed since."""
        key = _setting_key(key)
        if by is not None:
            check_id(by, "the coder who changes a setting")
        with self._tx(write=True) as s:
            check_lead(s, by, "change the project's settings")
            if key == LEAD and value is not None and (not isinstance(value, str) or s.get(Annotator, value) is None):
                raise ValidationError("the project's lead must be one of its coders (an annotator id)")
            row = s.get(ProjectSetting, key)
            expect(row, version, f"the setting {quoted(key)}", row and row.modified_by, s)
            if row is None:
                s.add(ProjectSetting(key=key, value=value, modified_by=by))
            else:
                row.value, row.modified, row.modified_by = value, now(), by
                s.add(row)
        return EVERYTHING  # a setting may change what every view shows

    def counts(self) -> Counts:
        """How many documents, categories, annotators and annotations the project holds."""
        with self._tx() as s:
            return Counts(
                documents=s.exec(select(func.count()).select_from(Document)).one(),
                categories=s.exec(select(func.count()).select_from(Category)).one(),
                annotators=s.exec(select(func.count()).select_from(Annotator)).one(),
                annotations=s.exec(select(func.count()).select_from(Annotation)).one(),
            )

    def export_rows(self) -> ExportRows:
        """Documents, categories, annotators, origins and annotation references, for an export."""
        return read_export_rows(self._engine)

    def iter_export_annotations(self) -> Iterator[tuple]:
        """Every annotation as a row for an export (see export_rows.py), read while iterated."""
        return iter_export_annotations(self._engine)

    # -- documents ---------------------------------------------------------------------------

    def add_documents(self, items: Iterable[NewDocument]) -> list[AddedDocument]:
        """Add texts in one transaction. A text the project already holds (same SHA-256 after
        normalisation, including one earlier in ``items``) is not added again: its entry says
        ``created=False`` and points at the existing document. Empty texts are refused."""
        with self._tx(write=True) as s:
            return insert_documents(s, items)

    def add_document(self, title: str, text: str, source: str = "", metadata: dict | None = None) -> AddedDocument:
        """Add one text; see ``add_documents``."""
        return self.add_documents([NewDocument(title, text, source, metadata or {})])[0]

    def documents(self, annotator_id: str | None = None) -> list[DocumentSummary]:
        """All documents in import order, without their texts, with annotation counts (only one
        coder's annotations, given ``annotator_id``)."""
        counts = self.annotation_counts_by_document(annotator_id)
        columns = (Document.id, Document.title, Document.length, Document.sha256, Document.source,
                   Document.meta, Document.created)
        with self._tx() as s:
            rows = s.exec(select(*columns).order_by(*code_point_order(s, Document.position, Document.created))).all()
        return [DocumentSummary(*row, annotation_count=counts.get(row[0], 0)) for row in rows]

    def document(self, document_id: str) -> Document:
        """One document with its text; NotFoundError if the project has no such document."""
        with self._tx() as s:
            doc = s.get(Document, document_id)
            if doc is None:
                raise NotFoundError(f"no document with id {document_id}")
            return doc

    def find_documents(self, query: str) -> set[str]:
        """Ids of the documents whose title or text contains ``query``, ignoring case (Unicode
        case folding, so "É" finds "é"); an empty query finds every document. Through the
        full-text index (core/storage/document_search.py) for the documents indexed, and a scan
        of the others (not indexed yet: ``index_documents``); a query of 1 or 2 characters once
        folded, which has no trigram of its own, through the index's vocabulary where it is rare
        (``document_search.find_short``), else by scanning every document as before."""
        with self._tx() as s:
            if not query:
                return set(s.exec(select(Document.id)).all())
            if dialect.is_server(s):  # no FTS5 there: strpos on the folded copy (document_search)
                return document_search.find_on_server(sql(s), query)
            connection = s.connection().connection.driver_connection
            found = document_search.find(connection.execute, query)
            if found is None:
                found = document_search.find_short(connection, query, self._tails)
            # instr first: the folded needle found as it is in a text is in its folded form too (folding
            # goes character by character, and a folded needle's characters fold to themselves), so
            # most texts are decided in SQLite without being handed to Python to be folded.
            test = "instr(d.{0}, ?1) OR annotator_contains(d.{0}, ?1)"
            scan = f"SELECT d.id FROM documents d WHERE {test.format('title')} OR {test.format('text')}"
            if found is not None:
                scan = (f"SELECT d.id FROM {document_search.KEYS} k JOIN documents d ON d.id = k.document_id "
                        f"WHERE k.indexed = 0 AND ({test.format('title')} OR {test.format('text')})")
            connection.create_function("annotator_contains", 2, document_search.contains, deterministic=True)
            rows = s.connection().exec_driver_sql(scan, (query.casefold(),)).all()
        return set(found or ()) | {row[0] for row in rows}

    def read_document_tails(self, seconds: float | None = None) -> int:
        """Read ahead what ``find_documents`` needs for queries of 1 or 2 characters (the last
        characters of each indexed text, ``document_search.Tails``), for about ``seconds`` (None:
        all); returns how many documents are left. The app calls it in idle time once the
        documents are indexed; without it, the first such query reads them."""
        with self._tx() as s:
            if dialect.is_server(s):  # the server answers short needles by strpos: no tails to read
                return 0
            connection = s.connection().connection.driver_connection
            keys = [key[:3] for key in document_search.indexed_keys(connection.execute)]
            return self._tails.read(connection, keys, seconds)

    def index_documents(self, seconds: float | None = None) -> int:
        """Index documents not indexed yet (added documents wait for this, so an import does not
        pay for the index), in one transaction, stopping after about ``seconds`` (None: all);
        returns how many are left. The app calls it in idle time."""
        with self._tx(write=True) as s:
            return document_search.index(sql(s), seconds)

    def documents_to_index(self) -> int:
        """How many documents ``index_documents`` has still to index."""
        with self._tx() as s:
            return document_search.pending(sql(s))

    def document_order(self, key: str, descending: bool = False, annotator_id: str | None = None,
                       coder_id: str | None = None) -> list[tuple[str, int]]:
        """Every document id sorted in SQL by ``key`` (title, length, annotations: only one coder's
        given ``annotator_id``, source, or status: ``coder_id``'s), with its rank (equal keys share
        one; they come in import order)."""
        with self._tx() as s:
            return document_order(s, key, descending, annotator_id, coder_id)

    def delete_documents(self, ids: Iterable[str]) -> DocumentDeletionReport:
        """Delete documents with all their annotations and coders' statuses in one transaction;
        returns what was deleted, for undo. An unknown id refuses the whole call."""
        ids = list(dict.fromkeys(ids))
        with self._tx(write=True) as s:
            docs = []
            for doc_id in ids:
                doc = s.get(Document, doc_id)
                if doc is None:
                    raise NotFoundError(f"no document with id {doc_id}")
                docs.append(doc)
            anns = s.exec(select(Annotation).where(Annotation.document_id.in_(ids))
                          .order_by(*code_point_order(s, Annotation.document_id, Annotation.start, Annotation.end,
                                                      Annotation.id))).all()
            decisions = s.exec(select(Decision).where(Decision.document_id.in_(ids))
                               .order_by(*code_point_order(s, Decision.id))).all()
            deleted = DocumentDeletionReport([d.model_dump() for d in docs], [a.model_dump() for a in anns],
                                             take_statuses(s, ids), [d.model_dump() for d in decisions])
            s.execute(delete(Decision).where(Decision.document_id.in_(ids)))
            s.execute(delete(Annotation).where(Annotation.document_id.in_(ids)))
            document_search.remove(sql(s), [(d.id, d.title, d.text) for d in docs])
            s.execute(delete(Document).where(Document.id.in_(ids)))
        return deleted

    def restore_documents(self, deleted: DocumentDeletionReport) -> None:
        """Put back what ``delete_documents`` removed, rows exactly as they were (undo)."""
        from annotator.core.project.annotations import insert_annotations

        with self._tx(write=True) as s:
            for row in deleted.documents:
                if s.get(Document, row["id"]) is not None or s.exec(
                        select(Document.id).where(Document.sha256 == row["sha256"])).first():
                    raise ValidationError(f"document {quoted(row['title'])} is in the project again; cannot restore it")
                s.add(Document(**copy.deepcopy(row)))
            s.flush()
            document_search.add(sql(s), [(row["id"], row["title"], row["source"], row["length"],
                                          row["position"], row["created"]) for row in deleted.documents])
            insert_annotations(s, copy.deepcopy(deleted.annotations), restore=True)
            for status in deleted.statuses:
                put_status(s, status)
            insert_decisions(s, deleted.decisions)

    def document_by_sha256(self, sha256: str) -> Document | None:
        """The document whose normalised text has this SHA-256, if the project holds it."""
        with self._tx() as s:
            return s.exec(select(Document).where(Document.sha256 == sha256)).first()


@contextmanager
def lock_wait(ms: int) -> Iterator[None]:
    """Within this block (in this thread), a write waits at most ``ms`` milliseconds for the
    project's write lock before ProjectBusyError; the GUI uses a short wait and retries."""
    token = _LOCK_WAIT_MS.set(ms)
    try:
        yield
    finally:
        _LOCK_WAIT_MS.reset(token)


# Project-wide settings and what they hold: issue 14's coder rules add to this table.
SETTINGS: dict[str, str] = {
    "lead": "the id of the project's lead: once set, only the lead changes these settings, renames other "
            "coders and (with lead_override on) changes other coders' annotations",
    "lead_override": "true: a coder may change or delete other coders' annotations (each change records who made it)",
    "blind_coding": "true: the app shows each coder only their own annotations (the lead turns it off to compare)",
}
# Settings that stay in their project: never written to an exchange file, never taken from one (a
# lead's role and permission to change coders' work must not reach the coders' projects through a handout).
LOCAL_SETTINGS = frozenset({"lead_override", "lead"})


def _setting_key(key: str) -> str:
    if key not in SETTINGS:
        raise ValidationError(f"unknown project setting {quoted(key)}; known: {', '.join(SETTINGS)}")
    return key
