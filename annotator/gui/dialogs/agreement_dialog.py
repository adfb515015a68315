"""Tools → Agreement: choose coders, documents, categories and measures; the span report runs in the
background; the results show as tables with a reading aid, heatmaps of pairwise agreement and of
the confusion between two coders, a per-document table, and the disagreements, each of which
opens the document at that place with both coders' layers shown. The report exports to CSV, JSON
and a standalone HTML page. A project with a gold layer also gets the "Against gold" tab
(gold_tab.py), which exports to CSV and JSON."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement.against_gold import against_gold
from annotator.core.agreement.common import Undefined
from annotator.core.agreement.report import (
    CATALOGUE,
    SPAN_MEASURES,
    bootstrap_line,
    compact_title,
    counted,
    disagreement_quotes,
    documents_line,
    reading_aid_html,
    show_interval,
    show_value,
    span_measures,
    span_report_text,
    verdict,
)
from annotator.core.agreement.sources import AgreementData, done_by_all
from annotator.core.errors import AnnotatorError
from annotator.core.files import write_text
from annotator.gui.dialogs.gold_tab import GoldTab
from annotator.gui.operations import Operation
from annotator.gui.views.heatmap import Heatmap
from annotator.gui.widgets import check_list, checked_ids, report_table, target_allowed
from annotator.gui.widgets import fit_columns as _fit

RESAMPLES, SEED = 1000, 1  # the bootstrap of the span report's 95% intervals (as the CLI's defaults)


class AgreementDialog(QDialog):
    """``openAt(document_id, start, end, coder ids)`` asks the window to show a disagreement."""

    openAt = Signal(str, int, int, list)

    def __init__(self, data: AgreementData, parent=None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)  # a window of its own, which the main window can cover
        self.setWindowTitle("Agreement")
        self.resize(1100, 760)
        self.data = data
        self.report: dict | None = None
        self.used: AgreementData = data  # the data of the report shown (its categories narrowed)
        self.operation: Operation | None = None  # the report being computed
        coding = set(data.coders_who_annotated())  # coders without annotations start unticked, and say so
        coder_names = {c: name if c in coding else f"{name} (no annotations)" for c, name in data.annotators.items()}
        self.lists = {key: check_list(names.items(), ticked) for key, names, ticked in (
            ("annotators", coder_names, coding), ("documents", data.documents, None),
            ("categories", data.categories, None))}
        self.measure_list = check_list((m.key, m.label) for m in SPAN_MEASURES)
        choose = QGridLayout()
        for column, (title, widget) in enumerate((("Coders", self.lists["annotators"]),
                                                  ("Documents", self.lists["documents"]),
                                                  ("Categories", self.lists["categories"]),
                                                  ("Measures", self.measure_list))):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(widget)
            choose.addWidget(box, 0, column)
        self.done_only = QCheckBox("Only documents every chosen coder marked &done")
        self.done_only.setToolTip("Each coder marks their status of a document in the Documents list "
                                  "(or with 'annotator status'); unfinished documents then do not count")
        choose.addWidget(self.done_only, 1, 1)
        self.run_button = QPushButton("&Compute")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.compute)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = QLabel("Choose at least two coders, then Compute.")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.export_button = QPushButton("&Export…")
        menu = QMenu(self)
        for label, fmt in (("CSV…", "csv"), ("JSON…", "json"), ("HTML page…", "html")):
            menu.addAction(label, lambda f=fmt: self.export(f))
        self.gold_tab = GoldTab(data) if data.has_gold else None
        if self.gold_tab is not None:
            menu.addSeparator()
            for label, fmt in (("Against gold: CSV…", "gold-csv"), ("Against gold: JSON…", "gold-json")):
                menu.addAction(label, lambda f=fmt: self.export(f))
        menu.addSeparator()
        self.raw_csv = menu.addAction("Raw CSV (no ' before cells starting with = + - @)")
        self.raw_csv.setCheckable(True)
        self.raw_csv.setToolTip("For programs that read the CSV; a spreadsheet could run such cells as formulas")
        self.export_button.setMenu(menu)
        self.export_button.setEnabled(False)
        bar = QHBoxLayout()
        bar.addWidget(self.run_button)
        bar.addWidget(self.progress)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.export_button)

        self.tabs = QTabWidget()
        self.overall = self._table(["Measure", "Value", "95% interval", "Reading", "What it measures"])
        self.overall.horizontalHeaderItem(2).setToolTip(
            f"Bootstrap 95% interval: {RESAMPLES:,} resamples of the documents (percentile method), seed {SEED}")
        aid = QLabel(reading_aid_html())
        aid.setWordWrap(True)
        overall_page = QWidget()
        overall_layout = QVBoxLayout(overall_page)
        overall_layout.addWidget(aid)
        overall_layout.addWidget(self.overall)
        self.notes = QLabel()  # the source's notes: coders left out, characters counted for words, …
        self.notes.setTextFormat(Qt.TextFormat.PlainText)  # coder and document names
        self.notes.setWordWrap(True)
        self.notes.hide()
        overall_layout.addWidget(self.notes)
        self.tabs.addTab(overall_page, "&Overall")
        self.per_category = self._table([])
        self.tabs.addTab(self.per_category, "Per &category")
        self.pair_measure = QComboBox()
        for key in ("span_f1_overlap", "span_f1_exact", "token_kappa"):
            self.pair_measure.addItem(CATALOGUE[key].label, key)
        self.pair_measure.currentIndexChanged.connect(self._fill_pairs)
        self.pairs_map = Heatmap()
        pairs_page = QWidget()
        pairs_layout = QVBoxLayout(pairs_page)
        pairs_layout.addWidget(self.pair_measure, alignment=Qt.AlignmentFlag.AlignLeft)
        pairs_layout.addWidget(self.pairs_map)
        self.tabs.addTab(pairs_page, "&Pairs")
        self.confusion_map = Heatmap()
        self.confusion_label = QLabel()
        self.confusion_label.setTextFormat(Qt.TextFormat.PlainText)  # coder and category names
        self.confusion_pair = QComboBox()  # which two coders; the export writes the pair shown
        self.confusion_pair.setToolTip("The two coders of the confusion matrix (the export writes this pair)")
        self.confusion_pair.currentIndexChanged.connect(self._pick_confusion)
        confusion_page = QWidget()
        confusion_layout = QVBoxLayout(confusion_page)
        pair_row = QHBoxLayout()
        pair_row.addWidget(QLabel("Coder pai&r:", buddy=self.confusion_pair))
        pair_row.addWidget(self.confusion_pair)
        pair_row.addStretch(1)
        confusion_layout.addLayout(pair_row)
        confusion_layout.addWidget(self.confusion_label)
        confusion_layout.addWidget(self.confusion_map)
        self.tabs.addTab(confusion_page, "Con&fusion")
        self.per_document = self._table([])
        self.tabs.addTab(self.per_document, "Per &document")
        self.disagreements = self._table(["Document", "Position"])
        self.disagreements.itemActivated.connect(self._open_disagreement)
        self.disagreements.itemDoubleClicked.connect(self._open_disagreement)
        self.tabs.addTab(self.disagreements, "D&isagreements")
        if self.gold_tab is not None:
            self.gold_tab.openAt.connect(self.openAt)
            self.tabs.addTab(self.gold_tab, "Against &gold")

        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top.setLayout(choose)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setSizes([220, 540])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter)

    # -- building ------------------------------------------------------------------------------

    checked = staticmethod(checked_ids)  # the ids ticked in one of the lists

    _table = staticmethod(report_table)

    # -- computing -----------------------------------------------------------------------------

    def compute(self) -> None:
        from annotator.core.agreement.choice import chosen_span_report

        coders = self.checked(self.lists["annotators"])
        if len(coders) < 2:
            QMessageBox.warning(self, "Agreement", "Choose at least two coders.")
            return
        documents = self.checked(self.lists["documents"])
        categories = self.checked(self.lists["categories"])
        data = self.data
        done_only = self.done_only.isChecked()
        if done_only and not set(documents) & set(done_by_all(data, coders)):
            QMessageBox.warning(self, "Agreement", "None of the chosen documents is marked done by every "
                                "chosen coder.")
            return
        all_documents = len(documents) == len(data.texts)
        all_categories = len(categories) == len(data.categories)
        data.coders(coders)  # names a chosen coder without annotations in the notes

        def task(project, progress):  # the data is read already: the project is not touched
            # which documents count is decided on every category's annotations (chosen_span_report)
            report, used = chosen_span_report(data, coders, documents=None if all_documents else documents,
                                              categories=None if all_categories else categories,
                                              done_only=done_only, every_confusion=True,
                                              resamples=RESAMPLES, seed=SEED)
            return report, used, against_gold(data, coders, categories, None if all_documents else documents,
                                              done_only) if data.has_gold else None

        self.run_button.setEnabled(False)
        self.progress.show()
        self.status.setText("Computing…")
        self.operation = Operation(self, task, label="Agreement", dialog=False)
        self.operation.finally_(self._finish).success(self._done).failure(self._failed).run()

    def _finish(self) -> None:
        self.operation = None
        self.run_button.setEnabled(True)
        self.progress.hide()

    def _failed(self, message: str) -> None:
        self.status.setText("Failed.")
        QMessageBox.warning(self, "Agreement", message)

    def _done(self, result: tuple) -> None:
        report, used, gold = result
        self.used = used
        notes = list(dict.fromkeys(used.notes))
        self.notes.setText("Notes: " + "; ".join(notes[:5]) + ("; …" if len(notes) > 5 else "") + "." if notes else "")
        self.notes.setVisible(bool(notes))
        self.show_report(report)
        if gold is not None:
            self.gold_tab.show_result(gold)

    def show_report(self, report: dict) -> None:
        self.report = report
        shown = [key for key in self.checked(self.measure_list)]
        self.export_button.setEnabled(True)
        used, left_out = len(report.get("documents", [])), len(report.get("documents_excluded") or [])
        self.status.setText(f"{counted(len(report.get('coders', [])), 'coder')} · {documents_line(used, left_out)}")
        self._fill_overall(report, shown)
        for table, scope, names, first in ((self.per_category, "category", self.data.categories, "Category"),
                                           (self.per_document, "document", self.data.documents, "Document")):
            # a measure the report has in some scopes only is a column where it has values
            in_scope = [m.key for m in span_measures(scope) if m.key in shown]
            self._fill_rows(table, report.get(f"per_{scope}", {}), names, first, in_scope)
        self._fill_pairs()
        self._fill_confusion_pairs(report)
        self._fill_confusion(report.get("confusion"))
        self._fill_disagreements(report.get("disagreements", []))

    def _cell(self, value) -> QTableWidgetItem:
        item = QTableWidgetItem(show_value(value))
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if isinstance(value, Undefined):
            item.setToolTip(value.reason)
        return item

    def _fill_overall(self, report: dict, shown: list[str]) -> None:
        table = self.overall
        rows = [m for m in span_measures("overall") if m.key in shown]
        table.setRowCount(len(rows))
        for row, measure in enumerate(rows):
            value = report.get("overall", {}).get(measure.key, Undefined("not computed"))
            table.setItem(row, 0, QTableWidgetItem(measure.label))
            table.setItem(row, 1, self._cell(value))
            table.setItem(row, 2, self._interval(report, measure.key))
            table.setItem(row, 3, QTableWidgetItem(verdict(value) if measure.verdict else ""))
            table.setItem(row, 4, QTableWidgetItem(measure.about))
            table.item(row, 4).setToolTip(measure.about)
        _fit(table, stretch=[4])

    def _interval(self, report: dict, key: str) -> QTableWidgetItem:
        """The measure's bootstrap 95% interval, "[0.650, 0.770]"; "—" with the reason as its tooltip;
        empty for a measure without one."""
        overall = report.get("overall", {})
        if f"{key}_ci95" not in overall:
            return QTableWidgetItem("")
        ci = overall[f"{key}_ci95"]
        item = QTableWidgetItem(show_interval(ci))
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setToolTip(ci.reason if isinstance(ci, Undefined) else bootstrap_line(report)
                        + f" {ci.resamples:,} of them defined this measure.")
        return item

    def _fill_rows(self, table: QTableWidget, rows: dict, names: dict[str, str], first: str, shown: list[str]) -> None:
        table.clear()
        table.setColumnCount(1 + len(shown))
        table.setHorizontalHeaderLabels([first] + [_wrapped(CATALOGUE[k].label) for k in shown])
        for column, key in enumerate(shown, start=1):
            table.horizontalHeaderItem(column).setToolTip(CATALOGUE[key].about)
        table.setRowCount(len(rows))
        for row, (item_id, values) in enumerate(rows.items()):
            label = _name_item(names.get(item_id, str(item_id)))
            label.setData(Qt.ItemDataRole.UserRole, item_id)
            table.setItem(row, 0, label)
            for column, key in enumerate(shown, start=1):
                table.setItem(row, column, self._cell(values.get(key, Undefined("not computed"))))
        _fit(table, stretch=[0])

    def _fill_pairs(self) -> None:
        if self.report is None:
            return
        key = self.pair_measure.currentData()
        coders = list(self.report.get("coders", []))
        index = {c: i for i, c in enumerate(coders)}
        matrix: list[list[float | None]] = [[1.0 if i == j else None for j in coders] for i in coders]
        for pair in self.report.get("pairs", []):
            a, b = pair["coders"]
            value = pair.get(key)
            value = None if isinstance(value, Undefined) else value
            matrix[index[a]][index[b]] = matrix[index[b]][index[a]] = value
        names = [self.data.annotators.get(c, c) for c in coders]
        self.pairs_map.set_matrix(names, names, matrix, row_title="", column_title=CATALOGUE[key].label)

    def _fill_confusion_pairs(self, report: dict) -> None:
        name = self.data.annotators.get
        self.confusion_pair.blockSignals(True)
        self.confusion_pair.clear()
        for index, confusion in enumerate(report.get("confusions", [])):
            self.confusion_pair.addItem(" / ".join(name(c, c) for c in confusion["coders"]), index)
        chosen = (report.get("confusion") or {}).get("coders")
        at = next((i for i, c in enumerate(report.get("confusions", [])) if c["coders"] == chosen), 0)
        self.confusion_pair.setCurrentIndex(at if self.confusion_pair.count() else -1)
        self.confusion_pair.setEnabled(self.confusion_pair.count() > 1)
        self.confusion_pair.blockSignals(False)

    def _pick_confusion(self, index: int) -> None:
        if self.report is None or index < 0 or index >= len(self.report.get("confusions", [])):
            return
        self.report["confusion"] = self.report["confusions"][index]  # what Export writes, too
        self._fill_confusion(self.report["confusion"])

    def _fill_confusion(self, confusion) -> None:
        if not confusion:
            self.confusion_label.setText("No confusion matrix (choose two or more coders).")
            self.confusion_map.set_matrix([], [], [])
            return
        a, b = confusion["coders"]
        labels = [self.data.categories.get(c, c) if c is not None else "(none)" for c in confusion["labels"]]
        name = self.data.annotators.get
        self.confusion_label.setText(f"Rows: {name(a, a)}'s category · columns: {name(b, b)}'s category. "
                                     "“(none)”: a span the other coder did not mark.")
        self.confusion_map.set_matrix(labels, labels, confusion["matrix"], counts=True,
                                      column_title=name(b, b))

    def _fill_disagreements(self, items: list[dict]) -> None:
        """One row per disagreement: the document (its title shortened), the place, and one column
        per coder with the category and the text that coder marked there."""
        table = self.disagreements
        coders = list(self.report.get("coders", [])) if self.report else []
        table.clear()
        table.setColumnCount(2 + len(coders))
        table.setHorizontalHeaderLabels(["Document", "Position"] + [self.data.annotators.get(c, c) for c in coders])
        table.setRowCount(len(items))
        for row, (item, quotes) in enumerate(zip(items, disagreement_quotes(items, self.data))):
            document = _name_item(self.data.documents.get(item["document"], item["document"]), compact=True)
            document.setData(Qt.ItemDataRole.UserRole, item)
            table.setItem(row, 0, document)
            table.setItem(row, 1, QTableWidgetItem(f"{item['start']:,}–{item['end']:,}"))
            for column, coder in enumerate(coders, start=2):
                cell = QTableWidgetItem(quotes.get(coder, "nothing"))
                cell.setToolTip(cell.text())
                table.setItem(row, column, cell)
        _fit(table, stretch=range(2, 2 + len(coders)))

    def _open_disagreement(self, item: QTableWidgetItem) -> None:
        data = self.disagreements.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        self.openAt.emit(data["document"], data["start"], data["end"], list(data["coders"]))

    # -- export --------------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        if self.report is None or (fmt.startswith("gold-") and self.gold_tab.result is None):
            return
        gold, fmt = fmt.startswith("gold-"), fmt.removeprefix("gold-")
        suffix = {"csv": ".csv", "json": ".json", "html": ".html"}[fmt]
        stem = "against-gold" if gold else "agreement"
        name, _ = QFileDialog.getSaveFileName(self, "Export agreement report", str(Path.home() / f"{stem}{suffix}"),
                                              f"{fmt.upper()} files (*{suffix});;All files (*)")
        if not name:
            return
        path = Path(name) if Path(name).suffix else Path(name + suffix)
        if not target_allowed(self, "Export agreement report", path):
            return
        raw = self.raw_csv.isChecked()
        text = self.gold_tab.text(fmt, raw) if gold else span_report_text(fmt, self.report, self.used, raw=raw)
        try:
            write_text(path, text)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Cannot export", str(exc))
            return
        self.status.setText(f"Report written to {path}")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None and handle.transientParent() is not None:
            # Not kept above the main window (as a dialog of it would be): activating a disagreement
            # brings the main window, with the place shown, in front of the dashboard.
            handle.setTransientParent(None)

    def closeEvent(self, event) -> None:
        if self.operation is not None:
            self.operation.wait(10000)
        super().closeEvent(event)



def _wrapped(label: str, width: int = 14) -> str:
    """A measure's label on up to three header lines, so that its column is as narrow as its numbers."""
    import textwrap

    return "\n".join(textwrap.wrap(label, width)) or label


def _name_item(name: str, compact: bool = False) -> QTableWidgetItem:
    """A category's or document's name for the first column: on one line (shortened in the middle
    when ``compact``), the whole name as its tooltip."""
    item = QTableWidgetItem(compact_title(name) if compact else " ".join(name.split()))
    item.setToolTip(name)
    return item
