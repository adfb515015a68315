"""Boxes drawn round stretches of a document view's text: the find bar's matches (dashed) and a
place the window shows, such as a disagreement from the agreement dashboard (solid). Drawn over
the highlight colours, never instead of them."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen


def outline(painter: QPainter, block, rect: QRectF, ranges: list[tuple[int, int]], pen: QPen) -> None:
    """Draw ``pen`` boxes round the parts of ``ranges`` (Qt positions, sorted by start) that lie in
    ``block``, whose layout's top left is at ``rect``'s, one box per line."""
    first, end = block.position(), block.position() + block.length() - 1
    i = bisect_left(ranges, (first - 10_000, 0)) if len(ranges) > 1 else 0  # find matches are short
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    layout = block.layout()
    for start, stop in ranges[i:]:
        if start > end:
            break
        a, b = max(start, first) - first, min(stop, end) - first
        if a >= b:
            continue
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            x, y = max(a, line.textStart()), min(b, line.textStart() + line.textLength())
            if x < y:
                x1, x2 = line.cursorToX(x)[0], line.cursorToX(y)[0]
                painter.drawRect(QRectF(rect.left() + x1, rect.top() + line.y(), x2 - x1,
                                        line.ascent() + line.descent()))
