"""The main window: the project's documents, the selected document's text, and its categories.

(The annotating workspace grows here: highlight layers, palette, undo, table.)
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QFileDialog, QHeaderView, QLabel, QListWidget, QListWidgetItem, QMainWindow,
    QMessageBox, QPlainTextEdit, QProgressDialog, QPushButton, QSplitter, QStackedWidget, QTableView,
    QVBoxLayout, QWidget,
)

from annotator import __version__, paths
from annotator.core.errors import AnnotatorError
from annotator.core.project import PROJECT_SUFFIX, Project
from annotator.core.readers import SUPPORTED_EXTENSIONS, ImportOptions
from annotator.gui.actions import build_actions
from annotator.gui.dialogs.export_dialog import ExportDialog
from annotator.gui.models import DocumentTableModel
from annotator.core.exchange import Scope, atomic_file, build_export, write_export
from annotator.core.exchange_import import import_annotations
from annotator.core.formats import EXPORT_FORMATS, format_for_extension
from annotator.core.importer import import_paths
from annotator.gui.workers import Worker, start_in_thread

PROJECT_FILTER = f"Annotator projects (*{PROJECT_SUFFIX});;All files (*)"



def settings() -> QSettings:
    """The app's settings file, in the config folder (which ANNOTATOR_HOME redirects)."""
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


def redirect_qt_settings() -> None:
    """Send Qt's own per-user settings (QFileDialog's history in QtProject.conf, for one) to our
    config folder too, so ANNOTATOR_HOME really redirects everything the app writes."""
    folder = str(paths.config_dir())
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


