"""The queue of units: a thin table model over the session's filtered units, and the filter bar
above it (document, category, kind of disagreement, which states) with "37 of 112 resolved"."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from annotator.core.agreement.units import KINDS
from annotator.gui.adjudication.overview import STATE_COLOURS
from annotator.gui.adjudication.session import SHOW

COLUMNS = ("", "Where", "Kind", "Categories", "Coders", "Document")
STATE_MARKS = {"open": "○", "resolved": "✓", "conflict": "⚠"}
KIND_NAMES = {"agreement": "agreement", "boundary": "boundary", "category": "category", "partial": "only some"}


_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole)


class QueueModel(QAbstractTableModel):
    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.units: list = []
        self._shown: dict[str, str] = {}  # unit id → the state its row shows

    def refresh(self) -> None:
        """The filtered units again: rows that left (a unit decided) are removed one by one, so the
        view keeps its place; anything else resets the model."""
        units = self.session.filtered()
        kept = {u.id for u in units}
        if len(units) <= len(self.units) and [u for u in self.units if u.id in kept] == units:
            for row in reversed(range(len(self.units))):
                if self.units[row].id not in kept:
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self.units[row]
                    self.endRemoveRows()
            self.restate(changed_only=True)
            return
        self.beginResetModel()
        self.units = units
        self._shown = {u.id: self.session.state(u) for u in units}
        self.endResetModel()

    def restate(self, changed_only: bool = False) -> None:
        """Repaint the rows whose state changed (``changed_only``), or every row (the coders' numbers)."""
        last = len(COLUMNS) - 1
        for row, unit in enumerate(self.units):
            state = self.session.state(unit)
            if not changed_only or self._shown.get(unit.id) != state:
                self._shown[unit.id] = state
                if changed_only:
                    self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        if not changed_only and self.units:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.units) - 1, last))

    def row_of(self, unit_id: str) -> int:
        return next((i for i, u in enumerate(self.units) if u.id == unit_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.units)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None
        unit = self.units[index.row()]
        session, column = self.session, index.column()
        state = session.state(unit)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return STATE_MARKS[state]
            if column == 1:
                return f"{unit.start}–{unit.end}"
            if column == 2:
                return KIND_NAMES.get(unit.kind, unit.kind)
            if column == 3:
                return ", ".join(session.category_names.get(c, "?") for c in unit.categories)
            if column == 4:
                return " ".join(str(n) for n in sorted(session.number[c] for c in unit.coders if c in session.number))
            return session.titles.get(unit.document, unit.document)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor(STATE_COLOURS[state])
        if role == Qt.ItemDataRole.ToolTipRole:
            return {"open": "Open: no decision yet", "resolved": "Resolved", "conflict":
                    "Conflict: two or more decisions name this unit (from a merge); decide again"}[state]
        return None


class FilterBar(QWidget):
    """Emits ``changed`` when a filter changes; ``progress`` is the "37 of 112 resolved" label."""

    changed = Signal()

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.document = QComboBox()
        self.category = QComboBox()
        self.kind = QComboBox()
        self.show = QComboBox()
        for box in (self.document, self.category, self.kind, self.show):
            box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # the window's keys stay the window's
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
        self.progress = QLabel()
        self.progress.setObjectName("progress")
        font = self.progress.font()
        font.setBold(True)
        self.progress.setFont(font)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.progress)
        form.addRow("&Document:", self.document)
        form.addRow("&Category:", self.category)
        form.addRow("&Kind:", self.kind)
        form.addRow("&Show:", self.show)
        self.fill()
        for box in (self.document, self.category, self.kind, self.show):
            box.currentIndexChanged.connect(self._changed)

    def fill(self) -> None:
        s = self.session
        documents = sorted({u.document for u in s.units}, key=lambda d: (s.titles.get(d, d).casefold(), d))
        self._set(self.document, "All documents", [(s.titles.get(d, d), d) for d in documents])
        used = {c for u in s.units for c in u.categories}
        self._set(self.category, "All categories", [(c.name, c.id) for c in s.categories if c.id in used])
        self._set(self.kind, "All kinds", [(KIND_NAMES[k], k) for k in KINDS])
        current = self.show.currentData() or s.filters.show
        self.show.blockSignals(True)
        self.show.clear()
        for key, title in SHOW.items():
            self.show.addItem(title, key)
        self.show.setCurrentIndex(max(0, self.show.findData(current)))
        self.show.blockSignals(False)

    @staticmethod
    def _set(box: QComboBox, everything: str, items) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, None)
        for title, value in items:
            box.addItem(title, value)
        box.setCurrentIndex(max(0, box.findData(current)) if current is not None else 0)
        box.blockSignals(False)

    def _changed(self) -> None:
        f = self.session.filters
        f.document, f.category = self.document.currentData(), self.category.currentData()
        f.kind, f.show = self.kind.currentData(), self.show.currentData() or "todo"
        self.changed.emit()

    def show_progress(self) -> None:
        s = self.session
        resolved, total = s.progress(s.filtered(ignore_state=True))
        text = f"{resolved} of {total} resolved"
        if (s.filters.document, s.filters.category, s.filters.kind) != (None, None, None):
            all_resolved, all_total = s.progress()
            text += f" (all documents and kinds: {all_resolved} of {all_total})"
        self.progress.setText(text)
