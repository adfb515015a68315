"""A heatmap drawn with QPainter: a labelled matrix whose cells are coloured by value and show it.

Used for pairwise agreement between coders (values in [-1, 1], or [0, 1]) and for confusion
matrices (counts). A missing value (None) is drawn as a hatched grey cell with "n/a"."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from annotator.core.agreement.report import fixed

CELL = 64
LOW = QColor("#d55e00")  # vermillion: disagreement
MID = QColor("#f7f7f7")
HIGH = QColor("#0072b2")  # blue: agreement


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    t = min(1.0, max(0.0, t))
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


class Heatmap(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[str] = []
        self.columns: list[str] = []
        self.values: list[list[float | None]] = []
        self.counts = False  # counts: white → blue by share of the largest; else -1…0…1 diverging
        self.decimals = 2
        self.row_title = ""
        self.column_title = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_matrix(self, rows: list[str], columns: list[str], values: list[list[float | None]],
                   counts: bool = False, row_title: str = "", column_title: str = "") -> None:
        self.rows, self.columns, self.values, self.counts = list(rows), list(columns), values, counts
        self.row_title, self.column_title = row_title, column_title
        self.decimals = 0 if counts else 2
        self.updateGeometry()
        self.update()

    def colour(self, value: float | None) -> QColor:
        if value is None:
            return QColor("#dddddd")
        if self.counts:
            top = max((v for row in self.values for v in row if v is not None), default=0) or 1
            return _mix(QColor("#ffffff"), HIGH, value / top)
        return _mix(MID, HIGH, value) if value >= 0 else _mix(MID, LOW, -value)

    def _label_width(self) -> int:
        metrics = QFontMetrics(self.font())
        return min(220, max([metrics.horizontalAdvance(r) for r in self.rows] + [40]) + 16)

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(self._label_width() + CELL * max(1, len(self.columns)) + 16,
                     metrics.height() * 3 + CELL * max(1, len(self.rows)) + 16)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        if not self.rows or not self.columns:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Nothing to show yet")
            return
        left = self._label_width()
        top = metrics.height() * 3
        size = max(28, min(CELL, (self.width() - left - 8) // len(self.columns),
                           (self.height() - top - 8) // len(self.rows)))
        if self.column_title:
            painter.drawText(QRectF(left, 0, size * len(self.columns), metrics.height()),
                             Qt.AlignmentFlag.AlignCenter, self.column_title)
        for j, name in enumerate(self.columns):
            rect = QRectF(left + j * size, metrics.height(), size, metrics.height() * 2)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             metrics.elidedText(name, Qt.TextElideMode.ElideRight, size * 2))
        for i, name in enumerate(self.rows):
            y = top + i * size
            painter.setPen(self.palette().windowText().color())
            painter.drawText(QRectF(4, y, left - 8, size), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(name, Qt.TextElideMode.ElideRight, left - 8))
            for j in range(len(self.columns)):
                value = self.values[i][j] if i < len(self.values) and j < len(self.values[i]) else None
                cell = QRectF(left + j * size, y, size, size).adjusted(1, 1, -1, -1)
                fill = self.colour(value)
                painter.fillRect(cell, fill)
                if value is None:
                    painter.fillRect(cell, Qt.BrushStyle.BDiagPattern)
                painter.setPen(QColor("#ffffff") if fill.lightness() < 120 else QColor("#222222"))
                if value is None:
                    text = "n/a"
                else:
                    text = f"{value:,.0f}" if self.counts else fixed(value, self.decimals)
                painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(QPen(QColor("#999999"), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(left, top, size * len(self.columns), size * len(self.rows)))
        painter.end()
