"""The documents panel's index filled in idle time: documents are added without their full-text
index rows (an import would take four times as long), and the window indexes them here, a short
slice per turn of the event loop (``Project.index_documents``), from when a project opens or
documents come in until none is left. The filter is exact meanwhile: the project scans the
documents not indexed yet (core/storage/document_search.py)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from annotator.core.errors import AnnotatorError, ProjectBusyError
from annotator.core.project.project import lock_wait
from annotator.gui.context import ProjectContext

log = logging.getLogger(__name__)

# One slice's indexing: its commit (an fsync, and FTS5 writing the slice's segment) adds about as much
# again, so a slice takes some 15-20 ms, short enough that typing and scrolling do not wait for it.
SLICE_SECONDS = 0.006
LOCK_TRY_MS = 10  # how long a slice waits for the write lock before it tries again later
RETRY_MS = 250  # the pause after a slice found the project busy (an import writing, another program)


class IdleIndexer(QObject):
    """Indexes the open project's pending documents in idle time; ``start()`` after anything that
    may have added documents. ``left`` is how many were pending after the last slice."""

    def __init__(self, context: ProjectContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.left = 0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._index_some)

    def start(self) -> None:
        project = self._context.project
        self.left = 0 if project.read_only else project.documents_to_index()
        if self.left:
            self._timer.setInterval(0)
            self._timer.start()

    def active(self) -> bool:
        return self._timer.isActive()

    def _index_some(self) -> None:
        if self._context.busy:  # an operation writes in its thread: wait for it rather than contend for the lock
            self._timer.setInterval(RETRY_MS)
            return
        try:
            with lock_wait(LOCK_TRY_MS):
                self.left = self._context.project.index_documents(SLICE_SECONDS)
        except ProjectBusyError:
            self._timer.setInterval(RETRY_MS)
            return
        except AnnotatorError as exc:  # read-only after all, or damaged: the scan keeps the filter exact
            log.warning("indexing documents stopped: %s", exc)
            self._timer.stop()
            return
        self._timer.setInterval(0)
        if not self.left:
            self._timer.stop()
