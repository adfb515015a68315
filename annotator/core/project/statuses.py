"""Each coder's status per document (a mixin of ``Project``; see project.py for the transaction rules).

A coder marks each document ``not started``, ``in progress`` or ``done``. No row is ``not started``;
a coder who sets a document back to ``not started`` keeps a row saying so, with the time, so that
a merge or an import of an older export does not bring the earlier status back (the latest per
(document, coder) wins everywhere). ``in progress`` is set automatically when a coder adds their
first annotation to a document (``Project.add_annotations``; imports and undo do not).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from annotator.core.errors import NotFoundError, ValidationError, quoted
from annotator.core.project.changes import Changes
from annotator.core.storage import dialect
from annotator.core.storage.dialect import statement
from annotator.core.storage.engine_sql import code_point_order
from annotator.core.storage.tables import Annotator, Document, DocumentStatus, now

NOT_STARTED, IN_PROGRESS, DONE = "not started", "in progress", "done"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE)


@dataclass(frozen=True)
class StatusRow:
    """One coder's status for one document, and when it was set."""

    document_id: str
    annotator_id: str
    status: str
    modified: str

    def record(self) -> dict[str, str]:
        return {"document_id": self.document_id, "annotator_id": self.annotator_id,
                "status": self.status, "modified": self.modified}


def check_status(value: Any) -> str:
    """``value`` as a status; ValidationError naming the three when it is none of them."""
    if value not in STATUSES:
        raise ValidationError(f"unknown status {quoted(str(value), 40)}; use one of: {', '.join(STATUSES)}")
    return value


def next_status(status: str) -> str:
    """The status after ``status`` when a coder cycles through them (done goes back to not started)."""
    return STATUSES[(STATUSES.index(status) + 1) % len(STATUSES)]


class StatusesMixin:
    def document_status(self, document_id: str, annotator_id: str) -> str:
        """The coder's status for the document: ``not started`` when none was set."""
        row = self.document_status_row(document_id, annotator_id)
        return NOT_STARTED if row is None else row.status

    def document_status_row(self, document_id: str, annotator_id: str) -> StatusRow | None:
        """The stored status row (with when it was set), or None when there is none."""
        with self._tx() as s:
            row = s.get(DocumentStatus, (document_id, annotator_id))
            return None if row is None else _row(row)

    def document_statuses(self, annotator_id: str | None = None,
                          document_id: str | None = None) -> list[StatusRow]:
        """Every stored status (optionally of one coder, or of one document), by document and coder."""
        query = select(DocumentStatus)
        if annotator_id is not None:
            query = query.where(DocumentStatus.annotator_id == annotator_id)
        if document_id is not None:
            query = query.where(DocumentStatus.document_id == document_id)
        with self._tx() as s:
            order = code_point_order(s, DocumentStatus.document_id, DocumentStatus.annotator_id)
            return [_row(row) for row in s.exec(query.order_by(*order)).all()]

    def status_matrix(self) -> dict[tuple[str, str], str]:
        """``(document_id, annotator_id) -> status`` for every stored status other than not started."""
        return {(r.document_id, r.annotator_id): r.status for r in self.document_statuses() if r.status != NOT_STARTED}

    def set_document_status(self, document_id: str, annotator_id: str, status: str) -> Changes:
        """Set a coder's status for a document (committed at once) and stamp the time; setting the
        status it already has changes nothing. NotFoundError for an unknown document or coder."""
        status = check_status(status)
        with self._tx(write=True) as s:
            _check_refs(s, document_id, annotator_id)
            row = s.get(DocumentStatus, (document_id, annotator_id))
            if (NOT_STARTED if row is None else row.status) == status:
                return Changes()
            put_status(s, {"document_id": document_id, "annotator_id": annotator_id, "status": status,
                           "modified": now()})
        return Changes.of(documents=[document_id])

    def restore_document_status(self, document_id: str, annotator_id: str, row: StatusRow | None) -> Changes:
        """Put back a status row exactly as it was (undo), or remove the row when there was none."""
        with self._tx(write=True) as s:
            held = s.get(DocumentStatus, (document_id, annotator_id))
            if row is None:
                if held is not None:
                    s.delete(held)
            else:
                put_status(s, row.record())
        return Changes.of(documents=[document_id])


def _row(row: DocumentStatus) -> StatusRow:
    return StatusRow(row.document_id, row.annotator_id, row.status, row.modified)


def _check_refs(s: Session, document_id: str, annotator_id: str) -> None:
    if s.get(Document, document_id) is None:
        raise NotFoundError(f"no document with id {document_id}")
    if s.get(Annotator, annotator_id) is None:
        raise NotFoundError(f"no annotator with id {annotator_id}")


