"""File → Export Annotations…: the format, whether texts go in, and what to export."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from annotator.core.exchange.export_file import Scope

FORMATS = (  # (format, label, file extension)
    ("annotator", "Annotator exchange JSON (for other coders and merging)", ".json"),
    ("csv", "CSV, one row per annotation", ".csv"),
    ("doccano", "doccano JSONL (offsets in UTF-16 units, as doccano counts)", ".jsonl"),
    ("w3c", "W3C Web Annotation JSON-LD", ".jsonld"),
)


class ExportDialog(QDialog):
    """Asks what to export. ``choice()`` gives (format, extension, Scope, include_text)."""

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self.format_box = QComboBox()
        for fmt, label, _ in FORMATS:
            self.format_box.addItem(label, fmt)
        self.include_text = QCheckBox(
            "Include the documents' texts (coders who do not have the documents yet need them)")
        self.include_text.setChecked(True)
        self.raw_csv = QCheckBox("Raw CSV: no ' before cells starting with = + - @ (for programs, not spreadsheets)")
        self.raw_csv.setEnabled(False)
        self.format_box.currentIndexChanged.connect(self._format_changed)

        self.lists: dict[str, QListWidget] = {}
        columns = QHBoxLayout()
        for key, title, items in (
            ("documents", "Documents", [(d.id, d.title) for d in project.documents()]),
            ("annotators", "Annotators", [(a.id, a.name) for a in project.annotators()]),
            ("categories", "Categories", [(c.id, c.name) for c in project.categories()]),
        ):
            columns.addWidget(self._checklist(key, title, items))

        form = QFormLayout()
        form.addRow("Format:", self.format_box)
        form.addRow("", self.include_text)
        form.addRow("", self.raw_csv)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(columns)
        layout.addWidget(buttons)
        self.resize(860, 480)

    def _checklist(self, key: str, title: str, items: list[tuple[str, str]]) -> QGroupBox:
        box = QGroupBox(title)
        widget = QListWidget()
        for item_id, name in items:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, item_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            widget.addItem(item)
        self.lists[key] = widget
        toggles = QHBoxLayout()
        for label, state in (("All", Qt.CheckState.Checked), ("None", Qt.CheckState.Unchecked)):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, w=widget, s=state: self._set_all(w, s))
            toggles.addWidget(button)
        toggles.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(widget)
        layout.addLayout(toggles)
        return box

    @staticmethod
    def _set_all(widget: QListWidget, state) -> None:
        for row in range(widget.count()):
            widget.item(row).setCheckState(state)

    def _format_changed(self) -> None:
        self.include_text.setEnabled(self.format_box.currentData() == "annotator")
        self.raw_csv.setEnabled(self.format_box.currentData() == "csv")

    def _chosen(self, key: str) -> frozenset[str] | None:
        widget = self.lists[key]
        items = [widget.item(row) for row in range(widget.count())]
        checked = frozenset(i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked)
        return None if len(checked) == len(items) else checked  # None: everything, including future items

    def choice(self) -> tuple[str, str, Scope, bool]:
        fmt = self.format_box.currentData()
        extension = next(ext for f, _, ext in FORMATS if f == fmt)
        scope = Scope(documents=self._chosen("documents"), annotators=self._chosen("annotators"),
                      categories=self._chosen("categories"))
        return fmt, extension, scope, self.include_text.isChecked() or fmt != "annotator"
