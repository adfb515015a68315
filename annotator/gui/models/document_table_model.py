"""The corpus panel's model: the project's documents, asked of the core again on refresh()."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from annotator.gui.models.rows import SORT_ROLE, RowTableModel
from annotator.gui.widgets import plain


class DocumentTableModel(RowTableModel):
    """The project's documents: title, length, annotations, source."""

    HEADERS = ("Title", "Length", "Annotations", "Source")

    def __init__(self, project, parent=None, shown=lambda: None) -> None:
        super().__init__(parent)
        self._project = project
        self._shown = shown  # whose annotations the counts are of: None (everyone's) or a coder's id
        self._rows = []
        self._row_of: dict[str, int] = {}

    def set_project(self, project) -> None:
        self._project = project
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = self._project.documents(self._shown())
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

    def cell(self, doc, column: int, role):
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
