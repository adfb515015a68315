"""The schema editor's category tree: drag and drop and Alt+arrows ask for a move, they do not move."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from annotator.gui.widgets import CATEGORY_ID


class CategoryTree(QTreeWidget):
    """The category tree. Drops and Alt+arrows do not move items themselves: they ask the editor
    (``moveRequested(category_id, parent_id or None, index among the new siblings)``), which runs the
    core command and reloads."""

    moveRequested = Signal(str, object, int)
    keyMove = Signal(str)

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
        drop = QAbstractItemView.DropIndicatorPosition
        if item is None or position == drop.OnViewport:
            return None, self.topLevelItemCount()
        if item is moving and position == drop.OnItem:
            return None
        if position == drop.OnItem:
            siblings = [item.child(i) for i in range(item.childCount())]
            return item.data(0, CATEGORY_ID), len([s for s in siblings if s is not moving])
        parent = item.parent()
        siblings = ([parent.child(i) for i in range(parent.childCount())] if parent is not None
                    else [self.topLevelItem(i) for i in range(self.topLevelItemCount())])
        siblings = [s for s in siblings if s is not moving]
        index = siblings.index(item) if item in siblings else len(siblings)
        if position == drop.BelowItem:
            index += 1
        return (parent.data(0, CATEGORY_ID) if parent is not None else None), index

    def dropEvent(self, event) -> None:
        moving = self.currentItem()
        target = self.drop_target(self.itemAt(event.position().toPoint()), self.dropIndicatorPosition())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()  # the items stay; the editor reloads from the project after the command
        if moving is not None and target is not None:
            self.moveRequested.emit(moving.data(0, CATEGORY_ID), target[0], target[1])

    def keyPressEvent(self, event) -> None:
        if event.modifiers() == Qt.KeyboardModifier.AltModifier and self.currentItem() is not None:
            way = {Qt.Key.Key_Up: "up", Qt.Key.Key_Down: "down", Qt.Key.Key_Right: "in", Qt.Key.Key_Left: "out"}
            if event.key() in way:
                self.keyMove.emit(way[event.key()])
                event.accept()
                return
        super().keyPressEvent(event)
