"""Long work off the GUI thread (import, export), with progress and cancel."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from annotator.core.errors import AnnotatorError, user_message

log = logging.getLogger(__name__)

# A task gets progress(done, total, label) and is_cancelled(), and returns its result.
Task = Callable[[Callable[[int, int, str], None], Callable[[], bool]], Any]


class Worker(QObject):
    """Runs a task in a QThread; emits progress and, at the end, the result or a plain message."""

    progress = Signal(int, int, str)  # done, total (0: unknown), label
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            result = self._task(self.progress.emit, self._cancel.is_set)
        except AnnotatorError as exc:
            self.failed.emit(user_message(exc))
        except Exception as exc:  # shown as one line in a dialog; the traceback goes to the log
            log.exception("background task failed")
            self.failed.emit(f"unexpected error: {user_message(exc)} (details in the log file)")
        else:
            self.finished.emit(result)


def start_in_thread(worker: Worker, parent: QObject) -> QThread:
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
