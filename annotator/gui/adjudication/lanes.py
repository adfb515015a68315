"""The lanes of one unit, painted: the gold layer on top, then one lane per coder, each showing the
unit's stretch of text (with a little context, greyed) and that lane's spans filled with their
category's colour. A lane's header names it (its number and coder, or "Coder 2" when blind, in the
coder's colour) and the categories of its spans, so a category reads as text as well as colour.

Painted with QTextLayout (one per lane, laid out again only when the unit or the width changes);
positions reach Qt only through gui/offsets.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QTextCharFormat, QTextLayout, QTextOption
from PySide6.QtWidgets import QSizePolicy, QWidget

from annotator.gui.offsets import OffsetMap
from annotator.gui.views.highlighter import blend

CONTEXT = 160  # code points of text shown either side of a unit, at most (cut at a space)
HEADER_WIDTH = 190  # px of the column naming each lane
PAD = 8
NOTE_WIDTH = HEADER_WIDTH - PAD - 8  # px of a lane's title and note
GOLD_BAND = "#fbf4de"  # the gold lane's background: pale, so category fills read on it


@dataclass
class Lane:
    key: str  # "gold" or a coder id
    title: str  # "Gold", "1  Alice", "2  Coder 2"
    colour: str  # the lane's colour: the coder's, or the gold layer's
    spans: list[tuple[int, int, str]]  # (start, end, category id), code points in the document
    note: str = ""  # under the title: the categories, "marked nothing", "open", "rejected"
    selected: tuple[int, int] | None = None  # a span outlined (the gold span the edit keys move)
    layout: QTextLayout | None = field(default=None, repr=False)
    height: float = 0.0


def context_range(text: str, start: int, end: int, context: int = CONTEXT) -> tuple[int, int]:
    """The stretch shown for a unit ``[start, end)``: its lines, cut to ``context`` code points
    either side at a space."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    a, b = max(line_start, start - context), min(line_end, end + context)
    if a > line_start:
        space = text.find(" ", a, start)
        a = space + 1 if space != -1 else a
    if b < line_end:
        space = text.rfind(" ", end, b)
        b = space if space != -1 else b
    return a, b


class LanesView(QWidget):
    """``show_lanes(text, (start, end), lanes, colours)``: ``colours`` maps category ids to "#rrggbb"."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 12.0))
        self.text_font = font
        self.lanes: list[Lane] = []
        self.text = ""
        self.unit: tuple[int, int] | None = None
        self.shown: tuple[int, int] = (0, 0)
        self.colours: dict[str, str] = {}
        self.empty_text = "No unit to show."
        self._width = -1

    def show_lanes(self, text: str, unit: tuple[int, int] | None, lanes: list[Lane], colours: dict[str, str]) -> None:
        self.text, self.unit, self.lanes, self.colours = text, unit, lanes, colours
        self.shown = context_range(text, *unit) if unit is not None else (0, 0)
        self._width = -1
        self._lay_out()
        self.updateGeometry()
        self.update()

    # -- layout --------------------------------------------------------------------------------

    def _lay_out(self) -> None:
        width = max(120, self.width() - HEADER_WIDTH - 2 * PAD)
        if width == self._width:
            return
        self._width = width
        a, b = self.shown
        shown = self.text[a:b]
        offsets = OffsetMap(shown)
        grey = QTextCharFormat()
        grey.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
        for lane in self.lanes:
            layout = QTextLayout(shown, self.text_font)
            option = QTextOption()
            option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            layout.setTextOption(option)
            layout.setFormats(self._formats(lane, offsets, grey))
            layout.beginLayout()
            y = 0.0
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                line.setPosition(QPointF(0, y))
                y += line.height()
            layout.endLayout()
            lane.layout = layout
            header = self.fontMetrics().height() + 2 + _note_height(self.fontMetrics(), lane.note)
            lane.height = max(y, header) + 2 * PAD

    def _formats(self, lane: Lane, offsets: OffsetMap, grey: QTextCharFormat) -> list:
        a, b = self.shown
        ranges = []

        def add(start: int, end: int, fmt: QTextCharFormat) -> None:
            start, end = max(start, a) - a, min(end, b) - a
            if start < end:
                r = QTextLayout.FormatRange()
                r.start, r.length, r.format = offsets.to_qt(start), offsets.qt_length(start, end), fmt
                ranges.append(r)

        if self.unit is not None:  # the context around the unit, greyed
            add(a, self.unit[0], grey)
            add(self.unit[1], b, grey)
        for start, end, names in _runs(lane.spans, self.colours):
            fmt = QTextCharFormat()
            fmt.setBackground(blend([QColor(n) for n in names]))
            add(start, end, fmt)
        if lane.selected is not None:
            fmt = QTextCharFormat()
            fmt.setFontUnderline(True)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(QColor(lane.colour))  # not bold: the lanes' text must wrap alike
            add(*lane.selected, fmt)
        return ranges

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._lay_out()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(600, int(sum(lane.height for lane in self.lanes)) or 80)

    def minimumSizeHint(self) -> QSize:
        return QSize(HEADER_WIDTH + 200, self.sizeHint().height())

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        if not self.lanes:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        self._lay_out()
        metrics = self.fontMetrics()
        y = 0.0
        for n, lane in enumerate(self.lanes):
            box = QRectF(0, y, self.width(), lane.height)
            if n == 0:  # the gold lane stands apart: a tinted band
                painter.fillRect(box, QColor(GOLD_BAND))
            painter.fillRect(QRectF(0, y, 5, lane.height), QColor(lane.colour))
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(QColor(lane.colour).darker(130))
            _header_line(painter, metrics, lane.title, y + PAD)
            painter.setFont(self.font())
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            note = QRectF(PAD + 4, y + PAD + metrics.height() + 2, NOTE_WIDTH, _note_height(metrics, lane.note))
            painter.drawText(note, Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, lane.note)
            if lane.layout is not None:
                lane.layout.draw(painter, QPointF(HEADER_WIDTH + PAD, y + PAD))
            y += lane.height
            painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
            painter.drawLine(QPointF(0, y - 0.5), QPointF(self.width(), y - 0.5))
        painter.end()


def _note_height(metrics, note: str) -> int:
    """The note under a lane's title wraps (a gold lane may name several categories)."""
    return metrics.boundingRect(QRect(0, 0, NOTE_WIDTH, 10_000), Qt.TextFlag.TextWordWrap, note).height()


def _header_line(painter: QPainter, metrics, text: str, y: float) -> None:
    box = QRectF(PAD + 4, y, NOTE_WIDTH, metrics.height())
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(box.width()))
    painter.drawText(box, Qt.AlignmentFlag.AlignLeft, shown)


def _runs(spans: list[tuple[int, int, str]], colours: dict[str, str]) -> list[tuple[int, int, list[str]]]:
    """Cut overlapping spans into runs, each with the colours covering it (nested spans deepen)."""
    points = sorted({p for s, e, _ in spans for p in (s, e)})
    runs = []
    for a, b in zip(points, points[1:]):
        names = [colours.get(c, "#999999") for s, e, c in spans if s <= a and b <= e]
        if names:
            runs.append((a, b, names))
    return runs
