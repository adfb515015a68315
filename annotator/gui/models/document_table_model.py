"""The corpus panel's model: the project's documents, asked of the core again on refresh()."""

from __future__ import annotations

import bisect
from dataclasses import replace

from PySide6.QtCore import QModelIndex, Qt

from annotator.gui.models.rows import SORT_ROLE, RowTableModel
from annotator.gui.widgets import plain

STATUS_COLUMN = 4
_STATUS_MARKS = {"not started": "○", "in progress": "◐", "done": "●"}  # shapes, so colour is never the only cue
_STATUS_ORDER = {"not started": 0, "in progress": 1, "done": 2}
SORT_KEYS = ("title", "length", "annotations", "source", "status")  # each column's key of Project.document_order


class DocumentTableModel(RowTableModel):
    """The project's documents: title, length, annotations, source, and the current coder's status
    of each (``coder()`` gives their id, None before the project knows them: all not started).

    The model sorts itself (``sort``): the project gives the order from SQL, and the rows are put
    in it once, so no Python runs per comparison. Column -1 is import order. A count or a status
    that changes while the list is sorted by it moves that one row to its place."""

    HEADERS = ("Title", "Length", "Annotations", "Source", "Status")

    def __init__(self, project, parent=None, shown=lambda: None, coder=lambda: None) -> None:
        super().__init__(parent)
        self._project = project
        self._shown = shown  # whose annotations the counts are of: None (everyone's) or a coder's id
        self._rows = []
        self._row_of: dict[str, int] = {}
        self.coder = coder
        self._coder_id: str | None = None
        self._statuses: dict[str, str] = {}
        self._rank: dict[str, int] = {}  # id -> place in import order
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._widest: dict[int, list[str]] = {}  # column -> the ids widest_rows names

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        """The status column's header is a mark (the list is narrow), explained by its tooltip."""
        if section == STATUS_COLUMN and orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return "✓"
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return "Your status of each document: ○ not started, ◐ in progress, ● done (Ctrl+Shift+D)"
        return super().headerData(section, orientation, role)

    def set_project(self, project) -> None:
        self._project = project
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self._project.documents(self._shown())
        self._widest = {}
        self._rank = {doc.id: row for row, doc in enumerate(self._rows)}
        self._load_statuses()
        self._rows = self._ordered(self._rows)
        self._row_of = {doc.id: row for row, doc in enumerate(self._rows)}
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Put the rows in the project's order by ``column`` (-1: import order), keeping the
        persistent indexes (the selection) on their documents. The order they already have
        (the view asks again for it on a header click) is left as it is."""
        if (column, order) != self._sort:
            self._sort = (column, order)
            self._resort()

    def _resort(self) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [(self._rows[index.row()].id, index.column()) for index in before]
        self._rows = self._ordered(self._rows)
        self._row_of = {doc.id: row for row, doc in enumerate(self._rows)}
        self.changePersistentIndexList(before, [self.index(self._row_of[i], c) for i, c in kept])
        self.layoutChanged.emit()

    def _ordered(self, rows: list) -> list:
        """``rows`` by the sort column, those with equal keys in the order given (a stable sort,
        as the panel's QSortFilterProxyModel sorted: its last order breaks the ties)."""
        column, order = self._sort
        if column < 0:
            return sorted(rows, key=lambda doc: self._rank[doc.id])
        ranked = dict(self._project.document_order(SORT_KEYS[column], order == Qt.SortOrder.DescendingOrder,
                                                   annotator_id=self._shown(), coder_id=self._coder_id))
        last = len(ranked) + 1  # one the project no longer has: last
        return sorted(rows, key=lambda doc: ranked.get(doc.id, last))

    def _place(self, row: int) -> None:
        """Move one row whose sort key changed as QSortFilterProxyModel's dynamic sort did: not
        at all while it is still in order with its neighbours, else after the rows whose key
        equals its new one."""
        column, order = self._sort
        sign = -1 if order == Qt.SortOrder.DescendingOrder else 1

        def key(doc):
            return sign * self.cell(doc, column, SORT_ROLE)
        doc = self._rows[row]
        if ((row == 0 or key(self._rows[row - 1]) <= key(doc))
                and (row == len(self._rows) - 1 or key(doc) <= key(self._rows[row + 1]))):
            return
        others = self._rows[:row] + self._rows[row + 1:]
        target = bisect.bisect_right(others, key(doc), key=key)
        if target == row:
            return
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target + (target > row))
        self._rows = others[:target] + [doc] + others[target:]
        self._row_of = {d.id: r for r, d in enumerate(self._rows)}
        self.endMoveRows()

    def _load_statuses(self) -> None:
        self._widest.pop(STATUS_COLUMN, None)
        self._coder_id = self.coder()
        rows = self._project.document_statuses(annotator_id=self._coder_id) if self._coder_id else []
        self._statuses = {r.document_id: r.status for r in rows}

    def status(self, document_id: str) -> str:
        """The current coder's status of the document."""
        return self._statuses.get(document_id, "not started")

    def update_statuses(self, document_ids=None) -> None:
        """Read the statuses again (of these documents, or of all when the coder changed)."""
        if self.coder() != self._coder_id or document_ids is None:
            self._load_statuses()
            if self._rows:
                self.dataChanged.emit(self.index(0, STATUS_COLUMN), self.index(len(self._rows) - 1, STATUS_COLUMN))
            if self._sort[0] == STATUS_COLUMN:
                self._resort()
            return
        for document_id in document_ids:
            row = self._row_of.get(document_id)
            if row is not None:
                self._statuses[document_id] = self._project.document_status(document_id, self._coder_id)
                self._widest.pop(STATUS_COLUMN, None)
                self.dataChanged.emit(self.index(row, STATUS_COLUMN), self.index(row, STATUS_COLUMN))
                if self._sort[0] == STATUS_COLUMN:
                    self._place(row)

    def widest_rows(self, column: int) -> list[int]:
        """The rows whose text in ``column`` (length, annotations or status) is the widest: the
        largest number, one row of each status; the view sizes the column by these alone."""
        if column not in self._widest:
            if column == STATUS_COLUMN:
                ids = list({self._statuses.get(doc.id): doc.id for doc in self._rows}.values())
            else:
                value = (lambda doc: doc.length) if column == 1 else (lambda doc: doc.annotation_count)
                ids = [max(self._rows, key=value).id] if self._rows else []
            self._widest[column] = ids
        return [self._row_of[i] for i in self._widest[column] if i in self._row_of]

    def document_at(self, row: int):
        return self._rows[row]

    def row_of(self, document_id: str | None) -> int | None:
        return self._row_of.get(document_id)

    def annotation_count(self, document_id: str) -> int:
        row = self._row_of.get(document_id)
        return self._rows[row].annotation_count if row is not None else 0

    def set_annotation_count(self, document_id: str, count: int) -> None:
        """Update one document's count (after an edit) without reloading the list."""
        row = self._row_of.get(document_id)
        if row is not None and self._rows[row].annotation_count != count:
            self._rows[row] = replace(self._rows[row], annotation_count=count)
            self._widest.pop(2, None)
            self.dataChanged.emit(self.index(row, 2), self.index(row, 2))
            if self._sort[0] == 2:
                self._place(row)

    def cell(self, doc, column: int, role):
        status = self.status(doc.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return (doc.title, f"{doc.length:,}", str(doc.annotation_count), doc.source,
                    _STATUS_MARKS[status])[column]  # the mark alone: the list is narrow; the tooltip says it
        if role == SORT_ROLE:
            return (doc.title.casefold(), doc.length, doc.annotation_count, doc.source.casefold(),
                    _STATUS_ORDER[status])[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain(f"{doc.title}\n{doc.length:,} characters · {doc.annotation_count} annotation(s) · "
                    f"from {doc.source or 'unknown source'}\nYour status: {status}")
        if role == Qt.ItemDataRole.AccessibleTextRole and column == STATUS_COLUMN:
            return status
        if role == Qt.ItemDataRole.TextAlignmentRole and column == STATUS_COLUMN:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
