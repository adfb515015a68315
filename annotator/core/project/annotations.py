"""Annotation operations of ``Project`` (a mixin; see project.py for the transaction rules).

Offsets are code points into the document's stored text, ``[start, end)``; the core refuses a
span outside the text, an empty or reversed span, and unknown documents, categories or
annotators, naming the offending item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from sqlalchemy import delete, func
from sqlmodel import Session, select

from annotator.core.errors import NotFoundError, OwnershipError, ValidationError, brief
from annotator.core.project.bulk import (
    EMPTY_JSON,
    INSERT_ANNOTATION,
    KnownValues,
    bulk_cache,
    chunks,
    document_lengths,
    existing_ids,
    fresh_ids,
    plain_id,
    plain_note,
    plain_time,
)
from annotator.core.project.ownership import check_owner
from annotator.core.project.statuses import mark_started
from annotator.core.schema.rules import check_attribute_values, fit_attribute_values, with_defaults
from annotator.core.storage import dialect
from annotator.core.storage.dialect import statement
from annotator.core.storage.engine_sql import code_point_order, driver_kind, json_text
from annotator.core.storage.tables import (
    GOLD_ID,
    GOLD_NAME,
    Annotation,
    Annotator,
    Category,
    now,
)
from annotator.core.text import LIMITS, check_field, check_id, check_timestamp, check_value, normalise

_UNSET: Any = object()
_FIELDS = ("document_id", "category_id", "annotator_id", "start", "end")
_BATCH = 20_000  # rows checked and written at a time by insert_annotations


class AnnotationRow(NamedTuple):
    """An annotation as listings show it: its quote cut to ``quote_limit`` code points."""

    id: str
    document_id: str
    document_title: str
    start: int
    end: int
    category_id: str
    annotator_id: str
    note: str
    quote: str
    modified: str


class AnnotationsMixin:
    def add_annotation(self, document_id: str, category_id: str, annotator_id: str, start: int, end: int,
                       note: str = "", attributes: dict[str, Any] | None = None, id: str | None = None) -> Annotation:
        """Add one annotation and return it."""
        ann_id = self.add_annotations([dict(
            id=id, document_id=document_id, category_id=category_id, annotator_id=annotator_id,
            start=start, end=end, note=note, attributes=attributes,
        )])[0]
        return self.annotation(ann_id)

    def add_annotations(self, items: Iterable[Mapping[str, Any]], *, restore: bool = False) -> list[str]:
        """Add many annotations in one transaction and return their ids, in order.

        Each item is a mapping with document_id, category_id, annotator_id, start, end and
        optionally note, attributes, and (to restore a deleted annotation, or to import one)
        id, created, modified, origin_id, modified_by. Every item is checked before anything is
        written: one bad item refuses all.
        Attribute values must fit the definitions of the item's category, except with ``restore``
        (undo putting back rows exactly as they were, even if the definitions changed since).
        A new annotation (not ``restore``) stores the default of every attribute its category
        defines with one and the item gives no value for; a restored one keeps its values as they were.
        """
        with self._tx(write=True) as s:
            items = list(items)
            if not restore and any(item.get("annotator_id") == GOLD_ID for item in items):
                raise OwnershipError(f"the {GOLD_NAME} is written by adjudication (Tools → Adjudicate), not by a coder")
            texts = self._keys_before_edit(s)
            ids = insert_annotations(s, items, restore=restore, defaults=not restore)
            if not restore:
                mark_started(s, items)  # a coder's first annotation in a document: "in progress"
            self._key_edit(s, texts, {item["document_id"] for item in items})
            return ids

    def annotation(self, annotation_id: str) -> Annotation:
        """One annotation; NotFoundError if there is none with this id."""
        with self._tx() as s:
            return _get(s, annotation_id)

    def annotations(self, document_id: str | None = None, category_id: str | None = None,
                    annotator_id: str | None = None) -> list[Annotation]:
        """Annotations matching every filter given, by document, start, end, id."""
        query = _filtered(select(Annotation), document_id, category_id, annotator_id)
        with self._tx() as s:
            return list(s.exec(query.order_by(*code_point_order(
                s, Annotation.document_id, Annotation.start, Annotation.end, Annotation.id))).all())

    def span_values(self) -> list[tuple[str, str, str, int, int, str, str]]:
        """``(id, document_id, annotator_id, start, end, category_id, attributes JSON)`` of every
        annotation, in no order: the lean form a pre-merge reads all of at once."""
        with self._tx() as s:
            attributes = json_text("attributes", dialect.kind(s))
            return _raw(s)(f'SELECT id, document_id, annotator_id, start, "end", category_id, {attributes}'
                           " FROM annotations", ())

    def annotation_spans(self, document_id: str,
                         annotator_id: str | None = None) -> list[tuple[str, int, int, str, str]]:
        """``(id, start, end, category_id, annotator_id)`` of a document's annotations (only one
        coder's, given ``annotator_id``), by start, end, id: the lean form a view paints from (no
        ORM objects, so 20,000 load in milliseconds)."""
        mine, params = _only(annotator_id, "annotator_id")
        with self._tx() as s:
            return _raw(s)('SELECT id, start, "end", category_id, annotator_id FROM annotations WHERE document_id = ?'
                           f'{mine} ORDER BY start, "end", id', (document_id, *params))

    def annotation_spans_window(self, document_id: str, low: int, high: int, annotator_id: str | None = None,
                                longer_than: int | None = None) -> list[tuple[str, int, int, str, str]]:
        """``annotation_spans`` of those starting in ``[low, high)`` only (given ``longer_than``, only
        those longer), by start and end only (the index's order: no sort): a long document's part."""
        mine, params = _only(annotator_id, "annotator_id")
        longer, length = ("", ()) if longer_than is None else (' AND "end" - start > ?', (longer_than,))
        with self._tx() as s:
            return _raw(s)('SELECT id, start, "end", category_id, annotator_id FROM annotations WHERE document_id = ?'
                           f' AND start >= ? AND start < ?{mine}{longer} ORDER BY start, "end"',
                           (document_id, low, high, *params, *length))

    def annotation_rows(self, document_id: str | None = None, quote_limit: int = 200,
                        ids: Iterable[str] | None = None, annotator_id: str | None = None) -> list[AnnotationRow]:
        """Annotations of one document (or of all, in document order; or those with the given
        ``ids`` that still exist) with their quotes, cut to ``quote_limit`` code points; given
        ``annotator_id``, only that coder's.

        Quotes are sliced in Python from each document's text, read once: SQLite's substr would
        read a long text again for every annotation on it (5 s for 20,000 spans on 1 MB)."""
        sql = (
            'SELECT a.id, a.document_id, d.title, a.start, a."end", a.category_id, a.annotator_id, a.note,'
            " '', a.modified FROM annotations a JOIN documents d ON d.id = a.document_id WHERE {where}"
            ' ORDER BY d.position, a.start, a."end", a.id'
        )
        mine, params = _only(annotator_id, "a.annotator_id")
        with self._tx() as s:
            run = _raw(s)
            if ids is not None:
                rows = []
                for chunk in chunks(list(ids)):
                    rows += run(sql.format(where=f"a.id IN ({', '.join('?' * len(chunk))}){mine}"),
                                (*chunk, *params))
            elif document_id is not None:
                rows = run(sql.format(where=f"a.document_id = ?{mine}"), (document_id, *params))
            else:
                rows = run(sql.format(where=f"TRUE{mine}"), params)
            texts: dict[str, str] = {}
            if quote_limit > 0:
                for chunk in chunks(sorted({row[1] for row in rows})):
                    texts.update(run(f"SELECT id, text FROM documents WHERE id IN ({', '.join('?' * len(chunk))})",
                                     tuple(chunk)))
        limit = max(0, quote_limit)
        return [AnnotationRow(*row[:8], texts[row[1]][row[3]:min(row[4], row[3] + limit)] if limit else "", row[9])
                for row in rows]

    def count_annotations(self, document_id: str | None = None, category_id: str | None = None,
                          annotator_id: str | None = None) -> int:
        """How many annotations match every filter given."""
        query = _filtered(select(func.count()).select_from(Annotation), document_id, category_id, annotator_id)
        with self._tx() as s:
            return s.exec(query).one()

    def annotation_counts_by_document(self, annotator_id: str | None = None) -> dict[str, int]:
        """Number of annotations (only one coder's, given ``annotator_id``) per document id
        (documents without any are absent)."""
        query = _filtered(select(Annotation.document_id, func.count()), None, None, annotator_id)
        with self._tx() as s:
            rows = s.exec(query.group_by(Annotation.document_id)).all()
        return dict(rows)

    def annotation_counts_by_annotator(self) -> dict[str, int]:
        """Number of annotations per annotator id (coders without any are absent)."""
        with self._tx() as s:
            return dict(s.exec(select(Annotation.annotator_id, func.count()).group_by(Annotation.annotator_id)).all())

    def annotation_counts_by_category(self) -> dict[str, int]:
        """Number of annotations per category id (categories without any are absent)."""
        with self._tx() as s:
            rows = s.exec(select(Annotation.category_id, func.count()).group_by(Annotation.category_id)).all()
        return dict(rows)

    def update_annotation(self, annotation_id: str, *, category_id: Any = _UNSET, start: Any = _UNSET,
                          end: Any = _UNSET, note: Any = _UNSET, attributes: Any = _UNSET,
                          modified: str | None = None, by: str) -> Annotation:
        """Change any of an annotation's category, span, note or attribute values, as coder ``by``."""
        changes = {k: v for k, v in dict(category_id=category_id, start=start, end=end, note=note,
                                         attributes=attributes).items() if v is not _UNSET}
        return self.update_annotations([(annotation_id, changes)], modified=modified, by=by)[0]

    def update_annotations(self, changes: Iterable[tuple[str, Mapping[str, Any]]],
                           modified: str | None = None, *, by: str) -> list[Annotation]:
        """Apply ``(id, {field: value})`` changes in one transaction; fields: category_id,
        start, end, note, attributes (and modified and modified_by, to restore them on undo).

        ``by`` is the acting coder's id: another coder's annotation is refused (OwnershipError)
        unless the project's ``lead_override`` is on (core/project/ownership.py); each changed
        annotation records ``by`` as its ``modified_by``.

        Attribute values must fit the definitions of the annotation's (new) category. When only
        the category changes, values the new category does not define, or that do not fit it,
        are dropped (``UpdateAnnotations`` keeps them for undo)."""
        allowed = {"category_id", "start", "end", "note", "attributes", "modified", "modified_by"}
        updated: list[Annotation] = []
        stamp = now()
        with self._tx(write=True) as s:
            texts = self._keys_before_edit(s)
            for annotation_id, fields in changes:
                unknown = set(fields) - allowed
                if unknown:
                    raise ValidationError(f"cannot change {', '.join(sorted(unknown))} of an annotation")
                ann = _get(s, annotation_id)
                check_owner(s, [ann], by)
                where = f"annotation {annotation_id}"
                apply_fields(s, ann, fields, where)
                ann.modified = fields.get("modified") or modified or stamp
                check_timestamp(ann.modified, f"{where}: modified")
                ann.modified_by = fields["modified_by"] if "modified_by" in fields else by
                s.add(ann)
                updated.append(ann)
            self._key_edit(s, texts, {ann.document_id for ann in updated})
        return updated

    def delete_annotation(self, annotation_id: str, *, by: str) -> dict[str, Any]:
        """Delete one annotation as coder ``by``; returns its full row (``add_annotations`` restores it)."""
        return self.delete_annotations([annotation_id], by=by)[0]

    def delete_annotations(self, ids: Iterable[str], *, by: str) -> list[dict[str, Any]]:
        """Delete annotations in one transaction as coder ``by``; returns their full rows, in the
        order given. An unknown id, or another coder's annotation while the project's
        ``lead_override`` is off, refuses the whole call."""
        ids = list(ids)
        with self._tx(write=True) as s:
            found: dict[str, dict[str, Any]] = {}
            for chunk in chunks(ids):
                for ann in s.exec(select(Annotation).where(Annotation.id.in_(chunk))).all():
                    found[ann.id] = ann.model_dump()
            for annotation_id in ids:
                if annotation_id not in found:
                    raise NotFoundError(f"no annotation with id {annotation_id}")
            check_owner(s, found.values(), by)
            for chunk in chunks(ids):
                s.execute(delete(Annotation).where(Annotation.id.in_(chunk)))
        return [found[i] for i in ids]


def apply_fields(s: Session, ann: Annotation, fields: Mapping[str, Any], where: str) -> None:
    """Check and set any of ``fields`` (category_id, start, end, note, attributes) on ``ann``.
    When only the category changes, values the new category cannot hold are dropped."""
    moved = "category_id" in fields and fields["category_id"] != ann.category_id
    if "category_id" in fields:
        if s.get(Category, fields["category_id"]) is None:
            raise NotFoundError(f"{where}: no category with id {fields['category_id']}")
        ann.category_id = fields["category_id"]
    start = fields.get("start", ann.start)
    end = fields.get("end", ann.end)
    check_span(start, end, document_lengths(s, {ann.document_id})[ann.document_id], where)  # not the text
    ann.start, ann.end = start, end
    if "note" in fields:
        ann.note = _check_note(fields["note"], where)
    if "attributes" in fields:
        values = _check_values(fields["attributes"], where)
        if values:
            check_attribute_values(values, _definitions(s, ann.category_id), where)
        ann.attributes = values
    elif moved and ann.attributes:  # keep only the values the new category can hold
        ann.attributes = fit_attribute_values(ann.attributes, _definitions(s, ann.category_id))


def insert_annotations(s: Session, items: Iterable[Mapping[str, Any]], *, restore: bool = False,
                       defaults: bool = False) -> list[str]:
    """``add_annotations`` inside an open session (for operations made of several steps). Only with
    ``defaults`` are the attribute defaults filled in: imports and merges store what their file says.

    Rows are checked and written ``_BATCH`` at a time, inside the caller's transaction: a bad row
    anywhere still refuses the whole call (the transaction rolls back), and the messages are those
    of a check of every row before any write. The common row (no id, timestamps or attribute
    values, and a note that is plain text or none) takes a short path with the same checks and
    result; anything else goes through ``_prepare_row``."""
    rows = items if isinstance(items, list) else list(items)  # read only: no copies of 100k dicts
    if not rows:
        return []
    lengths = document_lengths(s, {r.get("document_id") for r in rows})
    categories = existing_ids(s, Category, {r.get("category_id") for r in rows})
    annotators = existing_ids(s, Annotator, {r.get("annotator_id") for r in rows})
    empty = {c: _empty_values(s, c, defaults) for c in categories}  # a row without values stores these
    stamp = now()
    context = _RowContext(s, lengths, categories, annotators, stamp, restore, defaults, len(rows) > 1, {})
    known = KnownValues(lambda category_id, values: _values_json(context, category_id, values, ""))
    fresh = fresh_ids()
    given: set[str] = set()
    twice = False  # the same id given twice
    taken: set[str] = set()
    ids: list[str] = []
    conn = s.connection()
    insert_statement = statement(INSERT_ANNOTATION, dialect.kind(conn))
    with bulk_cache(conn, len(rows)):
        for first in range(0, len(rows), _BATCH):
            prepared: list[tuple] = []
            batch_given: list[str] = []
            for index in range(first, min(first + _BATCH, len(rows))):
                row = rows[index]
                get = row.get
                doc, cat, ann, start, end = (get("document_id"), get("category_id"), get("annotator_id"),
                                             get("start"), get("end"))
                note = get("note")
                if (cat in empty and ann in annotators and type(start) is int and type(end) is int
                        and 0 <= start < end <= lengths.get(doc, -1) and (note is None or plain_note(note))):
                    own_id, created, modified = get("id"), get("created"), get("modified")
                    origin, changed_by, values = get("origin_id"), get("modified_by"), get("attributes")
                    stored = empty[cat] if values is None else known.stored(cat, values)
                    if (stored is not None and (not own_id or plain_id(own_id)) and (not created or plain_time(created))
                            and (not modified or plain_time(modified)) and (origin is None or plain_id(origin))
                            and (changed_by is None or plain_id(changed_by))):
                        created = created or stamp
                        prepared.append((own_id or next(fresh), doc, cat, ann, start, end, note or "", stored, created,
                                         modified or created, origin, changed_by))
                        if own_id:
                            batch_given.append(own_id)
                        continue
                values, ann_id = _prepare_row(context, row, index, fresh)
                prepared.append(values)
                if ann_id is not None:
                    batch_given.append(ann_id)
            if batch_given:
                before = len(given)
                given.update(batch_given)
                twice = twice or len(given) - before != len(batch_given)
                if not twice:
                    taken |= existing_ids(s, Annotation, set(batch_given))  # fresh ids need no check
            ids += [row[0] for row in prepared]
            if not (twice or taken):  # after a clash nothing more is written; the checks go on
                # Plain executemany with JSON encoded once: the ORM bulk path took ~3x, and Core's
                # per-row parameter processing ~2x, as long for 100k rows (benchmarks/).
                conn.exec_driver_sql(insert_statement, prepared)
    if twice:
        raise ValidationError("the same annotation id is given twice")
    if taken:
        raise ValidationError(f"an annotation with id {sorted(taken)[0]} already exists")
    return ids


class _RowContext(NamedTuple):
    """What ``_prepare_row`` checks a row against: the call's documents, categories and coders."""

    s: Session
    lengths: dict[str, int]
    categories: set[str]
    annotators: set[str]
    stamp: str
    restore: bool
    defaults: bool
    many: bool  # more than one row: messages say which ("annotation 3: ...")
    defined: dict[str, list[dict[str, Any]]]  # attribute definitions by category, read once per call


def _prepare_row(c: _RowContext, row: Mapping[str, Any], index: int, fresh: Iterator[str]) -> tuple[tuple, str | None]:
    """Check one row in full; its insert values and its given id (None for a fresh one)."""
    where = f"annotation {index + 1}" if c.many else "annotation"
    missing = [f for f in _FIELDS if row.get(f) is None]
    if missing:
        raise ValidationError(f"{where}: missing {', '.join(missing)}")
    if row["document_id"] not in c.lengths:
        raise NotFoundError(f"{where}: no document with id {row['document_id']}")
    if row["category_id"] not in c.categories:
        raise NotFoundError(f"{where}: no category with id {row['category_id']}")
    if row["annotator_id"] not in c.annotators:
        raise NotFoundError(f"{where}: no annotator with id {row['annotator_id']}")
    check_span(row["start"], row["end"], c.lengths[row["document_id"]], where)
    given = row.get("id")
    if given:
        ann_id = given = check_id(given, f"{where}: the id")
    else:
        ann_id, given = next(fresh), None
    values = _values_json(c, row["category_id"], row.get("attributes"), where)
    created = row.get("created") or c.stamp
    for key in ("created", "modified"):
        if row.get(key):
            check_timestamp(row[key], f"{where}: {key}")
    if row.get("origin_id") is not None:
        check_id(row["origin_id"], f"{where}: the project it comes from")
    if row.get("modified_by") is not None:
        check_id(row["modified_by"], f"{where}: the coder who last changed it")
    return (
        ann_id, row["document_id"], row["category_id"], row["annotator_id"], row["start"], row["end"],
        _check_note(row.get("note"), where), values,
        created, row.get("modified") or created, row.get("origin_id"), row.get("modified_by"),
    ), given


def _values_json(c: _RowContext, category_id: str, attributes: Any, where: str) -> str:
    """A row's attribute values checked (against its category's definitions, unless restoring) and
    as stored: JSON, with the defaults filled in where the call asks for them."""
    values = _check_values(attributes, where)
    if (values and not c.restore) or c.defaults:
        definitions = c.defined.get(category_id)
        if definitions is None:
            definitions = c.defined[category_id] = _definitions(c.s, category_id)
        check_attribute_values(values, definitions, where)
        if c.defaults:
            values = with_defaults(values, definitions)
    return json.dumps(values) if values else EMPTY_JSON


def check_span(start: Any, end: Any, length: int, where: str = "annotation") -> None:
    """Refuse a span that is not ``0 <= start < end <= length`` in whole numbers."""
    if not (type(start) is int and type(end) is int):
        raise ValidationError(f"{where}: start and end must be whole numbers (got {brief(start)}, {brief(end)})")
    if start < 0:
        raise ValidationError(f"{where}: start {start} is before the beginning of the text")
    if end > length:
        raise ValidationError(f"{where}: end {end} is past the end of the text ({length} characters)")
    if start >= end:
        raise ValidationError(f"{where}: start {start} must be before end {end}")


def _check_note(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = normalise(value)
    return check_field(value, f"{where}: the note", LIMITS["note"])


def _empty_values(s: Session, category_id: str, defaults: bool) -> str:
    """The attribute values (JSON) ``_prepare_row`` stores for a row of this category without any."""
    values = with_defaults({}, _definitions(s, category_id)) if defaults else {}
    return json.dumps(values) if values else EMPTY_JSON


def _check_values(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{where}: attribute values must be an object of name: value")
    check_value(value, f"{where}: attribute values")
    return dict(value)


def _definitions(s: Session, category_id: str) -> list[dict[str, Any]]:
    cat = s.get(Category, category_id)
    return list(cat.attributes or []) if cat is not None else []


def _filtered(query, document_id: str | None, category_id: str | None, annotator_id: str | None):
    for column, value in ((Annotation.document_id, document_id), (Annotation.category_id, category_id),
                          (Annotation.annotator_id, annotator_id)):
        if value is not None:
            query = query.where(column == value)
    return query


def _only(annotator_id: str | None, column: str) -> tuple[str, tuple]:
    """The SQL that keeps one coder's rows (``" AND column = ?"`` and its parameter), or nothing."""
    return ("", ()) if annotator_id is None else (f" AND {column} = ?", (annotator_id,))


def _raw(s: Session):
    """``run(sql, params) -> list of tuples`` on the session's own driver connection (sqlite3 or
    psycopg, inside its transaction; qmark SQL, see dialect.statement): for listings of many rows,
    without SQLAlchemy's per-row objects."""
    connection = s.connection().connection.driver_connection
    engine_kind = driver_kind(connection)

    def run(sql: str, params: tuple) -> list[tuple]:
        return connection.execute(statement(sql, engine_kind), params).fetchall()
    run.kind = engine_kind  # type: ignore[attr-defined]  # the SQL a caller writes may depend on it
    return run


def _get(s: Session, annotation_id: str) -> Annotation:
    ann = s.get(Annotation, annotation_id)
    if ann is None:
        raise NotFoundError(f"no annotation with id {annotation_id}")
    return ann
