"""The File menu: new/open/recent/sample projects, importing documents and annotations, exporting,
copies and backups, the annotator's name, and checkpointing the project file when the app is idle.
Long work runs as an ``Operation``; what it changed reaches the window through the context."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from annotator import __version__, paths
from annotator.core.documents.importing import import_paths
from annotator.core.documents.readers import SUPPORTED_EXTENSIONS, ImportOptions
from annotator.core.errors import AnnotatorError, StaleWriteError, user_message
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import Scope, write_export
from annotator.core.exchange.other_formats import format_for_extension, write_other
from annotator.core.exchange.qdpx.write import write_qdpx
from annotator.core.project.changes import EVERYTHING
from annotator.core.project.coders import refuse_gold_name
from annotator.core.project.commands import RenameAnnotator
from annotator.core.project.project import PROJECT_SUFFIX, Project
from annotator.core.schema.templates import create_project
from annotator.core.storage.backups import copy_project
from annotator.core.storage.location import is_server_url
from annotator.gui.context import CurrentAnnotator, ProjectContext
from annotator.gui.controllers import Workspace
from annotator.gui.controllers.connection import Connecting, display_of
from annotator.gui.dialogs.coders_dialog import CodersDialog
from annotator.gui.dialogs.export_dialog import ExportDialog
from annotator.gui.dialogs.help_browser import FIRST_PAGE, HelpBrowser
from annotator.gui.dialogs.import_dialog import ImportDialog
from annotator.gui.operations import Operation
from annotator.gui.settings import (
    forget_project,
    os_user_name,
    recent_projects,
    save_annotator_name,
    saved_annotator_name,
)
from annotator.gui.undo import History
from annotator.gui.widgets import plain, target_allowed

PROJECT_FILTER = f"Annotator projects (*{PROJECT_SUFFIX});;All files (*)"
CHECKPOINT_IDLE_MS = 2000  # after the last edit, the WAL is checkpointed into the project file


def _report_text(lines: list[str], lists) -> str:
    """An import's summary lines, then each (title, items) list that is not empty, ten items each."""
    lines = list(lines)
    for title, items in lists:
        if items:
            lines.append(f"\n{title}:")
            lines += [f"• {item}" for item in items[:10]]
            if len(items) > 10:
                lines.append(f"… and {len(items) - 10} more")
    return "\n".join(lines)


