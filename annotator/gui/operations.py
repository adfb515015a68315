"""Long work off the GUI thread, one way for all of it (Anki's ``CollectionOp`` shape)::

    Operation(window, lambda project, progress: import_paths(project, files, ...),
              label="Import documents", context=context, cancellable=True).success(show_report).run()

The task runs in a QThread with the project and a ``Progress``: ``progress(done, total, label)``
reports (total 0: unknown) and ``progress.cancelled()`` says whether the user pressed Cancel. A
progress dialog shows while it runs (or the caller shows progress itself: ``dialog=False``). An
AnnotatorError, or any other error, ends it with a one-line dialog ("<label> failed") unless
``failure`` is given. With a ``context`` (the window's ``ProjectContext``) one operation runs at a
time, and the ``Changes`` its result carries (``result.changes``) go to ``context.changed_outside``
before ``success`` runs: read-only work (an export, an agreement run) changes nothing, so the undo
history and the views stay as they are. A task that writes in several transactions (``partial``)
may have changed some of the project when it fails: then everything counts as changed. A task that
meets a lost connection to the server (ConnectionLostError) emits the context's ``connectionLost``;
while the context is ``offline`` no operation starts (its failure callback gets the reason).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from annotator.core.errors import AnnotatorError, ConnectionLostError, user_message
from annotator.core.project.changes import EVERYTHING, NOTHING, Changes
from annotator.gui.widgets import plain

log = logging.getLogger(__name__)


class Progress:
    """What a task reports progress through; see the module docstring."""

    def __init__(self, report: Callable[[int, int, str], None], cancelled: Callable[[], bool]) -> None:
        self._report = report
        self.cancelled = cancelled

    def __call__(self, done: int, total: int, label: str = "") -> None:
        self._report(done, total, label)


# A task gets the project (None without a context) and a Progress, and returns its result.
Task = Callable[[Any, Progress], Any]


class Worker(QObject):
    """Runs a task in a QThread; emits progress and, at the end, the result or a plain message."""

    progress = Signal(int, int, str)  # done, total (0: unknown), label
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, task: Callable[[Progress], Any]) -> None:
        super().__init__()
        self._task = task
        self._cancel = threading.Event()
        self.lost = False  # it failed on a lost connection to the server

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            result = self._task(Progress(self.progress.emit, self._cancel.is_set))
        except ConnectionLostError as exc:
            self.lost = True
            self.failed.emit(user_message(exc))
        except AnnotatorError as exc:
            self.failed.emit(user_message(exc))
        except Exception as exc:  # shown as one line in a dialog; the traceback goes to the log
            log.exception("background task failed")
            self.failed.emit(f"unexpected error: {user_message(exc)} (details in the log file)")
        else:
            self.finished.emit(result)


def changes_of(result) -> Changes:
    """What a task's result says it changed: a Changes, or a report's ``changes``; else nothing."""
    return result if isinstance(result, Changes) else getattr(result, "changes", NOTHING)


class Operation(QObject):
    """One piece of background work; see the module docstring. Build it, chain ``success``
    (``failure``, ``finally_``), then ``run``."""

    def __init__(self, parent: QWidget, task: Task, *, label: str, context=None, cancellable: bool = False,
                 dialog: bool = True, partial: bool = False) -> None:
        super().__init__(parent)
        self.parent_widget, self.label, self.context = parent, label, context
        self._task = task
        self._cancellable, self._dialog, self._partial = cancellable, dialog, partial
        self._on_success: Callable[[Any], None] = lambda result: None
        self._on_failure: Callable[[str], None] = self._show_failure
        self._on_finally: Callable[[], None] = lambda: None
        self.worker: Worker | None = None
        self.thread: QThread | None = None
        self.progress_dialog: QProgressDialog | None = None

    def success(self, callback: Callable[[Any], None]) -> Operation:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[str], None]) -> Operation:
        self._on_failure = callback
        return self

    def finally_(self, callback: Callable[[], None]) -> Operation:
        """Runs when the operation ends, before ``success`` or ``failure``."""
        self._on_finally = callback
        return self

    def run(self) -> bool:
        """Start it; False (nothing started) while another operation of the context runs."""
        context = self.context
        if context is not None and context.operation is not None:
            return False
        if context is not None and context.offline:
            self._on_failure(context.offline)
            self.deleteLater()
            return False
        project = context.project if context is not None else None
        if self._dialog:
            cancel = "Cancel" if self._cancellable else None
            dialog = QProgressDialog(f"{self.label}…", cancel, 0, 0, self.parent_widget)
            dialog.setWindowTitle(self.label)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)
            self.progress_dialog = dialog
        self.worker = worker = Worker(lambda progress: self._task(project, progress))
        # Bound methods of this GUI-thread object, never lambdas: PySide6 calls a lambda in the
        # thread that emits (the worker's); a method of a GUI-thread object is queued to the GUI thread.
        worker.progress.connect(self._progress)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        if self.progress_dialog is not None:  # to this GUI-thread object: the worker's thread is busy with the task
            self.progress_dialog.canceled.connect(self.cancel)
        if context is not None:
            context.operation = self
        thread = self.thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.finished.connect(thread.quit)
        worker.failed.connect(thread.quit)
        thread.finished.connect(worker.deleteLater)
        thread.start()
        return True

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def wait(self, ms: int) -> None:
        """Let the task end (the window closing)."""
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait(ms)

    def _progress(self, done: int, total: int, label: str) -> None:
        dialog = self.progress_dialog
        if dialog is None:
            return
        dialog.setMaximum(total)
        dialog.setValue(done)
        if label:
            dialog.setLabelText(label if total == 0 else f"{label} ({min(done + 1, total)} of {total})")

    def _end(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()
        thread, self.thread = self.thread, None
        if thread is not None:  # the worker has returned; let its thread end before anything else
            thread.quit()
            thread.wait()
        if self.context is not None:
            self.context.operation = None
        self._on_finally()

    def _finished(self, result) -> None:
        self._end()
        changes = changes_of(result)
        if changes and self.context is not None:
            self.context.changed_outside(changes)
        try:
            self._on_success(result)
        finally:
            self._ended()

    def _failed(self, message: str) -> None:
        lost = self.worker is not None and self.worker.lost
        self._end()
        if lost and self.context is not None:
            self.context.connectionLost.emit(message)
        if self._partial and self.context is not None:
            self.context.changed_outside(EVERYTHING)
        try:
            self._on_failure(message)
        finally:
            self._ended()

    def _ended(self) -> None:
        if self.context is not None:
            self.context.operationEnded.emit()
        self.deleteLater()

    def _show_failure(self, message: str) -> None:
        QMessageBox.critical(self.parent_widget, f"{self.label} failed", plain(message))
