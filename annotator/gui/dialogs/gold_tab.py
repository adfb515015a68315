"""The agreement dashboard's "Against gold" tab, shown when the project holds a gold layer: each
coder against the gold standard (span F1, unitizing alpha, token kappa, overall and per category)
and what the adjudicator changed of each coder's work, a row per change, which opens the place in
the text with that coder's layer and the gold's shown. The numbers are ``core.agreement.against_gold``'s,
so the dashboard's Export and ``annotator agreement --against-gold`` write the same bytes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement.against_gold import (
    CHANGES,
    MEASURES,
    against_gold_csv,
    against_gold_json,
    change_quote,
    decision_text,
    version_text,
)
from annotator.core.agreement.common import Undefined
from annotator.core.agreement.report import CATALOGUE, compact_title, counted, show_value
from annotator.core.agreement.sources import AgreementData
from annotator.core.storage.tables import GOLD_ID
from annotator.gui import gold_layer
from annotator.gui.widgets import fit_columns as _fit
from annotator.gui.widgets import report_table as _table

_CHANGE_COLUMNS = ("Coder", "Document", "Position", "Change", "Coder's version", "Gold's version", "Text",
                   "Decision", "Reason")


class GoldTab(QWidget):
    """``show_result(result)`` fills it from ``against_gold``; ``openAt(document id, start, end,
    [coder id, GOLD_ID])`` asks the window to show a change."""

    openAt = Signal(str, int, int, list)

    def __init__(self, data: AgreementData, parent=None) -> None:
        super().__init__(parent)
        self.data = data
        self.result: dict | None = None
        self.summary = QLabel(f"Each coder against the {gold_layer.label()}: Compute to see how close each "
                              "coder came to what the adjudicator decided, and what was changed.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.measures = _table(["Coder", "Documents"] + [_two_lines(CATALOGUE[k].label) for k in MEASURES]
                               + ["Changes"])
        for column, key in enumerate(MEASURES, start=2):
            self.measures.horizontalHeaderItem(column).setToolTip(CATALOGUE[key].about)
        self.per_category = _table(["Category"])
        self.per_category.setToolTip("Token κ (Cohen) of each coder with the gold, per category")
        self.coder_filter = QComboBox()
        self.coder_filter.currentIndexChanged.connect(self._fill_changes)
        self.changes = _table(list(_CHANGE_COLUMNS))
        self.changes.itemActivated.connect(self._open)
        self.changes.itemDoubleClicked.connect(self._open)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("What the adjudicator changed of"))
        filter_row.addWidget(self.coder_filter)
        filter_row.addStretch(1)
        changes_page = QWidget()
        changes_layout = QVBoxLayout(changes_page)
        changes_layout.setContentsMargins(0, 0, 0, 0)
        changes_layout.addLayout(filter_row)
        changes_layout.addWidget(self.changes)
        numbers = QSplitter(Qt.Orientation.Horizontal)
        numbers.addWidget(self.measures)
        numbers.addWidget(self.per_category)
        numbers.setSizes([640, 360])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(numbers)
        splitter.addWidget(changes_page)
        splitter.setSizes([170, 330])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def show_result(self, result: dict) -> None:
        self.result = result
        rows, name = result["per_coder"], self._coder_name
        self.summary.setText(f"{counted(len(rows), 'coder')} against the {gold_layer.label()}, on "
                             f"{counted(len(result['documents']), 'document')} with gold. Token κ per category "
                             "on the right; double-click a change to see it in the text.")
        table = self.measures
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(name(row["coder"])))
            table.setItem(r, 1, _number(len(row["documents"])))
            for c, key in enumerate(MEASURES, start=2):
                table.setItem(r, c, _value(row[key]))
            kinds = [f"{n} {kind}" for kind in CHANGES if (n := sum(ch.change == kind for ch in row["changes"]))]
            changes = _number(len(row["changes"]))
            changes.setToolTip(", ".join(kinds) + (f"; {row['open']} not adjudicated yet" if row["open"] else ""))
            table.setItem(r, len(MEASURES) + 2, changes)
        _fit(table, stretch=[0])
        cats = result["categories"]
        table = self.per_category
        table.setColumnCount(1 + len(rows))
        table.setHorizontalHeaderLabels(["Token κ per category"] + [name(row["coder"]) for row in rows])
        table.setRowCount(len(cats))
        for r, cat in enumerate(cats):
            table.setItem(r, 0, QTableWidgetItem(self.data.categories.get(cat, cat)))
            for c, row in enumerate(rows, start=1):
                table.setItem(r, c, _value(row["per_category"][cat]["token_kappa"]))
        _fit(table, stretch=[0])
        self.coder_filter.blockSignals(True)
        self.coder_filter.clear()
        self.coder_filter.addItem("every coder", None)
        for row in rows:
            self.coder_filter.addItem(name(row["coder"]), row["coder"])
        self.coder_filter.blockSignals(False)
        self._fill_changes()

    def text(self, fmt: str, raw: bool = False) -> str:
        """The result as ``annotator agreement --against-gold --format csv|json`` writes it."""
        if fmt == "csv":
            return against_gold_csv(self.result, self.data, raw)
        return against_gold_json(self.result, self.data)

    # -- internals ------------------------------------------------------------------------------

    def _coder_name(self, coder: str) -> str:
        return self.data.annotators.get(coder, coder)

    def _fill_changes(self) -> None:
        if self.result is None:
            return
        wanted = self.coder_filter.currentData()
        changes = [ch for row in self.result["per_coder"] if wanted in (None, row["coder"]) for ch in row["changes"]]
        table, data = self.changes, self.data
        table.setRowCount(len(changes))
        for r, ch in enumerate(changes):
            title = data.documents.get(ch.document, ch.document)
            cells = [self._coder_name(ch.coder), compact_title(title), f"{ch.start:,}–{ch.end:,}", ch.change,
                     version_text(ch.coder_spans, data) or "nothing", version_text(ch.gold_spans, data) or "nothing",
                     change_quote(ch, data) or "", decision_text(ch.decisions, data),
                     " / ".join(d.reason for d in ch.decisions if d.reason)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(title if c == 1 else text)
                table.setItem(r, c, item)
            table.item(r, 0).setData(Qt.ItemDataRole.UserRole, (ch.document, ch.start, ch.end, ch.coder))
            table.item(r, 5).setForeground(gold_layer.ink())
        _fit(table, stretch=[4, 5, 6, 8])

    def _open(self, item: QTableWidgetItem) -> None:
        document, start, end, coder = self.changes.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        self.openAt.emit(document, start, end, [coder, GOLD_ID])


def _two_lines(label: str) -> str:
    """"Unitizing α (Krippendorff 1995/2004)" as "Unitizing α" over "(Krippendorff 1995/2004)", so
    that a column is as narrow as its numbers."""
    head, space, rest = label.partition(" (")
    if space:
        return f"{head}\n({rest}"
    head, comma, rest = label.partition(", ")
    return f"{head},\n{rest}" if comma else label


def _number(n: int) -> QTableWidgetItem:
    item = QTableWidgetItem(f"{n:,}")
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _value(value) -> QTableWidgetItem:
    item = QTableWidgetItem(show_value(value))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if isinstance(value, Undefined):
        item.setToolTip(value.reason)
    return item

