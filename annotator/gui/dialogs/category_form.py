"""The right side of the schema editor: the selected category's path, name, colour, shortcut key,
guideline and attribute definitions, and which keys a category may take. These widgets only show
and capture; the editor connects their signals to its commands."""

from __future__ import annotations

from PySide6.QtCore import QKeyCombination, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.schema import rules as schema
from annotator.gui.dialogs.attribute_table import AttributeTable
from annotator.gui.widgets import swatch

PORTABLE = QKeySequence.SequenceFormat.PortableText
_MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
                  Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_ScrollLock, Qt.Key.Key_unknown}


# Keys the document view needs for moving the cursor and selecting; a category cannot take them.
_NAVIGATION = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End,
               Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape,
               Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Menu}


def reserved_shortcuts(actions) -> dict[str, str]:
    """``{key text: action title}`` for the window's actions (``window.actions``), to pass to the
    editor. Category actions (whose data is a category id) are left out: those clashes are the core's."""
    reserved: dict[str, str] = {}
    for action in actions.values() if isinstance(actions, dict) else actions:
        if isinstance(action, QAction) and isinstance(action.data(), str):
            continue
        for sequence in action.shortcuts():
            text = sequence.toString(PORTABLE)
            if text:
                reserved.setdefault(text, action.text().replace("&", "").split("\t")[0].rstrip("…").strip())
    return reserved


def key_text(text: str) -> str:
    """A shortcut's canonical PortableText ("ctrl+i" → "Ctrl+I"), or the text itself if Qt cannot parse it."""
    parsed = QKeySequence(text).toString(PORTABLE)
    return parsed or text


def key_problem(text: str, reserved: dict[str, str]) -> str:
    """Why ``text`` cannot be a category key ("" if it can, as far as the application goes):
    ``reserved`` (keys folded by ``key_text(...).casefold()``) maps keys to the actions using them."""
    action = reserved.get(key_text(text).casefold())
    if action:
        return f"{text} is already the shortcut for “{action}”. Choose another key."
    sequence = QKeySequence(text)
    if sequence.count() == 1:
        combination = sequence[0]
        modifiers = combination.keyboardModifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if combination.key() in _NAVIGATION and modifiers == Qt.KeyboardModifier.NoModifier:
            return f"{text} moves the cursor and selects text in the document. Choose another key."
    return ""


class ShortcutEdit(QLineEdit):
    """Captures a key press as a shortcut: focus it and press a key or a key combination.
    Backspace or Delete clears; Tab leaves. ``captured(text)`` gives PortableText ("" when cleared)."""

    captured = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setPlaceholderText("Click here, then press a key")
        self.setToolTip("Click here and press the key (or combination, e.g. Ctrl+1) that annotates with this "
                        "category. Backspace or Delete removes the key.")

    def keyPressEvent(self, event) -> None:
        key = Qt.Key(event.key())
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) or (key == Qt.Key.Key_Escape and not modifiers):
            super().keyPressEvent(event)  # focus moves on; Escape closes the dialog
            return
        event.accept()
        if key in _MODIFIER_KEYS:
            return  # wait for the key that goes with the modifiers
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) and not modifiers:
            self.captured.emit("")
            return
        text = event.text()
        if modifiers == Qt.KeyboardModifier.ShiftModifier and text and text.isprintable() and not text.isalpha():
            modifiers = Qt.KeyboardModifier.NoModifier  # "?" rather than "Shift+?"
        self.captured.emit(QKeySequence(QKeyCombination(modifiers, key)).toString(PORTABLE))


class GuidelineEdit(QPlainTextEdit):
    """The guideline text; ``editingFinished`` when it loses focus."""

    editingFinished = Signal()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()


class CategoryForm(QWidget):
    """The fields of one category; ``show_category`` fills them. ``colourPicked(colour)`` when a
    palette swatch is clicked."""

    colourPicked = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # category names are never markup
        heading_font = self.heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() + 2)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.colour_button = QPushButton()
        self.colour_button.setToolTip("Choose any colour")
        self.palette_buttons: list[QToolButton] = []
        palette_row = QHBoxLayout()
        palette_row.setSpacing(2)
        for colour in schema.PALETTE:
            button = QToolButton()
            button.setIcon(swatch(colour, 16))
            button.setIconSize(QSize(16, 16))
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolTip(colour)
            button.setProperty("colour", colour)
            button.clicked.connect(lambda _=False, c=colour: self.colourPicked.emit(c))
            palette_row.addWidget(button)
            self.palette_buttons.append(button)
        palette_row.addStretch(1)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.colour_button)
        colour_row.addLayout(palette_row, 1)
        self.shortcut_edit = ShortcutEdit()
        self.clear_shortcut_button = QToolButton()
        self.clear_shortcut_button.setText("Clear")
        shortcut_row = QHBoxLayout()
        shortcut_row.addWidget(self.shortcut_edit, 1)
        shortcut_row.addWidget(self.clear_shortcut_button)
        self.guideline_edit = GuidelineEdit()
        self.guideline_edit.setPlaceholderText("When to use this category, when not, and an example. "
                                               "Coders see this in the palette and in Help → Coding guidelines.")

        self.attributes = AttributeTable()
        self.add_attribute_button = QPushButton("Add attribute")
        self.remove_attribute_button = QPushButton("Remove attribute")
        attribute_buttons = QHBoxLayout()
        attribute_buttons.addWidget(self.add_attribute_button)
        attribute_buttons.addWidget(self.remove_attribute_button)
        attribute_buttons.addStretch(1)
        attributes_box = QWidget()
        attributes_layout = QVBoxLayout(attributes_box)
        attributes_layout.setContentsMargins(0, 0, 0, 0)
        attributes_layout.addWidget(self.attributes, 1)
        attributes_layout.addLayout(attribute_buttons)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Name:", self.name_edit)
        form.addRow("Colour:", colour_row)
        shortcut_label = QLabel("Shortcut &key:")
        shortcut_label.setBuddy(self.shortcut_edit)
        form.addRow(shortcut_label, shortcut_row)
        form.addRow("&Guideline:", self.guideline_edit)
        form.addRow("Attributes:", attributes_box)
        form_layout = QVBoxLayout(self)
        form_layout.setContentsMargins(8, 0, 0, 0)
        form_layout.addWidget(self.heading)
        form_layout.addLayout(form, 1)

    def show_category(self, cat, path: str = "") -> None:
        """Show ``cat`` (a Category; None: empty fields) under the heading ``path``."""
        if cat is None:
            self.heading.setText("No category selected")
            self.name_edit.clear()
            self.shortcut_edit.clear()
            self.guideline_edit.setPlainText("")
            self.attributes.fill([])
            self.colour_button.setIcon(swatch("#ffffff"))
            self.colour_button.setText("")
            return
        self.heading.setText(path)
        self.name_edit.setText(cat.name)
        self.colour_button.setIcon(swatch(cat.colour, 18))
        self.colour_button.setText(f" {cat.colour}  Choose…")
        for button in self.palette_buttons:
            button.setChecked(button.property("colour") == cat.colour)
        self.shortcut_edit.setText(cat.shortcut or "")
        self.clear_shortcut_button.setEnabled(bool(cat.shortcut))
        if self.guideline_edit.toPlainText() != cat.description:
            self.guideline_edit.setPlainText(cat.description)
        self.attributes.fill(cat.attributes or [], cat.id)
