"""Documents inside the project: the values ``Project``'s document methods take and return, and
``insert_documents``, the step that adds texts inside an open transaction (``Project.transaction``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from annotator.core.errors import ValidationError, quoted
from annotator.core.storage import document_search
from annotator.core.storage.engine_sql import Driver, Execute, ordered
from annotator.core.storage.tables import Document, new_id
from annotator.core.text import (
    LIMITS,
    LONE_SURROGATES,
    check_id,
    check_value,
    clean_line,
    normalise,
    sha256_text,
)


@dataclass(frozen=True)
class NewDocument:
    """A text to add. ``text`` is normalised by the project before it is stored."""

    title: str
    text: str
    source: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    id: str | None = None  # keep an id from an export file; None: a new UUID


@dataclass(frozen=True)
class AddedDocument:
    """What ``add_documents`` did with one NewDocument."""

    document: DocumentSummary
    created: bool  # False: the project already held this text (same SHA-256)


@dataclass(frozen=True)
class DocumentSummary:
    """A document without its text, for listings."""

    id: str
    title: str
    length: int
    sha256: str
    source: str
    metadata: dict[str, Any]
    created: str
    annotation_count: int = 0


@dataclass(frozen=True)
class DocumentDeletionReport:
    """What ``delete_documents`` removed, enough to put it back exactly (``restore_documents``)."""

    documents: list[dict[str, Any]]  # full rows, text, position and created included, in the order given
    annotations: list[dict[str, Any]]  # full rows of their annotations
    statuses: list[dict[str, Any]] = field(default_factory=list)  # coders' status rows of these documents
    decisions: list[dict[str, Any]] = field(default_factory=list)  # the adjudicator's decisions on them

    @property
    def titles(self) -> list[str]:
        return [doc["title"] for doc in self.documents]


def insert_documents(s: Session, items: Iterable[NewDocument]) -> list[AddedDocument]:
    """``add_documents`` inside an open session (for operations made of several steps)."""
    results: list[AddedDocument] = []
    position = s.exec(select(func.coalesce(func.max(Document.position), 0))).one()
    for item in items:
        text = normalise(item.text)
        title = clean_line(item.title, LIMITS["title"]).strip() or "Untitled"
        if not text.strip():
            raise ValidationError(f"document {quoted(title, 60)} has no text")
        if "\x00" in text or LONE_SURROGATES.search(text):
            raise ValidationError(f"document {quoted(title, 60)}: the text contains NUL characters or invalid Unicode")
        if not isinstance(item.metadata, dict):
            raise ValidationError(f"document {quoted(title, 60)}: metadata must be an object of name: value")
        check_value(item.metadata, f"document {quoted(title, 60)}: metadata")
        if item.id is not None:
            check_id(item.id, f"document {quoted(title, 60)}: the id")
        digest = sha256_text(text)
        existing = s.exec(select(Document).where(Document.sha256 == digest)).first()
        if existing is not None:
            results.append(AddedDocument(_summary(existing), created=False))
            continue
        doc_id = item.id if item.id and s.get(Document, item.id) is None else new_id()
        position += 1
        doc = Document(id=doc_id, title=title, text=text, sha256=digest, length=len(text),
                       source=clean_line(item.source, LIMITS["source"]),
                       meta=dict(item.metadata), position=position)
        s.add(doc)
        s.flush()
        document_search.add(sql(s), [(doc.id, doc.title, doc.source, doc.length, doc.position, doc.created)])  # pending
        results.append(AddedDocument(_summary(doc), created=True))
    return results


def sql(s: Session, read: bool = False):
    """``execute(sql, params)`` (qmark SQL, see dialect.statement) inside the session's transaction,
    for document_search; ``read``: on the driver's connection itself, whose rows are plain tuples
    (for listings of many rows)."""
    if read:
        return Driver(s.connection().connection.driver_connection).execute
    return Execute(s.connection())


def _summary(doc: Document) -> DocumentSummary:
    return DocumentSummary(doc.id, doc.title, doc.length, doc.sha256, doc.source, doc.meta, doc.created)


# The documents panel's sort keys -> what SQL orders by, all from document_search's keys table (title
# and source by their folded keys, see document_search.sort_key), an annotation count and a coder's
# status as the panel shows them.
ORDER_BY = {
    "title": "k.title_key", "length": "k.length", "source": "k.source_key",
    "annotations": "coalesce(c.n, 0)",
    "status": "CASE st.status WHEN 'in progress' THEN 1 WHEN 'done' THEN 2 ELSE 0 END",
}


def document_order(s: Session, key: str, descending: bool = False, annotator_id: str | None = None,
                   coder_id: str | None = None) -> list[tuple[str, int]]:
    """Every document id sorted by ``key`` (of ORDER_BY), with its rank: documents whose keys are
    equal share one rank (so a caller can keep its own order among them, as a stable sort would)
    and come in import order, also when descending. ``annotator_id``: count only that coder's
    annotations; ``coder_id``: whose status."""
    if key not in ORDER_BY:
        raise ValidationError(f"cannot sort documents by {quoted(key)}; by: {', '.join(ORDER_BY)}")
    joins, params = "", []
    if key == "annotations":
        only = "" if annotator_id is None else "WHERE annotator_id = ?"
        joins += f" LEFT JOIN (SELECT document_id, count(*) AS n FROM annotations {only} GROUP BY document_id) c" \
                 " ON c.document_id = k.document_id"
        params += [] if annotator_id is None else [annotator_id]
    if key == "status":
        joins += " LEFT JOIN document_status st ON st.document_id = k.document_id AND st.annotator_id = ?"
        params.append(coder_id)
    direction = "DESC" if descending else "ASC"
    driver = Driver(s.connection().connection.driver_connection)  # plain tuples: no per-row objects
    created = ordered("k.created", driver.kind)
    return driver.execute(
        f"SELECT k.document_id, dense_rank() OVER (ORDER BY {ORDER_BY[key]} {direction}) FROM {document_search.KEYS} k "
        f"{joins} ORDER BY {ORDER_BY[key]} {direction}, k.position, {created}", tuple(params)).fetchall()
