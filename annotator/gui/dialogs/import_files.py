"""The import dialog's list of what was chosen: each file and folder, the files found in each folder
(subfolders included, as the import searches them), and how many documents each file will make
with the options chosen (core.documents.importing.preview_import, which reads and splits a file
as the import does)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTreeWidget, QTreeWidgetItem, QWidget

from annotator.core.documents.importing import FilePreview, preview_import
from annotator.core.documents.readers import ImportOptions
from annotator.gui.operations import Operation
from annotator.gui.widgets import plain

COUNTING = "counting…"
MAX_ROWS_SHOWN = 8  # the list grows to this many rows, then scrolls
PROBLEM = QColor("#b00020")


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _is_problem(preview: FilePreview) -> bool:
    return preview.documents is None and not (preview.note or "").startswith("not counted")


class ChosenFiles(QTreeWidget):
    """Two columns: the file (a folder's files below it, by their path inside it) and the number
    of documents it will make, or why that is not known."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["File", "Documents"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 200)
        self.paths: list[Path] = []

    def set_paths(self, paths: Sequence[Path]) -> None:
        """One row per chosen file or folder; the counts follow with ``show_preview``."""
        self.clear()
        self.paths = list(paths)
        style = self.style()
        for path in self.paths:
            is_dir = path.is_dir()
            pixmap = QStyle.StandardPixmap.SP_DirIcon if is_dir else QStyle.StandardPixmap.SP_FileIcon
            name = path.name + ("/" if is_dir else "") if path.name else str(path)  # str: a drive or "/"
            item = QTreeWidgetItem([name, COUNTING])
            item.setIcon(0, style.standardIcon(pixmap))
            item.setToolTip(0, plain(str(path)))
            item.setData(0, Qt.ItemDataRole.UserRole, str(path))
            self.addTopLevelItem(item)
        self._fit_height()

    def selected_paths(self) -> list[Path]:
        """The chosen paths whose rows (or one of whose files) are selected."""
        rows = {(item.parent() or item) for item in self.selectedItems()}
        return [Path(item.data(0, Qt.ItemDataRole.UserRole)) for item in rows]

    def counting(self, text: str = COUNTING) -> None:
        """Show ``text`` in place of every count (the counts are being made again)."""
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            item.setText(1, text)
            item.setForeground(1, QBrush())
            for child in range(item.childCount()):
                item.child(child).setText(1, text)
                item.child(child).setForeground(1, QBrush())

    def show_preview(self, previews: Sequence[FilePreview]) -> str:
        """Fill the counts from ``previews``; return the summary line."""
        by_chosen: dict[str, list[FilePreview]] = {}
        for preview in previews:
            by_chosen.setdefault(str(preview.chosen), []).append(preview)
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            found = by_chosen.get(item.data(0, Qt.ItemDataRole.UserRole), [])
            item.takeChildren()
            if Path(item.data(0, Qt.ItemDataRole.UserRole)).is_dir() and found and found[0].path != found[0].chosen:
                for preview in found:
                    child = QTreeWidgetItem([preview.source])
                    child.setToolTip(0, plain(str(preview.path)))
                    self._show_count(child, preview)
                    item.addChild(child)
                documents = sum(p.documents or 0 for p in found)
                item.setText(1, f"{plural(documents, 'document')} from {plural(len(found), 'file')}")
                item.setForeground(1, QBrush())
                item.setToolTip(1, "")
                item.setExpanded(len(found) <= 50)
            elif found:
                self._show_count(item, found[0])
            else:
                item.setText(1, "")
        self._fit_height()
        return summary(previews)

    @staticmethod
    def _show_count(item: QTreeWidgetItem, preview: FilePreview) -> None:
        text = plural(preview.documents, "document") if preview.documents is not None else preview.note or ""
        item.setText(1, text)
        item.setToolTip(1, plain(text))
        item.setForeground(1, QBrush(PROBLEM) if _is_problem(preview) else QBrush())

    def _fit_height(self) -> None:
        rows = self.topLevelItemCount() + sum(self.topLevelItem(i).childCount() for i in range(self.topLevelItemCount())
                                              if self.topLevelItem(i).isExpanded())
        row_height = max(self.sizeHintForRow(0), 18)
        shown = min(max(rows, 1), MAX_ROWS_SHOWN)
        self.setFixedHeight(row_height * shown + self.header().sizeHint().height() + 2 * self.frameWidth() + 4)


def summary(previews: Sequence[FilePreview]) -> str:
    """"12 documents from 3 files; 1 file cannot be read; 2 not counted"."""
    documents = sum(p.documents or 0 for p in previews)
    counted = [p for p in previews if p.documents is not None]
    problems = [p for p in previews if _is_problem(p)]
    parts = [f"Will make {plural(documents, 'document')} from {plural(len(counted), 'file')}"]
    if problems:
        parts.append(f"{plural(len(problems), 'file')} cannot be read")
    uncounted = len(previews) - len(counted) - len(problems)
    if uncounted:
        parts.append(f"{uncounted:,} not counted")
    return "; ".join(parts) + "."


class PreviewRunner(QObject):
    """Counts the documents in the background (gui/operations.Operation), one count at a time and
    a moment after the last change: a change while a count runs starts another when it ends, and
    only the newest count is shown. ``options()`` gives the options to count with, or None while
    they cannot be used; ``shown(previews, message)`` gets the result (or a failure's message)."""

    DELAY_MS = 250

    def __init__(self, parent: QWidget, options: Callable[[], ImportOptions | None],
                 shown: Callable[[list[FilePreview] | None, str | None], None]) -> None:
        super().__init__(parent)
        self.options, self.shown = options, shown
        self.paths: list[Path] = []
        self.operation: Operation | None = None
        self.stale = self.stopped = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.DELAY_MS)
        self.timer.timeout.connect(self._start)

    @property
    def busy(self) -> bool:
        return self.timer.isActive() or self.operation is not None

    def request(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self.stopped = False
        self.timer.start()

    def pause(self) -> None:
        """Count nothing until the next ``request`` (the options cannot be used as they are)."""
        self.timer.stop()
        self.stale = False
        if self.operation is not None:
            self.operation.cancel()

    def stop(self) -> None:
        """Stop counting and let the count that runs end (the dialog closing)."""
        self.stopped = True
        self.timer.stop()
        operation, self.operation = self.operation, None
        if operation is not None:
            operation.cancel()
            operation.wait(60_000)  # one file of at most PREVIEW_MAX_BYTES is being read

    def _start(self) -> None:
        if self.operation is not None:
            self.stale = True
            return
        options = self.options()
        if options is None or self.stopped:
            return
        paths, self.stale = list(self.paths), False

        def task(project, progress):
            return preview_import(paths, options, is_cancelled=progress.cancelled)

        self.operation = Operation(self.parent(), task, label="Count documents", dialog=False)
        self.operation.success(lambda previews: self._ended(previews, None)).failure(
            lambda message: self._ended(None, message)).run()

    def _ended(self, previews: list[FilePreview] | None, message: str | None) -> None:
        self.operation = None
        if self.stopped or self.options() is None:
            return
        if self.stale:
            self._start()
        else:
            self.shown(previews, message)
