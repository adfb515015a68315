"""Work done in idle time, a short slice per turn of the event loop.

The documents panel's index: documents are added without their full-text index rows (an import
would take four times as long), and the window indexes them here (``Project.index_documents``),
from when a project opens or documents come in until none is left. The filter is exact meanwhile:
the project scans the documents not indexed yet (core/storage/document_search.py). Then it reads
the last characters of each text, which filters of 1 or 2 characters need
(``Project.read_document_tails``), so that the first such filter does not wait for them.

The annotation table's keys, when many annotations wait for them (``IdleKeyer``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.core.errors import AnnotatorError, ConnectionLostError, ProjectBusyError
from annotator.core.project.annotation_table import IN_IDLE
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
        self._tails_left = 0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._index_some)

    def start(self) -> None:
        project = self._context.project
        self.left = 0 if project.read_only else project.documents_to_index()
        self._tails_left = 1  # read once the documents are indexed
        self._timer.setInterval(0)
        self._timer.start()

    def active(self) -> bool:
        return self._timer.isActive()

    def _index_some(self) -> None:
        if self._context.busy:  # an operation writes in its thread: wait for it rather than contend for the lock
            self._timer.setInterval(RETRY_MS)
            return
        project = self._context.project
        try:
            if self.left:
                with lock_wait(LOCK_TRY_MS):
                    self.left = project.index_documents(SLICE_SECONDS)
            else:
                self._tails_left = project.read_document_tails(SLICE_SECONDS)
        except ProjectBusyError:
            self._timer.setInterval(RETRY_MS)
            return
        except ConnectionLostError as exc:  # started again once the server is back
            self._timer.stop()
            self._context.connectionLost.emit(str(exc))
            return
        except AnnotatorError as exc:  # read-only after all, or damaged: the scan keeps the filter exact
            log.warning("indexing documents stopped: %s", exc)
            self._timer.stop()
            return
        self._timer.setInterval(0)
        if not self.left and not self._tails_left:
            self._timer.stop()


KEY_SLICE_SECONDS = 0.012  # one slice of keying the annotation table's rows, its commit included


class IdleKeyer(QObject):
    """Makes the annotation table's keys in idle time when many annotations wait for them (more
    than ``IN_IDLE``: the first table of a corpus imported from the command line, a million
    annotations keyed at once in 47-70 s, would block the window), a slice per turn of the event loop
    (``Project.make_annotation_keys``, as many rows as fit in KEY_SLICE_SECONDS). Meanwhile the
    project's table queries key nothing (``keys_in_idle``): the window lists the open document's
    rows from memory and says that the corpus table is being prepared (``progress(done, total)``),
    and ``finished()`` when every key is made. Edits meanwhile leave their keys to the slices."""

    progress = Signal(int, int)
    finished = Signal()

    def __init__(self, context: ProjectContext, texts: Callable[[], Mapping[str, str]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._texts = texts  # the texts the window holds: not read again
        self._project = None
        self.done = self.total = 0
        self._rows = 200  # rows per slice, fitted to KEY_SLICE_SECONDS as the slices go
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._key_some)

    def start(self) -> bool:
        """Key in idle time if many annotations wait (after the project opened, or background work
        wrote annotations); whether it is keying."""
        project = self._context.project
        if self._project is not project:
            self.stop()
        if self.active() or project.read_only:
            return self.active()
        waiting = project.annotation_keys_waiting()
        if waiting <= IN_IDLE:
            return False
        self._project, project.keys_in_idle = project, True
        self.done, self.total = 0, waiting
        self._timer.setInterval(0)
        self._timer.start()
        return True

    def active(self) -> bool:
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()
        if self._project is not None:
            self._project.keys_in_idle = False
            self._project = None

    def _key_some(self) -> None:
        if self._context.busy:  # an operation writes in its thread: wait for it
            self._timer.setInterval(RETRY_MS)
            return
        project, rows = self._context.project, self._rows
        started = time.perf_counter()
        try:
            with lock_wait(LOCK_TRY_MS):
                done = project.make_annotation_keys(rows, self._texts())
        except ProjectBusyError:
            self._timer.setInterval(RETRY_MS)
            return
        except ConnectionLostError as exc:  # started again once the server is back
            self.stop()
            self._context.connectionLost.emit(str(exc))
            return
        except AnnotatorError as exc:  # read-only after all, or damaged: the table's queries key as before
            log.warning("keying annotations stopped: %s", exc)
            self.stop()
            return
        seconds = max(time.perf_counter() - started, 1e-4)
        self._rows = max(50, min(20_000, int(rows * KEY_SLICE_SECONDS / seconds)))
        self.done += done
        self._timer.setInterval(0)
        if done < rows and not project.annotation_keys_waiting():
            self.stop()
            self.finished.emit()
            return
        self.total = max(self.total, self.done + 1)
        self.progress.emit(self.done, self.total)
