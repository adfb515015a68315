"""File → Restore from Backup…: the project's backups, newest first, to choose one to restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from annotator.core.storage import backups


class RestoreDialog(QDialog):
    """Lists ``found`` (Backup records) with time, reason, size and counts; ``chosen()`` after exec."""

    def __init__(self, found: list[backups.Backup], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.found = found
        intro = QLabel("Choose the state to go back to. The project as it is now is backed up first, "
                       "so a restore can itself be undone by restoring that backup."
                       if found else "This project has no backups yet: one is taken before every import, "
                                     "upgrade and restore.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(len(found), 5)
        self.table.setHorizontalHeaderLabels(["Time", "Reason", "Size", "Documents", "Annotations"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, backup in enumerate(found):
            numbers = backups.counts(backup.path)
            cells = [backup.local_time(), backup.reason, backups.human_size(backup.size),
                     *(str(n) for n in numbers or ("?", "?"))]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(backup.path))
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if found:
            self.table.selectRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton("Restore…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(found))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.table.doubleClicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def chosen(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self.found[rows[0].row()].path if rows else None