def put_status(s: Session, record: Mapping[str, str]) -> None:
    """Write one status row (document_id, annotator_id, status, modified) inside an open session."""
    row = s.get(DocumentStatus, (record["document_id"], record["annotator_id"]))
    if row is None:
        s.add(DocumentStatus(**dict(record)))
    else:
        row.status, row.modified = record["status"], record["modified"]
        s.add(row)
    s.flush()


def merge_status(s: Session, record: Mapping[str, str]) -> str:
    """Apply a status from an export inside an open session when it is newer than the project's:
    returns ``"added"``, ``"updated"`` or ``"kept"`` (the project's is as new or newer)."""
    row = s.get(DocumentStatus, (record["document_id"], record["annotator_id"]))
    if row is not None and (row.modified, row.status) >= (record["modified"], record["status"]):
        return "kept"
    put_status(s, record)
    return "added" if row is None else "updated"


def merge_statuses(s: Session, records: list[Mapping[str, str]]) -> list[str]:
    """``merge_status`` of each record in turn (the outcome of each, in order), in one read of the
    rows they name and two writes, not an ORM lookup and flush per record (3,000 statuses took
    1.5 s of an import)."""
    if not records:
        return []
    s.flush()
    conn = s.connection()
    held: dict[tuple[str, str], tuple[str, str]] = {}  # (document, coder) -> (modified, status)
    coders = sorted({r["annotator_id"] for r in records})
    for chunk in (coders[i:i + 500] for i in range(0, len(coders), 500)):
        held.update(((d, a), (modified, status)) for d, a, status, modified in conn.exec_driver_sql(statement(
            "SELECT document_id, annotator_id, status, modified FROM document_status WHERE annotator_id IN "
            f"({', '.join('?' * len(chunk))})", dialect.kind(conn)), tuple(chunk)))
    stored = set(held)
    outcomes = []
    for record in records:
        pair = (record["document_id"], record["annotator_id"])
        row = held.get(pair)
        if row is not None and row >= (record["modified"], record["status"]):
            outcomes.append("kept")
            continue
        held[pair] = (record["modified"], record["status"])
        outcomes.append("added" if row is None else "updated")
    written = [(d, a, held[(d, a)][1], held[(d, a)][0]) for d, a in dict.fromkeys(
        (r["document_id"], r["annotator_id"]) for r, outcome in zip(records, outcomes) if outcome != "kept")]
    new = [row for row in written if row[:2] not in stored]
    changed = [(status, modified, d, a) for d, a, status, modified in written if (d, a) in stored]
    _write_statuses(conn, new, changed)
    for obj in [o for o in s.identity_map.values() if isinstance(o, DocumentStatus)]:
        s.expire(obj)  # status rows the session holds read again
    return outcomes


def mark_started(s: Session, items: Iterable[Mapping[str, Any]]) -> None:
    """``in progress`` for each (document, coder) of new annotations whose status is not started.
    In two statements whatever the number of pairs (a million annotations over 10,000 documents
    made 30,000 pairs, one ORM lookup and flush each: 30 s)."""
    pairs = {(i["document_id"], i["annotator_id"]) for i in items}
    if not pairs:
        return
    s.flush()
    conn = s.connection()
    coders = sorted({coder for _, coder in pairs})
    held = dict(((d, a), status) for d, a, status in conn.exec_driver_sql(statement(
        f"SELECT document_id, annotator_id, status FROM document_status WHERE annotator_id IN "
        f"({', '.join('?' * len(coders))})", dialect.kind(conn)), tuple(coders)))
    stamp = now()
    new = [(d, a, IN_PROGRESS, stamp) for d, a in sorted(pairs) if (d, a) not in held]
    started = [(IN_PROGRESS, stamp, d, a) for d, a in sorted(pairs) if held.get((d, a)) == NOT_STARTED]
    _write_statuses(conn, new, started)
    s.expire_all()  # status rows the session holds read again


def _write_statuses(conn, new: list[tuple], changed: list[tuple]) -> None:
    """Insert the ``new`` rows (document, coder, status, modified) and set the ``changed`` ones
    (status, modified, document, coder), each in one executemany."""
    engine_kind = dialect.kind(conn)
    if new:
        conn.exec_driver_sql(statement("INSERT INTO document_status (document_id, annotator_id, status, modified) "
                                       "VALUES (?, ?, ?, ?)", engine_kind), new)
    if changed:
        conn.exec_driver_sql(statement("UPDATE document_status SET status = ?, modified = ? "
                                       "WHERE document_id = ? AND annotator_id = ?", engine_kind), changed)


def take_statuses(s: Session, document_ids: list[str]) -> list[dict[str, str]]:
    """Remove the statuses of documents about to be deleted; returns their rows, for restore."""
    rows = s.exec(select(DocumentStatus).where(DocumentStatus.document_id.in_(document_ids))
                  .order_by(*code_point_order(s, DocumentStatus.document_id, DocumentStatus.annotator_id))).all()
    taken = [_row(row).record() for row in rows]
    for row in rows:
        s.delete(row)
    s.flush()
    return taken
