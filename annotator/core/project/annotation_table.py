"""The annotation table's queries (a mixin of ``Project``): counting, sorting, filtering and paging
the rows of one document or of the whole corpus in SQL, over the keys of
core/storage/annotation_keys.py (issue 16, point 3). The GUI's table model keeps a count and a few
pages of rows, and asks again when the sort, the filter or the annotations change.

On PostgreSQL (issue 19) the same queries run with the spellings of engine_sql (strpos for
instr, a plain JOIN for SQLite's CROSS JOIN, ids in code point order) and the text filter always
tests the folded search text itself (there is no full-text table there; see annotation_keys): with
LIKE, which pg_trgm's GIN index serves where there is one, for 3 code points or more (engine_sql.holds).

The order is total and the same as the one the table had when it sorted in Python: the column's
key (``collation_key`` of the quote, note, category name, coder name or document title), then the
document's position, start, end and id; the Span column sorts by that position alone. The text
filter matches, case-folded (``fold``), the quote (its first 200 code points) and the note, or the
category name, the coder name and, over the corpus, the document title: the names are matched in
Python (there are few) and become lists of ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from annotator.core.errors import ProjectBusyError
from annotator.core.project.annotations import AnnotationRow, _raw
from annotator.core.storage import annotation_keys, dialect
from annotator.core.storage.engine_sql import POSTGRESQL, SQLITE, forced_joins, holds, ordered
from annotator.core.text import collation_key, fold, sort_key

COLUMNS = ("document", "quote", "category", "annotator", "span", "note")

_ROW = ('SELECT a.id, a.document_id, d.title, a.start, a."end", a.category_id, a.annotator_id, a.note, k.quote,'
        " a.modified FROM {tables}")
_SEARCH = " JOIN annotation_search s ON s.rid = a.rowid"
_FTS = "a.rowid IN (SELECT rowid FROM annotation_fts WHERE annotation_fts MATCH ?)"
_TRIGRAM = 3  # needles this long or longer are found by the full-text index, shorter ones by a scan
_TAIL = ("d.position", "a.start", 'a."end"', "a.id")
_SEEK_FROM = 2_000  # pages deeper than this start from their first key (see _seek)
# More annotations than this waiting for their keys: the GUI keys them in idle slices (a million
# took 47-70 s at once); fewer are keyed at the table's first query (200,000 in about 3 s).
IN_IDLE = 250_000


@dataclass(frozen=True)
class TableQuery:
    """What the table shows: one document's annotations (``document_id``) or the corpus's (None),
    only one coder's when ``shown`` is given (blind coding), filtered by ``category_id``,
    ``annotator_id`` and ``text``, sorted by ``column`` (one of COLUMNS). ``categories`` and
    ``annotators`` map ids to the names the table shows (an id without a name shows itself)."""

    document_id: str | None = None
    shown: str | None = None
    category_id: str | None = None
    annotator_id: str | None = None
    text: str = ""
    column: str = "span"
    descending: bool = False
    categories: Mapping[str, str] = field(default_factory=dict, compare=False)
    annotators: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def needle(self) -> str:
        return fold(self.text.strip())

    def is_filtering(self) -> bool:
        return bool(self.category_id or self.annotator_id or self.needle)


class AnnotationTableMixin:
    _keys_counted = False  # the keys were checked against the annotations since the project opened
    _held_texts: Callable[[], Mapping[str, str]] | None = None
    keys_in_idle = False  # set while the GUI keys in idle slices: the queries below key nothing meanwhile
    _slice_texts: dict[str, str] | None = None  # texts read by one slice, kept for the next

    def hold_texts(self, texts: Callable[[], Mapping[str, str]] | None) -> None:
        """``texts()``: document id -> text of the documents the caller holds (the GUI: the open
        one's). An edit of annotations in those documents then keys them inside its own write
        transaction, from these texts (no second transaction, no text read), when every other
        annotation is keyed already; otherwise the next table query keys them."""
        self._held_texts = texts

    def _keys_before_edit(self, s) -> Mapping[str, str] | None:
        """In an edit's write transaction, before it writes: the held texts when the keys are up
        to date (the edit's own rows are then the only ones to key), else None."""
        if self._held_texts is None or not self._keys_counted or _keys_waiting(_raw(s)):
            return None
        return self._held_texts()

    def _key_edit(self, s, texts: Mapping[str, str] | None, documents: set[str]) -> None:
        """In the same transaction, after the edit wrote: key its rows (new ones, and changed ones
        the UPDATE trigger listed) when ``_keys_before_edit`` gave texts holding their documents."""
        if texts is not None and documents <= texts.keys():
            s.flush()  # the ORM's pending UPDATE first: its trigger lists the row to key again
            annotation_keys.catch_up(s.connection().connection.driver_connection, texts, check=False)

    def refresh_annotation_keys(self, texts: Mapping[str, str] | None = None) -> int:
        """Key the annotations added or changed since the last call (one write transaction) and
        return how many were keyed; ``texts`` (document id -> text) spare reading those documents.
        Every query below calls it first (the GUI first, with the text it holds). A read-only project
        is left as it is, and so is one whose write lock another program holds (until the next
        query): their table misses what was added since it was keyed."""
        if self.read_only or self.keys_in_idle:
            return 0
        if self._keys_counted:
            with self._tx() as s:  # most calls find nothing to do: no write lock for them
                if not _keys_waiting(_raw(s)):
                    return 0
        try:
            with self._tx(write=True) as s:
                done = annotation_keys.catch_up(s.connection().connection.driver_connection, texts,
                                                check=not self._keys_counted)
        except ProjectBusyError:  # another program is writing: the keys catch up at the next query
            return 0
        self._keys_counted = True
        return done

    def annotation_keys_waiting(self) -> int:
        """How many annotations wait for their keys (new, or changed since they were keyed)."""
        with self._tx() as s:
            return annotation_keys.waiting(s.connection().connection.driver_connection)

    def make_annotation_keys(self, limit: int, texts: Mapping[str, str] | None = None) -> int:
        """Key at most ``limit`` of the annotations waiting (a slice, in one write transaction),
        in the order that keeps every keyed one below the highest keyed rowid; return how many
        were keyed (fewer than ``limit``: none is left). Texts read are kept for the next slice."""
        if self._slice_texts is None:
            self._slice_texts = {}
        with self._tx(write=True) as s:
            done = annotation_keys.catch_up(s.connection().connection.driver_connection, texts,
                                            check=not self._keys_counted, limit=limit, kept=self._slice_texts)
        self._keys_counted = True
        if done < limit:
            self._slice_texts = None
        return done

    def annotation_keys_current(self) -> bool:
        """Whether every annotation is keyed (what a read-only project cannot bring up to date
        itself: its table then lists the annotations from memory, ``annotation_rows``)."""
        with self._tx() as s:
            run = _raw(s)
            return not _keys_waiting(run) and (run("SELECT count(*) FROM annotation_keys", ())[0][0]
                                               == run("SELECT count(*) FROM annotations", ())[0][0])

    def table_count(self, query: TableQuery, everything: bool = False) -> int:
        """How many rows ``query`` shows (``everything``: before its filters, the "of M")."""
        self.refresh_annotation_keys()
        sql, params = _where(self, query, everything)
        server = dialect.is_server(self._engine)
        tables = "annotations a" + (_SEARCH if _scans(query, server) and not everything else "")
        if sql == f"TRUE AND ({_scan_test(server, query.needle)})":  # the text alone: the narrow table alone
            sql, tables = sql.replace("TRUE AND ", "", 1), "annotation_search s"
        elif sql == f"TRUE AND ({_FTS})":  # or the full-text index alone
            sql, tables = "annotation_fts MATCH ?", "annotation_fts"
        with self._tx() as s:
            return _raw(s)(f"SELECT count(*) FROM {tables} WHERE {sql}", params)[0][0]

    def table_page(self, query: TableQuery, offset: int, limit: int) -> list[AnnotationRow]:
        """Rows ``offset`` to ``offset + limit`` of ``query``, in its order."""
        self.refresh_annotation_keys()
        sql, params = _where(self, query)
        order, order_params = _order(self, query)
        server = dialect.is_server(self._engine)
        with self._tx() as s:
            run = _raw(s)
            seek = _seek(run, query, sql, params, offset) if offset > _SEEK_FROM else None
            if seek is not None:  # start at the page's first key, found on an index alone
                condition, values, offset = seek
                sql, params = f"{sql} AND {condition}", (*params, *values)
            if _scans(query, server) and offset > _SEEK_FROM:
                # Deep in a text filter's rows: read the matches first (a scan of the narrow search
                # table), then sort them; walking the order's index would look up every row's text.
                tables = ("annotation_search s CROSS JOIN annotation_keys k ON k.rid = s.rid"
                          " CROSS JOIN annotations a ON a.rowid = s.rid JOIN documents d ON d.id = a.document_id")
            elif query.column == "span" and query.document_id is None:  # documents in their order, each by span
                tables = ("documents d CROSS JOIN annotations a ON a.document_id = d.id"
                          " JOIN annotation_keys k ON k.rid = a.rowid")
            else:
                # The first pages of a text filter that many rows match: walk the order's index, testing
                # each row against the full-text matches (SQLite would sort every match first, 1.2 s
                # for 180,000; deeper down that sort is the cheaper way, the walk took 5.5 s).
                walk = (not server and query.column in ("quote", "note") and len(query.needle) >= _TRIGRAM
                        and query.document_id is None and offset <= _SEEK_FROM and _common(run, query))
                indexed = f" INDEXED BY ix_annotation_keys_{query.column}" if walk else ""
                tables = (f"annotation_keys k{indexed} JOIN annotations a ON a.rowid = k.rid"
                          " JOIN documents d ON d.id = a.document_id")
            tables += _SEARCH if _scans(query, server) and "annotation_search s" not in tables else ""
            tables = forced_joins(tables, run.kind)
            if server and _scans(query, server):
                order = _sorted_after_matching(order)
            rows = run(f"{_ROW.format(tables=tables)} WHERE {sql} ORDER BY {order} LIMIT ? OFFSET ?",
                       (*params, *order_params, limit, offset))
        return [AnnotationRow(*row) for row in rows]

    def table_position(self, query: TableQuery, annotation_id: str) -> int | None:
        """The row index of an annotation in ``query``'s order (the rows before it counted, over
        the index of the order where there is one); None when the query does not show it."""
        self.refresh_annotation_keys()
        sql, params = _where(self, query)
        order, order_params = _order(self, query)
        keys = order.replace(" DESC", "")
        tables = "annotations a" + (_SEARCH if _scans(query, dialect.is_server(self._engine)) else "")
        if query.column in ("quote", "note"):
            tables += " JOIN annotation_keys k ON k.rid = a.rowid"
        if query.document_id is None:
            tables += " JOIN documents d ON d.id = a.document_id"
        with self._tx() as s:
            run = _raw(s)
            found = run(f"SELECT {keys} FROM {tables} WHERE {sql} AND a.id = ?",
                        (*order_params, *params, annotation_id))
            if not found:
                return None
            before = ">" if query.descending else "<"
            marks = ", ".join("?" * len(found[0]))
            lead = _lead(query)
            if lead is None:
                return run(f"SELECT count(*) FROM {tables} WHERE {sql} AND ({keys}) {before} ({marks})",
                           (*params, *order_params, *found[0]))[0][0]
            # The rows before its leading key, counted on that key's index, then those that tie with it.
            terms, lead_tables = lead[0], forced_joins(lead[1], run.kind)
            values = found[0][:len(terms)]
            lead_marks = ", ".join("?" * len(terms))
            earlier = run(f"SELECT count(*) FROM {lead_tables} WHERE {sql} AND ({', '.join(terms)}) {before}"
                          f" ({lead_marks})", (*params, *values))[0][0]
            same = " AND ".join(f"{term} = ?" for term in terms)  # one term each: an index equality
            rest = keys.split(", ")[len(terms):]  # the order's other terms (no parameters among them)
            return earlier + run(f"SELECT count(*) FROM {tables} WHERE {sql} AND {same} AND ({', '.join(rest)})"
                                 f" {before} ({', '.join('?' * len(rest))})",
                                 (*params, *values, *found[0][len(terms):]))[0][0]


    def table_near(self, query: TableQuery, annotation_id: str, before: int, after: int) -> list[AnnotationRow] | None:
        """The ``before`` rows before an annotation and ``after`` rows from it on, in ``query``'s
        order, read from its key on the index (two seeks, milliseconds at any depth, where a page
        at an offset steps over every row before it); None when the query is not one document's
        in span order (the only order whose whole key the index holds)."""
        if query.column != "span" or query.document_id is None or _lead(query) is None:
            return None
        self.refresh_annotation_keys()
        sql, params = _where(self, query)
        order, _ = _order(self, query)
        keys = order.replace(" DESC", "")
        reverse = ", ".join(f"{term} DESC" for term in keys.split(", "))
        back = keys if query.descending else reverse  # from the row towards the table's top
        earlier, later = ("<", ">=") if not query.descending else (">", "<=")
        tables = ("annotations a JOIN annotation_keys k ON k.rid = a.rowid"
                  " JOIN documents d ON d.id = a.document_id")
        with self._tx() as s:
            run = _raw(s)
            found = run(f"SELECT {keys} FROM annotations a WHERE {sql} AND a.id = ?", (*params, annotation_id))
            if not found:
                return None
            marks = ", ".join("?" * len(found[0]))
            rows = run(f"{_ROW.format(tables=tables)} WHERE {sql} AND ({keys}) {earlier} ({marks})"
                       f" ORDER BY {back} LIMIT ?", (*params, *found[0], before)) if before > 0 else []
            rows.reverse()
            rows += run(f"{_ROW.format(tables=tables)} WHERE {sql} AND ({keys}) {later} ({marks})"
                        f" ORDER BY {order} LIMIT ?", (*params, *found[0], after))
        return [AnnotationRow(*row) for row in rows]

def _keys_waiting(run) -> bool:
    """Whether annotations wait to be keyed: changed ones listed stale, or new ones (rowids above
    the highest keyed; on a server the triggers list new ones stale too, see annotation_keys)."""
    if run.kind == POSTGRESQL:
        return bool(run("SELECT 1 FROM annotation_keys_stale LIMIT 1", ()))
    high = run("SELECT coalesce(max(rid), 0) FROM annotation_keys", ())[0][0]
    return bool(run("SELECT 1 FROM annotation_keys_stale LIMIT 1", ())
                or run("SELECT 1 FROM annotations WHERE rowid > ? LIMIT 1", (high,)))


def _seek(run, query: TableQuery, sql: str, params: tuple, offset: int) -> tuple[str, tuple, int] | None:
    """Where a deep page starts, without stepping over the rows before it in the full order:
    SQLite's OFFSET reads every row it skips (and, for the tie on id, each row's id: 0.5 s for
    150,000 rows of one document). The leading keys of the order (the span's document position,
    start and end; or the quote's or note's key) are on an index: the key at ``offset`` is found
    there, the rows before that key counted there, and the page read from that key on. None when
    the query's filters are not on that index (the plain OFFSET is used)."""
    found_lead = _lead(query)
    if found_lead is None:
        return None
    lead, tables = found_lead[0], forced_joins(found_lead[1], run.kind)
    direction, before = (" DESC", ">") if query.descending else ("", "<")
    keys = ", ".join(lead)
    found = run(f"SELECT {keys} FROM {tables} WHERE {sql} ORDER BY {', '.join(t + direction for t in lead)}"
                " LIMIT 1 OFFSET ?", (*params, offset))
    if not found:
        return None
    marks = ", ".join("?" * len(lead))
    skipped = run(f"SELECT count(*) FROM {tables} WHERE {sql} AND ({keys}) {before} ({marks})",
                  (*params, *found[0]))[0][0]
    return f"({keys}) {'<=' if query.descending else '>='} ({marks})", tuple(found[0]), offset - skipped


def _common(run, query: TableQuery) -> bool:
    """Whether the full-text index finds the needle in more than 1 row in 50 (a count on the index)."""
    phrase = '"' + query.needle.replace('"', '""') + '"'
    found = run("SELECT count(*) FROM annotation_fts WHERE annotation_fts MATCH ?", (phrase,))[0][0]
    return found * 50 > (run("SELECT max(rid) FROM annotation_keys", ())[0][0] or 0)  # about the rows there are


def _scans(query: TableQuery, server: bool = False) -> bool:
    """Whether the text filter tests the search text itself (a needle too short for the trigram
    index; any needle on a server, which has no full-text table: a LIKE its trigram index may serve)."""
    return 0 < len(query.needle) < _TRIGRAM or (server and bool(query.needle))


def _sorted_after_matching(order: str) -> str:
    """``order`` with its first term hidden from PostgreSQL's indexes (``coalesce(t, t)``, the
    same value), for a text filter's page on a server: the planner then finds the matches first
    (through the trigram index, or one scan of the search text) and sorts them, rather than walking
    the order's index and testing row after row until a page is full, which it estimates cheap
    (100 rows soon) and which reads every annotation when few match (3.8 s for 2 characters found
    nowhere among 200,000, bench_server_search.py). A CASE term (names) is no index's already."""
    first, _, rest = order.partition(", ")
    if first.startswith("(CASE"):
        return order
    term, descending = (first[:-5], " DESC") if first.endswith(" DESC") else (first, "")
    return ", ".join(part for part in (f"coalesce({term}, {term}){descending}", rest) if part)


def _scan_test(server: bool, needle: str) -> str:
    """The text filter's test of the folded search text (``_scans``)."""
    return holds("s.search", needle, POSTGRESQL if server else SQLITE)[0]


def position_is_indexed(query: TableQuery) -> bool:
    """Whether ``table_position`` counts on an index (milliseconds) rather than over the rows
    the query shows (up to seconds for a million)."""
    return _lead(query) is not None


def _lead(query: TableQuery) -> tuple[list[str], str] | None:
    """The leading terms of the query's order that an index holds, and the tables (fewest) to
    read them from; None when the query's filters are not on that index."""
    if query.is_filtering() or query.shown is not None:
        return None
    if query.column == "span" and query.document_id is not None:
        return ["a.start", 'a."end"'], "annotations a"
    if query.column == "span":
        return ["d.position", "a.start", 'a."end"'], "documents d CROSS JOIN annotations a ON a.document_id = d.id"
    if query.column in ("quote", "note") and query.document_id is None:
        return [f"k.{query.column}_key"], "annotation_keys k"
    return None


def _where(project, query: TableQuery, everything: bool = False) -> tuple[str, tuple]:
    """The WHERE clause (over ``a`` the annotations, ``k`` the keys) and its parameters."""
    server = dialect.is_server(project._engine)
    parts, params = ["TRUE"], []
    if query.document_id is not None:
        parts.append("a.document_id = ?")
        params.append(query.document_id)
    if query.shown is not None:
        parts.append("a.annotator_id = ?")
        params.append(query.shown)
    if everything:
        return " AND ".join(parts), tuple(params)
    for column, value in (("a.category_id", query.category_id), ("a.annotator_id", query.annotator_id)):
        if value is not None:
            parts.append(f"{column} = ?")
            params.append(value)
    needle = query.needle
    if needle:
        if len(needle) >= _TRIGRAM and not server:  # the full-text index: the needle as one phrase of trigrams
            match = [_FTS]
            params.append('"' + needle.replace('"', '""') + '"')
        else:
            test, param = holds("s.search", needle, POSTGRESQL if server else SQLITE)
            match = [test]
            params.append(param)
        named = [("a.category_id", _names(project, "category_id", query.categories)),
                 ("a.annotator_id", _names(project, "annotator_id", query.annotators))]
        if query.document_id is None:  # in one document every row would match its title
            named.append(("a.document_id", _titles(project)))
        for column, names in named:
            ids = [item_id for item_id, name in names.items() if needle in fold(name)]
            if ids:
                match.append(f"{column} IN ({', '.join('?' * len(ids))})")
                params.extend(ids)
        parts.append("(" + " OR ".join(match) + ")")
    return " AND ".join(parts), tuple(params)


def _order(project, query: TableQuery) -> tuple[str, tuple]:
    """The ORDER BY terms (the column's key, then the document position, start, end, id)."""
    direction = " DESC" if query.descending else ""
    terms, params = [], []
    if query.column == "quote":
        terms.append("k.quote_key")
    elif query.column == "note":
        terms.append("k.note_key")
    elif query.column in ("category", "annotator", "document"):
        column = {"category": "a.category_id", "annotator": "a.annotator_id", "document": "a.document_id"}[query.column]
        names = (_titles(project) if query.column == "document" else
                 _names(project, query.column + "_id", query.categories if query.column == "category"
                        else query.annotators))
        ranks = _ranks(names)
        case = " ".join("WHEN ? THEN ?" for _ in ranks)
        terms.append(f"(CASE {column} {case} END)")
        for item_id, rank in ranks.items():
            params.extend((item_id, rank))
    tail = _TAIL if query.document_id is None else _TAIL[1:]  # one document: one position
    if dialect.is_server(project._engine):  # ids in code point order, as SQLite's BINARY gives them
        tail = (*tail[:-1], ordered("a.id", POSTGRESQL))
    terms.extend(tail)
    return ", ".join(term + direction for term in terms), tuple(params)


def _ranks(names: Mapping[str, str]) -> dict[str, int]:
    """id -> rank of its name's collation key (equal names, equal ranks)."""
    keys = sorted({sort_key(name) for name in names.values()})
    at = {key: rank for rank, key in enumerate(keys)}
    return {item_id: at[sort_key(name)] for item_id, name in names.items()}


def _names(project, column: str, names: Mapping[str, str]) -> dict[str, str]:
    """The names the table shows for every id ``column`` may hold (its table's, by the foreign key;
    an id without a name shows itself)."""
    with project._tx() as s:
        used = _raw(s)(f"SELECT id FROM {'categories' if column == 'category_id' else 'annotators'}", ())
    return {item_id: names.get(item_id, item_id) for (item_id,) in used}


def _titles(project) -> dict[str, str]:
    with project._tx() as s:
        return dict(_raw(s)("SELECT id, title FROM documents", ()))


class RowsTable:
    """The same queries (the same method names as ``Project``'s) over rows held in memory
    (``rows``: a listing the caller read, such as ``Project.annotation_rows``; ``corpus``: whether
    they come from every document), answered in Python as the table did before it asked SQL: what
    shows rows that are not in a project. ``query.document_id`` and ``query.shown`` are not used."""

    def __init__(self, rows=(), corpus: bool = False) -> None:
        self.corpus = corpus
        self._by_id: dict[str, AnnotationRow] = {}
        self._rank: dict[str, int] = {}  # document order, for sorting the corpus by position
        self._order: tuple | None = None  # (query, rows in its order)
        self.upsert(rows)

    def upsert(self, rows) -> None:
        for row in rows:
            self._rank.setdefault(row.document_id, len(self._rank))
            self._by_id[row.id] = row
        self._order = None

    def remove(self, ids) -> None:
        for annotation_id in ids:
            self._by_id.pop(annotation_id, None)
        self._order = None

    def refresh_annotation_keys(self, texts=None) -> int:
        return 0

    def table_count(self, query: TableQuery, everything: bool = False) -> int:
        return len(self._by_id) if everything else len(self._rows(query))

    def table_page(self, query: TableQuery, offset: int, limit: int) -> list[AnnotationRow]:
        return self._rows(query)[offset:offset + limit]

    def table_near(self, query: TableQuery, annotation_id: str, before: int, after: int) -> None:
        return None  # the rows are in memory: pages cost nothing to cut

    def table_position(self, query: TableQuery, annotation_id: str) -> int | None:
        rows = self._rows(query)
        row = self._by_id.get(annotation_id)
        return rows.index(row) if row is not None and row in rows else None

    def _rows(self, query: TableQuery) -> list[AnnotationRow]:
        if self._order is None or self._order[0] != query or self._order[2] != _names_of(query):
            rows = [row for row in self._by_id.values() if self._matches(row, query)]
            rows.sort(key=lambda row: self._key(row, query), reverse=query.descending)
            self._order = (query, rows, _names_of(query))
        return self._order[1]

    def _matches(self, row: AnnotationRow, query: TableQuery) -> bool:
        if query.category_id is not None and row.category_id != query.category_id:
            return False
        if query.annotator_id is not None and row.annotator_id != query.annotator_id:
            return False
        needle = query.needle
        if not needle:
            return True
        parts = [row.quote, row.note, query.categories.get(row.category_id, row.category_id),
                 query.annotators.get(row.annotator_id, row.annotator_id)]
        if self.corpus:
            parts.append(row.document_title)
        return needle in fold("\n".join(parts))

    def _key(self, row: AnnotationRow, query: TableQuery) -> tuple:
        position = (self._rank.get(row.document_id, 0), row.start, row.end, row.id)
        text = {"document": lambda: row.document_title, "quote": lambda: row.quote, "note": lambda: row.note,
                "category": lambda: query.categories.get(row.category_id, row.category_id),
                "annotator": lambda: query.annotators.get(row.annotator_id, row.annotator_id)}.get(query.column)
        return position if text is None else collation_key(text()) + position


def _names_of(query: TableQuery) -> tuple:
    return tuple(query.categories.items()), tuple(query.annotators.items())
