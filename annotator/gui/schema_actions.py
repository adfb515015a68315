"""The main window's schema work: the category editor, coding guidelines, schema import/export and
templates. (A mixin of MainWindow.) Changes to categories go through the window's History, so they
are committed at once and undoable like annotation edits."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from annotator import paths
from annotator.core.errors import AnnotatorError, user_message
from annotator.gui.dialogs.guidelines_dialog import GuidelinesDialog
from annotator.gui.dialogs.category_form import reserved_shortcuts
from annotator.gui.dialogs.schema_editor import SchemaEditor
from annotator.gui.widgets import plain, target_allowed


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

    def show_agreement(self) -> None:
        """Tools → Agreement: the dashboard over this project's annotations."""
        from annotator.core.agreement.sources import from_project
        from annotator.gui.dialogs.agreement_dialog import AgreementDialog

        data = from_project(self.project)
        if len(data.annotators) < 2:
            QMessageBox.information(self, "Agreement", "Agreement needs annotations by at least two coders. "
                                    "Import the other coders' exports first (File → Import Annotations…).")
            return
        self.agreement_dialog = AgreementDialog(data, self)
        self.agreement_dialog.openAt.connect(self.show_disagreement)
        self.agreement_dialog.show()

    def show_disagreement(self, document_id: str, start: int, end: int, coders: list) -> None:
        """Open a document at a disagreement with just those coders' layers shown."""
        self.open_document(document_id)
        self.layers.show_only_annotators(coders)
        self.view.select_range(start, end)
        self.raise_()
        self.activateWindow()

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

    # -- exchange and templates ----------------------------------------------------------------

    def import_schema(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import schema", str(Path.home()),
                                              "Schemas (*.json *.qdc);;All files (*)")
        if name:
            self.start_schema_import(Path(name))

    def start_schema_import(self, path: Path) -> None:
        """Merge a schema file (JSON or REFI-QDA .qdc) into the project: one transaction after a backup."""
        from annotator.core.schema.apply import import_schema

        try:
            summary = import_schema(self.project, path)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Cannot import the schema", plain(user_message(exc)))
            return
        self.history.stack.clear()  # changed outside the history: older steps may not apply
        self.refresh_schema()
        self.refresh()
        lines = summary.lines()
        for title, names in (("Added", summary.added), ("Updated", summary.updated)):
            if names:
                lines.append(f"{title}: " + ", ".join(names[:20]) + (" …" if len(names) > 20 else ""))
        lines += list(summary.notes)
        QMessageBox.information(self, "Schema imported", plain("\n".join(lines)))

    def export_schema(self) -> None:
        name, chosen = QFileDialog.getSaveFileName(
            self, "Export schema", str(Path.home() / f"{self.project.path.stem}-schema.json"),
            "Annotator schema (*.json);;REFI-QDA codebook (*.qdc)")
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".json", ".qdc"):
            path = path.with_name(path.name + (".qdc" if "qdc" in chosen else ".json"))
        if target_allowed(self, "Export schema", path):
            self.start_schema_export(path)

    def start_schema_export(self, path: Path) -> None:
        from annotator.core.schema.files import write_schema

        try:
            count = write_schema(self.project, path)
        except (AnnotatorError, OSError) as exc:
            QMessageBox.warning(self, "Cannot export the schema", f"{path}: {exc}")
            return
        note = " (a .qdc codebook holds no shortcut keys or attributes)" if path.suffix.lower() == ".qdc" else ""
        QMessageBox.information(self, "Schema exported", f"{count} categories written to {path}{note}")

    def save_schema_as_template(self) -> None:
        from annotator.core.schema.templates import save_template

        name, ok = QInputDialog.getText(self, "Save schema as template",
                                        "A name for this template (new projects can start from it):",
                                        text=self.project.info().name)
        if not ok or not name.strip():
            return
        try:
            path = save_template(self.project, name.strip())
        except AnnotatorError as exc:
            if "exists" not in str(exc):
                QMessageBox.warning(self, "Cannot save the template", plain(user_message(exc)))
                return
            answer = QMessageBox.question(self, "Replace template?", f"{exc}\n\nReplace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            try:
                path = save_template(self.project, name.strip(), replace=True)
            except AnnotatorError as again:
                QMessageBox.warning(self, "Cannot save the template", plain(user_message(again)))
                return
        self.statusBar().showMessage(f"Template saved: {path}", 6000)

    def new_project_from_template(self) -> None:
        from annotator.core.project.project import PROJECT_SUFFIX, Project
        from annotator.core.schema.templates import list_templates

        templates = list_templates()
        labels = [f"{t.name} ({t.source})" for t in templates]
        label, ok = QInputDialog.getItem(self, "New project from template", "Start the new project with the schema:",
                                         labels, 0, False)
        if not ok:
            return
        template = templates[labels.index(label)].name
        name, _ = QFileDialog.getSaveFileName(self, "New project", str(paths.data_dir() / f"untitled{PROJECT_SUFFIX}"),
                                              f"Annotator projects (*{PROJECT_SUFFIX});;All files (*)")
        if name:
            path = Path(name) if Path(name).suffix else Path(name + PROJECT_SUFFIX)
            self.switch_project(lambda: Project.create(path, schema=template))
