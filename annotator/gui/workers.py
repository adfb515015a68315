"""Long work off the GUI thread: document import with progress and cancel."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QThread, Signal

from annotator.core.importer import import_paths

log = logging.getLogger(__name__)


class ImportWorker(QObject):
    """Runs ``import_paths`` in a QThread; emits progress and, at the end, the report or an error."""

    progress = Signal(int, int, str)  # done, total, file name
    finished = Signal(object)  # ImportReport
    failed = Signal(str)

    def __init__(self, project, paths, options) -> None:
        super().__init__()
        self._project, self._paths, self._options = project, list(paths), options
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            report = import_paths(self._project, self._paths, self._options,
                                  progress=lambda d, t, p: self.progress.emit(d, t, p.name),
                                  is_cancelled=self._cancel.is_set)
        except Exception as exc:  # reported in a dialog, logged with its traceback
            log.exception("import failed")
            self.failed.emit(str(exc))
        else:
            self.finished.emit(report)


def start_in_thread(worker: QObject, parent: QObject) -> QThread:
    """Move ``worker`` to a new thread, start ``worker.run`` there, clean up when it ends."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    worker.failed.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread
