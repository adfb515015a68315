"""What a DocumentView paints over its text, which a character format cannot show: one stripe per
layer in the space under each line (spans overlapping in a line never share a lane), the outline
of the selected annotation, and the boxes of views/outlines.py (the find bar's matches, a place
shown). Functions of the view, so the view itself keeps to its text, positions and events."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from annotator.gui.views.outlines import outline

STRIPE = 2.0  # px, height of one layer's stripe
STRIPE_GAP = 1.5
MAX_LANES = 4  # deeper overlaps share the last lane


def paint_layers(view, painter: QPainter, area) -> None:
    """Paint the stripes, the selected annotation's outline and the outlined ranges of the
    blocks of ``view`` (a DocumentView) that meet ``area`` (viewport coordinates)."""
    layout = view.document().documentLayout()
    block = view.block_at(area.top())
    dx, dy = -view.horizontalScrollBar().value(), -view.verticalScrollBar().value()
    index = view.index
    while block.isValid():
        rect = layout.blockBoundingRect(block).translated(dx, dy)
        if rect.top() > area.bottom():
            break
        number = block.blockNumber()
        if rect.bottom() >= area.top():
            if index.block_pieces(number):
                _paint_block(view, painter, block, number, rect)
            if view.find_matches:
                outline(painter, block, rect, view.find_matches, QPen(QColor("#444444"), 1, Qt.PenStyle.DashLine))
            if view.marked:
                outline(painter, block, rect, view.marked, QPen(QColor("#d00000"), 2))
        block = block.next()


def _paint_block(view, painter: QPainter, block, number: int, rect: QRectF) -> None:
    index = view.index
    lanes = index.lanes(number, view.is_shown)
    if not lanes:
        return
    text_layout = block.layout()
    lines = [text_layout.lineAt(i) for i in range(text_layout.lineCount())]
    selected = None
    for start, end, span_id in index.block_pieces(number):
        lane = lanes.get(span_id)
        if lane is None:
            continue
        span = index.loaded[span_id]
        colour = view.colour_of(span)
        stripe = QColor(colour).darker(115)
        for line in lines:
            line_start = line.textStart()
            line_end = line_start + line.textLength()
            a, b = max(start, line_start), min(end, line_end)
            if a >= b:
                continue
            x1 = rect.left() + line.cursorToX(a)[0]
            x2 = rect.left() + line.cursorToX(b)[0]
            top = rect.top() + line.y()
            y = top + line.ascent() + line.descent() + 2 + min(lane, MAX_LANES - 1) * (STRIPE + STRIPE_GAP)
            painter.fillRect(QRectF(x1, y, x2 - x1, STRIPE), stripe)
            if span_id == view.selected_id:
                selected = selected or []
                selected.append((QRectF(x1 - 1, top, x2 - x1 + 2, line.ascent() + line.descent() + 1), colour))
    for box, colour in selected or ():
        painter.setPen(QPen(QColor(colour).darker(170), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 3, 3)
