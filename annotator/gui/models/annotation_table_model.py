"""The annotation table's Qt model: one document's (or the whole corpus's) annotation rows, sorted
and filtered by its source, a page at a time. The panel (gui/panels/annotation_table.py) shows them.

The source is the project (``Project.table_count``/``table_page``/``table_position``: sorting,
filtering and counting in SQL, core/project/annotation_table.py) or, for rows handed over as a
list, a ``RowsTable`` answering the same calls in Python. The model holds the count and the pages
of rows the view has asked for (PAGE rows each, a few kept; pieces of pages round a row it was
told to show); a sort or a filter asks the source again, and so does an edit unless its row's
place is known (``follow_edit``: the row moves in place). No row is read that is not shown, and
nothing is sorted or filtered in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from html import escape

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont, QIcon

from annotator.core.project.annotation_table import COLUMNS, RowsTable, TableQuery, position_is_indexed
from annotator.core.project.annotations import AnnotationRow
from annotator.core.text import collation_key
from annotator.gui import gold_layer
from annotator.gui.models.rows import ID_ROLE, SORT_ROLE
from annotator.gui.models.table_pages import Piece, cut, edit_runs, runs_of
from annotator.gui.widgets import swatch as category_swatch

DOCUMENT, QUOTE, CATEGORY, ANNOTATOR, SPAN, NOTE = range(6)
HEADERS = ("Document", "Quote", "Category", "Annotator", "Span", "Note")
TOOLTIP_QUOTE_LIMIT = 1000
PAGE = 256  # rows fetched at a time
_PAGES_KEPT = 64
_NEAR = 64  # rows read either side of one the table is to show (after an edit, a jump)
_MOVED = 1000  # persistent indexes (the selection's corners, the current row) kept through a sort
_ONE_LINE = str.maketrans({"\n": " ⏎ ", "\u2028": " ⏎ ", "\u2029": " ⏎ ", "\t": " ", "\r": " "})
_ASC = Qt.SortOrder.AscendingOrder


def swatch(colour: str) -> QIcon | None:
    """A category's colour swatch (the app's one, cached), or None without a colour."""
    return category_swatch(colour, 12) if colour else None


def first_line(text: str) -> str:
    line, newline, rest = text.partition("\n")
    return line + " …" if newline and rest.strip() else line


class AnnotationTableModel(QAbstractTableModel):
    """The rows of a source (the project, or a RowsTable), with the category and annotator names
    they refer to."""

    HEADERS = HEADERS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._source = RowsTable()
        self._query = TableQuery(document_id="")  # what is shown: scope, filters, sort, names
        self._texts: Callable[[], Mapping[str, str]] = dict  # texts the source need not read again
        self._categories: dict[str, tuple[str, str]] = {}
        self._count = self._total = 0
        self._pages: dict[int, list[AnnotationRow]] = {}  # whole pages held
        self._pieces: dict[int, Piece] = {}  # pages of which only some rows are held (round an edit)
        self.queries = 0  # times the model asked its source again (a test counts them)
        # (document id, annotation id) -> its rank by (start, end, id) among that document's rows,
        # where the caller holds them (the view's span index), else None: a row's place in the
        # Span order of one document without asking the source.
        self.rank_hint: Callable[[str, str], int | None] = lambda _document, _annotation: None

    # -- feeding -------------------------------------------------------------------------------

    @property
    def corpus(self) -> bool:
        return self._query.document_id is None

    @property
    def query(self) -> TableQuery:
        return self._query

    def set_names(self, categories: Mapping[str, tuple[str, str]], annotators: Mapping[str, str]) -> None:
        """``categories``: id -> (name, colour '#rrggbb'); ``annotators``: id -> name."""
        self._categories = dict(categories)
        self._query = replace(self._query, categories={i: name for i, (name, _) in categories.items()},
                              annotators=dict(annotators))
        if self._query.column in ("category", "annotator") or self._query.needle:
            self.refresh()
        elif self._count:
            self.dataChanged.emit(self.index(0, CATEGORY), self.index(self._count - 1, ANNOTATOR))

    def set_rows(self, rows: Iterable[AnnotationRow], corpus: bool) -> None:
        """Show these rows (sorted and filtered in Python); ``corpus``: they come from all documents."""
        self.set_source(RowsTable(rows, corpus), None if corpus else "")

    def set_source(self, source, document_id: str | None, shown: str | None = None,
                   texts: Callable[[], Mapping[str, str]] = dict) -> None:
        """Show what ``source`` (the project) gives for one document, or for the corpus
        (``document_id`` None), only coder ``shown``'s given one; ``texts()`` gives the document
        texts the caller holds, so keying new annotations need not read them again."""
        self._source, self._texts = source, texts
        self._query = replace(self._query, document_id=document_id, shown=shown)
        self.refresh()

    def shows(self, source, document_id: str | None, shown: str | None) -> bool:
        """Whether the model already shows this (a corpus table need not be read again when
        another document opens)."""
        return source is self._source and (document_id, shown) == (self._query.document_id, self._query.shown)

    def lists_rows(self) -> bool:
        """Whether the rows shown were given as a list (``set_rows``), not asked from the project."""
        return isinstance(self._source, RowsTable)

    def upsert_rows(self, rows: Iterable[AnnotationRow]) -> None:
        """These rows were added or changed: a RowsTable takes them; the project already has them."""
        if isinstance(self._source, RowsTable):
            self._source.upsert(rows)
        self.refresh()

    def remove_ids(self, ids: Iterable[str]) -> None:
        """These rows are gone (unknown ids are ignored)."""
        if isinstance(self._source, RowsTable):
            self._source.remove(ids)
        self.refresh()

    def follow_edit(self, annotation_id: str, before: int | None, after: int | None,
                    row: AnnotationRow | None) -> bool:
        """One annotation of the document shown was edited, and its places are known: ``before``
        and ``after``, its rank by (start, end, id) among the document's rows before and after the
        edit (None: not among them), ``row`` its row after. The row is inserted, removed, moved or
        changed in place (the rows after it shift across the pages held): no reset, no count, and
        nothing read (a page left short is completed when shown). False, with nothing done, where its
        place is not known so (another order, a filter, the corpus, rows given as a list): the
        caller refreshes."""
        query = self._query
        if (isinstance(self._source, RowsTable) or query.column != "span" or query.document_id is None
                or query.is_filtering() or (after is not None and (row is None or row.id != annotation_id
                                                                   or row.document_id != query.document_id))):
            return False
        count = self._count
        old = None if before is None else count - 1 - before if query.descending else before
        final = count - (old is not None) + (after is not None)
        new = None if after is None else final - 1 - after if query.descending else after
        if (old is not None and not 0 <= old < count) or (new is not None and not 0 <= new < final) \
                or not self._holds(old, annotation_id):
            return False  # the ranks disagree with the rows held
        if old is not None and old == new:
            self._pages, self._pieces = cut(edit_runs(edit_runs(self._runs(), old), old, row), count, PAGE)
            self.dataChanged.emit(self.index(old, 0), self.index(old, len(HEADERS) - 1))
            return True
        runs = self._runs()
        if old is not None and new is not None:
            self.beginMoveRows(QModelIndex(), old, old, QModelIndex(), new + 1 if new > old else new)
        elif old is not None:
            self.beginRemoveRows(QModelIndex(), old, old)
        elif new is not None:
            self.beginInsertRows(QModelIndex(), new, new)
        if old is not None:
            runs = edit_runs(runs, old)
        if new is not None:
            runs = edit_runs(runs, new, row)
        self._count = self._total = final
        self._pages, self._pieces = cut(runs, final, PAGE)  # a piece's missing rows are read when shown
        if old is not None and new is not None:
            self.endMoveRows()
        elif old is not None:
            self.endRemoveRows()
        elif new is not None:
            self.endInsertRows()
        return True

    def _runs(self) -> list[tuple[int, list]]:
        return runs_of(self._pages, self._pieces, PAGE)

    def _held(self, row: int) -> AnnotationRow | None:
        """The row at ``row`` if it is held (in a whole page or a piece), else None."""
        page, at = divmod(row, PAGE)
        rows = self._pages.get(page)
        if rows is not None:
            return rows[at] if at < len(rows) else None
        piece = self._pieces.get(page)
        return piece.rows[at - piece.at] if piece is not None and 0 <= at - piece.at < len(piece.rows) else None

    def _held_at(self, annotation_id: str) -> int | None:
        for start, rows in self._runs():
            for at, row in enumerate(rows):
                if row.id == annotation_id:
                    return start + at
        return None

    def _holds(self, row: int | None, annotation_id: str) -> bool:
        """Whether the rows held agree that ``annotation_id`` is at ``row`` (None: not shown), as
        far as they tell (that row may not be held)."""
        held = self._held(row) if row is not None else None
        return held is None or held.id == annotation_id

    def _fill(self, page: int, piece) -> list[AnnotationRow] | None:
        """``page`` whole: its known rows (``piece``) and those it misses before and after them,
        read from the known ones on the index (two seeks each); None where the source cannot."""
        tail = piece.length - piece.at - len(piece.rows)
        head = self._source.table_near(self._query, piece.rows[0].id, piece.at, 0) if piece.at else []
        after = self._source.table_near(self._query, piece.rows[-1].id, 0, tail + 1) if tail else [piece.rows[-1]]
        if head is None or after is None or len(head) != piece.at or len(after) != tail + 1 \
                or after[0].id != piece.rows[-1].id:
            return None  # not as held (changed meanwhile): the page is read at its offset
        return [*head, *piece.rows, *after[1:]]

    def set_filter(self, category_id: str | None, annotator_id: str | None, text: str) -> None:
        query = replace(self._query, category_id=category_id, annotator_id=annotator_id, text=text)
        if (query.category_id, query.annotator_id, query.needle) != (
                self._query.category_id, self._query.annotator_id, self._query.needle):
            self._query = query
            self.refresh(self._total)  # the filters change what is shown, not what there is
        else:
            self._query = query

    def is_filtering(self) -> bool:
        return self._query.is_filtering()

    def refresh(self, total: int | None = None) -> None:
        """Ask the source again (the keys brought up to date first); ``total``: the number of rows
        before the filters when the caller knows it (the view's spans), so it is not counted."""
        self.queries += 1
        self._source.refresh_annotation_keys(self._texts())
        self.beginResetModel()
        self._pages.clear()
        self._pieces.clear()
        self._total = self._source.table_count(self._query, everything=True) if total is None else total
        self._count = self._source.table_count(self._query) if self.is_filtering() else self._total
        self.endResetModel()

    def total(self) -> int:
        """Rows before the filters."""
        return self._total

    # -- reading -------------------------------------------------------------------------------

    def row_of(self, annotation_id: str, cheap: bool = False) -> int | None:
        """The row of an annotation: its rank in the caller's spans (``rank_hint``) where the
        pages held do not disagree, else found in those pages, else asked from the source;
        ``cheap``: asked only where the source finds it on an index (else None)."""
        query = self._query
        if query.column == "span" and query.document_id is not None and not query.is_filtering():
            rank = self.rank_hint(query.document_id, annotation_id)
            if rank is not None and rank < self._count:
                row = self._count - 1 - rank if query.descending else rank
                if self._holds(row, annotation_id):
                    return row
        held = self._held_at(annotation_id)
        if held is not None:
            return held
        if cheap and not isinstance(self._source, RowsTable) and not position_is_indexed(query):
            return None
        return self._source.table_position(query, annotation_id)

    def prime(self, row: int, annotation_id: str) -> None:
        """Hold the rows round ``row`` (where ``annotation_id`` is, _NEAR either side) before the
        view scrolls there: read from its key on the index where the source can, not from an
        offset (issue 16: an edit deep in a long document stepped over 100,000 rows or more for
        each page), and not whole pages (the rest of a page is read from them when it is shown)."""
        first, last = max(0, row - _NEAR), min(self._count, row + _NEAR + 1)
        if all(self._held(at) is not None for at in (first, row, last - 1)):
            return
        rows = self._source.table_near(self._query, annotation_id, row - first, last - row)
        if rows is None or len(rows) <= row - first or rows[row - first].id != annotation_id:
            return  # not where it was counted (changed meanwhile): the pages are read when shown
        self._pages, self._pieces = cut(runs_of(self._pages, self._pieces, PAGE, more=((first, rows),)),
                                        self._count, PAGE)
        self._keep(row // PAGE)

    def annotation_at(self, row: int) -> AnnotationRow | None:
        """The row at ``row`` (its page fetched if it is not held: from the rows of it held, else
        at its offset); None past the end (the annotations changed and the model has not asked
        again yet)."""
        page, at = divmod(row, PAGE)
        rows = self._pages.get(page)
        if rows is None:
            held = self._held(row)
            if held is not None:
                return held
            piece = self._pieces.pop(page, None)
            rows = self._fill(page, piece) if piece is not None else None
            if rows is None:
                rows = self._source.table_page(self._query, page * PAGE, PAGE)
            self._pages[page] = rows
            self._keep(page)
        return rows[at] if 0 <= at < len(rows) else None

    def _keep(self, page: int) -> None:
        """Let go of the pages (and pieces) farthest from ``page`` beyond _PAGES_KEPT."""
        for held in (self._pages, self._pieces):
            while len(held) > _PAGES_KEPT:
                held.pop(max(held, key=lambda p: abs(p - page)))

    def category_name(self, category_id: str) -> str:
        return self._categories.get(category_id, (category_id, ""))[0]

    def annotator_name(self, annotator_id: str) -> str:
        return self._query.annotators.get(annotator_id, annotator_id)

    def quote_line(self, ann: AnnotationRow) -> str:
        text = ann.quote.translate(_ONE_LINE)
        return text + "…" if ann.end - ann.start > len(ann.quote) else text

    # -- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self._count:
            return None
        ann = self.annotation_at(index.row())
        return None if ann is None else self.cell(ann, index.column(), role)

    def cell(self, ann: AnnotationRow, column: int, role):
        if role in _GOLD_ROLES and gold_layer.is_gold(ann.annotator_id):
            return _gold_look(column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == DOCUMENT:
                return ann.document_title
            if column == QUOTE:
                return self.quote_line(ann)
            if column == CATEGORY:
                return self.category_name(ann.category_id)
            if column == ANNOTATOR:
                return self.annotator_name(ann.annotator_id)
            if column == SPAN:
                return f"{ann.start}–{ann.end}"
            return first_line(ann.note)
        if role == Qt.ItemDataRole.DecorationRole and column == CATEGORY:
            return swatch(self._categories.get(ann.category_id, ("", ""))[1])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(ann)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SPAN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            return self._key(ann, column)
        if role == ID_ROLE:
            return ann.id
        return None

    def sort(self, column: int, order=_ASC) -> None:
        if column < 0:
            column, order = SPAN, _ASC
        query = replace(self._query, column=COLUMNS[column], descending=order != _ASC)
        if query == self._query:
            return
        # The same rows in another order: a layout change, so selected rows stay selected.
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [(index.data(ID_ROLE), index.column()) for index in persistent[:_MOVED]]
        self._query = query
        self._pages.clear()
        self._pieces.clear()
        moved = [self.index(at, column) if i is not None and (at := self.row_of(i, cheap=True)) is not None
                 else QModelIndex()
                 for i, column in ids]
        self.changePersistentIndexList(persistent, moved + [QModelIndex()] * (len(persistent) - len(moved)))
        self.layoutChanged.emit()

    # -- internals ----------------------------------------------------------------------------

    def _key(self, ann: AnnotationRow, column: int) -> tuple:
        """The first part of the row's sort key in ``column`` (the source sorts; tests read it)."""
        position = (ann.start, ann.end, ann.id)
        text = {DOCUMENT: ann.document_title, QUOTE: ann.quote, NOTE: ann.note,
                CATEGORY: self.category_name(ann.category_id), ANNOTATOR: self.annotator_name(ann.annotator_id)}
        return position if column == SPAN else collation_key(text[column]) + position

    def _tooltip(self, ann: AnnotationRow) -> str:
        quote = ann.quote[:TOOLTIP_QUOTE_LIMIT]
        more = "…" if ann.end - ann.start > len(quote) else ""
        meta = [self.category_name(ann.category_id), self.annotator_name(ann.annotator_id), f"{ann.start}–{ann.end}"]
        if self.corpus:
            meta.insert(0, ann.document_title)
        parts = [f"<p style='white-space:pre-wrap'>{escape(quote)}{more}</p>"]
        if ann.note:
            parts.append(f"<p style='white-space:pre-wrap'><b>Note:</b> {escape(ann.note)}</p>")
        parts.append(f"<p><small>{escape(' · '.join(meta))}</small></p>")
        return "<qt>" + "".join(parts) + "</qt>"


_GOLD_ROLES = (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole)


def _gold_look(column: int, role):
    """A gold row's own look: a light gold background, and its annotator in bold dark gold."""
    if role == Qt.ItemDataRole.BackgroundRole:
        return gold_layer.background()
    if column != ANNOTATOR:
        return None
    if role == Qt.ItemDataRole.ForegroundRole:
        return gold_layer.ink()
    font = QFont()
    font.setBold(True)
    return font
