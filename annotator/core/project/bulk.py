"""What a write of many annotation rows at once uses (``insert_annotations``): quick tests for
a plain note, id and time, attribute values remembered once checked (KnownValues), fresh ids that
sort in the order they are made, and a larger SQLite page cache for the time of the insert; and
the reads of many rows by id (in chunks short enough for one ``IN (...)``)."""

from __future__ import annotations

import contextlib
import functools
import json
import operator
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlmodel import Session, select

from annotator.core.errors import ValidationError
from annotator.core.storage import dialect
from annotator.core.storage.dialect import statement
from annotator.core.storage.engine_sql import json_text
from annotator.core.storage.tables import Document
from annotator.core.text import (
    CONTROL_CHARACTERS,
    ID_LIMIT,
    LIMITS,
    LONE_SURROGATES,
    NON_CHARACTERS,
    SURE_TIMESTAMP,
)

EMPTY_JSON = "{}"  # the attributes of a row without values
BULK_ROWS = 50_000  # from this many rows on, an insert gets a larger page cache ...
BULK_CACHE_KIB = 262_144  # ... of 256 MiB
# What in a note the full check changes (normalise: a BOM, CR, U+2029) or refuses (check_field).
_NOTE_CHECKED = re.compile("|".join(p.pattern for p in (CONTROL_CHARACTERS, LONE_SURROGATES, NON_CHARACTERS))
                           + "|[\ufeff\u2029]")


def plain_note(note: object) -> bool:
    """Is ``note`` text that the full check of a note (annotations._check_note) keeps as it is,
    with nothing to normalise or refuse? Then a bulk insert takes it without that check."""
    return type(note) is str and (not note or len(note) <= LIMITS["note"] and _NOTE_CHECKED.search(note) is None)


def plain_id(value: object) -> bool:
    """Is ``value`` an id that text.check_id takes as it is? (A bulk insert then skips that check.)"""
    # ASCII (no surrogate, no non-character) and printable (no control character): in C, no regex.
    return type(value) is str and 0 < len(value) <= ID_LIMIT and value.isascii() and value.isprintable()


_SURE_TIME = re.compile(SURE_TIMESTAMP)


def plain_time(value: object) -> bool:
    """Is ``value`` a time that text.check_timestamp surely takes (text.SURE_TIMESTAMP)?"""
    return type(value) is str and _SURE_TIME.fullmatch(value) is not None


_NOT_NONE = functools.partial(operator.is_not, None)
_SURE_TIMES = re.compile(f"(?:{SURE_TIMESTAMP}\n)*{SURE_TIMESTAMP}")  # a line each


def all_plain_ids(values: list) -> bool:
    """``plain_id`` of every value (None counts as plain: no id), in C over the whole list."""
    given = list(filter(_NOT_NONE, values))
    if not given:
        return True
    try:
        joined = "".join(given)  # TypeError: not all text
    except TypeError:
        return False
    return (joined.isascii() and joined.isprintable() and min(map(len, given)) > 0
            and max(map(len, given)) <= ID_LIMIT)


def all_plain_times(values: list) -> bool:
    """``plain_time`` of every value, in one match over them all."""
    try:
        return not values or _SURE_TIMES.fullmatch("\n".join(values)) is not None
    except TypeError:
        return False


def all_plain_notes(values: list) -> bool:
    """``plain_note`` of every value, in one search over them all."""
    try:
        joined = "".join(values)
    except TypeError:
        return False
    return not values or (max(map(len, values)) <= LIMITS["note"] and _NOTE_CHECKED.search(joined) is None)


