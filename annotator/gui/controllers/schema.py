"""The Schema and Tools menus: the category editor, coding guidelines, schema import/export,
templates, and the agreement dashboard. Changes to categories go through the window's History, so
they are committed at once and undoable like annotation edits; a schema import (a file merged in
one transaction after a backup) runs as an Operation."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from annotator.core.errors import AnnotatorError, user_message
from annotator.gui.context import ProjectContext
from annotator.gui.controllers import Workspace
from annotator.gui.dialogs.category_form import reserved_shortcuts
from annotator.gui.dialogs.guidelines_dialog import GuidelinesDialog
from annotator.gui.dialogs.schema_editor import SchemaEditor
from annotator.gui.operations import Operation
from annotator.gui.undo import History
from annotator.gui.widgets import plain, target_allowed

BLIND_AGREEMENT = ("Blind coding is on in this project, so the agreement dashboard stays closed: it compares "
                   "coders' annotations, and a coder must not see the others'. The lead measures agreement "
                   "on the merged exports in a project of their own, or turns blind coding off "
                   "(File → Project Settings…) once the coders have finished.")


class SchemaController:
    """Uses the window's ``actions`` (undo and redo in the editor, the keys a category may not
    take) and, to show a disagreement, ``open_document``, ``layers`` and ``view``."""

    def __init__(self, window: Workspace, context: ProjectContext, history: History) -> None:
        self.window = window
        self.parent: QWidget = window  # of the dialogs
        self.context = context
        self.history = history
        self.schema_editor: SchemaEditor | None = None
        self.guidelines_dialog: GuidelinesDialog | None = None
        self.agreement_dialog = None

    @property
    def project(self):
        return self.context.project

    def edit_schema(self) -> None:
        """Open (or bring forward) the category editor."""
        if self.schema_editor is None:
            actions = self.window.actions
            self.schema_editor = SchemaEditor(self.project, self.history.run, reserved_shortcuts(actions), self.parent)
            self.schema_editor.addActions([actions["edit.undo"], actions["edit.redo"]])
        self.schema_editor.show()
        self.schema_editor.raise_()
        self.schema_editor.activateWindow()

    def show_guidelines(self) -> None:
        if self.guidelines_dialog is None:
            self.guidelines_dialog = GuidelinesDialog(self.project, self.parent)
        self.guidelines_dialog.show()
        self.guidelines_dialog.raise_()

    def show_agreement(self) -> None:
        """Tools → Agreement: the dashboard over this project's annotations."""
        from annotator.core.agreement.sources import from_project
        from annotator.gui.dialogs.agreement_dialog import AgreementDialog

        if self.context.shown_annotator() is not None:
            QMessageBox.information(self.parent, "Agreement", BLIND_AGREEMENT)
            return
        data = from_project(self.project)
        try:
            data.coders()  # the CLI's rule: at least two coders who annotated
        except AnnotatorError as exc:
            message = user_message(exc)
            QMessageBox.information(self.parent, "Agreement", f"{message[:1].upper()}{message[1:]}. Import the other "
                                    "coders' exports first (File → Import Annotations…).")
            return
        if self.agreement_dialog is not None:  # one dashboard, on the data as they are now
            self.agreement_dialog.close()
            self.agreement_dialog.deleteLater()
        self.agreement_dialog = AgreementDialog(data, self.parent)
        self.agreement_dialog.openAt.connect(self.show_disagreement)
        self.agreement_dialog.show()

    def show_disagreement(self, document_id: str, start: int, end: int, coders: list) -> None:
        """Open a document at a disagreement with just those coders' layers shown, the place scrolled
        into view and outlined (not selected, so its highlight colours stay readable), and bring the
        main window in front of the dashboard."""
        self.window.open_document(document_id)
        self.window.layers.show_only_annotators(coders)
        self.window.view.mark_range(start, end)
        self.parent.raise_()
        self.parent.activateWindow()

    def refresh_schema_dialogs(self) -> None:
        for dialog in (self.schema_editor, self.guidelines_dialog):
            if dialog is not None:
                dialog.refresh()
        if self.agreement_dialog is not None and self.context.shown_annotator() is not None:
            self.agreement_dialog.close()  # blind coding came on: the dashboard shows every coder's work

    def close_schema_dialogs(self) -> None:
        """Another project, or the main window closes: the dialogs belong to the old one (and the
        dashboard, a window of its own, would keep the app running)."""
        for name in ("schema_editor", "guidelines_dialog", "agreement_dialog"):
            dialog = getattr(self, name)
            if dialog is not None:
                dialog.close()
                dialog.deleteLater()
                setattr(self, name, None)

    # -- exchange and templates ----------------------------------------------------------------

    def import_schema(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.parent, "Import schema", str(Path.home()),
                                              "Schemas, REFI-QDA codebooks and projects (*.json *.qdc *.qdpx *.qde);;"
                                              "All files (*)")
        if name:
            self.start_schema_import(Path(name))

    def start_schema_import(self, path: Path) -> None:
        """Merge a schema file (JSON or REFI-QDA .qdc) into the project, in the background (it may
        wait for another program's write lock): one transaction after a backup."""
        from annotator.core.schema.apply import import_schema

        Operation(self.parent, lambda project, progress: import_schema(project, path), label="Import schema",
                  context=self.context).success(self._schema_imported).failure(self._schema_refused).run()

    def _schema_refused(self, message: str) -> None:
        QMessageBox.warning(self.parent, "Cannot import the schema", plain(message))

    def _schema_imported(self, summary) -> None:
        lines = summary.lines()
        for title, names in (("Added", summary.added), ("Updated", summary.updated)):
            if names:
                lines.append(f"{title}: " + ", ".join(names[:20]) + (" …" if len(names) > 20 else ""))
        lines += list(summary.notes)
        QMessageBox.information(self.parent, "Schema imported", plain("\n".join(lines)))

    def export_schema(self) -> None:
        name, chosen = QFileDialog.getSaveFileName(
            self.parent, "Export schema", str(Path.home() / f"{self.project.stem}-schema.json"),
            "Annotator schema (*.json);;REFI-QDA codebook (*.qdc)")
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".json", ".qdc"):
            path = path.with_name(path.name + (".qdc" if "qdc" in chosen else ".json"))
        if target_allowed(self.parent, "Export schema", path):
            self.start_schema_export(path)

    def start_schema_export(self, path: Path) -> None:
        from annotator.core.schema.files import write_schema

        try:
            count = write_schema(self.project, path)
        except (AnnotatorError, OSError) as exc:
            QMessageBox.warning(self.parent, "Cannot export the schema", f"{path}: {exc}")
            return
        note = " (a .qdc codebook holds no shortcut keys or attributes)" if path.suffix.lower() == ".qdc" else ""
        QMessageBox.information(self.parent, "Schema exported", f"{count} categories written to {path}{note}")

    def save_schema_as_template(self) -> None:
        from annotator.core.schema.templates import save_template

        name, ok = QInputDialog.getText(self.parent, "Save schema as template",
                                        "A name for this template (new projects can start from it):",
                                        text=self.project.info().name)
        if not ok or not name.strip():
            return
        try:
            path = save_template(self.project, name.strip())
        except AnnotatorError as exc:
            if "exists" not in str(exc):
                QMessageBox.warning(self.parent, "Cannot save the template", plain(user_message(exc)))
                return
            answer = QMessageBox.question(self.parent, "Replace template?", f"{exc}\n\nReplace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            try:
                path = save_template(self.project, name.strip(), replace=True)
            except AnnotatorError as again:
                QMessageBox.warning(self.parent, "Cannot save the template", plain(user_message(again)))
                return
        self.window.statusBar().showMessage(f"Template saved: {path}", 6000)
