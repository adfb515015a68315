"""Help → Keyboard Shortcuts: every action's key sequence, grouped by section, with a filter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

NO_SHORTCUT = "—"

Rows = list[tuple[str, str]]  # (what the action does, its key sequence in the platform's native text)


def describe_actions(actions: Mapping[str, QAction]) -> Rows:
    """Rows for ``ShortcutsDialog`` from actions, in their order: the text without mnemonic '&'
    (a literal '&&' stays '&') and the shortcut as the platform shows it, "—" for none."""
    rows = []
    for action in actions.values():
        if action.isSeparator():
            continue
        text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        native = QKeySequence.SequenceFormat.NativeText
        keys = ", ".join(s.toString(native) for s in action.shortcuts() if not s.isEmpty())
        rows.append((text, keys or NO_SHORTCUT))
    return rows


class ShortcutsDialog(QDialog):
    """Lists shortcuts by section; typing in the filter field hides the rows that do not match."""

    def __init__(self, sections: Sequence[tuple[str, Rows]], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Type to filter…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter shortcuts")
        self.filter_edit.textChanged.connect(self.apply_filter)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)  # sections always open: nothing to hunt for
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for title, rows in sections:
            section = QTreeWidgetItem(self.tree, [title])
            section.setFirstColumnSpanned(True)
            section.setFont(0, bold)
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading, not something to select
            for text, keys in rows:
                QTreeWidgetItem(section, [text, keys])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(1)
        self.tree.setColumnWidth(1, max(self.tree.columnWidth(1) + 24, 120))  # air at the right edge

        self.no_match = QLabel("No shortcut matches the filter.")
        self.no_match.setEnabled(False)
        self.no_match.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree)
        layout.addWidget(self.no_match)
        layout.addWidget(buttons)
        self.filter_edit.setFocus()
        self.resize(520, 480)

    def apply_filter(self, text: str | None = None) -> None:
        """Show the rows whose action or shortcut contains ``text`` (case-insensitive); a section
        whose title matches shows all its rows; sections left without rows are hidden."""
        needle = (self.filter_edit.text() if text is None else text).strip().casefold()
        any_shown = False
        for i in range(self.tree.topLevelItemCount()):
            section = self.tree.topLevelItem(i)
            whole = needle in section.text(0).casefold()
            shown = 0
            for j in range(section.childCount()):
                row = section.child(j)
                match = whole or needle in row.text(0).casefold() or needle in row.text(1).casefold()
                row.setHidden(not match)
                shown += match
            section.setHidden(shown == 0)
            any_shown |= shown > 0
        self.no_match.setVisible(not any_shown)

    def visible_rows(self) -> list[tuple[str, str, str]]:
        """(section, action, shortcut) of the rows shown now, in order."""
        rows = []
        for i in range(self.tree.topLevelItemCount()):
            section = self.tree.topLevelItem(i)
            if section.isHidden():
                continue
            for j in range(section.childCount()):
                row = section.child(j)
                if not row.isHidden():
                    rows.append((section.text(0), row.text(0), row.text(1)))
        return rows
