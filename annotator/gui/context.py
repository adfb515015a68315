"""What the window's controllers share: the open project, the coder new annotations carry, the one
background operation running, and where changes made outside the undo history are reported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from annotator.core.project.changes import Changes
from annotator.core.project.project import Project
from annotator.core.storage.tables import new_id
from annotator.gui.settings import os_user_name, save_annotator_name, saved_annotator_name


@dataclass
class CurrentAnnotator:
    """The coder new annotations carry. ``id`` is None until the project holds their row (it is
    made with their first annotation, so merely opening a project changes nothing)."""

    name: str
    id: str | None = None

    @classmethod
    def in_project(cls, project: Project, name: str | None = None) -> CurrentAnnotator:
        """The saved name (else the OS user's), with the id the project knows it by, if any."""
        name = name or saved_annotator_name() or os_user_name()
        existing = project.find_annotator(name)  # "alice " is Alice: the same coder
        return cls(existing.name if existing else name, existing.id if existing else None)


class ProjectContext(QObject):
    """``project`` and ``annotator`` change together when another project opens (``set_project``).
    ``operation`` is the running ``Operation`` (or None); ``operationEnded`` is emitted after each
    one's callbacks. ``changed_outside(changes)`` is told what an operation wrote.
    ``connectionLost(message)`` is emitted by whatever meets the server's ConnectionLostError;
    ``offline`` is then the message edits are refused with, until the connection is back
    (controllers/connection.py)."""

    operationEnded = Signal()
    connectionLost = Signal(str)

    def __init__(self, project: Project, changed_outside: Callable[[Changes], None], parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.annotator = CurrentAnnotator.in_project(project)
        self.operation = None
        self.changed_outside = changed_outside
        self.offline = ""

    def set_project(self, project: Project) -> None:
        self.project = project
        self.annotator = CurrentAnnotator.in_project(project)

    @property
    def busy(self) -> bool:
        """An operation runs: the project must not close or be switched now."""
        return self.operation is not None

    def shown_annotator(self) -> str | None:
        """Whose annotations the window shows: None (everyone's) unless the project's blind coding
        is on; then the current coder's id (a fresh one, matching nothing, before their first)."""
        return self.annotator_id() if self.project.setting("blind_coding", False) else None

    def annotator_id(self) -> str:
        """The coder's id; a new one is only a number until ``AddAnnotations`` makes its row."""
        if self.annotator.id is None:
            existing = self.project.find_annotator(self.annotator.name)
            self.annotator.id = existing.id if existing else new_id()
        return self.annotator.id

    def follow_names(self, names: dict[str, str]) -> None:
        """The project's coders' names (id → name): the current coder renamed (or the rename
        undone) carries on under the new name, which the app keeps for next time."""
        name = names.get(self.annotator.id or "")
        if name is not None and name != self.annotator.name:
            self.annotator.name = name
            save_annotator_name(name)
