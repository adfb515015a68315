"""The whole document, its units filled by state (open, resolved, conflict) and the current one in
blue: the per-block span index and QSyntaxHighlighter of the workspace, with units for spans and
states for categories, so a decision repaints only the lines of the units it changed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit

from annotator.gui.spans import Span, SpanIndex
from annotator.gui.views.highlighter import SpanHighlighter

STATE_COLOURS = {"open": "#e69f00", "conflict": "#d55e00", "resolved": "#009e73", "current": "#0057d9"}


class DocumentOverview(QPlainTextEdit):
    unitClicked = Signal(str)  # a unit's id

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys belong to the window
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.setFont(font)
        self.index: SpanIndex | None = None
        self.colour_names = dict(STATE_COLOURS)
        self.document_id: str | None = None
        self.current: str | None = None
        self._states: dict[str, str] = {}
        self._highlighter = SpanHighlighter(self.document(), self)

    def is_shown(self, span: Span) -> bool:  # the highlighter asks
        return True

    def show_document(self, document_id: str | None, text: str, units, states: dict[str, str]) -> None:
        """``units``: the document's units; ``states``: unit id → "open", "resolved" or "conflict"."""
        self.document_id = document_id
        self.current = None
        self._states = {u.id: states.get(u.id, "open") for u in units}
        self.index = SpanIndex(text, [Span(u.id, u.start, u.end, self._states[u.id], "") for u in units])
        self._highlighter.setDocument(None)
        self.setPlainText(text)
        self._highlighter.setDocument(self.document())

    def set_states(self, states: dict[str, str]) -> None:
        """Repaint the units whose state changed (only their lines)."""
        if self.index is None:
            return
        for unit_id, old in list(self._states.items()):
            new = states.get(unit_id, "open")
            if new != old:
                self._states[unit_id] = new
                if unit_id != self.current:
                    self._paint(unit_id, new)

    def set_current(self, unit_id: str | None) -> None:
        if self.index is None or unit_id == self.current:
            return
        previous, self.current = self.current, unit_id
        if previous in self._states:
            self._paint(previous, self._states[previous])
        if unit_id in self._states:
            self._paint(unit_id, "current")
            span = self.index.spans[unit_id]
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.index.offsets.to_qt(span.end))
            self.setTextCursor(cursor)
            cursor.setPosition(self.index.offsets.to_qt(span.start))
            self.setTextCursor(cursor)
            self.centerCursor()

    def _paint(self, unit_id: str, state: str) -> None:
        old = self.index.spans[unit_id]
        for block in self.index.add(Span(unit_id, old.start, old.end, state, "")):
            self._highlighter.rehighlightBlock(self.document().findBlockByNumber(block))

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if self.index is None or self.textCursor().hasSelection():
            return
        offset = self.index.offsets.from_qt(self.cursorForPosition(event.position().toPoint()).position())
        hits = self.index.at(offset)
        if hits:
            self.unitClicked.emit(hits[0].id)
