"""Undo in two layers: the core's Qt-free commands, wrapped in QUndoCommands on one QUndoStack per
project (glue's pattern). A command runs once before it is pushed, so a refused edit (the core
raises) never enters the history; after every do or undo the window is told what changed."""

from __future__ import annotations

import logging

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.commands import UpdateAnnotations
from annotator.core.errors import AnnotatorError

log = logging.getLogger(__name__)

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
        try:
            step(self.history.project)
        except AnnotatorError as exc:  # the project changed under us (e.g. an import since)
            log.warning("cannot %s %s: %s", "apply", self.command.label, exc)
            self.setObsolete(True)
            self.history.failed(f"{self.command.label}: {exc}")
            return
        self.history.changed(self.command)

    def id(self) -> int:  # noqa: A003 (Qt name)
        if isinstance(self.command, UpdateAnnotations) and len(self.command.changes) == 1:
            (fields,) = self.command.changes.values()
            if set(fields) == {"note"}:
                return _NOTE_EDIT
        return -1

    def mergeWith(self, other) -> bool:  # noqa: N802
        """Consecutive note edits of one annotation are one step: undo restores the note as it was
        before typing began."""
        if other.id() != _NOTE_EDIT or self.command.changes.keys() != other.command.changes.keys():
            return False
        self.command.changes = other.command.changes
        return True


class History:
    """One QUndoStack over a project. ``on_change(command)`` runs after each do, undo and redo;
    ``on_error(message)`` when the core refuses."""

    def __init__(self, project, on_change, on_error, parent=None) -> None:
        self.project = project
        self.stack = QUndoStack(parent)
        self._on_change = on_change
        self._on_error = on_error

    def run(self, command) -> bool:
        """Do ``command`` now and put it on the stack; False (and a message) if the core refused."""
        try:
            command.do(self.project)
        except AnnotatorError as exc:
            self._on_error(str(exc))
            return False
        self.stack.push(CoreCommand(self, command))
        self._on_change(command)
        return True

    def changed(self, command) -> None:
        self._on_change(command)

    def failed(self, message: str) -> None:
        self._on_error(message)

    def reset(self, project) -> None:
        """A different project: its own, empty history."""
        self.project = project
        self.stack.clear()
