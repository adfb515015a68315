"""The document view: the text, read-only and selectable, with its annotations painted on it.

Fills are painted under the text at paint time, for the blocks in view (views/fills.py), so a long
document opens and changes without formatting its text; the per-block span index is cut for what
is painted first and the rest in idle time. Over the text it paints (views/stripes.py): one
stripe per layer in the space under each line (so two or three overlapping spans stay apart), an
outline round the selected annotation, tooltips, click-to-select (clicking again, or Tab, cycles
through the spans under that place) and a context menu supplied by the window. Where it is scrolled
to is views/scrolling.py; dragging an annotation's edge is views/edges.py (mixins of the view).

All positions it gives out or takes are code points (the core's offsets); Qt positions stay inside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QTextEdit, QToolTip

from annotator.gui.spans import Span, SpanIndex, SpanSource
from annotator.gui.views.edges import EdgeDragMixin
from annotator.gui.views.fills import paint_fills
from annotator.gui.views.layout_pacer import LayoutPacer
from annotator.gui.views.scrolling import ScrollingMixin
from annotator.gui.views.stripes import paint_layers

LINE_HEIGHT = 175  # per cent of the font's line: room under each line for the layer stripes
MARGIN = 28
CUT_SLICE_SECONDS = 0.004  # at most about this long per turn of the event loop
EDIT_PAUSE_MS = 50  # after an edit, the idle cutting (and reading) waits this long: the coder's next key first


class DocumentView(ScrollingMixin, EdgeDragMixin, QTextEdit):
    annotationSelected = Signal(str)  # the selected annotation's id, "" for none
    edgeDragged = Signal(str, int, int)  # annotation id, new start, new end (dragging an edge)
    positionChanged = Signal()  # cursor or selection moved
    spansLoaded = Signal()  # every span of a document read part by part is loaded (its counts are known)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setMouseTracking(True)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 12.0))
        self.setFont(font)
        self.index: SpanIndex | None = None
        self._colours: dict[str, QColor] = {}  # category id → colour
        self.colour_names: dict[str, str] = {}  # the same as "#rrggbb", for the fills
        self.hidden_categories: set[str] = set()
        self.hidden_annotators: set[str] = set()
        self.selected_id: str | None = None
        self.tooltip_provider: Callable[[list[Span]], str] | None = None
        self.menu_provider = None  # (code point or None) → QMenu or None
        self.edge_rule: Callable[[str, int, int], tuple[int, int]] | None = None  # (edge, start, end) of a drag → span
        self.can_edit: Callable[[str], bool] | None = None  # annotation id → may its edges be dragged?
        self.fill_colours: dict[tuple[str, ...], QColor] = {}  # blended fills, by their colours
        self._reading = False  # the spans of the document shown are still being read (spans.py)
        self._idle_index = QTimer(self)  # cuts the rest of the span index in idle time (reading its spans)
        self._idle_index.setInterval(0)
        self._idle_index.timeout.connect(self._cut_some)
        self.layout_pacer = LayoutPacer(self)  # lays a long text out in idle time, in short slices
        self.find_matches: list[tuple[int, int]] = []  # Qt positions of the find bar's matches, by start
        self.marked: list[tuple[int, int]] = []  # Qt positions of a place shown (mark_range), outlined
        self._press: QPoint | None = None
        self._drag: tuple[str, str] | None = None  # ("start" or "end", annotation id) while dragging an edge
        self._cycle_at: int | None = None  # where clicking again or Tab cycles through spans
        self._scroll_when_shown: tuple[int, int] | None = None  # a scroll_to asked for before the first show
        self.cursorPositionChanged.connect(self.positionChanged)
        self.selectionChanged.connect(self.positionChanged)

    # -- content -------------------------------------------------------------------------------

    def show_text(self, text: str, spans: Iterable[Span | tuple] = (), source: SpanSource | None = None) -> None:
        """Show a document's text with its spans, or with the ``source`` they are read from as
        the text is painted (and in idle time), replacing whatever was shown."""
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self.font())
        document.setDocumentMargin(MARGIN)
        cursor = QTextCursor(document)
        block_format = QTextBlockFormat()
        block_format.setLineHeight(LINE_HEIGHT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        block_format.setBottomMargin(4)
        cursor.setBlockFormat(block_format)
        cursor.insertText(text)
        self.index = SpanIndex(text, spans, source)
        self._reading = not self.index.complete  # spansLoaded once it is
        self.selected_id = None
        self.marked = []
        self._cycle_at = self._scroll_when_shown = None
        old = self.document()
        ours = old.parent() is self  # documents we made; Qt deletes its own default one itself
        self.setDocument(document)
        self.layout_pacer.attach(document)
        if ours:
            old.deleteLater()
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self._idle_index.start()

    def clear_text(self) -> None:
        self.show_text("")
        self.index = None

    def text(self) -> str:
        return self.index.text if self.index is not None else ""

    def add_span(self, span: Span) -> None:
        """Add or replace one span and repaint (the lines in view only)."""
        if self.index is not None:
            self.index.add(span)
            self.viewport().update()  # the fills are painted from the index: nothing to format
            self._pause_cutting()

    def remove_span(self, span_id: str) -> None:
        if self.index is not None:
            self.index.remove(span_id)
            self.viewport().update()
            self._pause_cutting()
            if self.selected_id == span_id:
                self.select_annotation(None)

    def set_find_matches(self, matches: list[tuple[int, int]]) -> None:
        """Outline these code-point spans (the find bar's matches)."""
        to_qt = self.index.offsets.to_qt if self.index is not None else (lambda x: x)
        self.find_matches = [(to_qt(a), to_qt(b)) for a, b in matches]
        self.viewport().update()

    def repaint_all(self) -> None:
        """Repaint every span (after colours or shown layers changed)."""
        if self.index is not None:
            self.index.forget_lanes()
        self.fill_colours.clear()
        self.viewport().update()

    def _pause_cutting(self) -> None:
        if self._idle_index.isActive():
            self._idle_index.start(EDIT_PAUSE_MS)  # once: the next slice puts the interval back to 0

    def _cut_some(self) -> None:
        """One idle slice of cutting the span index (views/fills.py paints from it)."""
        self._idle_index.setInterval(0)
        if self.index is None or not self.index.cut_some(CUT_SLICE_SECONDS):
            self._idle_index.stop()
            if self.index is not None and self.index.complete and self._reading:
                self._reading = False
                self.spansLoaded.emit()

    # -- what is shown -------------------------------------------------------------------------

    def is_shown(self, span: Span) -> bool:
        return span.category_id not in self.hidden_categories and span.annotator_id not in self.hidden_annotators

    @property
    def colours(self) -> dict[str, QColor]:
        return self._colours

    @colours.setter
    def colours(self, colours: dict[str, QColor]) -> None:
        self._colours = dict(colours)
        self.colour_names = {key: colour.name() for key, colour in self._colours.items()}

    def colour_of(self, span: Span) -> QColor:
        return self._colours.get(span.category_id) or QColor("#999999")

    # -- positions (code points) --------------------------------------------------------------

    def selection_range(self) -> tuple[int, int] | None:
        """The selected text as ``(start, end)`` code points, or None."""
        cursor = self.textCursor()
        if self.index is None or not cursor.hasSelection():
            return None
        offsets = self.index.offsets
        return offsets.from_qt(cursor.selectionStart()), offsets.from_qt(cursor.selectionEnd())

    def cursor_offset(self) -> int:
        return self.index.offsets.from_qt(self.textCursor().position()) if self.index is not None else 0

    def select_range(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (code points) and scroll it into view."""
        if self.index is None:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.index.offsets.to_qt(end))
        cursor.setPosition(self.index.offsets.to_qt(start), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.center_cursor()

    def mark_range(self, start: int, end: int) -> None:
        """Show ``[start, end)`` (code points) without selecting it, so that its highlight colours stay
        readable: the cursor goes to its start, it is scrolled into view and outlined until the next
        click or key press in the view."""
        if self.index is not None:
            self.place_cursor(start)
            self.center_cursor()
            self.marked = [(self.index.offsets.to_qt(start), self.index.offsets.to_qt(end))]
            self.viewport().update()

    def place_cursor(self, offset: int) -> None:
        if self.index is None:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.index.offsets.to_qt(min(offset, len(self.index.text))))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def offset_at(self, point: QPoint) -> int | None:
        """The code point of the character under ``point`` (viewport coordinates), or None."""
        if self.index is None or not self.index.text:
            return None
        cursor = self.cursorForPosition(point)
        position = cursor.position()
        block = cursor.block()
        layout = block.layout()
        local = position - block.position()
        line = layout.lineForTextPosition(local)
        if not line.isValid():
            return None
        origin = self._block_origin(block)
        y = point.y() - origin.y()
        if not line.y() <= y < line.y() + line.height():
            return None  # in the gap under a line, or past the end
        x = point.x() - origin.x()
        if x < line.cursorToX(local)[0]:
            local -= 1  # the hit is on the character before the cursor position
        if local < line.textStart() or local >= line.textStart() + line.textLength():
            return None
        qt = block.position() + local
        offset = self.index.offsets.from_qt(qt)
        if offset >= len(self.index.text) or self.index.text[offset] == "\n":
            return None
        return offset

    def spans_at(self, offset: int | None) -> list[Span]:
        """Shown spans covering a code point, innermost first."""
        if self.index is None or offset is None:
            return []
        return [span for span in self.index.at(offset) if self.is_shown(span)]

    # -- selection of annotations -------------------------------------------------------------

    def select_annotation(self, annotation_id: str | None, emit: bool = True) -> None:
        if annotation_id is not None and (self.index is None or annotation_id not in self.index.spans):
            annotation_id = None
        changed = annotation_id != self.selected_id
        self.selected_id = annotation_id
        self.viewport().update()
        if emit and changed:
            self.annotationSelected.emit(annotation_id or "")

    def reveal_annotation(self, annotation_id: str) -> None:
        """Select an annotation, scroll to it and put the cursor at its start."""
        if self.index is None or annotation_id not in self.index.spans:
            return
        span = self.index.spans[annotation_id]
        self.place_cursor(span.start)
        self.center_cursor()
        self._cycle_at = span.start
        self.select_annotation(annotation_id)

    def cycle(self, backwards: bool = False) -> None:
        """Select the next (or previous) of the spans under the last clicked place."""
        point = self._cycle_at
        if point is None and self.selected_id and self.index is not None:
            point = self.index.spans[self.selected_id].start
        if point is None:
            point = self.cursor_offset()
        hits = self.spans_at(point)
        if not hits:
            return
        ids = [span.id for span in hits]
        if self.selected_id in ids:
            step = -1 if backwards else 1
            self.select_annotation(ids[(ids.index(self.selected_id) + step) % len(ids)])
        else:
            self.select_annotation(ids[0])

    # -- events --------------------------------------------------------------------------------

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            spans = self.spans_at(self.offset_at(self.viewport().mapFromGlobal(event.globalPos())))
            if spans and self.tooltip_provider is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_provider(spans), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) \
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier) \
                and self.spans_at(self._cycle_at if self._cycle_at is not None else self.cursor_offset()):
            self.cycle(backwards=event.key() == Qt.Key.Key_Backtab)
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        self._unmark()
        if event.key() == Qt.Key.Key_Escape:
            cursor = self.textCursor()
            if cursor.hasSelection():
                cursor.clearSelection()
                self.setTextCursor(cursor)
            self.select_annotation(None)
            return
        super().keyPressEvent(event)
        if not event.isAccepted() or event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up,
                                                     Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End):
            self._cycle_at = self.cursor_offset()

    # Dragging an edge of the selected annotation (views/edges.py): the pointer turns into a resize
    # arrow within a few pixels of its first or last character; while dragging, the text selection
    # shows the new extent.

    def _unmark(self) -> None:
        if self.marked:
            self.marked = []
            self.viewport().update()

    def mousePressEvent(self, event) -> None:
        self._unmark()
        self._press = event.position().toPoint()
        edge = self.edge_at(self._press) if event.button() == Qt.MouseButton.LeftButton else None
        if edge is not None:
            self._drag = (edge, self.selected_id)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        point = event.position().toPoint()
        if self._drag is not None:
            start, end = self._dragged_range(point)
            if start < end:
                self._show_range(start, end)
            return
        super().mouseMoveEvent(event)
        if not event.buttons():
            resize = self.edge_at(point) is not None
            self.viewport().setCursor(Qt.CursorShape.SizeHorCursor if resize else Qt.CursorShape.IBeamCursor)

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is not None:
            drag, self._drag, self._press = self._drag, None, None
            annotation_id = drag[1]
            start, end = self._dragged_range(event.position().toPoint(), drag)
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
            span = self.index.spans.get(annotation_id)
            if span is not None and start < end and (start, end) != (span.start, span.end):
                self.edgeDragged.emit(annotation_id, start, end)
            return
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        moved = (point - self._press).manhattanLength() > 3
        self._press = None
        if moved or self.textCursor().hasSelection():
            return
        offset = self.offset_at(point)
        hits = self.spans_at(offset)
        if not hits:
            self._cycle_at = offset
            self.select_annotation(None)
            return
        if self._cycle_at == offset and self.selected_id in {s.id for s in hits}:
            self.cycle()
        else:
            self._cycle_at = offset
            self.select_annotation(hits[0].id)

    def contextMenuEvent(self, event) -> None:
        if self.menu_provider is None:
            return super().contextMenuEvent(event)
        offset = self.offset_at(event.pos())
        hits = self.spans_at(offset)
        if hits and self.selected_id not in {s.id for s in hits} and not self.textCursor().hasSelection():
            self._cycle_at = offset
            self.select_annotation(hits[0].id)
        menu = self.menu_provider(offset)
        if menu is not None:
            menu.exec(event.globalPos())

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        if self.index is not None and self.index.count:
            painter = QPainter(self.viewport())
            try:
                paint_fills(self, painter, event.rect())
            finally:
                painter.end()
        super().paintEvent(event)
        if self.index is None or not (self.index.count or self.find_matches or self.marked):
            return
        painter = QPainter(self.viewport())
        try:
            paint_layers(self, painter, event.rect())
        finally:
            painter.end()
