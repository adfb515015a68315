"""The layers panel: show or hide each category and each annotator, or only my annotations. The
gold layer (adjudication's) is not listed among the annotators but under a group of its own,
"Adjudication", in its own look (gui/gold_layer.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from annotator.gui import gold_layer
from annotator.gui.widgets import swatch

_ID = Qt.ItemDataRole.UserRole


class LayersPanel(QWidget):
    """``changed()`` after any toggle; read ``hidden_categories`` and ``hidden_annotators``."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.only_mine = QCheckBox("Only &mine")
        self.only_mine.setToolTip("Show only the current annotator's annotations")
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(14)
        self.categories_root = QTreeWidgetItem(self.tree, ["Categories"])
        self.gold_root = QTreeWidgetItem(self.tree, ["Adjudication"])
        self.annotators_root = QTreeWidgetItem(self.tree, ["Annotators"])
        for root in (self.categories_root, self.gold_root, self.annotators_root):
            root.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = root.font(0)
            font.setBold(True)
            root.setFont(0, font)
        self.me: str | None = None
        self._shape: tuple | None = None  # the layers set_layers last made, with the coder
        self._filling = False
        self.tree.itemChanged.connect(self._item_changed)
        self.only_mine.toggled.connect(self._only_mine_toggled)
        self.blind_note = QLabel("Blind coding is on: you see only your own annotations.")
        self.blind_note.setWordWrap(True)
        self.blind_note.setToolTip("The project's lead turns it off in File → Project Settings…")
        self.blind_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.blind_note)
        layout.addWidget(self.only_mine)
        layout.addWidget(self.tree)

    @property
    def hidden_categories(self) -> set[str]:
        return {item.data(0, _ID) for item in self._children(self.categories_root)
                if item.checkState(0) != Qt.CheckState.Checked}

    @property
    def hidden_annotators(self) -> set[str]:
        return {item.data(0, _ID) for item in self._annotator_items()
                if item.checkState(0) != Qt.CheckState.Checked
                or (self.only_mine.isChecked() and item.data(0, _ID) != self.me)}

    def set_layers(self, categories, annotators, category_counts: dict[str, int] | None,
                   annotator_counts: dict[str, int] | None, me: str | None) -> None:
        """``categories``: (id, name, colour) in schema order; ``annotators``: (id, name). Counts are
        the current document's (None while a long one is still being read: shown as "…"). A layer
        keeps its shown/hidden state across refreshes."""
        shape = (tuple(categories), tuple(annotators), me)
        if shape == self._shape:  # the same layers (after an edit): only their counts change
            return self._set_counts(categories, annotators, category_counts, annotator_counts)
        self._shape = shape
        hidden_c, hidden_a = self.hidden_categories, {i.data(0, _ID) for i in self._annotator_items()
                                                      if i.checkState(0) != Qt.CheckState.Checked}
        self.me = me
        self._filling = True
        try:
            for root in (self.categories_root, self.gold_root, self.annotators_root):
                root.takeChildren()
            for cat_id, name, colour in categories:
                item = self._add(self.categories_root, cat_id, f"{name} ({_count(category_counts, cat_id)})",
                                 cat_id not in hidden_c)
                item.setIcon(0, swatch(colour))
            for ann_id, name in annotators:
                if gold_layer.is_gold(ann_id):
                    self._add_gold(name, _count(annotator_counts, ann_id), ann_id not in hidden_a)
                    continue
                self._add(self.annotators_root, ann_id, self._coder_label(ann_id, name, annotator_counts),
                          ann_id not in hidden_a)
            self.gold_root.setHidden(self.gold_root.childCount() == 0)
            self.tree.expandAll()
            self._only_mine_toggled(self.only_mine.isChecked(), emit=False)
        finally:
            self._filling = False

    def _coder_label(self, ann_id: str, name: str, counts: dict[str, int] | None) -> str:
        return f"{name}{' (you)' if ann_id == self.me else ''} ({_count(counts, ann_id)})"

    def _set_counts(self, categories, annotators, category_counts: dict[str, int] | None,
                    annotator_counts: dict[str, int] | None) -> None:
        """The counts shown beside the layers set_layers made last (the same, in the same order)."""
        self._filling = True
        try:
            for item, (cat_id, name, _) in zip(self._children(self.categories_root), categories):
                item.setText(0, f"{name} ({_count(category_counts, cat_id)})")
            coders = iter(self._children(self.annotators_root))
            for ann_id, name in annotators:
                if gold_layer.is_gold(ann_id):
                    name = name.removeprefix(gold_layer.MARK).strip()
                    self.gold_root.child(0).setText(0, f"{name} ({_count(annotator_counts, ann_id)})")
                else:
                    next(coders).setText(0, self._coder_label(ann_id, name, annotator_counts))
        finally:
            self._filling = False

    def show_blind(self, on: bool) -> None:
        """With blind coding on, the panel says so, and "Only mine" has nothing more to hide."""
        self.blind_note.setVisible(on)
        self.only_mine.setEnabled(not on)

    def show_only_annotators(self, ids) -> None:
        """Show these coders' layers (and every category), hide the other coders'."""
        wanted = set(ids)
        self._filling = True
        for item in self._children(self.categories_root):
            item.setCheckState(0, Qt.CheckState.Checked)
        for item in self._annotator_items():
            item.setCheckState(0, Qt.CheckState.Checked if item.data(0, _ID) in wanted else Qt.CheckState.Unchecked)
        self._filling = False
        if self.only_mine.isChecked():
            self.only_mine.setChecked(False)  # emits changed
        else:
            self.changed.emit()

    def show_all(self) -> None:
        self._filling = True
        for root in (self.categories_root, self.gold_root, self.annotators_root):
            for item in self._children(root):
                item.setCheckState(0, Qt.CheckState.Checked)
        self._filling = False
        self.only_mine.setChecked(False)
        self.changed.emit()

    def _add(self, root, item_id: str, label: str, shown: bool) -> QTreeWidgetItem:
        item = QTreeWidgetItem(root, [label])
        item.setData(0, _ID, item_id)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(0, Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)
        return item

    def _add_gold(self, name: str, count: int | str, shown: bool) -> None:
        name = name.removeprefix(gold_layer.MARK).strip()  # the star is its icon here
        item = self._add(self.gold_root, gold_layer.GOLD_ID, f"{name} ({count})", shown)
        item.setIcon(0, gold_layer.star_icon())
        item.setForeground(0, gold_layer.ink())
        item.setBackground(0, gold_layer.background())
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setToolTip(0, gold_layer.ABOUT)

    def _annotator_items(self) -> list[QTreeWidgetItem]:
        """The coders' layers and the gold layer's."""
        return self._children(self.annotators_root) + self._children(self.gold_root)

    @staticmethod
    def _children(root):
        return [root.child(i) for i in range(root.childCount())]

    def _item_changed(self, _item, _column) -> None:
        if not self._filling:
            self.changed.emit()

    def _only_mine_toggled(self, on: bool, emit: bool = True) -> None:
        for item in self._annotator_items():
            item.setDisabled(on and item.data(0, _ID) != self.me)
        if emit:
            self.changed.emit()


def _count(counts: dict[str, int] | None, key: str) -> int | str:
    return "…" if counts is None else counts.get(key, 0)
