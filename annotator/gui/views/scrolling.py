"""Where a DocumentView is scrolled to, in code points: centring the cursor, the position the
window saves and restores (``view_position``, ``scroll_to``), the block at a viewport height, and
keeping the top line in place when the view is first shown or resized. A mixin of the view."""

from __future__ import annotations

from PySide6.QtCore import QPoint


class ScrollingMixin:
    """Of a DocumentView (a QTextEdit with ``index`` and ``_scroll_when_shown``)."""

    def center_cursor(self) -> None:
        """Scroll so that the cursor is in the middle third of the view (not at an edge)."""
        self.ensureCursorVisible()
        rect, height = self.cursorRect(), self.viewport().height()
        if not height / 3 <= rect.center().y() <= 2 * height / 3:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + rect.center().y() - height // 2)

    def view_position(self) -> tuple[int, int]:
        """Where the view is scrolled to: the code point starting the line at the top of the
        viewport, and how many pixels of that line are scrolled past (negative: the space above it
        shows, as at the very top). ``scroll_to`` takes it."""
        if self.index is None or not self.index.text:
            return 0, 0
        block = self.block_at(0)
        origin = self._block_origin(block).y()
        layout = block.layout()
        line = next((layout.lineAt(i) for i in range(layout.lineCount())
                     if origin + layout.lineAt(i).y() + layout.lineAt(i).height() > 0), None)
        if line is None:
            return self.index.offsets.from_qt(block.position()), 0
        qt = block.position() + line.textStart()
        return self.index.offsets.from_qt(qt), round(-(origin + line.y()))

    def block_at(self, y: int):
        """The first block whose lines reach below viewport height ``y``. (Qt's hit test is not
        used alone: over the document's top margin, while it still lays a long text out in steps,
        it answers a block far down, so painting from there painted no stripe at all.)"""
        document, scrolled = self.document(), self.verticalScrollBar().value()
        if y + scrolled <= document.documentMargin():
            return document.firstBlock()
        layout = document.documentLayout()
        block = self.cursorForPosition(QPoint(0, y)).block()  # a first guess
        while block.previous().isValid() and layout.blockBoundingRect(block).top() - scrolled > y:
            block = block.previous()
        while block.next().isValid() and layout.blockBoundingRect(block).bottom() - scrolled <= y:
            block = block.next()
        return block

    def scroll_to(self, position: tuple[int, int]) -> None:
        """Scroll so that the line holding code point ``position[0]`` is at the top of the viewport,
        ``position[1]`` pixels of it scrolled past (as ``view_position`` gave it)."""
        if self.index is None or not self.index.text:
            return
        if not self.isVisible():
            self._scroll_when_shown = position  # Qt shows the cursor (at the start) on first show
        offset, past = position
        qt = self.index.offsets.to_qt(max(0, min(offset, len(self.index.text))))
        block = self.document().findBlock(qt)
        rect = self.document().documentLayout().blockBoundingRect(block)  # lays the text out up to it
        line = block.layout().lineForTextPosition(qt - block.position())
        y = rect.top() + (line.y() if line.isValid() else 0) + past
        bar = self.verticalScrollBar()
        if y > bar.maximum():  # the size Qt knows may lag the layout just made
            bar.setMaximum(max(bar.maximum(), round(self.document().size().height()) - self.viewport().height()))
        bar.setValue(round(y))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        position, self._scroll_when_shown = self._scroll_when_shown, None
        if position is not None:
            self.scroll_to(position)

    def resizeEvent(self, event) -> None:
        """Keep the line at the top where it is when a new width wraps the text anew (and when a
        window opens at its saved size after the document was shown)."""
        anchor = self.view_position() if self.verticalScrollBar().value() > 0 else None
        super().resizeEvent(event)
        if anchor is not None:
            self.scroll_to(anchor)

    def _block_origin(self, block) -> QPoint:
        rect = self.document().documentLayout().blockBoundingRect(block)
        return QPoint(round(rect.left()) - self.horizontalScrollBar().value(),
                      round(rect.top()) - self.verticalScrollBar().value())
