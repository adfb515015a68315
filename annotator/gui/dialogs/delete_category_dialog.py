"""The questions the schema editor asks before deleting a category that annotations use or that has
subcategories (``ask_delete``), and the one command the answer makes."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
)

from annotator.core.errors import quoted
from annotator.core.project.commands import DeleteCategory, DeleteCategoryLiftingChildren


class DeleteCategoryDialog(QDialog):
    """Asks what happens to the annotations of a category being deleted: move them to another
    category, or delete them. ``ask`` is what ``ask_delete`` calls (tests replace it)."""

    def __init__(self, name: str, count: int, targets: list[tuple[str, str]], note: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Delete “{name}”")
        them = "them" if count != 1 else "it"
        text = (f"<p><b>“{html.escape(name)}”</b> is used by <b>{count}</b> annotation{'s' if count != 1 else ''}. "
                f"What should happen to {them}?</p>")
        if note:
            text += f"<p>{html.escape(note)}</p>"
        label = QLabel(text)
        label.setWordWrap(True)
        self.move_radio = QRadioButton("&Move them to:" if count != 1 else "&Move it to:")
        self.delete_radio = QRadioButton(f"&Delete {'them' if count != 1 else 'it'} with the category")
        self.target = QComboBox()
        for target_id, title in targets:
            self.target.addItem(title, target_id)
        group = QButtonGroup(self)
        group.addButton(self.move_radio)
        group.addButton(self.delete_radio)
        (self.move_radio if targets else self.delete_radio).setChecked(True)
        self.move_radio.setEnabled(bool(targets))
        self.target.setEnabled(bool(targets))
        self.move_radio.toggled.connect(self.target.setEnabled)
        self.target.activated.connect(lambda _i: self.move_radio.setChecked(True))
        hint = QLabel("Either way, Edit → Undo brings everything back.")
        hint.setStyleSheet("color: palette(placeholder-text);")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Delete category")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        move_row = QHBoxLayout()
        move_row.addWidget(self.move_radio)
        move_row.addWidget(self.target, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(move_row)
        layout.addWidget(self.delete_radio)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def choice(self) -> tuple[str, str | None]:
        if self.move_radio.isChecked():
            return "reassign", self.target.currentData()
        return "delete", None

    @classmethod
    def ask(cls, parent, name: str, count: int, targets: list[tuple[str, str]], note: str = ""):
        """("reassign", category id) or ("delete", None); None when cancelled."""
        dialog = cls(name, count, targets, note, parent)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_delete(parent, cat, categories: list, count: int, targets: list[tuple[str, str]]) -> DeleteCategory | None:
    """The command deleting ``cat`` (used by ``count`` annotations; ``targets``: the categories they may
    move to, as (id, path)), after asking what happens to its annotations or, without any, whether its
    subcategories may move up; None when cancelled."""
    by_id = {c.id: c for c in categories}
    children, note = _children_up(cat, categories, by_id)
    reassign_to, delete_annotations = None, False
    if count:
        answer = DeleteCategoryDialog.ask(parent, cat.name, count, targets, note)
        if answer is None:
            return None
        kind, target = answer
        reassign_to, delete_annotations = (target, False) if kind == "reassign" else (None, True)
    elif children:
        reply = QMessageBox.question(parent, f"Delete “{cat.name}”", f"Delete “{cat.name}”? {note}",
                                     QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        if reply != QMessageBox.StandardButton.Yes:
            return None
    if reassign_to is not None:
        label = (f"Delete {quoted(cat.name)}, moving {count} annotation{'s' if count != 1 else ''} "
                 f"to {quoted(by_id[reassign_to].name)}")
    elif delete_annotations:
        label = f"Delete {quoted(cat.name)} and its {count} annotation{'s' if count != 1 else ''}"
    else:
        label = f"Delete category {quoted(cat.name)}"
    delete = DeleteCategoryLiftingChildren if children else DeleteCategory
    return delete(cat.id, reassign_to=reassign_to, delete_annotations=delete_annotations, label=label,
                  version=cat.version)


def _children_up(cat, categories: list, by_id: dict) -> tuple[list, str]:
    """``cat``'s subcategories, which a delete moves up to its parent, and a sentence saying so
    ("" without subcategories)."""
    children = [c for c in categories if c.parent_id == cat.id]
    if not children:
        return [], ""
    where = f"under “{by_id[cat.parent_id].name}”" if cat.parent_id in by_id else "to the top level"
    names = ", ".join(f"“{c.name}”" for c in children[:5]) + (" …" if len(children) > 5 else "")
    one = len(children) == 1
    sentence = (f"Its subcategor{'y' if one else 'ies'} {names} move{'s' if one else ''} "
                f"up one level, {where}, in its place.")
    return children, sentence
