"""File → Import Documents…, after choosing files/folders: the import options (encoding, splitting,
CSV/TSV/JSONL columns), the same as the ``import`` command's."""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from annotator.core.documents.readers import ImportOptions
from annotator.gui.widgets import plain

DETECT = "Detect automatically"
ENCODINGS = ("utf-8", "utf-16", "cp1252", "latin-1")
TABLE_EXTENSIONS = (".csv", ".tsv", ".jsonl")  # one document per row; they take the column options
ERROR_STYLE = "color: #b00020;"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def encoding_error(name: str) -> str | None:
    """Why ``name`` cannot be used to decode files, or None when it can (as the CLI checks it)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return f"Unknown encoding “{name}”."
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13…: bytes.decode refuses them
        return f"“{name}” is not a text encoding."
    return None


class ImportDialog(QDialog):
    """Asks how to read the chosen files and folders. ``options()`` gives the ImportOptions."""

    def __init__(self, paths: Sequence[str | Path], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import documents")
        self.paths = [Path(p) for p in paths]
        folders = [p for p in self.paths if p.is_dir()]
        files = [p for p in self.paths if not p.is_dir()]
        # Folders may hold anything, so their tables may need the column options too.
        self.has_tables = bool(folders) or any(p.suffix.lower() in TABLE_EXTENSIONS for p in files)

        # -- what was chosen
        counts = [_plural(len(x), w) for x, w in ((files, "file"), (folders, "folder")) if x]
        self.summary = QLabel(f"{' and '.join(counts) or 'Nothing'} chosen:")
        self.path_list = QListWidget()
        self.path_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.path_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing to do there: Tab skips it
        style = self.style()
        for path in self.paths:
            is_dir = path.is_dir()
            pixmap = QStyle.StandardPixmap.SP_DirIcon if is_dir else QStyle.StandardPixmap.SP_FileIcon
            icon = style.standardIcon(pixmap)
            name = path.name + ("/" if is_dir else "") if path.name else str(path)  # str: a drive or "/"
            item = QListWidgetItem(icon, name)
            item.setToolTip(plain(str(path)))
            self.path_list.addItem(item)
        row_height = max(self.path_list.sizeHintForRow(0), 18)
        rows = min(max(len(self.paths), 1), 6)
        self.path_list.setFixedHeight(row_height * rows + 2 * self.path_list.frameWidth() + 4)

        # -- encoding
        self.encoding_box = QComboBox()
        self.encoding_box.setEditable(True)
        self.encoding_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.encoding_box.addItem(DETECT)
        self.encoding_box.addItems(ENCODINGS)
        self.encoding_box.setToolTip("The text encoding of .txt, .md, .html, .csv, .tsv and .jsonl files; "
                                     "type another one if it is not in the list.")
        self.encoding_box.lineEdit().setPlaceholderText("an encoding, e.g. utf-8")
        self.encoding_box.currentTextChanged.connect(self._validate)
        self.encoding_error = self._error_label()
        encoding_label = QLabel("&Encoding:")
        encoding_label.setBuddy(self.encoding_box)
        encoding_form = QFormLayout()
        encoding_form.addRow(encoding_label, self.encoding_box)
        encoding_form.addRow("", self.encoding_error)

        # -- splitting
        self.split_check = QCheckBox("&Split each file into several documents")
        self.split_blank = QRadioButton("a&t")
        self.split_blank.setChecked(True)
        self.blank_lines = QSpinBox()
        self.blank_lines.setRange(1, 99)
        self.blank_lines.setValue(2)
        self.blank_lines.setAccessibleName("Number of blank lines")
        self.split_regex = QRadioButton("at lines matching a &regular expression:")
        self.regex_edit = QLineEdit()
        self.regex_edit.setPlaceholderText(r"e.g. ^Chapter \d+")
        self.regex_edit.setAccessibleName("Regular expression")
        self.regex_edit.setToolTip("A new document starts at each line in which the expression is found.")
        self.split_mode = QButtonGroup(self)
        self.split_mode.addButton(self.split_blank)
        self.split_mode.addButton(self.split_regex)
        self.split_error = self._error_label()
        blank_row = QHBoxLayout()
        blank_row.addWidget(self.split_blank)
        blank_row.addWidget(self.blank_lines)
        blank_row.addWidget(QLabel("or more blank lines"))
        blank_row.addStretch(1)
        regex_row = QHBoxLayout()
        regex_row.addWidget(self.split_regex)
        regex_row.addWidget(self.regex_edit, 1)
        self.split_choices = QWidget()
        choices = QVBoxLayout(self.split_choices)
        choices.setContentsMargins(24, 0, 0, 0)
        choices.addLayout(blank_row)
        choices.addLayout(regex_row)
        choices.addWidget(self.split_error)
        split_note = QLabel("CSV, TSV and JSONL files are not split: each row is a document.")
        split_note.setEnabled(False)  # greyed: a hint, not an option
        choices.addWidget(split_note)
        split_box = QGroupBox("Documents")
        split_layout = QVBoxLayout(split_box)
        split_layout.addWidget(self.split_check)
        split_layout.addWidget(self.split_choices)
        for signal in (self.split_check.toggled, self.split_regex.toggled, self.regex_edit.textChanged):
            signal.connect(self._validate)
        self.split_check.toggled.connect(self.split_choices.setEnabled)
        # Editing a choice's value chooses it.
        self.regex_edit.textEdited.connect(lambda _: self.split_regex.setChecked(True))
        self.blank_lines.valueChanged.connect(lambda _: self.split_blank.setChecked(True))

        # -- CSV / TSV / JSONL
        self.table_box = QGroupBox("CSV, TSV and JSONL files (one document per row)")
        self.text_field = QLineEdit()
        self.text_field.setPlaceholderText("text")
        self.title_field = QLineEdit()
        self.title_field.setPlaceholderText("title")
        self.title_field.setToolTip("Without a title column a row's title is the start of its text.")
        table_form = QFormLayout(self.table_box)
        for text, edit in (("Te&xt column/field:", self.text_field), ("T&itle column/field:", self.title_field)):
            label = QLabel(text)
            label.setBuddy(edit)
            table_form.addRow(label, edit)
        if not self.has_tables:
            self.table_box.setEnabled(False)
            table_form.addRow(QLabel("None of the chosen files is a .csv, .tsv or .jsonl file."))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.path_list)
        layout.addLayout(encoding_form)
        layout.addWidget(split_box)
        layout.addWidget(self.table_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.split_choices.setEnabled(False)
        self._validate()
        self.encoding_box.setFocus()
        self.resize(560, self.sizeHint().height())

    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    @staticmethod
    def _show(label: QLabel, message: str | None) -> None:
        label.setText(message or "")
        label.setVisible(bool(message))

    def _encoding(self) -> str | None:
        text = self.encoding_box.currentText().strip()
        return None if text in ("", DETECT) else text

    def encoding_problem(self) -> str | None:
        """Why the typed encoding cannot be used, or None."""
        encoding = self._encoding()
        return encoding_error(encoding) if encoding else None

    def split_problem(self) -> str | None:
        """Why the regular expression cannot be used, or None (also when it is not chosen)."""
        if not (self.split_check.isChecked() and self.split_regex.isChecked()):
            return None
        pattern = self.regex_edit.text()
        if not pattern:
            return "Type the regular expression of the lines that start a new document."
        try:
            re.compile(pattern)
        except re.error as error:
            return f"Invalid regular expression: {error}."
        return None

    def _validate(self) -> None:
        encoding, split = self.encoding_problem(), self.split_problem()
        self._show(self.encoding_error, encoding)
        self._show(self.split_error, split)
        self.ok_button.setEnabled(encoding is None and split is None)
        if self.isVisible():
            self._grow()

    def _grow(self) -> None:
        """Make room for a message shown, rather than squeezing the other rows."""
        self.layout().activate()
        if self.height() < self.sizeHint().height():
            self.resize(self.width(), self.sizeHint().height())

    def showEvent(self, event) -> None:
        self._grow()
        super().showEvent(event)

    def accept(self) -> None:  # Enter with a problem left must not get through either
        if self.ok_button.isEnabled():
            super().accept()

    def options(self) -> ImportOptions:
        """The chosen options, as ``annotator import`` would build them from its arguments."""
        split = self.split_check.isChecked()
        by_regex = split and self.split_regex.isChecked()
        use_fields = self.has_tables
        return ImportOptions(
            encoding=self._encoding(),
            split_blank_lines=self.blank_lines.value() if split and not by_regex else None,
            split_regex=self.regex_edit.text() if by_regex else None,
            text_field=(self.text_field.text().strip() or None) if use_fields else None,
            title_field=(self.title_field.text().strip() or None) if use_fields else None,
        )

