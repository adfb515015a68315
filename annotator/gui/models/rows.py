"""What the flat table models share: their item-data roles and a base holding one object per row."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

SORT_ROLE = Qt.ItemDataRole.UserRole  # the value a cell sorts by (numbers as numbers, keys as tuples)
ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the id of the row's object


class RowTableModel(QAbstractTableModel):
    """A flat table: ``HEADERS`` name the columns, ``_rows`` hold one object per row, in shown
    order; a subclass answers ``cell(row object, column, role)``."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []

    def cell(self, item: Any, column: int, role) -> Any:
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        return self.cell(self._rows[index.row()], index.column(), role)
