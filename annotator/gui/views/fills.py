"""What a DocumentView paints under its text: the fill of each run of annotated text (the blend of
its shown spans' colours), for the blocks in view only, at paint time.

Painting (not character formats) keeps a long document cheap: opening it formats nothing, a block
is filled the moment it is painted (scrolled to or not), and an edit repaints without Qt laying
out the text again (a format change in a block of a 10 MB text made Qt move every block after
it: about 30 ms each).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

from annotator.gui.views.highlighter import blend, fill_runs


def block_fills(view, number: int) -> list[tuple[int, int, QColor]]:
    """``(start, length, colour)`` of the fills of block ``number`` (block-local Qt positions)."""
    index = view.index
    if index is None:
        return []
    runs = fill_runs(index.block_pieces(number), index.loaded, view.is_shown, view.colour_names)
    cache = view.fill_colours
    out = []
    for start, end, key in runs:
        colour = cache.get(key)
        if colour is None:
            colour = cache[key] = blend([QColor(name) for name in key])
        out.append((start, end - start, colour))
    return out


def paint_fills(view, painter: QPainter, area) -> None:
    """Fill the annotated runs of the blocks of ``view`` that meet ``area`` (viewport coordinates)."""
    layout = view.document().documentLayout()
    block = view.block_at(area.top())
    dx, dy = -view.horizontalScrollBar().value(), -view.verticalScrollBar().value()
    while block.isValid():
        rect = layout.blockBoundingRect(block).translated(dx, dy)
        if rect.top() > area.bottom():
            break
        if rect.bottom() >= area.top():
            fills = block_fills(view, block.blockNumber())
            if fills:
                _fill_block(painter, block, rect, fills)
        block = block.next()


def _fill_block(painter: QPainter, block, rect: QRectF, fills) -> None:
    text_layout = block.layout()
    for i in range(text_layout.lineCount()):
        line = text_layout.lineAt(i)
        line_start = line.textStart()
        line_end = line_start + line.textLength()
        top = rect.top() + line.y()
        height = line.ascent() + line.descent()
        for start, length, colour in fills:
            a, b = max(start, line_start), min(start + length, line_end)
            if a >= b:
                continue
            x1, x2 = line.cursorToX(a)[0], line.cursorToX(b)[0]
            painter.fillRect(QRectF(rect.left() + min(x1, x2), top, abs(x2 - x1), height), colour)
