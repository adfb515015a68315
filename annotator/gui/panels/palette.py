"""The category palette: the schema's categories with colour, shortcut and guideline (tooltip).
Clicking one annotates the selected text with it, or moves the selected annotation to it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.widgets import CATEGORY_ID, fill_category_tree

_ID = CATEGORY_ID


class CategoryPalette(QWidget):
    categoryChosen = Signal(str)
    editRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.hint = QLabel("Select text, then press a category's key or click it here.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.list = QTreeWidget()
        self.list.setColumnCount(2)
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setIndentation(12)
        self.list.header().setStretchLastSection(False)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # clicking must not take focus from the text
        self.list.itemClicked.connect(self._chosen)
        self.list.itemActivated.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.edit_button = QPushButton("Edit schema…")
        self.edit_button.setToolTip("Add, rename, recolour, reorder or merge categories; keys, guidelines, attributes")
        self.edit_button.clicked.connect(self.editRequested)
        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        layout.addWidget(self.edit_button, alignment=Qt.AlignmentFlag.AlignRight)

    def set_categories(self, categories) -> None:
        """``categories``: the project's Category rows in schema order (parents before children)."""
        items = fill_category_tree(self.list, categories)
        for cat in categories:
            item = items[cat.id]
            tip = f"<b>{html.escape(cat.name)}</b>"
            if cat.shortcut:
                tip += f" — key <b>{html.escape(cat.shortcut)}</b>"
            if cat.description:
                tip += f"<p>{html.escape(cat.description)}</p>"
            for column in (0, 1):
                item.setToolTip(column, f"<div style='max-width: 420px'>{tip}</div>")
        self.list.expandAll()

    def category_ids(self) -> list[str]:
        ids: list[str] = []
        iterator = [self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount())]
        while iterator:
            item = iterator.pop(0)
            ids.append(item.data(0, _ID))
            iterator[0:0] = [item.child(i) for i in range(item.childCount())]
        return ids

    def _chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.list.clearSelection()
        self.categoryChosen.emit(item.data(0, _ID))