INSERT_ANNOTATION = (  # one annotation row, as insert_annotations and insert_plain_rows write them
    'INSERT INTO annotations (id, document_id, category_id, annotator_id, start, "end", note, attributes,'
    " created, modified, origin_id, modified_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def holds_annotations(s: Session) -> bool:
    """Whether the project holds any annotation (inside an open session)."""
    return s.connection().exec_driver_sql("SELECT 1 FROM annotations LIMIT 1").first() is not None


def insert_plain_rows(s: Session, rows: list[tuple]) -> None:
    """Write annotation rows that insert_annotations would take by its short path as they are
    (each a tuple in INSERT_ANNOTATION's order, its id given, nothing left to check or fill in:
    the caller has checked every one of its tests), in one executemany inside the session's
    transaction, without a dict per row (benchmarks/README.md, "Exchange at scale")."""
    if rows:
        conn = s.connection()
        conn.exec_driver_sql(statement(INSERT_ANNOTATION, dialect.kind(conn)), rows)


_PLAIN = frozenset({str, int, bool, type(None)})  # the values a bulk insert remembers (no float: 0.0 == -0.0)
_TEXT = frozenset({str})
KNOWN_VALUES = 10_000  # distinct attribute values remembered by one insert, at most


class KnownValues:
    """Attribute values already checked in one bulk insert, and how they were stored:
    ``stored(category_id, values)`` is ``store(category_id, values)`` (the stored JSON, or
    ValidationError), remembered for plain values (a dict of text to text, whole numbers, true,
    false or null, each value's type remembered with it: ``1`` is not ``true``); None for other
    values and for values ``store`` refuses (the caller then checks that row in full)."""

    def __init__(self, store: Callable[[str, Any], str]):
        self._store, self._known = store, {}

    def stored(self, category_id: str, values: Any) -> str | None:
        if type(values) is not dict:
            return None
        kinds = tuple(map(type, values.values()))
        if not (_PLAIN.issuperset(kinds) and _TEXT.issuperset(map(type, values))):
            return None
        key = (category_id, tuple(values.items()), kinds)
        stored = self._known.get(key)
        if stored is None:
            try:
                stored = self._store(category_id, values)
            except ValidationError:
                return None
            if len(self._known) < KNOWN_VALUES:
                self._known[key] = stored
        return stored


def fresh_ids() -> Iterator[str]:
    """New annotation ids for one call: UUIDv7 (RFC 9562, section 5.7: the Unix time in
    milliseconds, the version 7, then random bits), counting up within the call from a random
    start (section 6.2, method 2, "monotonic random"). Ids made one after another sort one after
    another, so a million of them go onto the end of the id index instead of into a million
    random places of it (benchmarks/README.md, "Bulk paths")."""
    head = (int(time.time() * 1000) & (1 << 48) - 1) << 80 | 0x7 << 76 | secrets.randbits(12) << 64
    head |= 0b10 << 62 | secrets.randbits(14) << 48  # the variant, then 14 of rand_b's 62 bits random
    text = f"{head:032x}"
    prefix = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-"
    counter = secrets.randbits(47)  # the other 48 bits: a counter from a random start in the lower half
    while True:
        yield f"{prefix}{counter:012x}"
        counter += 1


@contextlib.contextmanager
def bulk_cache(conn, count: int) -> Iterator[None]:
    """A larger page cache on the SQLAlchemy connection ``conn`` while ``count`` rows go in (an
    insert of a million rows otherwise spills index pages to the WAL and reads them back, over
    and over), put back afterwards so the memory is given back. Nothing on a server (its memory
    is its own; survey item S11)."""
    if count < BULK_ROWS or dialect.is_server(conn):
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")  # negative: KiB, not pages
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {before}")


# -- many rows by id ---------------------------------------------------------------------------

_CHUNK = 500  # ids per IN (...) query


def chunks(values: list) -> Iterable[list]:
    """``values`` in lists short enough for one SQL ``IN (...)``."""
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def document_lengths(s: Session, ids: set) -> dict[str, int]:
    """The length of each document of ``ids`` that there is."""
    ids = [i for i in ids if isinstance(i, str)]
    out: dict[str, int] = {}
    for chunk in chunks(ids):
        out.update(s.exec(select(Document.id, Document.length).where(Document.id.in_(chunk))).all())
    return out


def existing_ids(s: Session, model, ids: set) -> set[str]:
    """Those of ``ids`` that rows of ``model`` have."""
    ids = [i for i in ids if isinstance(i, str)]
    out: set[str] = set()
    if ids and s.autoflush:  # as a query through the session would: rows added and not yet written count
        s.flush()
    conn = s.connection()  # plain SQL: a bulk insert asks this for thousands of ids
    engine_kind = dialect.kind(conn)
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        out.update(row[0] for row in conn.exec_driver_sql(
            statement(f"SELECT id FROM {model.__tablename__} WHERE id IN ({marks})", engine_kind), tuple(chunk)))
    return out


_RECORD_COLUMNS = ("id", "document_id", "category_id", "annotator_id", "start", "end", "note", "attributes",
                   "created", "modified", "origin_id", "modified_by")


def annotation_records(s: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The annotations among ``ids`` that the project holds, by id, as plain rows (the columns of
    the annotations table, attributes decoded), inside an open session."""
    found: dict[str, dict[str, Any]] = {}
    conn = s.connection()
    engine_kind = dialect.kind(conn)
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = conn.exec_driver_sql(statement(
            'SELECT id, document_id, category_id, annotator_id, start, "end", note,'
            f" {json_text('attributes', engine_kind)}, created, modified,"
            f" origin_id, modified_by FROM annotations WHERE id IN ({marks})", engine_kind), tuple(chunk)).fetchall()
        for row in rows:
            record = dict(zip(_RECORD_COLUMNS, row))
            record["attributes"] = json.loads(record["attributes"])
            found[record["id"]] = record
    return found
