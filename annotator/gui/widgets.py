"""Small shared widget helpers."""

from __future__ import annotations

import html
from collections.abc import Container, Iterable
from functools import lru_cache

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

CATEGORY_ID = Qt.ItemDataRole.UserRole  # where category items keep their id
ITEM_ID = Qt.ItemDataRole.UserRole  # where the items of a check list keep theirs


def plain(text: str) -> str:
    """``text`` for a tooltip or message box, shown as it is: Qt renders a text that looks like
    HTML (a document titled "<h1 style='color:red'>…") as rich text, so such a text is escaped."""
    if not QtGui.Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"


@lru_cache(maxsize=512)
def swatch(colour: str, size: int = 14) -> QIcon:
    """A square icon filled with ``colour``, with a thin darker border (cached: views ask per row)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    painter = QPainter(pixmap)
    painter.setPen(QColor(colour).darker(140))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)


def column(*widgets: QWidget, margins: tuple[int, int, int, int] = (0, 0, 0, 0), spacing: int = 0) -> QWidget:
    """A widget holding ``widgets`` one above the other."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    for widget in widgets:
        layout.addWidget(widget)
    return holder


def check_list(items: Iterable[tuple[str, str]], ticked: Container[str] | None = None) -> QListWidget:
    """A list of (id, name) items with check boxes, each ticked when ``ticked`` is None or holds its id.
    A long name is cut short in the middle ("…") rather than scrolled sideways; its tooltip is whole."""
    widget = QListWidget()
    widget.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    for item_id, name in items:
        item = QListWidgetItem(" ".join(name.split()))
        item.setToolTip(name)
        item.setData(ITEM_ID, item_id)
        on = ticked is None or item_id in ticked
        item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def checked_ids(widget: QListWidget) -> list[str]:
    """The ids of a ``check_list``'s ticked items, in order."""
    return [widget.item(i).data(ITEM_ID) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]


def check_list_box(title: str, widget: QListWidget) -> QGroupBox:
    """``widget`` (a ``check_list``) under ``title``, with buttons that tick all its items or none."""
    box = QGroupBox(title)
    toggles = QHBoxLayout()
    for label, state in (("All", Qt.CheckState.Checked), ("None", Qt.CheckState.Unchecked)):
        button = QPushButton(label)
        button.clicked.connect(lambda _=False, s=state: _tick_all(widget, s))
        toggles.addWidget(button)
    toggles.addStretch(1)
    layout = QVBoxLayout(box)
    layout.addWidget(widget)
    layout.addLayout(toggles)
    return box


def _tick_all(widget: QListWidget, state: Qt.CheckState) -> None:
    for row in range(widget.count()):
        widget.item(row).setCheckState(state)


def fill_category_combo(combo: QComboBox, categories) -> None:
    """One entry per category (swatch, name; data: its id), keeping the current choice."""
    current = combo.currentData()
    combo.clear()
    for cat in categories:
        combo.addItem(swatch(cat.colour), cat.name, cat.id)
    if current is not None:
        combo.setCurrentIndex(max(0, combo.findData(current)))


def fill_category_tree(tree: QTreeWidget, categories) -> dict[str, QTreeWidgetItem]:
    """The categories (parents before children) as a tree: swatch and name, then the key; each
    item's id under CATEGORY_ID. Returns the items by id."""
    tree.clear()
    items: dict[str, QTreeWidgetItem] = {}
    for cat in categories:
        parent = items.get(cat.parent_id)
        item = QTreeWidgetItem(parent) if parent is not None else QTreeWidgetItem(tree)
        item.setIcon(0, swatch(cat.colour))
        item.setText(0, cat.name)
        item.setText(1, cat.shortcut or "")
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
        item.setData(0, CATEGORY_ID, cat.id)
        items[cat.id] = item
    return items


def target_allowed(parent, title: str, path) -> bool:
    """False, after a message box with the one-line reason, when ``path`` must not be written
    (a project, its -wal/-shm/-journal, a folder: outputs.check_target)."""
    from PySide6.QtWidgets import QMessageBox

    from annotator.core.files import OutputError, check_target

    try:
        check_target(path)
    except OutputError as exc:
        QMessageBox.warning(parent, title, str(exc))
        return False
    return True


def add_dock(window: QMainWindow, title: str, widget: QWidget, area) -> QDockWidget:
    """``widget`` in a movable, closable, floatable dock of ``window`` (named for saveState)."""
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock-{title.lower()}")
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetClosable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    window.addDockWidget(area, dock)
    return dock


def report_table(headers: list[str]) -> QTableWidget:
    """A read-only table of a report (the agreement dashboard's): whole rows selected, alternating rows."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fit_columns(table: QTableWidget, stretch) -> None:
    """Columns as wide as their contents and headers; the ``stretch`` columns share what is left of
    the table's width (and are cut short, with "…", rather than push the others out of view)."""
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    stretch = set(stretch)
    for column in range(table.columnCount()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column in stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
