"""Find in document: a bar over the text with next/previous, a match count, and "annotate all
matches" with a chosen category."""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.widgets import fill_category_combo


def find_all(text: str, needle: str, match_case: bool = False, whole_words: bool = False) -> list[tuple[int, int]]:
    """Every non-overlapping occurrence of ``needle`` in ``text`` as code-point spans."""
    if not needle:
        return []
    pattern = re.escape(needle)
    if whole_words:
        pattern = rf"(?<!\w){pattern}(?!\w)"
    flags = 0 if match_case else re.IGNORECASE
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, flags)]


class FindBar(QWidget):
    """Emits ``matchChosen(start, end)`` to select a match and ``annotateAll(category_id)``."""

    matchChosen = Signal(int, int)
    matchesChanged = Signal()
    annotateAll = Signal(str)
    closed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.text = ""
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find in document")
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(150)
        self.case = QCheckBox("&Case")
        self.case.setToolTip("Match case")
        self.words = QCheckBox("&Words")
        self.words.setToolTip("Whole words only")
        self.previous_button = QToolButton(text="▲")
        self.previous_button.setToolTip("Previous match (Shift+F3)")
        self.next_button = QToolButton(text="▼")
        self.next_button.setToolTip("Next match (F3)")
        self.count = QLabel("")
        self.category = QComboBox()
        self.category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.category.setMinimumContentsLength(12)
        self.category.setToolTip("Category for “Annotate all”")
        self.annotate_button = QPushButton("&Annotate all")
        self.annotate_button.setToolTip("Annotate every match with the chosen category (one undoable step)")
        self.close_button = QToolButton(text="✕")
        self.close_button.setToolTip("Close (Esc)")
        # Three groups that wrap onto a second (and third) row when the bar is narrow, so that opening
        # it never widens the centre of the window (which would narrow the side panels).
        self.groups = [_group(self.edit, self.previous_button, self.next_button, self.count),
                       _group(self.case, self.words), _group(self.category, self.annotate_button)]
        self.groups[0].layout().setStretch(0, 1)  # the search field takes the room there is
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(8, 4, 8, 4)
        self._rows.setSpacing(4)
        self._rows.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # minimumSizeHint says it
        self._arrangement: list[list[int]] = []
        self._arrange(10_000)
        for signal in (self.edit.textChanged, self.case.toggled, self.words.toggled):
            signal.connect(self.search)
        for signal in (self.edit.returnPressed, self.next_button.clicked):
            signal.connect(self.next)
        self.previous_button.clicked.connect(self.previous)
        self.annotate_button.clicked.connect(self._annotate_all)
        self.close_button.clicked.connect(self.close_bar)

    # -- layout --------------------------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:
        """As narrow as the widest group beside the close button: the bar wraps to fit."""
        margins = self._rows.contentsMargins()
        width = max(g.minimumSizeHint().width() for g in self.groups) + self.close_button.sizeHint().width() + 8
        return QSize(width + margins.left() + margins.right(), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        """Put the groups on as few rows as ``width`` holds, in order; the close button ends the first."""
        margins = self._rows.contentsMargins()
        room = width - margins.left() - margins.right()
        spacing = 12
        rows: list[list[int]] = [[]]
        used = self.close_button.sizeHint().width() + spacing
        for number, group in enumerate(self.groups):
            wanted = group.sizeHint().width() + spacing
            if rows[-1] and used + wanted > room:
                rows.append([])
                used = 0
            rows[-1].append(number)
            used += wanted
        if rows == self._arrangement:
            return
        self._arrangement = rows
        while self._rows.count():
            row = self._rows.takeAt(0).layout()
            while row.count():
                row.takeAt(0)
            row.deleteLater()
        for index, numbers in enumerate(rows):
            row = QHBoxLayout()
            row.setSpacing(spacing)
            for number in numbers:
                row.addWidget(self.groups[number], 1 if number == 0 else 0)
            if index == 0:
                row.addStretch(0 if 0 in numbers else 1)
                row.addWidget(self.close_button)
            else:
                row.addStretch(1)
            self._rows.addLayout(row)
        self.updateGeometry()

    def _fit_count(self) -> None:
        """Room for the longest text the count shows for these matches ("118 matches", "118 of 118")."""
        n = len(self.matches)
        metrics = self.count.fontMetrics()
        widest = max(metrics.horizontalAdvance(text) for text in ("No matches", f"{n} matches", f"{n} of {n}"))
        if self.count.minimumWidth() != widest + 2:
            self.count.setMinimumWidth(widest + 2)
            self._arrangement = []  # the groups' widths changed: arrange again
            self._arrange(self.width())

    def set_categories(self, categories) -> None:
        fill_category_combo(self.category, categories)

    def set_text(self, text: str) -> None:
        self.text = text
        self.search()

    def search(self, *_args, near: int = 0) -> None:
        self.matches = find_all(self.text, self.edit.text(), self.case.isChecked(), self.words.isChecked())
        self.current = -1
        self.matchesChanged.emit()
        self._fit_count()
        self._update_count()
        self.annotate_button.setEnabled(bool(self.matches))

    def next(self) -> None:
        self._step(1)

    def previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self.matches:
            return
        if self.current >= 0:
            self.current = (self.current + delta) % len(self.matches)
        else:
            self.current = 0 if delta > 0 else len(self.matches) - 1
        self._update_count()
        self.matchChosen.emit(*self.matches[self.current])

    def _update_count(self) -> None:
        if not self.edit.text():
            self.count.setText("")
        elif not self.matches:
            self.count.setText("No matches")
        elif self.current < 0:
            self.count.setText(f"{len(self.matches)} match{'es' if len(self.matches) != 1 else ''}")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.matches)}")

    def _annotate_all(self) -> None:
        if self.matches and self.category.currentData():
            self.annotateAll.emit(self.category.currentData())

    def open_bar(self, initial: str = "") -> None:
        self.show()
        self.search()
        if initial and "\n" not in initial:
            self.edit.setText(initial)
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.matches = []
        self.matchesChanged.emit()
        self.closed.emit()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)


def _group(*widgets: QWidget) -> QWidget:
    """Widgets side by side that stay together when the bar wraps."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return holder
