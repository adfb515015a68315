"""Dragging an edge of a DocumentView's selected annotation: the pointer turns into a resize arrow
within a few pixels of its first or last character; while dragging, the text selection shows the
new extent. A mixin of the view (its mouse events call these)."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QTextCursor

EDGE_GRAB = 4  # px either side of an edge of the selected annotation that start a drag


class EdgeDragMixin:
    """Of a DocumentView (a QTextEdit with ``index``, ``selected_id``, ``can_edit``, ``edge_rule``
    and ``_drag``)."""

    def edge_at(self, point: QPoint) -> str | None:
        """"start" or "end" if ``point`` is on that edge of the selected annotation."""
        if self.selected_id is None or self.index is None or self.selected_id not in self.index.spans:
            return None
        if self.can_edit is not None and not self.can_edit(self.selected_id):
            return None  # another coder's annotation: no resize arrow, no drag
        span = self.index.spans[self.selected_id]
        for edge, offset in (("start", span.start), ("end", span.end)):
            x, top, bottom = self._edge_geometry(self.index.offsets.to_qt(offset), edge == "end")
            if abs(point.x() - x) <= EDGE_GRAB and top <= point.y() <= bottom:
                return edge
        return None

    def _edge_geometry(self, position: int, closing: bool) -> tuple[float, float, float]:
        block = self.document().findBlock(position - 1 if closing else position)
        local = position - block.position()
        layout = block.layout()
        line = layout.lineForTextPosition(local - 1 if closing and local > 0 else local)
        origin = self._block_origin(block)
        top = origin.y() + line.y()
        return origin.x() + line.cursorToX(local)[0], top, top + line.ascent() + line.descent()

    def _dragged_range(self, point: QPoint, drag: tuple[str, str] | None = None) -> tuple[int, int]:
        edge, annotation_id = drag or self._drag
        span = self.index.spans[annotation_id]
        offset = self.index.offsets.from_qt(self.cursorForPosition(point).position())
        start, end = (offset, span.end) if edge == "start" else (span.start, offset)
        return self.edge_rule(edge, start, end) if self.edge_rule is not None and start < end else (start, end)

    def _show_range(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.index.offsets.to_qt(start))
        cursor.setPosition(self.index.offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
