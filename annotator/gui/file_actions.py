"""The main window's project and file work: new/open/recent/sample projects, importing documents and
annotations, exporting, the annotator's name, and running long work in the background.
(A mixin of MainWindow; it uses the window's widgets and ``refresh``.)"""

from __future__ import annotations

import getpass
import html
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QProgressDialog

from annotator import __version__, paths
from annotator.core.errors import AnnotatorError, user_message
from annotator.core.exchange.export_file import Scope, build_export, write_export
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.other_formats import format_for_extension, render
from annotator.core.documents.importing import import_paths
from annotator.core.files import write_text
from annotator.core.storage.backups import copy_project
from annotator.core.project.project import PROJECT_SUFFIX, Project
from annotator.core.schema.templates import create_project
from annotator.core.documents.readers import SUPPORTED_EXTENSIONS, ImportOptions
from annotator.gui.dialogs.export_dialog import ExportDialog
from annotator.gui.dialogs.import_dialog import ImportDialog
from annotator.gui.widgets import plain, target_allowed
from annotator.gui.workers import Worker, start_in_thread

PROJECT_FILTER = f"Annotator projects (*{PROJECT_SUFFIX});;All files (*)"
MAX_RECENT = 8
CHECKPOINT_IDLE_MS = 2000  # after the last edit, the WAL is checkpointed into the project file


def settings() -> QSettings:
    """The app's settings file, in the config folder (which ANNOTATOR_HOME redirects)."""
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


def redirect_qt_settings() -> None:
    """Send Qt's own per-user settings (QFileDialog's history in QtProject.conf, for one) to our
    config folder too, so ANNOTATOR_HOME really redirects everything the app writes."""
    folder = str(paths.config_dir())
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


def saved_annotator_name() -> str | None:
    name = settings().value("annotator/name")
    return name.strip() if isinstance(name, str) and name.strip() else None


def os_user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 (no user name in the environment)
        return "coder"


def recent_projects() -> list[str]:
    value = settings().value("project/recent") or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def remember_project(path: Path) -> None:
    store = settings()
    recent = [str(path)] + [p for p in recent_projects() if p != str(path)]
    store.setValue("project/recent", recent[:MAX_RECENT])
    store.setValue("project/last", str(path))
    store.sync()


