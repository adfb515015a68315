"""Help → Coding guidelines: the schema's categories with colours, keys, guidelines and attributes as
a readable page, which can be exported as a standalone HTML file for printing."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from annotator.core.errors import AnnotatorError
from annotator.core.files import write_text
from annotator.core.schema.guidelines import guidelines_html


class GuidelinesDialog(QDialog):
    """Shows ``guidelines_html`` for the project's schema. ``refresh()`` re-reads the categories
    (the window may call it after schema changes while the dialog is open)."""

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Coding guidelines")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = QPushButton("Export &HTML…")
        self.export_button.setToolTip("Save this page as an HTML file, to print or share with coders")
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.export_html)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(760, 720)
        self.refresh()

    def html(self) -> str:
        return guidelines_html(self.project.info().name, self.project.categories(), date.today().isoformat())

    def refresh(self) -> None:
        bar = self.browser.verticalScrollBar()
        position = bar.value()
        self.browser.setHtml(self.html())
        bar.setValue(position)

    def export_html(self) -> Path | None:
        """Ask where, then write the page as UTF-8 (a temporary file replaced into place)."""
        name = re.sub(r"[^\w.-]+", "-", self.project.info().name).strip("-.") or "coding"
        folder = self.project.path.parent if self.project.path else Path.home()
        suggested = str(folder / f"{name}-guidelines.html")
        path, _filter = QFileDialog.getSaveFileName(self, "Export coding guidelines", suggested,
                                                    "HTML pages (*.html *.htm)")
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() not in (".html", ".htm"):
            target = target.with_name(target.name + ".html")
        try:
            write_text(target, self.html())
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Export coding guidelines", str(exc))
            return None
        return target
