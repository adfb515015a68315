"""The corpus panel: the project's documents with a filter box (title and text) and sorting."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project.statuses import STATUSES
from annotator.gui.models.document_table_model import STATUS_COLUMN, DocumentTableModel


class _DocumentFilter(QSortFilterProxyModel):
    """Filters by a set of ids; sorting is the source model's own (in SQL), so this proxy keeps
    the source's order and never compares rows itself."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.allowed: set[str] | None = None  # None: every document

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def set_allowed(self, allowed: set[str] | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.allowed = allowed
            self.endFilterChange()
        else:
            self.allowed = allowed
            self.invalidateFilter()

    def filterAcceptsRow(self, row, parent) -> bool:
        return self.allowed is None or self.sourceModel().document_at(row).id in self.allowed


class _DocumentTable(QTableView):
    """The list. Its number and status columns fit their contents (ResizeToContents), measured on
    the documents the model names as widest (of all, so a filter does not make them jump), not on
    a thousand rows' cells at every sort."""

    def sizeHintForColumn(self, column: int) -> int:  # noqa: N802 (Qt's name)
        model = self.model().sourceModel()
        rows = model.widest_rows(column) if column in (1, 2, STATUS_COLUMN) else []
        if not rows:
            return super().sizeHintForColumn(column)
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        hint = max(self.itemDelegate().sizeHint(option, model.index(row, column)).width() for row in rows)
        return hint + (1 if self.showGrid() else 0)


class CorpusPanel(QWidget):
    """Lists documents; ``documentActivated(id)`` when the current row changes, ``deleteRequested(id)``
    from the context menu (the Delete key is the window's Delete action, which asks the panel), and
    ``statusRequested(id, status)`` when the coder sets their status of a document there."""

    documentActivated = Signal(str)
    deleteRequested = Signal(str)
    statusRequested = Signal(str, str)

    def __init__(self, model: DocumentTableModel, search, parent=None) -> None:
        """``search(text) -> set of ids`` finds documents whose title or text holds ``text``."""
        super().__init__(parent)
        self.model = model
        self._search = search
        self.proxy = _DocumentFilter(self)
        self.proxy.setSourceModel(model)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by title or text…")
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: palette(placeholder-text);")
        self.table = _DocumentTable()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # import order until a header is clicked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, STATUS_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnHidden(3, True)  # the source shows in the tooltip
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(self._timer.start)
        self.model.modelReset.connect(self._update_count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table)
        layout.addWidget(self.count_label)

    def apply_filter(self) -> None:
        text = self.filter_edit.text().strip()
        self.proxy.set_allowed(self._search(text) if text else None)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{total} document{'s' if total != 1 else ''}" if shown == total
                                 else f"{shown} of {total} documents match")

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.document_at(self.proxy.mapToSource(index).row()).id

    def select(self, document_id: str | None) -> bool:
        """Make a document current (which opens it); False if it is not listed."""
        row = self.model.row_of(document_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # filtered out: clear the filter so it can be shown
            self.filter_edit.clear()
            self.apply_filter()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def step(self, delta: int) -> None:
        """Open the next (or previous) document in the list."""
        rows = self.proxy.rowCount()
        if rows:
            row = (self.table.currentIndex().row() + delta) % rows if self.table.currentIndex().isValid() else 0
            self.table.setCurrentIndex(self.proxy.index(row, 0))

    def menu_at(self, pos) -> QMenu | None:
        """The context menu of the document at ``pos`` (viewport coordinates), or None."""
        index = self.table.indexAt(pos)
        if not index.isValid():
            return None
        document_id = self.model.document_at(self.proxy.mapToSource(index).row()).id
        menu = QMenu(self)
        statuses = menu.addMenu("My &Status")
        for status in STATUSES:
            action = statuses.addAction(status.capitalize(), lambda s=status: self.statusRequested.emit(document_id, s))
            action.setCheckable(True)
            action.setChecked(self.model.status(document_id) == status)
        menu.addAction("Delete Document…", lambda: self.deleteRequested.emit(document_id))
        return menu

    def _context_menu(self, pos) -> None:
        menu = self.menu_at(pos)
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))
            menu.deleteLater()

    def _current_changed(self, current, _previous) -> None:
        if current.isValid():
            self.documentActivated.emit(self.model.document_at(self.proxy.mapToSource(current).row()).id)