class FileActions:
    # -- the annotator -------------------------------------------------------------------------

    def ask_annotator_name(self, first_run: bool = False) -> bool:
        """Ask the coder's name (prefilled); keep it in settings. False if cancelled."""
        current = saved_annotator_name() or os_user_name()
        prompt = ("Who is annotating? Every annotation you make carries this name, so a team can tell\n"
                  "coders apart and compute agreement. You can change it later (File → Switch Annotator).")
        name, ok = QInputDialog.getText(self, "Welcome to Annotator" if first_run else "Switch annotator",
                                        prompt, text=current)
        name = (name or "").strip()
        if not ok or not name:
            return False
        store = settings()
        store.setValue("annotator/name", name)
        store.sync()
        self.set_annotator(name)
        return True

    def switch_annotator(self) -> None:
        self.ask_annotator_name()

    def set_annotator(self, name: str) -> None:
        self.annotator = self._current_annotator(self.project, name)
        self.refresh_layers()
        self.update_status()

    # -- keeping the project file whole ------------------------------------------------------

    def setup_checkpoints(self, stack) -> None:
        """Checkpoint the WAL into the project file once the app has been idle for
        CHECKPOINT_IDLE_MS after an edit (or after background work), so that the file alone holds
        everything for a copy or a sync tool."""
        self.checkpoint_timer = QTimer(self)
        self.checkpoint_timer.setSingleShot(True)
        self.checkpoint_timer.setInterval(CHECKPOINT_IDLE_MS)
        self.checkpoint_timer.timeout.connect(self.checkpoint_project)
        stack.indexChanged.connect(self.schedule_checkpoint)

    def schedule_checkpoint(self, *_) -> None:
        self.checkpoint_timer.start()

    def checkpoint_project(self) -> None:
        if self._thread is None:  # background work checkpoints when it ends
            self.project.checkpoint()

    def save_copy(self) -> None:
        """File → Save a Copy…: a checked single-file copy of the open project (backups.copy_project)."""
        path = self.project.path
        name, _ = QFileDialog.getSaveFileName(self, "Save a copy of the project",
                                              str(path.with_name(f"{path.stem}-copy{PROJECT_SUFFIX}")), PROJECT_FILTER)
        if not name:
            return
        target = Path(name) if Path(name).suffix else Path(name + PROJECT_SUFFIX)
        if not target_allowed(self, "Save a copy", target):
            return
        try:
            size = copy_project(path, target)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Save a copy", str(exc))
            return
        QMessageBox.information(self, "Copy saved", f"A checked copy of the project ({size / 2**20:.1f} MiB) "
                                f"was written to {target}")

    # -- background work -----------------------------------------------------------------------

    def run_in_background(self, title: str, task, on_done, cancellable: bool = False) -> None:
        """Run ``task`` off the GUI thread behind a progress dialog; ``on_done(result)`` follows,
        or a dialog with the error message."""
        if self._thread is not None:
            return
        self._progress = QProgressDialog(f"{title}…", "Cancel" if cancellable else None, 0, 0, self)
        self._progress.setWindowTitle(title)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(300)
        worker = Worker(task)
        self._worker = worker
        self._background = (title, on_done)
        # Bound methods of this window, never lambdas: PySide6 calls a lambda in the thread that
        # emits (the worker's); a method of a GUI-thread object is queued to the GUI thread.
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_background_finished)
        worker.failed.connect(self._on_background_failed)
        self._progress.canceled.connect(worker.cancel)
        self._thread = start_in_thread(worker, self)

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self._progress.setMaximum(total)
        self._progress.setValue(done)
        if label:
            self._progress.setLabelText(label if total == 0 else f"{label} ({min(done + 1, total)} of {total})")

    def _end_background(self) -> tuple[str, object]:
        self._progress.reset()
        thread, self._thread = self._thread, None
        if thread is not None:  # the worker has returned; let its thread end before anything else
            thread.quit()
            thread.wait()
        self.history.stack.clear()  # the project changed outside the history: older steps may not apply
        self.schedule_checkpoint()
        self.refresh()
        return self._background

    def _on_background_finished(self, result) -> None:
        _, on_done = self._end_background()
        on_done(result)

    def _on_background_failed(self, message: str) -> None:
        title, _ = self._end_background()
        QMessageBox.critical(self, f"{title} failed", plain(message))

    # -- importing and exporting ---------------------------------------------------------------

    def import_documents(self) -> None:
        kinds = " ".join(f"*{ext}" for ext in SUPPORTED_EXTENSIONS)
        files, _ = QFileDialog.getOpenFileNames(self, "Import documents", str(Path.home()),
                                                f"Documents ({kinds});;All files (*)")
        if not files:
            return
        dialog = ImportDialog(files, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.start_import(files, dialog.options())

    def start_import(self, files: list[str], options: ImportOptions) -> None:
        """Import documents in the background; a summary dialog follows."""

        def task(progress, cancelled):
            return import_paths(self.project, files, options, progress=progress,
                                is_cancelled=cancelled)

        self.run_in_background("Import documents", task, self._documents_imported, cancellable=True)

    def _documents_imported(self, report) -> None:
        lines = [f"{len(report.added)} document(s) imported, {len(report.duplicates)} duplicate(s) skipped, "
                 f"{len(report.failures)} file(s) failed" + (" (cancelled)" if report.cancelled else "") + "."]
        lines += [f"• {f.path.name}: {f.error}" for f in report.failures[:20]]
        lines += [f"• {note}" for note in report.notes[:20]]
        if len(report.failures) > 20:
            lines.append(f"… and {len(report.failures) - 20} more")
        box = QMessageBox.warning if report.failures else QMessageBox.information
        box(self, "Import finished", plain("\n".join(lines)))

    def import_annotations(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import annotations", str(Path.home()),
                                                "Annotator exports (*.json);;All files (*)")
        if files:
            self.start_annotation_import(files)

    def start_annotation_import(self, files: list[str]) -> None:
        """Import export files in the background (one transaction, after a backup)."""

        def task(progress, cancelled):
            return import_annotations(self.project, files, progress=progress)

        self.run_in_background("Import annotations", task, self._annotations_imported)

    def _annotations_imported(self, summary) -> None:
        lines = summary.lines()
        for title, items in (("Re-anchored", summary.reanchored), ("Rejected", summary.rejected),
                             ("Conflicts", summary.conflicts), ("Notes", summary.notes)):
            if items:
                lines.append(f"\n{title}:")
                lines += [f"• {item}" for item in items[:10]]
                if len(items) > 10:
                    lines.append(f"… and {len(items) - 10} more")
        box = QMessageBox.warning if summary.rejected else QMessageBox.information
        box(self, "Annotations imported", plain("\n".join(lines)))

    def export_annotations(self) -> None:
        dialog = ExportDialog(self.project, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        fmt, extension, scope, include_text = dialog.choice()
        name, _ = QFileDialog.getSaveFileName(self, "Export annotations",
                                              str(Path.home() / f"{self.project.path.stem}{extension}"),
                                              f"{extension[1:].upper()} files (*{extension});;All files (*)")
        if name:
            path = Path(name) if Path(name).suffix else Path(name + extension)
            if target_allowed(self, "Export annotations", path):
                self.start_export(path, fmt, scope, include_text, raw_csv=dialog.raw_csv.isChecked())

    def start_export(self, path: Path, fmt: str | None = None, scope: Scope = Scope(),
                     include_text: bool = True, raw_csv: bool = False) -> None:
        """Export in the background; the format follows ``fmt`` or the file's extension."""
        fmt = fmt or format_for_extension(str(path)) or "annotator"

        def task(progress, cancelled):
            if fmt == "annotator":
                return path, write_export(self.project, path, scope, include_text)
            data = build_export(self.project, scope)
            write_text(path, render(fmt, data, raw_csv))
            return path, {key: len(data[key]) for key in ("annotations", "documents")}

        self.run_in_background("Export annotations", task, self._exported)

    def _exported(self, result) -> None:
        path, counts = result
        QMessageBox.information(self, "Export finished",
                                f"{counts['annotations']} annotation(s) on {counts['documents']} document(s) "
                                f"written to {path}")

    # -- projects ------------------------------------------------------------------------------

    def new_project(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New project", str(paths.data_dir() / f"untitled{PROJECT_SUFFIX}"),
                                              PROJECT_FILTER)
        if name:
            path = Path(name) if Path(name).suffix else Path(name + PROJECT_SUFFIX)
            self.switch_project(lambda: create_project(path))

    def open_project(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open project", str(paths.data_dir()), PROJECT_FILTER)
        if name:
            self.switch_project(lambda: Project.open_for_reading(name))

    def open_recent(self, path: str) -> None:
        if not Path(path).is_file():
            QMessageBox.warning(self, "Cannot open project", f"{path}: the file no longer exists")
            store = settings()
            store.setValue("project/recent", [p for p in recent_projects() if p != path])
            self._fill_recent_menu()
            return
        self.switch_project(lambda: Project.open_for_reading(path))

    def open_sample_project(self) -> None:
        from annotator.core.project.samples import open_sample_project

        self.switch_project(open_sample_project)

    def switch_project(self, opener) -> bool:
        """Open another project (``opener()`` returns it) in this window; the current one closes."""
        if self._thread is not None:
            return False
        try:
            project = opener()
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Cannot open project", plain(user_message(exc)))
            return False
        self.details.commit_note()
        self._remember_document()
        previous = self.project
        previous.close()
        try:
            self.set_project(project)
        except AnnotatorError as exc:  # e.g. damaged pages met while listing: keep the project we had
            project.close()
            QMessageBox.warning(self, "Cannot open project", str(exc))
            self.set_project(previous)
            return False
        return True

    def restore_backup(self) -> None:
        """File → Restore from Backup…: choose one of the project's backups, confirm, restore it
        (after backing up the current state) and reopen the project; the undo history is cleared."""
        from annotator.core.storage import backups
        from annotator.gui.dialogs.restore_dialog import RestoreDialog

        if self._thread is not None:
            return
        path = self.project.path
        try:
            found = backups.list_backups(path)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Cannot list backups", str(exc))
            return
        dialog = RestoreDialog(found, self)
        chosen = dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        if chosen is None:
            return
        when = next(b.local_time() for b in found if b.path == chosen)
        answer = QMessageBox.question(
            self, "Restore from backup",
            f"Replace everything in {path.name} with the backup of {when}?\n\n"
            f"The project as it is now is backed up first.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.details.commit_note()
        self._remember_document()
        self.project.close()
        try:
            before = backups.restore_backup(path, chosen)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Restore failed", str(exc))
            before = None
        self.set_project(Project.open_for_reading(path))
        if before is not None:
            QMessageBox.information(self, "Restore finished",
                                    f"Restored {path.name} from the backup of {when}.\n\n"
                                    f"The state before the restore is kept in {before}.")

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for path in recent_projects():
            action = menu.addAction(Path(path).name)
            action.setToolTip(plain(path))
            action.setStatusTip(path)
            action.setData(path)
        if not menu.actions():
            menu.addAction("No recent projects").setEnabled(False)

    def _recent_chosen(self, action) -> None:
        if action.data():
            self.open_recent(action.data())

    def show_about(self) -> None:
        folders = "".join(f"<br>{name}: {html.escape(str(folder))}" for name, folder in paths.all_dirs().items())
        QMessageBox.about(self, "About Annotator",
                          f"<b>Annotator {__version__}</b><p>Annotate text corpora.</p><p>Project: "
                          f"{html.escape(str(self.project.path))}<br>Annotator: "
                          f"{html.escape(self.annotator.name)}{folders}</p>")
