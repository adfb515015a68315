"""The schema editor: the category tree on the left (add, delete, merge, reorder and re-parent by drag
and drop or Alt+arrows), the selected category's name, colour, shortcut key, guideline and attribute
definitions on the right.

Every change is one core command handed to ``run`` (the window's ``History.run``): it is committed at
once, undoable with the window's Ctrl+Z, and refused with the core's message. The editor never keeps
its own copy of the truth: after each change (and whenever the window calls ``refresh()``, e.g. after
an undo) it reloads from ``project.categories()``.
"""

from __future__ import annotations

from PySide6.QtCore import QKeyCombination, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QHBoxLayout,
    QHeaderView, QInputDialog, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QRadioButton,
    QSplitter, QTableWidget, QTableWidgetItem, QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
    QColorDialog,
)

from annotator.core.errors import ValidationError
from annotator.core.schema import rules as schema
from annotator.core.schema.rules import AttributeType
from annotator.core.project.commands import (
    AddCategory, DeleteCategory, DeleteCategoryLiftingChildren, MergeCategory, MoveCategory, UpdateCategory,
)
from annotator.gui.widgets import CATEGORY_ID, fill_category_tree, swatch

_ID = CATEGORY_ID
_PORTABLE = QKeySequence.SequenceFormat.PortableText

_COLUMNS = ("Name", "Type", "Choices (comma-separated)", "Default", "Min", "Max")
_NAME, _TYPE, _CHOICES, _DEFAULT, _MIN, _MAX = range(6)

# Keys the document view needs for moving the cursor and selecting; a category cannot take them.
_NAVIGATION = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End,
               Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape,
               Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Menu}
_MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
                  Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_ScrollLock, Qt.Key.Key_unknown}


def reserved_shortcuts(actions) -> dict[str, str]:
    """``{key text: action title}`` for the window's actions (``window.actions``), to pass to the
    editor. Category actions (whose data is a category id) are left out: those clashes are the core's."""
    reserved: dict[str, str] = {}
    for action in actions.values() if isinstance(actions, dict) else actions:
        if isinstance(action, QAction) and isinstance(action.data(), str):
            continue
        for sequence in action.shortcuts():
            text = sequence.toString(_PORTABLE)
            if text:
                reserved.setdefault(text, action.text().replace("&", "").split("\t")[0].rstrip("…").strip())
    return reserved


def key_text(text: str) -> str:
    """A shortcut's canonical PortableText ("ctrl+i" → "Ctrl+I"), or the text itself if Qt cannot parse it."""
    parsed = QKeySequence(text).toString(_PORTABLE)
    return parsed or text


# -- small widgets -----------------------------------------------------------------------------


