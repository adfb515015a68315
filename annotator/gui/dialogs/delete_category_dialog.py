"""The question the schema editor asks before deleting a category that annotations use."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)


class DeleteCategoryDialog(QDialog):
    """Asks what happens to the annotations of a category being deleted: move them to another
    category, or delete them. ``ask`` is what the editor calls (tests replace it)."""

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