class MainWindow(QMainWindow):
    def __init__(self, project: Project) -> None:
        super().__init__()
        redirect_qt_settings()
        self.project = project
        self._thread = None
        self.resize(1100, 720)

        self.documents_model = DocumentTableModel(project, self)
        self.documents_view = QTableView()
        self.documents_view.setModel(self.documents_model)
        self.documents_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.documents_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.documents_view.verticalHeader().hide()
        self.documents_view.setAlternatingRowColors(True)
        self.documents_view.setWordWrap(False)
        header = self.documents_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 110)
        self.documents_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.documents_view.selectionModel().currentRowChanged.connect(self._show_document)

        self.categories_list = QListWidget()
        self.categories_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(_titled("Documents", self.documents_view))
        left.addWidget(_titled("Categories", self.categories_list))
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)

        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                               | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        font = QFont(self.text_view.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.text_view.setFont(font)
        self.text_view.document().setDocumentMargin(16)
        self.text_title = QLabel()
        self.text_title.setWordWrap(True)
        title_font = QFont(font)
        title_font.setPointSizeF(font.pointSizeF() + 3)
        title_font.setBold(True)
        self.text_title.setFont(title_font)
        reader = QWidget()
        reader_layout = QVBoxLayout(reader)
        reader_layout.setContentsMargins(8, 8, 8, 0)
        reader_layout.addWidget(self.text_title)
        reader_layout.addWidget(self.text_view)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(left)
        self.main_splitter.addWidget(reader)
        self.main_splitter.setStretchFactor(0, 2)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setSizes([420, 680])

        self.stack = QStackedWidget()
        self.stack.addWidget(self._empty_state())
        self.stack.addWidget(self.main_splitter)
        self.setCentralWidget(self.stack)

        self.status_label = QLabel()  # a widget, not a message: status tips would wipe a message
        self.statusBar().addWidget(self.status_label)
        self.actions = build_actions(self)
        self._restore_geometry()
        self.refresh()

    # -- views -------------------------------------------------------------------------------

    def _empty_state(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        heading = QLabel("This project has no documents yet")
        heading_font = heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() + 6)
        heading.setFont(heading_font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        kinds = ", ".join(SUPPORTED_EXTENSIONS)
        hint = QLabel(f"Import texts to annotate: {kinds} files, or whole folders.\n"
                      "Everything you do is saved as you go; there is no Save button.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        self.import_button = QPushButton("Import documents…")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_documents)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addSpacing(12)
        layout.addWidget(self.import_button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)
        return page

    def refresh(self) -> None:
        """Reload everything shown from the project."""
        info = self.project.info()
        self.setWindowTitle(f"{info.name} — Annotator")
        current = self._current_document_id()
        self.documents_model.refresh()
        self._fill_categories()
        counts = self.project.counts()
        self.stack.setCurrentIndex(1 if counts.documents else 0)
        self.status_label.setText(
            f"{counts.documents} document{'s' if counts.documents != 1 else ''} · "
            f"{counts.annotations} annotation{'s' if counts.annotations != 1 else ''} · {self.project.path}"
        )
        self._select_document(current)

    def _fill_categories(self) -> None:
        self.categories_list.clear()
        depth: dict[str | None, int] = {None: -1}
        for cat in self.project.categories():
            depth[cat.id] = depth.get(cat.parent_id, -1) + 1
            shortcut = f"   [{cat.shortcut}]" if cat.shortcut else ""
            item = QListWidgetItem(_swatch(cat.colour), "    " * depth[cat.id] + cat.name + shortcut)
            item.setToolTip(f"<b>{html.escape(cat.name)}</b><p>{html.escape(cat.description)}</p>")
            self.categories_list.addItem(item)

    def _current_document_id(self) -> str | None:
        index = self.documents_view.currentIndex()
        return self.documents_model.document_at(index.row()).id if index.isValid() else None

    def _select_document(self, document_id: str | None) -> None:
        rows = self.documents_model.rowCount()
        if not rows:
            self.text_title.clear()
            self.text_view.clear()
            return
        row = next((r for r in range(rows) if self.documents_model.document_at(r).id == document_id), 0)
        self.documents_view.selectRow(row)
        self._show_document(self.documents_model.index(row, 0))

    def _show_document(self, index) -> None:
        if not index.isValid():
            return
        doc = self.project.document(self.documents_model.document_at(index.row()).id)
        self.text_title.setText(doc.title)
        self.text_view.setPlainText(doc.text)

    # -- actions -----------------------------------------------------------------------------

    def import_documents(self) -> None:
        kinds = " ".join(f"*{ext}" for ext in SUPPORTED_EXTENSIONS)
        files, _ = QFileDialog.getOpenFileNames(self, "Import documents", str(Path.home()),
                                                f"Documents ({kinds});;All files (*)")
        if files:
            self.start_import(files, ImportOptions())

    def start_import(self, files: list[str], options: ImportOptions) -> None:
        """Import documents in the background; a summary dialog follows."""

        def task(progress, cancelled):
            return import_paths(self.project, files, options, progress=lambda d, t, p: progress(d, t, p.name),
                                is_cancelled=cancelled)

        self.run_in_background("Import documents", task, self._documents_imported, cancellable=True)

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
        self.refresh()
        return self._background

    def _on_background_finished(self, result) -> None:
        _, on_done = self._end_background()
        on_done(result)

    def _on_background_failed(self, message: str) -> None:
        title, _ = self._end_background()
        QMessageBox.critical(self, f"{title} failed", message)

    def _documents_imported(self, report) -> None:
        lines = [f"{len(report.added)} document(s) imported, {len(report.duplicates)} duplicate(s) skipped, "
                 f"{len(report.failures)} file(s) failed" + (" (cancelled)" if report.cancelled else "") + "."]
        lines += [f"• {f.path.name}: {f.error}" for f in report.failures[:20]]
        if len(report.failures) > 20:
            lines.append(f"… and {len(report.failures) - 20} more")
        box = QMessageBox.warning if report.failures else QMessageBox.information
        box(self, "Import finished", "\n".join(lines))

    def import_annotations(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import annotations", str(Path.home()),
                                                "Annotator exports (*.json);;All files (*)")
        if files:
            self.start_annotation_import(files)

    def start_annotation_import(self, files: list[str]) -> None:
        """Import export files in the background (one transaction, after a backup)."""

        def task(progress, cancelled):
            return import_annotations(self.project, files, progress=lambda label: progress(0, 0, label))

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
        box(self, "Annotations imported", "\n".join(lines))

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
            self.start_export(path, fmt, scope, include_text)

    def start_export(self, path: Path, fmt: str | None = None, scope: Scope = Scope(),
                     include_text: bool = True) -> None:
        """Export in the background; the format follows ``fmt`` or the file's extension."""
        fmt = fmt or format_for_extension(str(path)) or "annotator"

        def task(progress, cancelled):
            if fmt == "annotator":
                return path, write_export(self.project, path, scope, include_text)
            data = build_export(self.project, scope)
            with atomic_file(path) as handle:
                handle.write(EXPORT_FORMATS[fmt](data).encode("utf-8"))
            return path, {key: len(data[key]) for key in ("annotations", "documents")}

        self.run_in_background("Export annotations", task, self._exported)

    def _exported(self, result) -> None:
        path, counts = result
        QMessageBox.information(self, "Export finished",
                                f"{counts['annotations']} annotation(s) on {counts['documents']} document(s) "
                                f"written to {path}")

    def new_project(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New project", str(paths.data_dir() / f"untitled{PROJECT_SUFFIX}"),
                                              PROJECT_FILTER)
        if name:
            path = Path(name) if Path(name).suffix else Path(name + PROJECT_SUFFIX)
            self._switch(lambda: Project.create(path))

    def open_project(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open project", str(paths.data_dir()), PROJECT_FILTER)
        if name:
            self._switch(lambda: Project.open(name))

    def _switch(self, opener) -> None:
        try:
            project = opener()
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Cannot open project", str(exc))
            return
        self.project.close()
        self.project = project
        self.documents_model.set_project(project)
        self.refresh()

    def show_about(self) -> None:
        folders = "".join(f"<br>{name}: {html.escape(str(folder))}" for name, folder in paths.all_dirs().items())
        QMessageBox.about(self, "About Annotator",
                          f"<b>Annotator {__version__}</b><p>Annotate text corpora.</p><p>Project: "
                          f"{html.escape(str(self.project.path))}{folders}</p>")

    # -- window state ------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        store = settings()
        geometry = store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        sizes = store.value("window/splitter")
        if isinstance(sizes, QByteArray):
            self.main_splitter.restoreState(sizes)

    def closeEvent(self, event) -> None:  # noqa: N802
        store = settings()
        store.setValue("window/geometry", self.saveGeometry())
        store.setValue("window/splitter", self.main_splitter.saveState())
        store.setValue("project/last", str(self.project.path))
        store.sync()
        if self._thread is not None:
            self._worker.cancel()
            self._thread.quit()
            self._thread.wait(10000)
        self.project.close()
        super().closeEvent(event)


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(8, 8, 0, 0)
    label = QLabel(title)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    layout.addWidget(label)
    layout.addWidget(widget)
    return box


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)