class CategoryTree(QTreeWidget):
    """The category tree. Drops and Alt+arrows do not move items themselves: they ask the editor
    (``moveRequested(category_id, parent_id or None, index among the new siblings)``), which runs the
    core command and reloads."""

    moveRequested = Signal(str, object, int)  # noqa: N815
    keyMove = Signal(str)  # noqa: N815  "up", "down", "in", "out"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Category", "Key"])
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setIndentation(18)
        self.setUniformRowHeights(True)

    def drop_target(self, item: QTreeWidgetItem | None, position) -> tuple[str | None, int] | None:
        """Where a drop at ``item``/``position`` (a DropIndicatorPosition) puts the dragged category:
        (new parent id, index among the new siblings, not counting the dragged one)."""
        moving = self.currentItem()
        Pos = QAbstractItemView.DropIndicatorPosition
        if item is None or position == Pos.OnViewport:
            return None, self.topLevelItemCount()
        if item is moving and position == Pos.OnItem:
            return None
        if position == Pos.OnItem:
            siblings = [item.child(i) for i in range(item.childCount())]
            return item.data(0, _ID), len([s for s in siblings if s is not moving])
        parent = item.parent()
        siblings = ([parent.child(i) for i in range(parent.childCount())] if parent is not None
                    else [self.topLevelItem(i) for i in range(self.topLevelItemCount())])
        siblings = [s for s in siblings if s is not moving]
        index = siblings.index(item) if item in siblings else len(siblings)
        if position == Pos.BelowItem:
            index += 1
        return (parent.data(0, _ID) if parent is not None else None), index

    def dropEvent(self, event) -> None:  # noqa: N802
        moving = self.currentItem()
        target = self.drop_target(self.itemAt(event.position().toPoint()), self.dropIndicatorPosition())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()  # the items stay; the editor reloads from the project after the command
        if moving is not None and target is not None:
            self.moveRequested.emit(moving.data(0, _ID), target[0], target[1])

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.modifiers() == Qt.KeyboardModifier.AltModifier and self.currentItem() is not None:
            way = {Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down", Qt.Key.Key_Right: "in", Qt.Key.Key_Left: "out"}
            if event.key() in way:
                self.keyMove.emit(way[event.key()])
                event.accept()
                return
        super().keyPressEvent(event)


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

    def keyPressEvent(self, event) -> None:  # noqa: N802
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
        self.captured.emit(QKeySequence(QKeyCombination(modifiers, key)).toString(_PORTABLE))


class GuidelineEdit(QPlainTextEdit):
    """The guideline text; ``editingFinished`` when it loses focus."""

    editingFinished = Signal()  # noqa: N815

    def focusOutEvent(self, event) -> None:  # noqa: N802
        super().focusOutEvent(event)
        self.editingFinished.emit()


class DeleteCategoryDialog(QDialog):
    """Asks what happens to the annotations of a category being deleted: move them to another
    category, or delete them. ``ask`` is what the editor calls (tests replace it)."""

    def __init__(self, name: str, count: int, targets: list[tuple[str, str]], note: str = "", parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Delete “{name}”")
        them = "them" if count != 1 else "it"
        text = (f"<p><b>“{_html(name)}”</b> is used by <b>{count}</b> annotation{'s' if count != 1 else ''}. "
                f"What should happen to {them}?</p>")
        if note:
            text += f"<p>{_html(note)}</p>"
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


def _html(text: str) -> str:
    import html

    return html.escape(text)


# -- the editor --------------------------------------------------------------------------------


class SchemaEditor(QDialog):
    """Edit the project's categories. ``run(command) -> bool`` is the window's ``History.run``;
    ``reserved_shortcuts`` maps key texts (PortableText) to the application action using them.
    Non-modal: the window calls ``refresh()`` after every schema change, undo included."""

    def __init__(self, project, run, reserved_shortcuts: dict[str, str] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Categories")
        self.setObjectName("SchemaEditor")
        self.project = project
        self._run = run
        self.reserved = {key_text(k).casefold(): v for k, v in (reserved_shortcuts or {}).items()}
        self.categories: list = []
        self.by_id: dict = {}
        self.items: dict[str, QTreeWidgetItem] = {}
        self.current_id: str | None = None
        self._loading = False

        # Left: the tree and its buttons.
        self.tree = CategoryTree()
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.moveRequested.connect(self.move_category)
        self.tree.keyMove.connect(self.move_by_key)
        self.add_button = QPushButton("&Add")
        self.add_button.setToolTip("Add a category at the top level")
        self.add_child_button = QPushButton("Add &subcategory")
        self.add_child_button.setToolTip("Add a category under the selected one")
        self.delete_button = QPushButton("&Delete…")
        self.merge_button = QPushButton("&Merge into…")
        self.merge_button.setToolTip("Move the selected category's annotations to another category and delete it")
        self.add_button.clicked.connect(lambda: self.add_category(None))
        self.add_child_button.clicked.connect(lambda: self.add_category(self.current_id))
        self.delete_button.clicked.connect(self.delete_current)
        self.merge_button.clicked.connect(self.merge_current)
        tree_hint = QLabel("Drag to reorder or nest; Alt+↑/↓ moves, Alt+→ nests under the one above, "
                           "Alt+← moves out.")
        tree_hint.setWordWrap(True)
        tree_hint.setStyleSheet("color: palette(placeholder-text);")
        buttons = QGridLayout()
        buttons.addWidget(self.add_button, 0, 0)
        buttons.addWidget(self.add_child_button, 0, 1)
        buttons.addWidget(self.delete_button, 1, 0)
        buttons.addWidget(self.merge_button, 1, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addWidget(tree_hint)
        left_layout.addLayout(buttons)

        # Right: the selected category.
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # category names are never markup
        heading_font = self.heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() + 2)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(200)
        self.name_edit.editingFinished.connect(self.commit_name)
        self.colour_button = QPushButton()
        self.colour_button.setToolTip("Choose any colour")
        self.colour_button.clicked.connect(self.choose_colour)
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
            button.clicked.connect(lambda _=False, c=colour: self.set_colour(c))
            palette_row.addWidget(button)
            self.palette_buttons.append(button)
        palette_row.addStretch(1)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.colour_button)
        colour_row.addLayout(palette_row, 1)
        self.shortcut_edit = ShortcutEdit()
        self.shortcut_edit.captured.connect(self.set_shortcut)
        self.clear_shortcut_button = QToolButton()
        self.clear_shortcut_button.setText("Clear")
        self.clear_shortcut_button.clicked.connect(lambda: self.set_shortcut(""))
        shortcut_row = QHBoxLayout()
        shortcut_row.addWidget(self.shortcut_edit, 1)
        shortcut_row.addWidget(self.clear_shortcut_button)
        self.guideline_edit = GuidelineEdit()
        self.guideline_edit.setPlaceholderText("When to use this category, when not, and an example. "
                                               "Coders see this in the palette and in Help → Coding guidelines.")
        self.guideline_edit.editingFinished.connect(self.commit_guideline)

        self.attributes = QTableWidget(0, len(_COLUMNS))
        self.attributes.setHorizontalHeaderLabels(list(_COLUMNS))
        self.attributes.verticalHeader().setVisible(False)
        self.attributes.setWordWrap(False)
        self.attributes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attributes.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.attributes.horizontalHeader()
        for column, mode in ((_NAME, QHeaderView.ResizeMode.Interactive), (_TYPE, QHeaderView.ResizeMode.ResizeToContents),
                             (_CHOICES, QHeaderView.ResizeMode.Stretch), (_DEFAULT, QHeaderView.ResizeMode.Interactive),
                             (_MIN, QHeaderView.ResizeMode.Interactive), (_MAX, QHeaderView.ResizeMode.Interactive)):
            header.setSectionResizeMode(column, mode)
        self.attributes.setColumnWidth(_NAME, 110)
        self.attributes.setColumnWidth(_DEFAULT, 90)
        self.attributes.setColumnWidth(_MIN, 48)
        self.attributes.setColumnWidth(_MAX, 48)
        self.attributes.itemChanged.connect(self._attribute_item_changed)
        self.add_attribute_button = QPushButton("Add attribute")
        self.remove_attribute_button = QPushButton("Remove attribute")
        self.add_attribute_button.clicked.connect(self.add_attribute)
        self.remove_attribute_button.clicked.connect(self.remove_attribute)
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
        self.form = QWidget()
        form_layout = QVBoxLayout(self.form)
        form_layout.setContentsMargins(8, 0, 0, 0)
        form_layout.addWidget(self.heading)
        form_layout.addLayout(form, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.form)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([280, 700])
        splitter.setChildrenCollapsible(False)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        note = QLabel("Changes are saved as you make them; Edit → Undo in the main window takes them back.")
        note.setStyleSheet("color: palette(placeholder-text);")
        bottom = QHBoxLayout()
        bottom.addWidget(note, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(1000, 620)
        self.refresh()
        if self.current_id is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    # -- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload from the project, keeping the selected category (or its nearest neighbour)."""
        previous = [c.id for c in self.categories]
        keep = self.current_id
        self.categories = self.project.categories()
        self.by_id = {c.id: c for c in self.categories}
        if keep is not None and keep not in self.by_id and keep in previous:
            index = previous.index(keep)  # deleted: select what stood next to it
            candidates = previous[index + 1:] + previous[:index][::-1]
            keep = next((c for c in candidates if c in self.by_id), None)
        self._loading = True
        try:
            collapsed = {cid for cid, item in self.items.items() if not item.isExpanded()}
            self.items = fill_category_tree(self.tree, self.categories)
            for cat in self.categories:
                if cat.description:
                    self.items[cat.id].setToolTip(0, f"<div style='max-width: 400px'>{_html(cat.description[:600])}</div>")
            for cid, item in self.items.items():
                item.setExpanded(cid not in collapsed)
            self.current_id = keep if keep in self.by_id else None
            if self.current_id is not None:
                self.tree.setCurrentItem(self.items[self.current_id])
        finally:
            self._loading = False
        self._show(self.current_id)

    def _current_changed(self, current: QTreeWidgetItem | None, _previous=None) -> None:
        if self._loading:
            return
        old = self.current()
        pending = (self.name_edit.text(), self.guideline_edit.toPlainText()) if old is not None else None
        self.current_id = current.data(0, _ID) if current is not None else None
        self._show(self.current_id)
        if old is not None and pending != (old.name, old.description):
            # A name or guideline still being typed when the selection changed without a focus change
            # (clicking the tree commits on focus-out first): commit it once the tree is done with this
            # signal, since a commit reloads the tree.
            QTimer.singleShot(0, lambda: self._commit_fields(old.id, *pending))

    def _commit_fields(self, category_id: str, name: str, description: str) -> None:
        cat = self.by_id.get(category_id)
        if cat is None:
            return
        if name != cat.name:
            self.run(UpdateCategory(cat.id, label=f"Rename {cat.name!r} to {name.strip()!r}", name=name))
            cat = self.by_id.get(category_id)
        if cat is not None and description != cat.description:
            self.run(UpdateCategory(cat.id, label=f"Edit guideline of {cat.name!r}", description=description))

    def current(self):
        return self.by_id.get(self.current_id) if self.current_id else None

    def _show(self, category_id: str | None) -> None:
        cat = self.by_id.get(category_id) if category_id else None
        self._loading = True
        try:
            for widget in (self.form, self.delete_button, self.merge_button, self.add_child_button):
                widget.setEnabled(cat is not None)
            self.merge_button.setEnabled(cat is not None and len(self.categories) > 1)
            if cat is None:
                self.heading.setText("No category selected")
                self.name_edit.clear()
                self.shortcut_edit.clear()
                self.guideline_edit.setPlainText("")
                self.attributes.setRowCount(0)
                self.colour_button.setIcon(swatch("#ffffff"))
                self.colour_button.setText("")
                return
            path = self.path_of(cat.id)
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
            self._fill_attributes(cat.attributes or [])
        finally:
            self._loading = False

    def path_of(self, category_id: str) -> str:
        names, cid = [], category_id
        while cid is not None and cid in self.by_id and len(names) < 100:
            names.insert(0, self.by_id[cid].name)
            cid = self.by_id[cid].parent_id
        return " › ".join(names)

    def select(self, category_id: str) -> None:
        item = self.items.get(category_id)
        if item is not None:
            self.tree.setCurrentItem(item)

    # -- running commands ----------------------------------------------------------------------

    def run(self, command) -> bool:
        """Hand ``command`` to the window's history, then reload (the window may reload us too)."""
        ok = self._run(command)
        self.refresh()
        return ok

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    # -- tree: add, move, delete, merge -------------------------------------------------------

    def _free_name(self, parent_id: str | None, base: str = "New category") -> str:
        taken = {c.name.casefold() for c in self.categories if c.parent_id == parent_id}
        name, n = base, 2
        while name.casefold() in taken:
            name, n = f"{base} {n}", n + 1
        return name

    def add_category(self, parent_id: str | None = None, name: str | None = None) -> str | None:
        """Add a category (under ``parent_id``), select it and put the cursor in its name."""
        self.commit_pending()
        name = name or self._free_name(parent_id)
        where = f" under {self.by_id[parent_id].name!r}" if parent_id in self.by_id else ""
        command = AddCategory(name, parent_id=parent_id, label=f"Add category {name!r}{where}")
        if not self.run(command):
            return None
        self.select(command.id)
        self.name_edit.setFocus()
        self.name_edit.selectAll()
        return command.id

    def _siblings(self, parent_id: str | None) -> list[str]:
        return [c.id for c in self.categories if c.parent_id == parent_id]

    def move_category(self, category_id: str, parent_id: str | None, index: int) -> bool:
        """Put a category under ``parent_id`` (None: the top level) at ``index`` among its new siblings
        (not counting itself): one undoable step. The drop handler and Alt+arrows call this."""
        self.commit_pending()
        cat = self.by_id.get(category_id)
        if cat is None or (parent_id is not None and parent_id not in self.by_id):
            return False
        siblings = [s for s in self._siblings(parent_id) if s != category_id]
        index = max(0, min(index, len(siblings)))
        if parent_id == cat.parent_id:
            if siblings[:index] + [category_id] + siblings[index:] == self._siblings(parent_id):
                return True  # dropped where it was
            label = f"Move {cat.name!r}"
        else:
            where = f"under {self.by_id[parent_id].name!r}" if parent_id is not None else "to the top level"
            label = f"Move {cat.name!r} {where}"
        return self.run(MoveCategory(category_id, parent_id, index, label=label))

    def move_by_key(self, way: str) -> bool:
        """Alt+Up/Down: among siblings; Alt+Right: under the sibling above; Alt+Left: out one level."""
        cat = self.current()
        if cat is None:
            return False
        siblings = self._siblings(cat.parent_id)
        index = siblings.index(cat.id)
        if way == "up":
            return index > 0 and self.move_category(cat.id, cat.parent_id, index - 1)
        if way == "down":
            return index < len(siblings) - 1 and self.move_category(cat.id, cat.parent_id, index + 1)
        if way == "in":
            if index == 0:
                return False
            above = siblings[index - 1]
            ok = self.move_category(cat.id, above, len(self._siblings(above)))
            if ok and above in self.items:
                self.items[above].setExpanded(True)
            return ok
        if way == "out":
            parent = self.by_id.get(cat.parent_id) if cat.parent_id else None
            if parent is None:
                return False
            outer = self._siblings(parent.parent_id)
            return self.move_category(cat.id, parent.parent_id, outer.index(parent.id) + 1)
        return False

    def _children_up(self, cat) -> tuple[list, str]:
        """``cat``'s subcategories, which a delete moves up to its parent, and a sentence saying so
        ("" without subcategories)."""
        children = [c for c in self.categories if c.parent_id == cat.id]
        if not children:
            return [], ""
        where = f"under “{self.by_id[cat.parent_id].name}”" if cat.parent_id in self.by_id else "to the top level"
        names = ", ".join(f"“{c.name}”" for c in children[:5]) + (" …" if len(children) > 5 else "")
        sentence = (f"Its subcategor{'y' if len(children) == 1 else 'ies'} {names} move{'s' if len(children) == 1 else ''} "
                    f"up one level, {where}, in its place.")
        return children, sentence

    def _targets(self, excluded: str, descendants: bool = True) -> list[tuple[str, str]]:
        """Other categories as (id, path); without ``excluded``'s own subcategories unless ``descendants``."""
        def inside(cid) -> bool:
            while cid is not None and cid in self.by_id:
                if cid == excluded:
                    return True
                cid = self.by_id[cid].parent_id
            return False
        return [(c.id, self.path_of(c.id)) for c in self.categories
                if c.id != excluded and (descendants or not inside(c.id))]

    def delete_current(self) -> bool:
        """Delete the selected category. Its annotations (if any): ask to move them or delete them."""
        cat = self.current()
        if cat is None:
            return False
        self.commit_pending()
        count = self.project.annotation_counts_by_category().get(cat.id, 0)
        children, note = self._children_up(cat)
        reassign_to, delete_annotations = None, False
        if count:
            answer = DeleteCategoryDialog.ask(self, cat.name, count, self._targets(cat.id), note)
            if answer is None:
                return False
            kind, target = answer
            reassign_to, delete_annotations = (target, False) if kind == "reassign" else (None, True)
        elif children:
            reply = QMessageBox.question(self, f"Delete “{cat.name}”", f"Delete “{cat.name}”? {note}",
                                         QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
            if reply != QMessageBox.StandardButton.Yes:
                return False
        if reassign_to is not None:
            label = f"Delete {cat.name!r}, moving {count} annotation{'s' if count != 1 else ''} to {self.by_id[reassign_to].name!r}"
        elif delete_annotations:
            label = f"Delete {cat.name!r} and its {count} annotation{'s' if count != 1 else ''}"
        else:
            label = f"Delete category {cat.name!r}"
        delete = DeleteCategoryLiftingChildren if children else DeleteCategory
        return self.run(delete(cat.id, reassign_to=reassign_to, delete_annotations=delete_annotations, label=label))

    def merge_current(self) -> bool:
        """Merge the selected category into another: its annotations move there, then it is deleted."""
        cat = self.current()
        if cat is None:
            return False
        self.commit_pending()
        targets = self._targets(cat.id, descendants=False)
        if not targets:
            self.warn("Merge", f"There is no other category to merge “{cat.name}” into.")
            return False
        count = self.project.annotation_counts_by_category().get(cat.id, 0)
        children = [c for c in self.categories if c.parent_id == cat.id]
        text = f"Move the {count} annotation{'s' if count != 1 else ''} of “{cat.name}” to this category"
        if children:
            text += f" and its {len(children)} subcategor{'y' if len(children) == 1 else 'ies'} under it"
        text += f", then delete “{cat.name}”:"
        title, ok = QInputDialog.getItem(self, f"Merge “{cat.name}” into…", text, [t for _, t in targets], 0, False)
        if not ok or title not in [t for _, t in targets]:
            return False
        return self.merge(cat.id, next(i for i, t in targets if t == title))

    def merge(self, source_id: str, target_id: str) -> bool:
        """Merge ``source_id`` into ``target_id`` as one undoable step: its annotations move to the
        target, its subcategories go under the target (after the target's own), and it is deleted."""
        self.commit_pending()
        ok = self.run(MergeCategory(source_id, target_id))  # labelled "Merge A into B"
        if ok:
            self.select(target_id)
        return ok

    # -- fields --------------------------------------------------------------------------------

    def commit_pending(self) -> None:
        """Commit a name or guideline still being typed (before the selection changes or the editor closes)."""
        if not self._loading:
            self.commit_name()
            self.commit_guideline()

    def commit_name(self) -> bool:
        cat = self.current()
        if cat is None or self._loading:
            return False
        name = self.name_edit.text()
        if name == cat.name:
            return True
        ok = self.run(UpdateCategory(cat.id, label=f"Rename {cat.name!r} to {name.strip()!r}", name=name))
        if not ok:
            self.name_edit.setText(cat.name)  # refused: the core's message was shown
        return ok

    def commit_guideline(self) -> bool:
        cat = self.current()
        if cat is None or self._loading:
            return False
        text = self.guideline_edit.toPlainText()
        if text == cat.description:
            return True
        ok = self.run(UpdateCategory(cat.id, label=f"Edit guideline of {cat.name!r}", description=text))
        if not ok:
            self._show(cat.id)
        return ok

    def set_colour(self, colour: str) -> bool:
        cat = self.current()
        if cat is None:
            return False
        self.commit_pending()
        cat = self.current()
        if colour.lower() == cat.colour:
            self._show(cat.id)  # re-check the right swatch
            return True
        return self.run(UpdateCategory(cat.id, label=f"Recolour {cat.name!r}", colour=colour))

    def choose_colour(self) -> bool:
        cat = self.current()
        if cat is None:
            return False
        colour = QColorDialog.getColor(QColor(cat.colour), self, f"Colour of “{cat.name}”")
        return colour.isValid() and self.set_colour(colour.name())

    def set_shortcut(self, text: str) -> bool:
        """Give the selected category a key ("" removes it). A key the application uses is refused
        here, naming the action; a key another category has is refused by the core."""
        cat = self.current()
        if cat is None:
            return False
        self.commit_pending()
        cat = self.current()
        text = key_text(text) if text else ""
        if text == (cat.shortcut or ""):
            self._show(cat.id)
            return True
        if text:
            problem = self.shortcut_problem(text)
            if problem:
                self.warn("Shortcut key", problem)
                self._show(cat.id)
                return False
        label = f"Set key of {cat.name!r} to {text}" if text else f"Remove key of {cat.name!r}"
        return self.run(UpdateCategory(cat.id, label=label, shortcut=text or None))

    def shortcut_problem(self, text: str) -> str:
        """Why ``text`` cannot be a category key ("" if it can, as far as the application goes)."""
        action = self.reserved.get(key_text(text).casefold())
        if action:
            return f"{text} is already the shortcut for “{action}”. Choose another key."
        sequence = QKeySequence(text)
        if sequence.count() == 1:
            combination = sequence[0]
            modifiers = combination.keyboardModifiers() & ~Qt.KeyboardModifier.ShiftModifier
            if combination.key() in _NAVIGATION and modifiers == Qt.KeyboardModifier.NoModifier:
                return f"{text} moves the cursor and selects text in the document. Choose another key."
        return ""

    # -- attributes ----------------------------------------------------------------------------

    def _fill_attributes(self, definitions: list[dict]) -> None:
        self.attributes.setRowCount(0)
        for definition in definitions:
            self._append_attribute_row(definition)

    def _append_attribute_row(self, definition: dict) -> None:
        row = self.attributes.rowCount()
        self.attributes.insertRow(row)
        kind = str(definition.get("type", AttributeType.TEXT.value))
        name_item = QTableWidgetItem(str(definition.get("name", "")))
        name_item.setData(_ID, dict(definition))  # the definition as stored (keeps keys this table does not show)
        self.attributes.setItem(row, _NAME, name_item)
        box = QComboBox()
        for attribute_type in AttributeType:  # exactly the types the core accepts
            box.addItem(attribute_type.label, attribute_type.value)
        box.setCurrentIndex(box.findData(kind))
        box.currentIndexChanged.connect(lambda _i, b=box: self._type_changed(b))
        self.attributes.setCellWidget(row, _TYPE, box)
        choices = definition.get("choices") or []
        cells = {
            _CHOICES: ", ".join(str(c) for c in choices) if isinstance(choices, list) else str(choices),
            _DEFAULT: schema.format_value(definition.get("default")),
            _MIN: schema.format_value(definition.get("min")),
            _MAX: schema.format_value(definition.get("max")),
        }
        for column, text in cells.items():
            item = QTableWidgetItem(text)
            usable = (column == _DEFAULT or (column == _CHOICES and AttributeType(kind).has_choices)
                      or (column in (_MIN, _MAX) and kind == AttributeType.NUMBER))
            if not usable and not text:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable & ~Qt.ItemFlag.ItemIsEnabled)
            self.attributes.setItem(row, column, item)

    def _type_changed(self, box: QComboBox) -> None:
        """A new type: clear what it cannot hold, then commit; a choice type waits for its choices."""
        if self._loading:
            return
        row = next((r for r in range(self.attributes.rowCount()) if self.attributes.cellWidget(r, _TYPE) is box), -1)
        if row < 0:
            return
        kind = box.currentData()
        self._loading = True
        try:
            for column, usable in ((_CHOICES, AttributeType(kind).has_choices), (_MIN, kind == AttributeType.NUMBER),
                                   (_MAX, kind == AttributeType.NUMBER)):
                item = self.attributes.item(row, column)
                if not usable:
                    item.setText("")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable if usable
                              else item.flags() & ~Qt.ItemFlag.ItemIsEditable & ~Qt.ItemFlag.ItemIsEnabled)
            default = self.attributes.item(row, _DEFAULT)
            try:
                schema.parse_value(kind, default.text().strip(), "")
            except ValidationError:
                default.setText("")  # e.g. "not checked" cannot be a number's default
        finally:
            self._loading = False
        choices = self.attributes.item(row, _CHOICES)
        if AttributeType(kind).has_choices and not choices.text().strip():
            self.attributes.setCurrentItem(choices)
            self.attributes.editItem(choices)  # committed once the choices are typed
            return
        self.commit_attributes()

    def _attribute_item_changed(self, _item) -> None:
        if not self._loading:
            self.commit_attributes()

    def attribute_definitions(self) -> list[dict]:
        """The table as definitions; ValidationError (with a message for the coder) on a bad number or yes/no."""
        definitions = []
        for row in range(self.attributes.rowCount()):
            stored = dict(self.attributes.item(row, _NAME).data(_ID) or {})
            name = self.attributes.item(row, _NAME).text().strip()
            kind = self.attributes.cellWidget(row, _TYPE).currentData()
            text = {column: (self.attributes.item(row, column).text().strip() if self.attributes.item(row, column) else "")
                    for column in (_CHOICES, _DEFAULT, _MIN, _MAX)}
            definition = {k: v for k, v in stored.items() if k not in ("name", "type", "choices", "default", "min", "max")}
            definition.update(name=name, type=kind)
            if AttributeType(kind).has_choices:
                definition["choices"] = [c.strip() for c in text[_CHOICES].split(",") if c.strip()]
            if text[_DEFAULT]:
                definition["default"] = schema.parse_value(kind, text[_DEFAULT], f"the default of “{name}”")
            if kind == AttributeType.NUMBER:
                for column, key in ((_MIN, "min"), (_MAX, "max")):
                    if text[column]:
                        definition[key] = schema.parse_value(kind, text[column], f"the {key} of “{name}”")
            definitions.append(definition)
        return definitions

    def commit_attributes(self) -> bool:
        cat = self.current()
        if cat is None or self._loading:
            return False
        try:
            definitions = self.attribute_definitions()
        except ValidationError as exc:
            self.warn("Attributes", str(exc))
            self._show(cat.id)
            return False
        if definitions == (cat.attributes or []):
            self._show(cat.id)  # e.g. enable the cells a new type uses
            return True
        return self.run(UpdateCategory(cat.id, label=f"Edit attributes of {cat.name!r}", attributes=definitions))

    def add_attribute(self) -> bool:
        cat = self.current()
        if cat is None:
            return False
        taken = {str(d.get("name", "")).casefold() for d in cat.attributes or []}
        name, n = "attribute", 2
        while name in taken:
            name, n = f"attribute {n}", n + 1
        ok = self.run(UpdateCategory(cat.id, label=f"Add attribute {name!r} to {cat.name!r}",
                                     attributes=[*(cat.attributes or []), {"name": name, "type": "text"}]))
        if ok:
            row = self.attributes.rowCount() - 1
            self.attributes.setCurrentCell(row, _NAME)
            self.attributes.editItem(self.attributes.item(row, _NAME))
        return ok

    def remove_attribute(self) -> bool:
        cat = self.current()
        row = self.attributes.currentRow()
        if cat is None or not 0 <= row < len(cat.attributes or []):
            return False
        definitions = list(cat.attributes)
        removed = definitions.pop(row)
        return self.run(UpdateCategory(cat.id, label=f"Remove attribute {removed.get('name')!r} of {cat.name!r}",
                                       attributes=definitions))

    # -- closing -------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self.commit_pending()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.commit_pending()
        super().closeEvent(event)

