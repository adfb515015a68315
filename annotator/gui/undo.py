"""Undo in two layers: the core's Qt-free commands, wrapped in QUndoCommands on one QUndoStack per
project (glue's pattern). A command runs once before it is pushed, so a refused edit (the core
raises) never enters the history; after every do or undo the window is given the ``Changes`` the
command returned (``on_change(changes)``).

Every edit the GUI makes passes through ``History``, so this is the one place that waits for another
program (a CLI import, another window) holding the project's write lock: a try waits only
LOCK_TRY_MS on the GUI thread; a busy edit is kept pending, tried again from a timer, and applied in
order with every later edit; the status bar says so; after LOCK_PATIENCE_S the user chooses between
waiting on and discarding the pending edits. Nothing is dropped without the user's word.

With a ``context``, it is also where a lost connection to a server meets the edits: an edit that
fails with ConnectionLostError (nothing of it saved) emits ``context.connectionLost``, and while
``context.offline`` says so every edit, undo and redo is refused with that message, not tried."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLabel, QMessageBox

from annotator.core.errors import (
    AnnotatorError,
    ConnectionLostError,
    ProjectBusyError,
    StaleWriteError,
    user_message,
)
from annotator.core.project.changes import EVERYTHING
from annotator.core.project.commands import UpdateAnnotations
from annotator.core.project.project import lock_wait

log = logging.getLogger(__name__)

LOCK_TRY_MS = 100  # how long one try may block the GUI thread waiting for the write lock
LOCK_RETRY_MS = 200  # pause between tries, the window stays responsive meanwhile
LOCK_PATIENCE_S = 60  # then ask: wait on, or discard the pending edits

_NOTE_EDIT = 1  # QUndoCommand.id() of note edits, which merge while the coder types


class CoreCommand(QUndoCommand):
    def __init__(self, history: History, command) -> None:
        super().__init__(command.label)
        self.history = history
        self.command = command
        self._done = True  # run already by History.run

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._apply(self.command.do)

    def undo(self) -> None:
        self._apply(self.command.undo)

    def _apply(self, step) -> None:
        self.history.apply(step, self.command, self)

    def id(self) -> int:  # Qt's name
        if isinstance(self.command, UpdateAnnotations) and len(self.command.changes) == 1:
            (fields,) = self.command.changes.values()
            if set(fields) == {"note"}:
                return _NOTE_EDIT
        return -1

    def mergeWith(self, other) -> bool:
        """Consecutive note edits of one annotation are one step: undo restores the note as it was
        before typing began."""
        if other.id() != _NOTE_EDIT or self.command.changes.keys() != other.command.changes.keys():
            return False
        self.command.changes = other.command.changes
        return True


class History:
    """One QUndoStack over a project. ``on_change(changes)`` runs after each do, undo and redo with
    what the command says it changed;
    ``on_error(message)`` when the core refuses. A refusal because another client changed the
    same thing first (StaleWriteError) reloads every view first (``on_change(EVERYTHING)`` and the
    ``on_stale`` callbacks, e.g. the adjudication window's), so the message is read over the
    current state. ``notice`` is a label for the status bar, shown while edits wait for another
    program's write lock."""

    def __init__(self, project, on_change, on_error, parent=None, context=None) -> None:
        self.project = project
        self.context = context  # a ProjectContext: its ``offline`` and ``connectionLost``
        self.stack = QUndoStack(parent)
        self._on_change = on_change
        self._on_error = on_error
        self._parent = parent
        self._pending: list[tuple] = []  # (step, command, CoreCommand or None), oldest first
        self.on_stale: list = []  # callables that reload a window's view after a stale write
        self._waiting_since = 0.0
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LOCK_RETRY_MS)
        self._timer.timeout.connect(self._retry)
        self.notice = QLabel()
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        # Amber like the read-only bar: an edit that is not saved yet must not look like the totals beside it.
        self.notice.setStyleSheet("QLabel { background: #fff3c4; color: #5c4500; padding: 1px 6px; }")
        self.notice.hide()

    @property
    def pending(self) -> int:
        """How many edits wait for the write lock."""
        return len(self._pending)

    def run(self, command) -> bool:
        """Do ``command`` now and put it on the stack. False if it is not done now: the core
        refused it (and a message says why), or it waits for the write lock (and will be done)."""
        if self._offline():
            return False
        if not self._pending:
            result = self._try(command.do, command)
            if result is not ProjectBusyError:
                if result is not None:
                    self.stack.push(CoreCommand(self, command))
                    self._on_change(result)
                return result is not None
        # Behind a pending edit, or busy: on the stack now (undo then means "undo this"), done later.
        self.stack.push(CoreCommand(self, command))
        self._wait(command.do, command, None)
        return False

    def undo(self) -> None:
        if not self._offline():
            self.stack.undo()

    def redo(self) -> None:
        if not self._offline():
            self.stack.redo()

    def _offline(self) -> bool:
        """True (and the user told) while the connection to the server is lost."""
        message = self.context.offline if self.context is not None else ""
        if message:
            self._on_error(message)
        return bool(message)

    def apply(self, step, command, wrapper: CoreCommand) -> None:
        """An undo or redo step: now, or in turn after the pending edits."""
        if not self._pending:
            result = self._try(step, command, wrapper)
            if result is not ProjectBusyError:
                if result is not None:
                    self._on_change(result)
                return
        self._wait(step, command, wrapper)

    def _try(self, step, command, wrapper: CoreCommand | None = None):
        """The step's Changes: done; None: refused (said so); ProjectBusyError: not done, try again."""
        try:
            with lock_wait(LOCK_TRY_MS):
                return step(self.project)
        except ProjectBusyError:
            return ProjectBusyError
        except ConnectionLostError as exc:  # nothing of it saved; edits are refused until the server is back
            log.warning("cannot apply %s: %s", command.label, exc)
            if self.context is not None:
                self.context.connectionLost.emit(user_message(exc))
            if wrapper is not None:
                wrapper.setObsolete(True)
            self._on_error(f"{command.label}: {user_message(exc)}")
            return None
        except AnnotatorError as exc:  # refused, or the project changed under us (e.g. an import since)
            log.warning("cannot apply %s: %s", command.label, exc)
            if isinstance(exc, StaleWriteError):
                self._on_change(EVERYTHING)
                for reload in list(self.on_stale):
                    reload()
            if wrapper is not None:
                wrapper.setObsolete(True)
                self._on_error(f"{command.label}: {user_message(exc)}")
            else:
                self._on_error(user_message(exc))
            return None

    def _wait(self, step, command, wrapper) -> None:
        if not self._pending:
            self._waiting_since = time.monotonic()
            log.info("waiting for the write lock of %s", self.project.where)
        self._pending.append((step, command, wrapper))
        self._show_notice()
        self._timer.start()

    def _retry(self) -> None:
        while self._pending:
            step, command, wrapper = self._pending[0]
            result = self._try(step, command, wrapper)
            if result is ProjectBusyError:
                break
            self._pending.pop(0)
            self._waiting_since = time.monotonic()
            if result is not None:
                self._on_change(result)
        self._show_notice()
        if not self._pending:
            return
        if time.monotonic() - self._waiting_since >= LOCK_PATIENCE_S and not self.keep_waiting():
            self.discard()
            return
        self._timer.start()

    def keep_waiting(self) -> bool:
        """Asked after LOCK_PATIENCE_S without the lock: Retry (the default, also on Escape) or Discard."""
        self._waiting_since = time.monotonic()
        box = QMessageBox(QMessageBox.Icon.Warning, "Another program is writing to the project",
                          f"{self._waiting_text()}\n\nAnother program (an import, or Annotator in another "
                          f"window) has been writing to {self.project.label} for over {LOCK_PATIENCE_S} s. "
                          "Keep waiting, or discard the edits not yet saved?",
                          QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Discard, self._parent)
        box.setDefaultButton(QMessageBox.StandardButton.Retry)
        box.setEscapeButton(QMessageBox.StandardButton.Retry)
        return box.exec() != QMessageBox.StandardButton.Discard

    def discard(self) -> None:
        """Drop the pending edits (only on the user's word); the history no longer matches the
        project, so it is cleared."""
        log.warning("discarded %d pending edit(s): %s", len(self._pending), [c.label for _, c, _ in self._pending])
        self._pending.clear()
        self._timer.stop()
        self.stack.clear()
        self._show_notice()

    def flush(self) -> bool:
        """Apply the pending edits before the project closes, waiting as long as the user agrees;
        True when none is left."""
        while self._pending:
            self._retry()
            if self._pending:
                self._timer.stop()
                time.sleep(LOCK_RETRY_MS / 1000)
        return True

    def _waiting_text(self) -> str:
        n = len(self._pending)
        return f"Waiting for another program to finish writing… ({n} edit{'s' if n != 1 else ''} to save)"

    def _show_notice(self) -> None:
        self.notice.setText(self._waiting_text() if self._pending else "")
        self.notice.setMinimumWidth(self.notice.sizeHint().width())  # the whole line, never cut
        self.notice.setVisible(bool(self._pending))

    def connect_actions(self, undo: QAction, redo: QAction) -> None:
        """Edit → Undo and Redo follow the stack: enabled when there is a step, named after it."""
        stack = self.stack
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.undoTextChanged.connect(lambda text: undo.setText(f"&Undo {text}".rstrip()))
        stack.redoTextChanged.connect(lambda text: redo.setText(f"&Redo {text}".rstrip()))
        undo.setEnabled(False)
        redo.setEnabled(False)

    def start_over(self) -> None:
        """An empty history on the same project (another coder: the steps so far are not theirs);
        edits still pending are applied first."""
        self.flush()
        self.stack.clear()

    def reset(self, project) -> None:
        """A different project: its own, empty history (edits still pending on the old one are
        applied first)."""
        self.flush()
        self.project = project
        self.stack.clear()