class FilesController:
    """Uses the window's ``set_project``, ``remember_document``, ``details`` (a note being typed
    is committed first), ``refresh_layers`` and ``update_status``; fills ``recent_menu``."""

    def __init__(self, window: Workspace, context: ProjectContext, history: History, recent_menu) -> None:
        self.window = window
        self.parent: QWidget = window  # of the dialogs
        self.context = context
        self.history = history
        self.recent_menu = recent_menu
        self.help_browser: HelpBrowser | None = None
        self.connecting: Connecting | None = None  # a server project being opened
        recent_menu.aboutToShow.connect(self.fill_recent_menu)
        recent_menu.triggered.connect(self._recent_chosen)
        self.fill_recent_menu()
        # Checkpoint the WAL into the project file once the app has been idle for CHECKPOINT_IDLE_MS
        # after an edit (or after background work), so that the file alone holds everything for a
        # copy or a sync tool.
        self.checkpoint_timer = QTimer(window)
        self.checkpoint_timer.setSingleShot(True)
        self.checkpoint_timer.setInterval(CHECKPOINT_IDLE_MS)
        self.checkpoint_timer.timeout.connect(self.checkpoint_project)
        history.stack.indexChanged.connect(self.schedule_checkpoint)
        context.operationEnded.connect(self.schedule_checkpoint)

    @property
    def project(self) -> Project:
        return self.context.project

    def operation(self, task, label: str, **options) -> Operation:
        """An Operation on this window's project (one at a time)."""
        return Operation(self.parent, task, label=label, context=self.context, **options)

    # -- the annotator -------------------------------------------------------------------------

    def ask_annotator_name(self, first_run: bool = False) -> bool:
        """Ask the coder's name (prefilled); keep it in settings. False if cancelled."""
        current = saved_annotator_name() or os_user_name()
        prompt = ("Who is annotating? Every annotation you make carries this name, so a team can tell\n"
                  "coders apart and compute agreement. You can change it later (File → Switch Annotator).")
        name, ok = QInputDialog.getText(self.parent, "Welcome to Annotator" if first_run else "Switch annotator",
                                        prompt, text=current)
        name = (name or "").strip()
        if not ok or not name:
            return False
        try:
            refuse_gold_name(name)
        except AnnotatorError as exc:
            QMessageBox.warning(self.parent, "Switch annotator", user_message(exc))
            return False
        save_annotator_name(name)
        self.set_annotator(name)
        return True

    def switch_annotator(self) -> None:
        """File → Switch Annotator…: the coder list (CodersDialog); the coder chosen annotates from now on."""
        dialog = CodersDialog(self.project, self.context.annotator, add=self.project.add_annotator,
                              rename=self.rename_coder, parent=self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return
        save_annotator_name(dialog.chosen.name)
        self._become(dialog.chosen)

    def rename_coder(self, annotator_id: str, name: str) -> bool:
        """Rename a coder, one undo step; False when the core refuses (a message says why)."""
        return self.history.run(RenameAnnotator(annotator_id, name, label=f"Rename coder to {name.strip()}",
                                                by=self.context.annotator.id))

    def set_annotator(self, name: str) -> None:
        self._become(CurrentAnnotator.in_project(self.project, name))

    def _become(self, annotator: CurrentAnnotator) -> None:
        """Another coder annotates from now on. The undo steps on the stack are the last coder's:
        undoing them now would change that coder's work, so the history starts again."""
        before = self.context.annotator
        if before is not None and (before.id, before.name) != (annotator.id, annotator.name):
            self.history.start_over()
        self.context.annotator = annotator
        if self.context.shown_annotator() is not None:
            self.window.refresh()  # blind coding: the window shows this coder's annotations now
        self.window.refresh_layers()
        self.window.update_status()

    # -- keeping the project file whole ------------------------------------------------------

    def schedule_checkpoint(self, *_) -> None:
        self.checkpoint_timer.start()

    def checkpoint_project(self) -> None:
        if not self.context.busy:  # background work checkpoints when it ends
            self.project.checkpoint()

    def save_copy(self) -> None:
        """File → Save a Copy…: a checked single-file copy of the open project (backups.copy_project),
        in the background; it reads only, so the views and the undo history stay as they are."""
        path = self.project.path
        if path is None:
            QMessageBox.information(self.parent, "Save a copy", f"{self.project.where}: a server project is copied "
                                    "to a file with: annotator copy URL FILE")
            return
        name, _ = QFileDialog.getSaveFileName(self.parent, "Save a copy of the project",
                                              str(path.with_name(f"{path.stem}-copy{PROJECT_SUFFIX}")), PROJECT_FILTER)
        if not name:
            return
        target = Path(name) if Path(name).suffix else Path(name + PROJECT_SUFFIX)
        if not target_allowed(self.parent, "Save a copy", target):
            return
        self.operation(lambda project, progress: copy_project(path, target), "Save a copy").success(
            lambda size: QMessageBox.information(self.parent, "Copy saved", f"A checked copy of the project "
                                                 f"({size / 2**20:.1f} MiB) was written to {target}")).failure(
            lambda message: QMessageBox.warning(self.parent, "Save a copy", message)).run()

    # -- importing and exporting ---------------------------------------------------------------

    def import_documents(self) -> None:
        kinds = " ".join(f"*{ext}" for ext in (*SUPPORTED_EXTENSIONS, ".qdpx"))
        files, _ = QFileDialog.getOpenFileNames(self.parent, "Import documents", str(Path.home()),
                                                f"Documents ({kinds});;REFI-QDA projects (*.qdpx);;All files (*)")
        packages = [name for name in files if name.lower().endswith(".qdpx")]
        if packages:  # each package its own import; the other files after them, through the dialog
            self.start_qdpx_import(packages, [name for name in files if name not in packages])
        elif files:
            self.ask_import_options(files)

    def start_qdpx_import(self, packages: list[str], then: list[str] = ()) -> None:
        """Import REFI-QDA projects one by one in the background (each one transaction, after a
        backup), a summary after each; then the import dialog on ``then``."""
        from annotator.core.exchange.qdpx.apply import import_qdpx

        def done(report) -> None:
            self._qdpx_imported(report)
            if packages[1:]:
                self.start_qdpx_import(packages[1:], then)
            elif then:
                self.ask_import_options(list(then))

        self.operation(lambda project, progress: import_qdpx(project, packages[0], progress=progress),
                       "Import a REFI-QDA project").success(done).run()

    def _qdpx_imported(self, report) -> None:
        lines = _report_text(report.lines(), (("Codings refused", report.refused), ("Notes", report.notes)))
        box = QMessageBox.warning if report.refused else QMessageBox.information
        box(self.parent, "REFI-QDA project imported", plain(lines))

    def import_folder(self) -> None:
        """File → Import Folder…: a folder with its subfolders (the options dialog lists its files)."""
        folder = QFileDialog.getExistingDirectory(self.parent, "Import a folder (with its subfolders)",
                                                  str(Path.home()))
        if folder:
            self.ask_import_options([folder])

    def ask_import_options(self, paths: list[str]) -> None:
        """The import dialog on ``paths`` (where more can be added or some removed), then the import."""
        dialog = ImportDialog(paths, self.parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.start_import([str(p) for p in dialog.paths], dialog.options())

    def start_import(self, files: list[str], options: ImportOptions) -> None:
        """Import documents in the background; a summary dialog follows."""

        def task(project, progress):
            return import_paths(project, files, options, progress=progress, is_cancelled=progress.cancelled)

        # Each file is its own transaction: a failure may leave the ones before it imported.
        self.operation(task, "Import documents", cancellable=True, partial=True).success(self._documents_imported).run()

    def _documents_imported(self, report) -> None:
        lines = [f"{len(report.added)} document(s) imported, {len(report.duplicates)} duplicate(s) skipped, "
                 f"{len(report.failures)} file(s) failed" + (" (cancelled)" if report.cancelled else "") + "."]
        lines += [f"• {f.path.name}: {f.error}" for f in report.failures[:20]]
        lines += [f"• {note}" for note in report.notes[:20]]
        if len(report.failures) > 20:
            lines.append(f"… and {len(report.failures) - 20} more")
        box = QMessageBox.warning if report.failures else QMessageBox.information
        box(self.parent, "Import finished", plain("\n".join(lines)))

    def import_annotations(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.parent, "Import annotations", str(Path.home()),
                                                "Annotator exports (*.json);;All files (*)")
        if files:
            self.start_annotation_import(files)

    def start_annotation_import(self, files: list[str]) -> None:
        """Import export files in the background (one transaction, after a backup)."""

        def task(project, progress):
            return import_annotations(project, files, progress=progress)

        self.operation(task, "Import annotations").success(self._annotations_imported).run()

    def _annotations_imported(self, summary) -> None:
        lines = _report_text(summary.lines(), (
            ("Re-anchored", summary.reanchored), ("Rejected", summary.rejected), ("Conflicts", summary.conflicts),
            ("Decisions in conflict (decide these units again)", summary.decision_conflicts),
            ("Notes", summary.notes)))
        box = QMessageBox.warning if summary.rejected else QMessageBox.information
        box(self.parent, "Annotations imported", plain(lines))

    def export_annotations(self) -> None:
        dialog = ExportDialog(self.project, self.parent, only=self.context.shown_annotator())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        fmt, extension, scope, include_text = dialog.choice()
        name, _ = QFileDialog.getSaveFileName(self.parent, "Export annotations",
                                              str(Path.home() / f"{self.project.stem}{extension}"),
                                              f"{extension[1:].upper()} files (*{extension});;All files (*)")
        if name:
            path = Path(name) if Path(name).suffix else Path(name + extension)
            if target_allowed(self.parent, "Export annotations", path):
                self.start_export(path, fmt, scope, include_text, raw_csv=dialog.raw_csv.isChecked(),
                                  positions=dialog.tool_box.currentData())

    def start_export(self, path: Path, fmt: str | None = None, scope: Scope = Scope(),
                     include_text: bool = True, raw_csv: bool = False, positions: str = "standard") -> None:
        """Export in the background; the format follows ``fmt`` or the file's extension; a .qdpx
        counts positions as ``positions`` (write_qdpx) and says what it could not hold."""
        fmt = fmt or format_for_extension(str(path)) or "annotator"

        def task(project, progress):  # reads only: the views and the undo history stay as they are
            if fmt == "qdpx":
                written = write_qdpx(project, path, scope, positions)
                return path, written.counts(), written.lost_items()
            if fmt == "annotator":
                return path, write_export(project, path, scope, include_text), []
            return path, write_other(project, path, fmt, scope, raw_csv), []

        self.operation(task, "Export annotations").success(self._exported).run()

    def _exported(self, result) -> None:
        path, counts, lost = result
        text = f"{counts['annotations']} annotation(s) on {counts['documents']} document(s) written to {path}"
        if lost:  # a .qdpx: nothing left out silently
            text += "\n\nNot in the .qdpx (the format has no place for them):\n" + "\n".join(f"• {i}" for i in lost)
        QMessageBox.information(self.parent, "Export finished", plain(text))

    # -- projects ------------------------------------------------------------------------------

    def new_project(self) -> None:
        self._new_project("claims")

    def new_project_from_template(self) -> None:
        from annotator.core.schema.templates import list_templates

        templates = list_templates()
        labels = [f"{t.name} ({t.source})" for t in templates]
        label, ok = QInputDialog.getItem(self.parent, "New project from template",
                                         "Start the new project with the schema:", labels, 0, False)
        if ok:
            self._new_project(templates[labels.index(label)].name)

    def _new_project(self, template: str, make=None, stem: str = "untitled") -> None:
        """Ask where the new project goes, then create it there (``make(path)``: by default from
        ``template``) and open it."""
        make = make or (lambda path: create_project(path, template=template))
        suggested = paths.data_dir() / f"{stem}{PROJECT_SUFFIX}"
        name, _ = QFileDialog.getSaveFileName(self.parent, "New project", str(suggested), PROJECT_FILTER)
        if name:
            path = Path(name) if Path(name).suffix else Path(name + PROJECT_SUFFIX)
            self.switch_project(lambda: make(path))

    def new_project_from_handout(self) -> None:
        """File → New Project from Handout…: a coder's project holding a lead's handout (its
        documents, schema and settings; ``annotator export --handout``)."""
        from annotator.core.exchange.handout import create_from_handout

        handout, _ = QFileDialog.getOpenFileName(self.parent, "New project from a handout", str(Path.home()),
                                                 "Annotator handouts (*.json);;All files (*)")
        if handout:
            self._new_project("", lambda path: create_from_handout(path, handout), Path(handout).stem)

    def project_settings(self) -> None:
        """File → Project Settings…: blind coding (turning it off asks first); every view follows."""
        from annotator.gui.dialogs.project_settings import edit_project_settings

        try:
            changed = edit_project_settings(self.parent, self.project, self.context.annotator.id)
        except AnnotatorError as exc:  # the project has a lead, and it is not this coder; or another changed it first
            if isinstance(exc, StaleWriteError):
                self.window.on_changes(EVERYTHING)  # the message is read over the current settings
            QMessageBox.warning(self.parent, "Project settings", plain(user_message(exc)))
            return
        if changed:
            self.window.on_changes(EVERYTHING)

    def open_project(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.parent, "Open project", str(paths.data_dir()), PROJECT_FILTER)
        if name:
            self.switch_project(lambda: Project.open_for_reading(name))

    def open_server_project(self) -> None:
        """File → Open Server Project…: a project in a PostgreSQL database, named by its URL."""
        from annotator.gui.dialogs.server_dialog import ask_server_location

        location = ask_server_location(self.parent)
        if location is not None:
            self.open_server(location)

    def open_server(self, target) -> Connecting | None:
        """Connect to the server project ``target`` (a Location or URL) in the background behind a
        cancellable "Connecting to …" dialog, then switch to it; failures show as plain dialogs."""
        if self.context.busy or (self.connecting is not None and not self.connecting.finished):
            return None
        try:
            display = display_of(target)
        except AnnotatorError as exc:  # a malformed URL, or the driver missing
            QMessageBox.warning(self.parent, "Cannot open project", plain(user_message(exc)))
            return None

        def opened(project) -> None:
            if not self.switch_project(lambda: project) and self.project is not project:
                project.close()

        self.connecting = Connecting(self.parent, display, lambda: Project.open_for_reading(target)).start(
            opened, lambda message: QMessageBox.warning(self.parent, "Cannot open project", plain(message)))
        return self.connecting

    def open_recent(self, path: str) -> None:
        if is_server_url(path):  # kept without its password: libpq finds it (~/.pgpass), or the dialog asks
            self.open_server(path)
            return
        if not Path(path).is_file():
            QMessageBox.warning(self.parent, "Cannot open project", f"{path}: the file no longer exists")
            forget_project(path)
            self.fill_recent_menu()
            return
        self.switch_project(lambda: Project.open_for_reading(path))

    def open_sample_project(self) -> None:
        from annotator.core.project.samples import open_sample_project

        self.switch_project(open_sample_project)

    def switch_project(self, opener) -> bool:
        """Open another project (``opener()`` returns it) in this window; the current one closes."""
        if self.context.busy:
            return False
        try:
            project = opener()
        except AnnotatorError as exc:
            QMessageBox.warning(self.parent, "Cannot open project", plain(user_message(exc)))
            return False
        self.window.details.commit_note()
        if not self.context.offline:  # (the project's id is not readable while its server is away)
            self.window.remember_document()
        previous = self.project
        previous.close()
        try:
            self.window.set_project(project)
        except AnnotatorError as exc:  # e.g. damaged pages met while listing: keep the project we had
            project.close()
            QMessageBox.warning(self.parent, "Cannot open project", str(exc))
            self.window.set_project(previous)
            return False
        return True

    def restore_backup(self) -> None:
        """File → Restore from Backup…: choose one of the project's backups, confirm, restore it
        (after backing up the current state) and reopen the project; the undo history is cleared."""
        from annotator.core.storage import backups
        from annotator.gui.dialogs.restore_dialog import RestoreDialog

        if self.context.busy:
            return
        path = self.project.path
        if path is None:
            QMessageBox.information(self.parent, "Restore from backup", f"{self.project.where}: a server project "
                                    "is not restored in place; copy a backup into an empty database instead "
                                    "(annotator copy BACKUP URL)")
            return
        try:
            found = backups.list_backups(path)
        except AnnotatorError as exc:
            QMessageBox.warning(self.parent, "Cannot list backups", str(exc))
            return
        dialog = RestoreDialog(found, self.parent)
        chosen = dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        if chosen is None:
            return
        when = next(b.local_time() for b in found if b.path == chosen)
        answer = QMessageBox.question(
            self.parent, "Restore from backup",
            f"Replace everything in {path.name} with the backup of {when}?\n\n"
            f"The project as it is now is backed up first.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.window.details.commit_note()
        self.window.remember_document()
        self.project.close()
        try:
            before = backups.restore_backup(path, chosen)
        except AnnotatorError as exc:
            QMessageBox.warning(self.parent, "Restore failed", str(exc))
            before = None
        # Another project as far as the window goes: set_project reloads every view and starts an empty history.
        self.window.set_project(Project.open_for_reading(path))
        if before is not None:
            QMessageBox.information(self.parent, "Restore finished",
                                    f"Restored {path.name} from the backup of {when}.\n\n"
                                    f"The state before the restore is kept in {before}.")

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for path in recent_projects():
            action = menu.addAction(path if is_server_url(path) else Path(path).name)
            action.setToolTip(plain(path))
            action.setStatusTip(path)
            action.setData(path)
        if not menu.actions():
            menu.addAction("No recent projects").setEnabled(False)

    def _recent_chosen(self, action) -> None:
        if action.data():
            self.open_recent(action.data())

    def show_documentation(self, page: str = FIRST_PAGE, anchor: str = "") -> HelpBrowser:
        """Help → Documentation: the pages shipped with Annotator, in one window (made once)."""
        if self.help_browser is None:
            self.help_browser = HelpBrowser(self.parent)
        self.help_browser.show_page(page, anchor)
        self.help_browser.show()
        self.help_browser.raise_()
        self.help_browser.activateWindow()
        return self.help_browser

    def show_about(self) -> None:
        folders = "".join(f"<br>{name}: {html.escape(str(folder))}" for name, folder in paths.all_dirs().items())
        QMessageBox.about(self.parent, "About Annotator",
                          f"<b>Annotator {__version__}</b><p>Annotate text corpora.</p><p>Project: "
                          f"{html.escape(self.project.where)}<br>Annotator: "
                          f"{html.escape(self.context.annotator.name)}{folders}</p>")
