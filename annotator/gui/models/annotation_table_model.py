"""The annotation table's Qt model and filter proxy: one document's (or the whole corpus's)
annotation rows, sortable and filterable. The panel (gui/panels/annotation_table.py) shows them.

Sorting happens in the model, not the proxy: a QSortFilterProxyModel sort calls Python for
every comparison (about a second for 20,000 rows), a key sort in Python takes milliseconds.
The model keeps its rows in the shown order with a parallel list of sort keys (unique, as
each ends with the id), so finding, inserting, moving or removing one row is a binary search
plus a list insert: no row index to rebuild after any change.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from html import escape

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QIcon

from annotator.core.project.annotations import AnnotationRow
from annotator.gui import gold_layer
from annotator.gui.models.rows import ID_ROLE, SORT_ROLE, RowTableModel
from annotator.gui.widgets import swatch as category_swatch

DOCUMENT, QUOTE, CATEGORY, ANNOTATOR, SPAN, NOTE = range(6)
HEADERS = ("Document", "Quote", "Category", "Annotator", "Span", "Note")
TOOLTIP_QUOTE_LIMIT = 1000
_ONE_LINE = str.maketrans({"\n": " ⏎ ", "\u2028": " ⏎ ", "\u2029": " ⏎ ", "\t": " ", "\r": " "})
_RESET_ABOVE = 1000  # upserting more rows than this at once resets the model instead
_ASC = Qt.SortOrder.AscendingOrder


def fold(text: str) -> str:
    """Text as the filter compares it: case-folded and NFC, so "É", "é" and "e\u0301" meet."""
    return unicodedata.normalize("NFC", text.casefold())


def collation_key(text: str) -> tuple[str, str]:
    """Sorts case- and accent-insensitively first ("Évidence" before "Opinion"), then exactly."""
    folded = text.casefold()
    if folded.isascii():
        return folded, folded
    base = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return base, folded


def swatch(colour: str) -> QIcon | None:
    """A category's colour swatch (the app's one, cached), or None without a colour."""
    return category_swatch(colour, 12) if colour else None


def first_line(text: str) -> str:
    line, newline, rest = text.partition("\n")
    return line + " …" if newline and rest.strip() else line


class AnnotationTableModel(RowTableModel):
    """Annotation rows plus the category and annotator names they refer to."""

    HEADERS = HEADERS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AnnotationRow] = []  # in shown order
        self._keys: list[tuple] = []  # sort key of each row, parallel to _rows
        self._by_id: dict[str, AnnotationRow] = {}
        self._corpus = False
        self._categories: dict[str, tuple[str, str]] = {}
        self._annotators: dict[str, str] = {}
        self._doc_rank: dict[str, int] = {}  # document order, for sorting the corpus by position
        self._sort_column = SPAN
        self._descending = False
        self._search: dict[str, str] = {}  # id -> folded text the filter searches, filled lazily

    # -- feeding -------------------------------------------------------------------------------

    @property
    def corpus(self) -> bool:
        return self._corpus

    def set_names(self, categories: Mapping[str, tuple[str, str]], annotators: Mapping[str, str]) -> None:
        """``categories``: id -> (name, colour '#rrggbb'); ``annotators``: id -> name."""
        self._categories = dict(categories)
        self._annotators = dict(annotators)
        self._search.clear()
        if self._sort_column in (CATEGORY, ANNOTATOR):
            self._resort()
        elif self._rows:
            self.dataChanged.emit(self.index(0, CATEGORY), self.index(len(self._rows) - 1, ANNOTATOR))

    def set_rows(self, rows: Iterable[AnnotationRow], corpus: bool) -> None:
        """Replace every row; ``corpus`` says whether they come from all documents."""
        rows = list(rows)
        self._corpus = corpus
        self._doc_rank = {}
        for row in rows:
            self._doc_rank.setdefault(row.document_id, len(self._doc_rank))
        self._reset(rows)

    def _reset(self, rows: list[AnnotationRow]) -> None:
        self.beginResetModel()
        self._by_id = {row.id: row for row in rows}
        self._search.clear()
        self._rows, self._keys = self._sorted(rows)
        self.endResetModel()

    def upsert_rows(self, rows: Iterable[AnnotationRow]) -> None:
        """Replace rows with these ids, insert the others where the current order puts them."""
        rows = list(rows)
        if len(rows) > _RESET_ABOVE:
            merged = dict(self._by_id)
            merged.update((row.id, row) for row in rows)
            for row in rows:
                self._doc_rank.setdefault(row.document_id, len(self._doc_rank))
            self._reset(list(merged.values()))  # keeps the document order set_rows learnt
            return
        for row in rows:
            self._doc_rank.setdefault(row.document_id, len(self._doc_rank))
            self._search.pop(row.id, None)
            key = self._key(row, self._sort_column)
            old = self._by_id.get(row.id)
            self._by_id[row.id] = row
            if old is not None:
                at = self._find(self._key(old, self._sort_column))
                if self._keys[at] == key:
                    self._rows[at] = row
                    self.dataChanged.emit(self.index(at, 0), self.index(at, len(HEADERS) - 1))
                    continue
                self.beginRemoveRows(QModelIndex(), at, at)
                del self._rows[at], self._keys[at]
                self.endRemoveRows()
            at = self._find(key)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, row)
            self._keys.insert(at, key)
            self.endInsertRows()

    def remove_ids(self, ids: Iterable[str]) -> None:
        """Remove the rows with these ids (unknown ids are ignored), one signal per contiguous run."""
        found = sorted({at for at in map(self.row_of, ids) if at is not None}, reverse=True)
        while found:
            last = first = found.pop(0)
            while found and found[0] == first - 1:
                first = found.pop(0)
            self.beginRemoveRows(QModelIndex(), first, last)
            for row in self._rows[first:last + 1]:
                del self._by_id[row.id]
                self._search.pop(row.id, None)
            del self._rows[first:last + 1], self._keys[first:last + 1]
            self.endRemoveRows()

    # -- reading -------------------------------------------------------------------------------

    def row_of(self, annotation_id: str) -> int | None:
        row = self._by_id.get(annotation_id)
        return None if row is None else self._find(self._key(row, self._sort_column))

    def annotation_at(self, row: int) -> AnnotationRow:
        return self._rows[row]

    def category_name(self, category_id: str) -> str:
        return self._categories.get(category_id, (category_id, ""))[0]

    def annotator_name(self, annotator_id: str) -> str:
        return self._annotators.get(annotator_id, annotator_id)

    def search_text(self, row: int) -> str:
        """The folded text the filter field matches: quote, note, category, annotator (and
        document title in corpus mode; in one document every row would match its title)."""
        ann = self._rows[row]
        text = self._search.get(ann.id)
        if text is None:
            parts = [ann.quote, ann.note, self.category_name(ann.category_id), self.annotator_name(ann.annotator_id)]
            if self._corpus:
                parts.append(ann.document_title)
            text = self._search[ann.id] = fold("\n".join(parts))
        return text

    def quote_line(self, ann: AnnotationRow) -> str:
        text = ann.quote.translate(_ONE_LINE)
        return text + "…" if ann.end - ann.start > len(ann.quote) else text

    # -- Qt model interface -------------------------------------------------------------------

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
        if (column, order != _ASC) == (self._sort_column, self._descending):
            return
        self._sort_column, self._descending = column, order != _ASC
        self._resort()

    # -- internals ----------------------------------------------------------------------------

    def _key(self, ann: AnnotationRow, column: int) -> tuple:
        position = (self._doc_rank.get(ann.document_id, 0), ann.start, ann.end, ann.id)
        if column == DOCUMENT:
            return collation_key(ann.document_title) + position
        if column == QUOTE:
            return collation_key(ann.quote) + position
        if column == CATEGORY:
            return collation_key(self.category_name(ann.category_id)) + position
        if column == ANNOTATOR:
            return collation_key(self.annotator_name(ann.annotator_id)) + position
        if column == NOTE:
            return collation_key(ann.note) + position
        return position

    def _sorted(self, rows: list[AnnotationRow]) -> tuple[list[AnnotationRow], list[tuple]]:
        keys = [self._key(row, self._sort_column) for row in rows]
        order = sorted(range(len(rows)), key=keys.__getitem__, reverse=self._descending)
        return [rows[i] for i in order], [keys[i] for i in order]

    def _find(self, key: tuple) -> int:
        """Where ``key`` is, or would be inserted, in the current order (binary search)."""
        keys, lo, hi = self._keys, 0, len(self._keys)
        while lo < hi:
            mid = (lo + hi) // 2
            if (keys[mid] > key) if self._descending else (keys[mid] < key):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _resort(self) -> None:
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [(self._rows[index.row()].id, index.column()) for index in persistent]
        self._rows, self._keys = self._sorted(self._rows)
        rows = {row.id: at for at, row in enumerate(self._rows)} if persistent else {}
        self.changePersistentIndexList(persistent, [self.index(rows[i], column) for i, column in ids])
        self.layoutChanged.emit()

    def _tooltip(self, ann: AnnotationRow) -> str:
        quote = ann.quote[:TOOLTIP_QUOTE_LIMIT]
        more = "…" if ann.end - ann.start > len(quote) else ""
        meta = [self.category_name(ann.category_id), self.annotator_name(ann.annotator_id), f"{ann.start}–{ann.end}"]
        if self._corpus:
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


class AnnotationFilterProxy(QSortFilterProxyModel):
    """Filters by category, annotator and folded text; hands sorting to the source model."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._category: str | None = None
        self._annotator: str | None = None
        self._needle = ""

    def set_filter(self, category_id: str | None, annotator_id: str | None, text: str) -> None:
        needle = fold(text.strip())
        if (category_id, annotator_id, needle) == (self._category, self._annotator, self._needle):
            return
        self.beginFilterChange()
        self._category, self._annotator, self._needle = category_id, annotator_id, needle
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def is_filtering(self) -> bool:
        return bool(self._category or self._annotator or self._needle)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model = self.sourceModel()
        ann = model.annotation_at(source_row)
        if self._category is not None and ann.category_id != self._category:
            return False
        if self._annotator is not None and ann.annotator_id != self._annotator:
            return False
        return not self._needle or self._needle in model.search_text(source_row)

    def sort(self, column: int, order=_ASC) -> None:
        self.sourceModel().sort(column, order)
