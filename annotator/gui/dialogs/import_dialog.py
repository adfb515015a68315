"""File → Import Documents…: the files and folders to import (more can be added, a folder with its
subfolders), how many documents each file will make, and the import options (encoding, splitting,
CSV/TSV/JSONL columns), the same as the ``import`` command's."""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.documents.readers import SUPPORTED_EXTENSIONS, ImportOptions
from annotator.gui.dialogs.import_files import ChosenFiles, PreviewRunner, plural

DETECT = "Detect automatically"
ENCODINGS = ("utf-8", "utf-16", "cp1252", "latin-1")
TABLE_EXTENSIONS = (".csv", ".tsv", ".jsonl")  # one document per row; they take the column options
ERROR_STYLE = "color: #b00020;"


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
        self.paths: list[Path] = []

        # -- what was chosen, and how many documents each file will make
        self.summary = QLabel()
        self.path_list = ChosenFiles()
        self.path_list.itemSelectionChanged.connect(self._selection_changed)
        self.add_files_button = QPushButton("Add &Files…")
        self.add_files_button.clicked.connect(self.add_files)
        self.add_folder_button = QPushButton("Add F&older…")
        self.add_folder_button.setToolTip("Import every supported file in a folder and its subfolders")
        self.add_folder_button.clicked.connect(self.add_folder)
        self.remove_button = QPushButton("Re&move")
        self.remove_button.clicked.connect(self.remove_selected)
        chosen_buttons = QHBoxLayout()
        for button in (self.add_files_button, self.add_folder_button, self.remove_button):
            chosen_buttons.addWidget(button)
        chosen_buttons.addStretch(1)
        self.folder_note = QLabel("Folders are searched with all their subfolders ("
                                  + " ".join(SUPPORTED_EXTENSIONS) + " files; hidden files are skipped).")
        self.folder_note.setWordWrap(True)
        self.folder_note.setEnabled(False)  # greyed: a hint
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview = PreviewRunner(self, self._preview_options, self._previewed)

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
        self.no_tables = QLabel("None of the chosen files is a .csv, .tsv or .jsonl file.")
        table_form.addRow(self.no_tables)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.path_list)
        layout.addLayout(chosen_buttons)
        layout.addWidget(self.folder_note)
        layout.addWidget(self.preview_label)
        layout.addLayout(encoding_form)
        layout.addWidget(split_box)
        layout.addWidget(self.table_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.split_choices.setEnabled(False)
        for signal in (self.split_check.toggled, self.split_mode.buttonToggled, self.blank_lines.valueChanged,
                       self.regex_edit.textChanged, self.encoding_box.currentTextChanged,
                       self.text_field.textChanged, self.title_field.textChanged):
            signal.connect(self._options_changed)
        self.set_paths(paths)
        self.encoding_box.setFocus()
        self.resize(560, self.sizeHint().height())

    # -- what is chosen ---------------------------------------------------------------------------

    def set_paths(self, paths: Sequence[str | Path]) -> None:
        """Choose these files and folders (duplicates dropped, order kept)."""
        self.paths = list(dict.fromkeys(Path(p) for p in paths))
        folders = [p for p in self.paths if p.is_dir()]
        files = [p for p in self.paths if not p.is_dir()]
        # Folders may hold anything, so their tables may need the column options too.
        self.has_tables = bool(folders) or any(p.suffix.lower() in TABLE_EXTENSIONS for p in files)
        counts = [plural(len(x), w) for x, w in ((files, "file"), (folders, "folder")) if x]
        self.summary.setText(f"{' and '.join(counts)} chosen:" if counts
                             else "Nothing chosen yet: add files or a folder.")
        self.path_list.set_paths(self.paths)
        self.folder_note.setVisible(bool(folders))
        self.table_box.setEnabled(self.has_tables)
        self.no_tables.setVisible(not self.has_tables)
        self._selection_changed()
        self._validate()
        self._options_changed()

    def add_files(self) -> None:
        kinds = " ".join(f"*{ext}" for ext in SUPPORTED_EXTENSIONS)
        files, _ = QFileDialog.getOpenFileNames(self, "Add files to import", self._start_folder(),
                                                f"Documents ({kinds});;All files (*)")
        if files:
            self.set_paths([*self.paths, *files])

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to import (with its subfolders)",
                                                  self._start_folder())
        if folder:
            self.set_paths([*self.paths, folder])

    def _start_folder(self) -> str:
        last = self.paths[-1] if self.paths else None
        return str(last if last is not None and last.is_dir() else last.parent if last else Path.home())

    def remove_selected(self) -> None:
        gone = set(self.path_list.selected_paths())
        self.set_paths([p for p in self.paths if p not in gone])

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.path_list.selectedItems()))

    # -- the preview: how many documents each file makes ----------------------------------------

    def _options_changed(self, *_) -> None:
        if not self.isVisible():
            return
        if self._preview_options() is None:  # a problem to fix first, or nothing chosen
            self.preview.pause()
            self.path_list.counting("")
            self.preview_label.setText("")
        else:
            self.path_list.counting()
            self.preview_label.setText("Counting the documents…")
            self.preview.request(self.paths)

    def _preview_options(self) -> ImportOptions | None:
        return self.options() if self.ok_button.isEnabled() else None

    def _previewed(self, previews, message: str | None) -> None:
        if previews is None:
            self.preview_label.setText(f"The documents could not be counted: {message}")
        else:
            self.preview_label.setText(self.path_list.show_preview(previews))

    def done(self, result: int) -> None:
        self.preview.stop()
        super().done(result)

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
        self.ok_button.setEnabled(encoding is None and split is None and bool(self.paths))
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
        self._options_changed()

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

