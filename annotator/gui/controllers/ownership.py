"""Each coder's layer is their own (issue 14): another coder's annotation can be selected, read and
copied, but every edit path (category keys, Alt+arrows, edge drag, the side panel, Delete, the
context menus) refuses it, unless the project's lead has turned on Edit → Allow Changing Other
Coders' Annotations (the ``lead_override`` setting; the core checks the same rule, so nothing gets
past it). "Copy to my layer" makes an annotation of the coder's own with the same span and category."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from annotator.core.errors import AnnotatorError, user_message
from annotator.core.project.commands import AddAnnotations
from annotator.core.project.ownership import OVERRIDE
from annotator.gui.context import ProjectContext
from annotator.gui.controllers import Workspace
from annotator.gui.undo import History
from annotator.gui.widgets import plain

# The actions that edit the selected annotation (besides Delete, which also deletes documents).
EDIT_ACTIONS = ("annotate.start_left", "annotate.start_right", "annotate.end_left", "annotate.end_right",
                "annotate.edit_note")
CONFIRM = ("While this is on, anyone working in this project can change, move, re-note and delete the "
           "annotations of every coder, not only their own. Each change records who made it "
           "(and exports carry that).\n\nTurn it on only to clean up a coder's mistakes, and off again after.")


class Ownership:
    """Uses the window's view, details, table, actions and status bar."""

    def __init__(self, window: Workspace, context: ProjectContext, history: History) -> None:
        self.window = window
        self.context = context
        self.history = history
        self.label: QLabel | None = None  # "Changing other coders' annotations allowed", while on
        self._panel_coder: str | None = None  # the coder the panel's read-only state was set for
        self._seen_version: int | None = None  # the override setting's version the check mark shows

    def me(self) -> tuple[str, str]:
        """The acting coder, ``(id, name)``, as the core's commands take it."""
        return self.context.annotator_id(), self.context.annotator.name

    def override_on(self) -> bool:
        return self.context.project.setting(OVERRIDE, False) is True

    def owners(self, ids: list[str]) -> dict[str, str]:
        """Annotation id → its coder's id, for the ids that exist."""
        index = self.window.view.index
        spans = index.spans if index is not None else {}
        found = {i: spans[i].annotator_id for i in ids if i in spans}
        missing = [i for i in ids if i not in found]
        if missing:
            found.update((row.id, row.annotator_id)
                         for row in self.context.project.annotation_rows(ids=missing, quote_limit=0))
        return found

    def others(self, ids: list[str]) -> list[str]:
        """The coders other than me who own any of ``ids``."""
        mine = self.context.annotator.id
        return list(dict.fromkeys(owner for owner in self.owners(ids).values() if owner != mine))

    def editable(self, ids: list[str]) -> bool:
        return not self.others(ids) or self.override_on()

    def refusal(self, ids: list[str]) -> str | None:
        """The line a refused edit shows, or None when the edit may go ahead."""
        others = self.others(ids)
        if not others or self.override_on():
            return None
        name = self.window.annotator_names.get(others[0], "another coder")
        return (f"This annotation is {name}'s; you are {self.context.annotator.name}. "
                "Use Copy to My Layer to work on it.")

    def allowed(self, ids: list[str]) -> bool:
        """Whether an edit of ``ids`` may go ahead; if not, the status bar says why."""
        message = self.refusal(ids)
        if message:
            self.window.statusBar().showMessage(message, 8000)
        return message is None

    # -- what the window shows -------------------------------------------------------------------

    def show_in_panel(self, row) -> None:
        """The side panel (showing ``row``, an AnnotationRow) says whose it is and whether it is read-only;
        the actions that edit the selected annotation follow. ``row`` None: nothing is selected."""
        self._panel_coder = self.context.annotator.id
        owner = row.annotator_id if row is not None else self.context.annotator.id
        if owner == self.context.annotator.id:
            note, editable = None, True
        else:
            name = self.window.annotator_names.get(owner, "another coder")
            editable = self.override_on()
            note = (f"{name}'s annotation. You may change it, because changing other coders' annotations "
                    f"is allowed (Edit menu); each change records you, {self.context.annotator.name}."
                    if editable else
                    f"{name}'s annotation: read-only for you ({self.context.annotator.name}). Each coder "
                    "changes only their own annotations; copy it to your layer to work on it.")
        self.window.details.set_ownership(note, editable)
        self.enable_edit_actions(editable)

    def enable_edit_actions(self, editable: bool = True) -> None:
        for action_id in EDIT_ACTIONS:
            self.window.actions[action_id].setEnabled(editable and not self.context.project.read_only)

    def show_state(self) -> None:
        """The Edit menu's check mark and the status bar show whether the override is on; after a
        switch of annotator the panel says anew whose the selected annotation is."""
        if self._panel_coder != self.context.annotator.id:
            self.window.show_details()
        value, self._seen_version = self.context.project.setting_read(OVERRIDE, False)  # what the mark shows
        on = value is True
        action = self.window.actions["edit.lead_override"]
        action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(False)
        if self.label is None:
            self.label = QLabel("Changing other coders' annotations: allowed")
            self.label.setStyleSheet("color: #a04000; font-weight: bold;")
            self.label.setToolTip("Edit → Allow Changing Other Coders' Annotations is on")
            self.window.statusBar().addPermanentWidget(self.label)
        self.label.setVisible(on)

    # -- the override and "Copy to my layer" -----------------------------------------------------

    def toggle_override(self, on: bool) -> None:
        """Edit → Allow Changing Other Coders' Annotations: on after a confirmation that says what it
        allows; off at once. A project setting, committed at once (not an undo step)."""
        if on and not self._confirm():
            self.show_state()
            return
        try:
            changes = self.context.project.set_setting(OVERRIDE, bool(on), by=self.me()[0],
                                                       version=self._seen_version)
        except AnnotatorError as exc:  # the project has a lead who is not this coder, or another client changed it
            QMessageBox.warning(self.window, "Project settings", plain(user_message(exc)))
            self.show_state()
            return
        self.window.statusBar().showMessage(
            "Changing other coders' annotations is allowed; each change records who made it." if on else
            "Each coder can change only their own annotations again.", 6000)
        self.window.on_changes(changes)
        self.show_state()

    def _confirm(self) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Allow changing other coders' annotations?", CONFIRM,
                          QMessageBox.StandardButton.Cancel, self.window)
        allow = box.addButton("Allow", QMessageBox.ButtonRole.AcceptRole)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        box.deleteLater()
        return box.clickedButton() is allow

    def copy_to_mine(self, annotation_id: str | None = None) -> None:
        """Copy to My Layer: an annotation of my own with the selected one's span and category (one undo step)."""
        annotation_id = annotation_id or self.window.view.selected_id
        rows = self.context.project.annotation_rows(ids=[annotation_id], quote_limit=0) if annotation_id else []
        if not rows:
            self.window.statusBar().showMessage("Select an annotation first (click it).", 3000)
            return
        row = rows[0]
        me = self.me()
        if any((a.start, a.end, a.category_id) == (row.start, row.end, row.category_id)
               for a in self.context.project.annotations(document_id=row.document_id, annotator_id=me[0])):
            self.window.statusBar().showMessage("Your layer already holds this span with this category.", 5000)
            return
        name = self.window.category_names.get(row.category_id, "annotation")
        command = AddAnnotations([dict(document_id=row.document_id, category_id=row.category_id,
                                       annotator_id=me[0], start=row.start, end=row.end)],
                                 label=f"Copy {name} to my layer", annotator=me)
        if self.history.run(command):
            self.window.view.select_annotation(command.ids[0])
