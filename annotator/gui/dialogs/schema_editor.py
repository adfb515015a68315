"""The schema editor: the category tree on the left (add, delete, merge, reorder and re-parent by drag
and drop or Alt+arrows), the selected category's name, colour, shortcut key, guideline and attribute
definitions on the right.

Every change is one core command handed to ``run`` (the window's ``History.run``): it is committed at
once, undoable with the window's Ctrl+Z, and refused with the core's message. The editor never keeps
its own copy of the truth: after each change (and whenever the window calls ``refresh()``, e.g. after
an undo) it reloads from ``project.categories()``. Merging, deleting a category with subcategories
and moving one to a place under another are each one core command (MergeCategory,
DeleteCategoryLiftingChildren, MoveCategory): one transaction, one undo step.

Its parts: category_tree.py (the tree), category_form.py (the fields on the right and which keys a
category may take), attribute_table.py (the attribute definitions), delete_category_dialog.py (what
a delete asks, and the command it makes).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import ValidationError, quoted
from annotator.core.project.commands import AddCategory, MergeCategory, MoveCategory, UpdateCategory
from annotator.gui.dialogs.attribute_table import NAME
from annotator.gui.dialogs.category_form import CategoryForm, key_problem, key_text
from annotator.gui.dialogs.category_tree import CategoryTree
from annotator.gui.dialogs.delete_category_dialog import ask_delete
from annotator.gui.widgets import CATEGORY_ID, fill_category_tree

_ID = CATEGORY_ID


def _text_edit(cat, field: str, text: str) -> UpdateCategory:
    """The command that gives ``cat`` the name or guideline (``field``: "name" or "description") typed."""
    label = (f"Rename {quoted(cat.name)} to {quoted(text.strip())}" if field == "name"
             else f"Edit guideline of {quoted(cat.name)}")
    return UpdateCategory(cat.id, label=label, version=cat.version, **{field: text})


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
        self.form = CategoryForm()
        form = self.form
        self.name_edit, self.guideline_edit = form.name_edit, form.guideline_edit
        self.shortcut_edit, self.colour_button = form.shortcut_edit, form.colour_button
        self.palette_buttons, self.attributes = form.palette_buttons, form.attributes
        self.add_attribute_button = form.add_attribute_button
        self.remove_attribute_button = form.remove_attribute_button
        self.name_edit.editingFinished.connect(self.commit_name)
        self.colour_button.clicked.connect(self.choose_colour)
        form.colourPicked.connect(self.set_colour)
        self.shortcut_edit.captured.connect(self.set_shortcut)
        form.clear_shortcut_button.clicked.connect(lambda: self.set_shortcut(""))
        self.guideline_edit.editingFinished.connect(self.commit_guideline)
        self.attributes.edited.connect(self.commit_attributes)
        self.add_attribute_button.clicked.connect(self.add_attribute)
        self.remove_attribute_button.clicked.connect(self.remove_attribute)

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
        # Return in a field commits it; it must not also press a button (a dialog's buttons are
        # "auto default": Return in the Name field would add a category, or close the editor).
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
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
                    tip = html.escape(cat.description[:600])
                    self.items[cat.id].setToolTip(0, f"<div style='max-width: 400px'>{tip}</div>")
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
            self.run(_text_edit(cat, "name", name))
            cat = self.by_id.get(category_id)
        if cat is not None and description != cat.description:
            self.run(_text_edit(cat, "description", description))

    def current(self):
        return self.by_id.get(self.current_id) if self.current_id else None

    def _show(self, category_id: str | None) -> None:
        cat = self.by_id.get(category_id) if category_id else None
        self._loading = True
        try:
            for widget in (self.form, self.delete_button, self.merge_button, self.add_child_button):
                widget.setEnabled(cat is not None)
            self.merge_button.setEnabled(cat is not None and len(self.categories) > 1)
            self.form.show_category(cat, self.path_of(cat.id) if cat is not None else "")
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
        where = f" under {quoted(self.by_id[parent_id].name)}" if parent_id in self.by_id else ""
        command = AddCategory(name, parent_id=parent_id, label=f"Add category {quoted(name)}{where}")
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
            label = f"Move {quoted(cat.name)}"
        else:
            where = f"under {quoted(self.by_id[parent_id].name)}" if parent_id is not None else "to the top level"
            label = f"Move {quoted(cat.name)} {where}"
        return self.run(MoveCategory(category_id, parent_id, index, label=label, version=cat.version))

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
        command = ask_delete(self, cat, self.categories, count, self._targets(cat.id) if count else [])
        return command is not None and self.run(command)

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
        source = next((c for c in self.categories if c.id == source_id), None)
        ok = self.run(MergeCategory(source_id, target_id, version=source.version if source else None))
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
        return self._commit_text("name", self.name_edit.text(), lambda cat: self.name_edit.setText(cat.name))

    def commit_guideline(self) -> bool:
        return self._commit_text("description", self.guideline_edit.toPlainText(), lambda cat: self._show(cat.id))

    def _commit_text(self, field: str, text: str, refused) -> bool:
        """Commit the selected category's typed name or guideline (``field``); when the core refuses
        it (its message was shown), ``refused(cat)`` puts the field back."""
        cat = self.current()
        if cat is None or self._loading:
            return False
        if text == getattr(cat, field):
            return True
        ok = self.run(_text_edit(cat, field, text))
        if not ok:
            refused(cat)
        return ok

    def _current_committed(self):
        """The selected category (None: none) once a name or guideline still being typed is committed."""
        if self.current() is None:
            return None
        self.commit_pending()
        return self.current()

    def _update(self, cat, unchanged: bool, label: str, **fields) -> bool:
        """Give ``cat`` the ``fields`` as one command; if that changes nothing, show it again instead (to
        re-check the right swatch, or enable the cells a new attribute type uses)."""
        if unchanged:
            self._show(cat.id)
            return True
        return self.run(UpdateCategory(cat.id, label=label, version=cat.version, **fields))

    def set_colour(self, colour: str) -> bool:
        cat = self._current_committed()
        if cat is None:
            return False
        return self._update(cat, colour.lower() == cat.colour, f"Recolour {quoted(cat.name)}", colour=colour)

    def choose_colour(self) -> bool:
        cat = self.current()
        if cat is None:
            return False
        colour = QColorDialog.getColor(QColor(cat.colour), self, f"Colour of “{cat.name}”")
        return colour.isValid() and self.set_colour(colour.name())

    def set_shortcut(self, text: str) -> bool:
        """Give the selected category a key ("" removes it). A key the application uses is refused
        here, naming the action; a key another category has is refused by the core."""
        cat = self._current_committed()
        if cat is None:
            return False
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
        label = f"Set key of {quoted(cat.name)} to {text}" if text else f"Remove key of {quoted(cat.name)}"
        return self.run(UpdateCategory(cat.id, label=label, version=cat.version, shortcut=text or None))

    def shortcut_problem(self, text: str) -> str:
        """Why ``text`` cannot be a category key ("" if it can, as far as the application goes)."""
        return key_problem(text, self.reserved)

    # -- attributes ----------------------------------------------------------------------------

    def commit_attributes(self) -> bool:
        cat = self.current()
        if cat is None or self._loading:
            return False
        try:
            definitions = self.attributes.definitions()
        except ValidationError as exc:
            self.warn("Attributes", str(exc))
            self._show(cat.id)
            return False
        return self._update(cat, definitions == (cat.attributes or []), f"Edit attributes of {quoted(cat.name)}",
                            attributes=definitions)

    def add_attribute(self) -> bool:
        cat = self.current()
        if cat is None:
            return False
        taken = {str(d.get("name", "")).casefold() for d in cat.attributes or []}
        name, n = "attribute", 2
        while name in taken:
            name, n = f"attribute {n}", n + 1
        ok = self.run(UpdateCategory(cat.id, label=f"Add attribute {quoted(name)} to {quoted(cat.name)}",
                                     version=cat.version,
                                     attributes=[*(cat.attributes or []), {"name": name, "type": "text"}]))
        if ok:
            row = self.attributes.rowCount() - 1
            self.attributes.setCurrentCell(row, NAME)
            self.attributes.editItem(self.attributes.item(row, NAME))
        return ok

    def remove_attribute(self) -> bool:
        cat = self.current()
        row = self.attributes.currentRow()
        if cat is None or not 0 <= row < len(cat.attributes or []):
            return False
        definitions = list(cat.attributes)
        removed = definitions.pop(row)
        label = f"Remove attribute {quoted(removed.get('name'))} of {quoted(cat.name)}"
        return self.run(UpdateCategory(cat.id, label=label, version=cat.version, attributes=definitions))

    # -- closing -------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self.commit_pending()
        super().done(result)

    def closeEvent(self, event) -> None:
        self.commit_pending()
        super().closeEvent(event)
