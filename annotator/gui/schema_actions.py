"""The main window's schema work: the category editor, coding guidelines, schema import/export and
templates. (A mixin of MainWindow.) Changes to categories go through the window's History, so they
are committed at once and undoable like annotation edits."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from annotator import paths
from annotator.core.errors import AnnotatorError
from annotator.gui.dialogs.guidelines_dialog import GuidelinesDialog
from annotator.gui.dialogs.schema_editor import SchemaEditor, reserved_shortcuts


class SchemaActions:
    schema_editor: SchemaEditor | None = None
    guidelines_dialog: GuidelinesDialog | None = None

    def edit_schema(self) -> None:
        """Open (or bring forward) the category editor."""
        if self.schema_editor is None:
            self.schema_editor = SchemaEditor(self.project, self.history.run, reserved_shortcuts(self.actions), self)
            self.schema_editor.addActions([self.actions["edit.undo"], self.actions["edit.redo"]])
        self.schema_editor.show()
        self.schema_editor.raise_()
        self.schema_editor.activateWindow()

    def show_guidelines(self) -> None:
        if self.guidelines_dialog is None:
            self.guidelines_dialog = GuidelinesDialog(self.project, self)
        self.guidelines_dialog.show()
        self.guidelines_dialog.raise_()

    def refresh_schema_dialogs(self) -> None:
        for dialog in (self.schema_editor, self.guidelines_dialog):
            if dialog is not None:
                dialog.refresh()

    def close_schema_dialogs(self) -> None:
        """Another project: the dialogs belong to the old one."""
        for name in ("schema_editor", "guidelines_dialog"):
            dialog = getattr(self, name)
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
                setattr(self, name, None)
