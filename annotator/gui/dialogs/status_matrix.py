"""Tools → Document Status Matrix: a documents × coders table of each coder's status, for the lead."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from annotator.core.project.statuses import DONE, IN_PROGRESS, NOT_STARTED, STATUSES

# Colour-blind-safe backgrounds (Okabe-Ito, lightened), with a mark in the text so colour is not the only cue.
LOOKS = {NOT_STARTED: ("○", None), IN_PROGRESS: ("◐", "#fbe3b0"), DONE: ("●", "#b8e0cf")}


class StatusMatrixDialog(QDialog):
    """One row per document, one column per coder, and a last column: how many coders are done."""

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Document status")
        docs, coders, matrix = project.documents(), project.annotators(gold=False), project.status_matrix()
        done = sum(1 for d in docs if coders and all(matrix.get((d.id, c.id)) == DONE for c in coders))
        summary = QLabel(f"{len(docs)} document{'s' if len(docs) != 1 else ''} × {len(coders)} "
                         f"coder{'s' if len(coders) != 1 else ''}; {done} done by every coder. "
                         "A coder's status starts as in progress with their first annotation in a document.")
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(len(docs), len(coders) + 1)
        self.table.setHorizontalHeaderLabels([c.name for c in coders] + ["Done"])
        self.table.setVerticalHeaderLabels([d.title for d in docs])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for row, doc in enumerate(docs):
            statuses = [matrix.get((doc.id, c.id), NOT_STARTED) for c in coders]
            for column, (coder, status) in enumerate(zip(coders, statuses, strict=True)):
                mark, colour = LOOKS[status]
                item = QTableWidgetItem(f"{mark} {status}")
                item.setToolTip(f"{coder.name}: {status} — {doc.title}")
                if colour:
                    item.setBackground(QBrush(QColor(colour)))
                self.table.setItem(row, column, item)
            count = QTableWidgetItem(f"{statuses.count(DONE)}/{len(coders)}")
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, len(coders), count)
        self.table.resizeColumnsToContents()
        legend = QLabel("   ".join(f"{LOOKS[s][0]} {s}" for s in STATUSES))
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table)
        layout.addWidget(legend)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        self.resize(min(1000, 260 + 130 * len(coders)), min(700, 160 + 30 * len(docs)))

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""
