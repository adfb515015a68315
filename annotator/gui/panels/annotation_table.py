"""The annotation table: one document's (or the whole corpus's) annotations as a sortable,
filterable list. The panel never asks the core for anything: its owner hands it rows
(``Project.annotation_rows``) and names, and hears back ids through signals.

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

from PySide6.QtCore import (QAbstractTableModel, QEvent, QItemSelectionModel, QModelIndex, QObject, QSize,
                            QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHeaderView, QLabel, QLayout, QLineEdit,
                               QMenu, QTableView, QVBoxLayout, QWidget)

from annotator.core.project.annotations import AnnotationRow
from annotator.gui.widgets import swatch as category_swatch

DOCUMENT, QUOTE, CATEGORY, ANNOTATOR, SPAN, NOTE = range(6)
HEADERS = ("Document", "Quote", "Category", "Annotator", "Span", "Note")
SORT_ROLE = Qt.ItemDataRole.UserRole  # a comparable key (tuple) per cell
ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the annotation id
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


class AnnotationTableModel(QAbstractTableModel):
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

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        ann = self._rows[index.row()]
        column = index.column()
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


class AnnotationTableView(QTableView):
    """A table that reports Return/Enter and Delete/Backspace instead of handling them."""

    return_pressed = Signal()
    delete_pressed = Signal()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.return_pressed.emit()
        elif plain and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class AnnotationTablePanel(QWidget):
    """Filter bar over the annotation table. Signals carry ids; the owner does the work."""

    jump_requested = Signal(str, str)  # document id, annotation id
    delete_requested = Signal(list)  # annotation ids of the selected rows, in shown order
    mode_changed = Signal(bool)  # True: all documents

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = AnnotationTableModel(self)
        self.proxy = AnnotationFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.mode_combo = QComboBox()
        self.mode_combo.addItems(["This document", "All documents"])
        self.mode_combo.setToolTip("Show the annotations of the open document or of every document")
        self.category_combo = QComboBox()
        self.category_combo.setToolTip("Show one category only")
        self.annotator_combo = QComboBox()
        self.annotator_combo.setToolTip("Show one annotator only")
        for combo in (self.category_combo, self.annotator_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self._fill_combo(self.category_combo, "All categories", {})
        self._fill_combo(self.annotator_combo, "All annotators", {})
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter text…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Match quote, note, category, annotator and document title (Down: go to the table)")
        self.filter_edit.setMinimumWidth(120)
        self.filter_edit.installEventFilter(self)
        self.count_label = QLabel()
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

        self.table = AnnotationTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        for column in (DOCUMENT, CATEGORY, ANNOTATOR, SPAN, NOTE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(QUOTE, QHeaderView.ResizeMode.Stretch)
        self._fitting = False
        self._user_sized: set[int] = set()  # columns the user resized: no longer fitted to the width
        header.sectionResized.connect(self._note_user_resize)
        self.table.viewport().installEventFilter(self)
        header.setSortIndicator(SPAN, _ASC)
        self.table.setSortingEnabled(True)
        self.table.setColumnHidden(DOCUMENT, True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        self._bar = QGridLayout()
        self._bar.setHorizontalSpacing(6)
        self._bar.setVerticalSpacing(4)
        self._narrow: bool | None = None
        self._arrange_bar(narrow=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # see minimumSizeHint
        layout.addLayout(self._bar)
        layout.addWidget(self.table)
        for before, after in ((self.mode_combo, self.category_combo), (self.category_combo, self.annotator_combo),
                              (self.annotator_combo, self.filter_edit), (self.filter_edit, self.table)):
            QWidget.setTabOrder(before, after)

        self.mode_combo.currentIndexChanged.connect(lambda index: self.mode_changed.emit(index == 1))
        self.category_combo.currentIndexChanged.connect(self._apply_filter)
        self.annotator_combo.currentIndexChanged.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.filter_edit.returnPressed.connect(self._focus_table)
        self.table.doubleClicked.connect(self._jump)
        self.table.return_pressed.connect(lambda: self._jump(self.table.currentIndex()))
        self.table.delete_pressed.connect(self._delete_selected)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        for model in (self.model, self.proxy):  # the model's too: rows the filter hides still count
            for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
                signal.connect(self._update_count)
        self._update_count()

    # -- feeding -------------------------------------------------------------------------------

    def set_names(self, categories: Mapping[str, tuple[str, str]], annotators: Mapping[str, str]) -> None:
        """Names for ids; refills the filter combos, keeping the current choices where they remain."""
        self.model.set_names(categories, annotators)
        self._fill_combo(self.category_combo, "All categories", categories)
        self._fill_combo(self.annotator_combo, "All annotators", annotators)
        self._apply_filter()

    def set_rows(self, rows: Iterable[AnnotationRow], corpus: bool) -> None:
        """Show these rows; sets the mode combo to match without emitting ``mode_changed``."""
        self.mode_combo.blockSignals(True)
        self.mode_combo.setCurrentIndex(1 if corpus else 0)
        self.mode_combo.blockSignals(False)
        self.model.set_rows(rows, corpus)
        self.table.setColumnHidden(DOCUMENT, not corpus)

    def upsert_rows(self, rows: Iterable[AnnotationRow]) -> None:
        self.model.upsert_rows(rows)

    def remove_ids(self, ids: Iterable[str]) -> None:
        self.model.remove_ids(ids)

    # -- reading and steering ------------------------------------------------------------------

    def is_corpus_mode(self) -> bool:
        return self.mode_combo.currentIndex() == 1

    def selected_ids(self) -> list[str]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.proxy.index(row, 0).data(ID_ROLE) for row in rows]

    def select_annotation(self, annotation_id: str) -> bool:
        """Select and show the row of this annotation (no ``jump_requested``); False when it is
        not in the table or the filters hide it."""
        row = self.model.row_of(annotation_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, QUOTE))
        if not index.isValid():
            return False
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    # -- internals ----------------------------------------------------------------------------

    def _fill_combo(self, combo: QComboBox, everything: str, names: Mapping) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for item_id, name in names.items():
            if isinstance(name, tuple):
                combo.addItem(swatch(name[1]) or QIcon(), name[0], item_id)
            else:
                combo.addItem(name, item_id)
        at = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(at, 0))
        combo.blockSignals(False)

    def _apply_filter(self) -> None:
        self.proxy.set_filter(self.category_combo.currentData(), self.annotator_combo.currentData(),
                              self.filter_edit.text())
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if self.proxy.is_filtering():
            self.count_label.setText(f"{shown:,} of {total:,}")
        else:
            self.count_label.setText(f"{total:,} annotation{'' if total == 1 else 's'}")

    def _jump(self, index: QModelIndex) -> None:
        if index.isValid():
            ann = self.model.annotation_at(self.proxy.mapToSource(index).row())
            self.jump_requested.emit(ann.document_id, ann.id)

    def _delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.delete_requested.emit(ids)

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)

    def context_menu(self, index: QModelIndex) -> QMenu:
        """The table's context menu for the row at ``index`` (built, not shown)."""
        menu = QMenu(self)
        target = index if index.isValid() else self.table.currentIndex()
        go = menu.addAction("Go to annotation")
        go.setEnabled(target.isValid())
        go.triggered.connect(lambda: self._jump(target))
        count = len(self.table.selectionModel().selectedRows())
        delete = menu.addAction("Delete" if count < 2 else f"Delete {count} annotations")
        delete.setEnabled(count > 0)
        delete.triggered.connect(self._delete_selected)
        return menu

    def _show_context_menu(self, pos) -> None:
        menu = self.context_menu(self.table.indexAt(pos))
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _arrange_bar(self, narrow: bool) -> None:
        """One row when there is room; in a narrow dock the filter field and count get a row of their own."""
        if narrow == self._narrow:
            return
        self._narrow = narrow
        combos = (self.mode_combo, self.category_combo, self.annotator_combo)
        for widget in (*combos, self.filter_edit, self.count_label):
            self._bar.removeWidget(widget)
        for column in range(5):
            self._bar.setColumnStretch(column, 0)
        for column, combo in enumerate(combos):
            self._bar.addWidget(combo, 0, column)
            if narrow:
                self._bar.setColumnStretch(column, 1)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if narrow:
            self._bar.addWidget(self.filter_edit, 1, 0, 1, 2)
            self._bar.addWidget(self.count_label, 1, 2, right)
        else:
            self._bar.addWidget(self.filter_edit, 0, 3)
            self._bar.addWidget(self.count_label, 0, 4, right)
            self._bar.setColumnStretch(3, 1)

    def _fit_columns(self) -> None:
        """Share the width out: the quote stretches, the others take a part within bounds, and
        a column the user has resized keeps its width."""
        width = self.table.viewport().width()
        header = self.table.horizontalHeader()
        span = self.fontMetrics().horizontalAdvance("00000–00000") + 16
        self._fitting = True
        try:
            for column, share, least, most in ((DOCUMENT, 0.13, 70, 170), (CATEGORY, 0.15, 76, 160),
                                               (ANNOTATOR, 0.11, 64, 120), (SPAN, 0, span, span),
                                               (NOTE, 0.18, 64, 240)):
                if column not in self._user_sized:
                    header.resizeSection(column, max(least, min(most, int(width * share))))
        finally:
            self._fitting = False

    def _note_user_resize(self, column: int, old: int, new: int) -> None:
        if not self._fitting and column != QUOTE and old and new:
            self._user_sized.add(column)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the two-row filter bar allows, whichever bar is shown, so a dock can shrink
        the panel into the narrow arrangement."""
        hint = super().minimumSizeHint()
        combos = (self.mode_combo, self.category_combo, self.annotator_combo)
        width = sum(c.minimumSizeHint().width() for c in combos) + 2 * self._bar.horizontalSpacing() + 8
        return QSize(width, hint.height())

    def resizeEvent(self, event) -> None:
        self._arrange_bar(narrow=event.size().width() < 640)
        super().resizeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self._focus_table()
                return True
            if event.key() == Qt.Key.Key_Escape and self.filter_edit.text():
                self.filter_edit.clear()
                return True
        return super().eventFilter(watched, event)
