"""The page the window shows instead of a document while the project has none: how to start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    """Emits ``importRequested()``, ``folderRequested()`` and ``sampleRequested()`` from its buttons."""

    importRequested = Signal()
    folderRequested = Signal()
    sampleRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        heading = QLabel("This project has no documents yet")
        heading_font = heading.font()
        heading_font.setPointSizeF(heading_font.pointSizeF() + 6)
        heading.setFont(heading_font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("Import texts to annotate"
                      " (.txt, .md, .html, .docx, .pdf, .csv, .tsv, .jsonl, or whole folders),\n"
                      "or open the sample project to try annotating right away.\n"
                      "Everything you do is saved as you go; there is no Save button.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        self.import_button = QPushButton("Import documents…")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(lambda: self.importRequested.emit())
        self.folder_button = QPushButton("Import a folder…")
        self.folder_button.setToolTip("Every supported file in a folder and its subfolders")
        self.folder_button.clicked.connect(lambda: self.folderRequested.emit())
        self.sample_button = QPushButton("Open sample project")
        self.sample_button.clicked.connect(lambda: self.sampleRequested.emit())
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addSpacing(12)
        layout.addWidget(self.import_button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.folder_button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.sample_button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)
