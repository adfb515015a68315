"""Thin Qt models: they hold rows fetched from the core and ask it again on refresh()."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from annotator.gui.widgets import plain

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the value a column sorts by (numbers as numbers)


class DocumentTableModel(QAbstractTableModel):
    """The project's documents: title, length, annotations, source."""

    HEADERS = ("Title", "Length", "Annotations", "Source")

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self._project = project
        self._rows = []
        self._row_of: dict[str, int] = {}

    def set_project(self, project) -> None:
        self._project = project
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self._project.documents()
        self._row_of = {doc.id: row for row, doc in enumerate(self._rows)}
        self.endResetModel()

    def document_at(self, row: int):
        return self._rows[row]

    def row_of(self, document_id: str | None) -> int | None:
        return self._row_of.get(document_id)

    def set_annotation_count(self, document_id: str, count: int) -> None:
        """Update one document's count (after an edit) without reloading the list."""
        row = self._row_of.get(document_id)
        if row is not None and self._rows[row].annotation_count != count:
            self._rows[row] = replace(self._rows[row], annotation_count=count)
            self.dataChanged.emit(self.index(row, 2), self.index(row, 2))

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
        doc = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (doc.title, f"{doc.length:,}", str(doc.annotation_count), doc.source)[column]
        if role == SORT_ROLE:
            return (doc.title.casefold(), doc.length, doc.annotation_count, doc.source.casefold())[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain(f"{doc.title}\n{doc.length:,} characters · {doc.annotation_count} annotation(s) · "
                    f"from {doc.source or 'unknown source'}")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
