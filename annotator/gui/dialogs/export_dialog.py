"""File → Export Annotations…: the format, whether texts go in, and what to export."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
)

from annotator.core.exchange.export_file import GOLD_ONLY, Scope
from annotator.gui.widgets import check_list, check_list_box, checked_ids

FORMATS = (  # (format, label, file extension)
    ("annotator", "Annotator exchange JSON (for other coders and merging)", ".json"),
    ("csv", "CSV, one row per annotation", ".csv"),
    ("doccano", "doccano JSONL (offsets in UTF-16 units, as doccano counts)", ".jsonl"),
    ("w3c", "W3C Web Annotation JSON-LD", ".jsonld"),
    ("qdpx", "REFI-QDA project (.qdpx) for MAXQDA, ATLAS.ti, NVivo, QualCoder", ".qdpx"),
)
TOOLS = (("standard", "any tool (standard)"), ("nvivo", "NVivo"), ("maxqda", "MAXQDA"))  # qdpx positions
QDPX_NOTE = ("A .qdpx has no place for attribute values, document statuses, gold decisions or project settings; "
             "when the export is written, Annotator lists what it left out, with counts.")


class ExportDialog(QDialog):
    """Asks what to export. ``choice()`` gives (format, extension, Scope, include_text). ``only``
    (blind coding: the current coder's id) lists and exports that coder's annotations alone.
    "Gold standard only" exports the gold layer alone (with its decisions in Annotator JSON)."""

    def __init__(self, project, parent=None, only: str | None = None) -> None:
        super().__init__(parent)
        self.only = only
        self.setWindowTitle("Export annotations")
        self.format_box = QComboBox()
        for fmt, label, _ in FORMATS:
            self.format_box.addItem(label, fmt)
        self.include_text = QCheckBox(
            "Include the documents' texts (coders who do not have the documents yet need them)")
        self.include_text.setChecked(True)
        self.raw_csv = QCheckBox("Raw CSV: no byte-order mark, no ' before cells starting with = + - @ "
                                 "(for programs, not spreadsheets)")
        self.raw_csv.setEnabled(False)
        self.tool_box = QComboBox()  # qdpx: how the receiving tool counts positions (write_qdpx's positions)
        for key, label in TOOLS:
            self.tool_box.addItem(label, key)
        self.tool_box.setToolTip("NVivo counts UTF-16 units over CR LF texts; MAXQDA one more per line end")
        self.qdpx_note = QLabel(QDPX_NOTE)
        self.qdpx_note.setWordWrap(True)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.gold_only = QCheckBox("Gold standard only: the adjudicated annotations, without the coders' "
                                   "(Annotator JSON also carries the decisions)")
        gold = [a for a in project.annotators() if a.id in GOLD_ONLY]
        self.gold_only.setEnabled(bool(gold) and only is None)
        self.gold_only.setToolTip("" if gold else "The project has no gold standard yet (Tools → Adjudicate…)")

        self.lists: dict[str, QListWidget] = {}
        columns = QHBoxLayout()
        for key, title, items in (
            ("documents", "Documents", [(d.id, d.title) for d in project.documents()]),
            ("annotators", "Annotators", [(a.id, a.name) for a in project.annotators() if only in (None, a.id)]),
            ("categories", "Categories", [(c.id, c.name) for c in project.categories()]),
        ):
            self.lists[key] = check_list(items)
            box = check_list_box(title, self.lists[key])
            columns.addWidget(box)
            if key == "annotators":
                self.gold_only.toggled.connect(box.setDisabled)  # the gold layer alone: no coders to pick

        form = QFormLayout()
        form.addRow("Format:", self.format_box)
        form.addRow("", self.include_text)
        form.addRow("", self.raw_csv)
        form.addRow("For:", self.tool_box)
        form.addRow("", self.qdpx_note)
        form.addRow("", self.gold_only)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(columns)
        layout.addWidget(buttons)
        self.resize(860, 480)
        self._format_changed()

    def _format_changed(self) -> None:
        self.include_text.setEnabled(self.format_box.currentData() == "annotator")
        self.raw_csv.setEnabled(self.format_box.currentData() == "csv")
        self.tool_box.setEnabled(self.format_box.currentData() == "qdpx")
        self.qdpx_note.setVisible(self.format_box.currentData() == "qdpx")

    def _chosen(self, key: str) -> frozenset[str] | None:
        widget = self.lists[key]
        checked = frozenset(checked_ids(widget))
        if key == "annotators" and self.only is not None:
            return checked  # never None: that would be every coder's
        return None if len(checked) == widget.count() else checked  # None: everything, including future items

    def choice(self) -> tuple[str, str, Scope, bool]:
        fmt = self.format_box.currentData()
        extension = next(ext for f, _, ext in FORMATS if f == fmt)
        coders = GOLD_ONLY if self.gold_only.isChecked() else self._chosen("annotators")
        scope = Scope(documents=self._chosen("documents"), annotators=coders,
                      categories=self._chosen("categories"))
        return fmt, extension, scope, self.include_text.isChecked() or fmt != "annotator"
