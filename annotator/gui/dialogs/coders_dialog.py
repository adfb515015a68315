"""File → Switch Annotator…: the project's coders with their annotation counts and last activity.
Choose who annotates from now on, add a new coder, or rename one (undoable, Edit → Undo)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from annotator.core.errors import AnnotatorError, user_message
from annotator.gui.context import CurrentAnnotator
from annotator.gui.widgets import plain

_COLUMNS = ("Coder", "Annotations", "Last activity", "Id")


def local_time(stamp: str | None) -> str:
    """An ISO 8601 time from the project as the user's local date and minute; "—" for none."""
    if not stamp:
        return "—"
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


class CodersDialog(QDialog):
    """Lists ``project.coders()`` (and ``current`` too while the project does not hold them yet: their
    first annotation adds them). ``add(name)`` makes a new coder (an Annotator) or raises
    AnnotatorError; ``rename(id, name)`` renames one through the undo history (False if refused).
    ``chosen`` (a CurrentAnnotator) after exec."""

    def __init__(self, project, current: CurrentAnnotator, add: Callable[[str], object],
                 rename: Callable[[str, str], bool], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Switch annotator")
        self.project = project
        self.current = current
        self._add = add
        self._rename = rename
        self.chosen: CurrentAnnotator | None = None
        intro = QLabel("Choose who is annotating. Every annotation carries its coder, so a team can tell "
                       "coders apart and compute agreement. A name that differs from a coder's only by case "
                       "or spaces is that coder.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(list(_COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setAllColumnsShowFocus(True)
        self.list.headerItem().setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.new_button = QPushButton("&New coder…")
        self.new_button.clicked.connect(self.new_coder)
        self.rename_button = QPushButton("&Rename…")
        self.rename_button.clicked.connect(self.rename_coder)
        writable = not project.read_only
        for button in (self.new_button, self.rename_button):
            button.setEnabled(writable)
            if not writable:
                button.setToolTip("The project is open read-only")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.switch_button = buttons.addButton("&Switch", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.rename_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.resize(620, 340)
        self.reload(current.id)

    # -- the list ------------------------------------------------------------------------------

    def reload(self, select_id: str | None = None) -> None:
        """Read the coders again, selecting ``select_id`` (None: the current coder not yet in the project)."""
        self.list.clear()
        coders = self.project.coders()
        rows = [(c.id, c.name, str(c.annotations), local_time(c.last_activity)) for c in coders]
        if self.current.id not in {c.id for c in coders}:
            rows.insert(0, (None, self.current.name, "0", "—"))
        for coder_id, name, count, last in rows:
            you = coder_id == self.current.id or (coder_id is None)
            item = QTreeWidgetItem([f"{name} (you)" if you else name, count, last, (coder_id or "—")[:8]])
            item.setData(0, Qt.ItemDataRole.UserRole, (coder_id, name))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, plain(name) if coder_id else "Not in the project yet: your first annotation adds you")
            item.setToolTip(3, coder_id or "No id yet")
            if you:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
            self.list.addTopLevelItem(item)
            if coder_id == select_id:
                self.list.setCurrentItem(item)
        self._enable()

    def selected(self) -> tuple[str | None, str] | None:
        """(id, name) of the selected row; id None for the current coder not yet in the project."""
        item = self.list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _enable(self) -> None:
        chosen = self.selected()
        self.switch_button.setEnabled(chosen is not None)
        self.rename_button.setEnabled(not self.project.read_only and chosen is not None and chosen[0] is not None)

    # -- what the buttons do -------------------------------------------------------------------

    def accept(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        coder_id, name = chosen
        self.chosen = self.current if coder_id is None else CurrentAnnotator(name, coder_id)
        super().accept()

    def new_coder(self) -> None:
        """Ask a name; a coder of that name (ignoring case and spaces) is refused: choose them instead."""
        name, ok = QInputDialog.getText(self, "New coder", "Name of the new coder:")
        if not ok or not name.strip():
            return
        try:
            coder = self._add(name)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "New coder", plain(user_message(exc)))
            return
        self.reload(coder.id)
        self.accept()

    def rename_coder(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen[0] is None:
            return
        coder_id, old = chosen
        name, ok = QInputDialog.getText(self, "Rename coder", f"New name for {old}:", text=old)
        if not ok or not name.strip() or name.strip() == old:
            return
        if self._rename(coder_id, name):  # the window follows, the current coder's name included
            self.reload(coder_id)
