"""Laying a long text out in idle time in slices short enough to keep input at once.

QTextDocumentLayout lays a long document out lazily with a timer of its own, but each of its
steps is twice the one before, up to 200,000 characters: once it is going, every turn of the event
loop can wait ~80 ms behind a step (a 10 MB text; measured), so a key or click right after opening
a long document answered in 120 ms instead of 20. The pacer takes that work over: it holds back the
layout's own timer events and lays the text out itself, a few milliseconds per turn of the event
loop (asking for a block's rectangle lays the text out up to that block, in Qt's small steps), and
tells the view the laid-out size as it grows, as the layout's own timer would have. Painting,
scrolling to a place and hit tests still lay out what they need at once (Qt does that itself).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QSizeF, QTimer
from PySide6.QtGui import QTextDocument

SLICE_SECONDS = 0.004  # at most about this long per turn of the event loop
STRIDE = 2000  # characters asked for at a time (about one of Qt's early layout steps)
SIZE_EVERY_SECONDS = 0.1  # how often the scroll bars hear the size grow


class LayoutPacer(QObject):
    """Lays out the document it is attached to in idle slices; ``attach`` a new document."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._document: QTextDocument | None = None
        self._position = 0
        self._told = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def attach(self, document: QTextDocument) -> None:
        # The document shown before keeps this filter: until it is deleted (deleteLater: at the next
        # turn of an event loop, or never where none runs, as in tests and benchmarks driving
        # processEvents) its layout would go on laying its text out on its own timer, ~50 ms a turn
        # for 10 MB (measured), behind every key and click.
        if self._document is not None:
            try:
                self._document.documentLayout().update.disconnect(self._restart)
            except (RuntimeError, TypeError):  # already deleted with its document, or not connected
                pass
        self._document = document
        layout = document.documentLayout()
        layout.installEventFilter(self)
        layout.update.connect(self._restart)  # every change of the text or its width
        self._restart()

    @property
    def done(self) -> bool:
        return not self._timer.isActive()

    def eventFilter(self, watched, event) -> bool:
        # The layout's timers: its lazy steps and its deferred "size changed"; both are ours now.
        return event.type() == QEvent.Type.Timer

    def _restart(self, *_args) -> None:
        self._position = 0  # what is laid out already is passed over quickly
        self._told = time.perf_counter()
        self._timer.start()

    def _step(self) -> None:
        document = self._document
        layout = document.documentLayout()
        end = document.characterCount() - 1
        started = time.perf_counter()
        while self._position < end:  # at least one stride per turn
            self._position = min(end, self._position + STRIDE)
            layout.blockBoundingRect(document.findBlock(self._position))
            if time.perf_counter() - started >= SLICE_SECONDS:
                break
        if self._position >= end:
            self._timer.stop()
            layout.documentSizeChanged.emit(layout.documentSize())  # all laid out: cheap now
        elif time.perf_counter() - self._told >= SIZE_EVERY_SECONDS:
            self._told = time.perf_counter()
            bottom = layout.blockBoundingRect(document.findBlock(self._position)).bottom()
            layout.documentSizeChanged.emit(QSizeF(document.textWidth(), bottom + document.documentMargin()))
