"""Help → Documentation: the documentation pages shipped inside the package (core/resources.py's
``doc_pages``), an index on the left and the page on the right. A link to another page opens it
there (at its section, for ``page.md#section``), a web link opens in the browser, and a link to a
file that is not part of the installed documentation says so."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
)

from annotator.core import resources

FIRST_PAGE = "workspace.md"
# The index lists a coder's pages first, then the reference pages; a page not named here comes last.
ORDER = ("workspace.md", "import.md", "schema-format.md", "exchange-format.md", "refi-qda.md",
         "agreement-spans.md", "agreement.md", "adjudication.md", "project-file.md", "team-server.md",
         "reliability.md", "team-server-plan.md", "architecture.md")


def short_title(title: str) -> str:
    """A page's title for the index: "The schema file (…) and REFI-QDA codebooks" → "The schema file"."""
    return re.split(r" \(|: ", title, maxsplit=1)[0]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading (``## On the command line`` → ``on-the-command-line``),
    which the pages' links use."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


class HelpBrowser(QDialog):
    """``show_page(name, anchor)`` opens a page; ``page`` is the one shown."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Annotator documentation")
        shipped = resources.doc_pages()
        order = sorted(shipped, key=lambda name: (ORDER.index(name) if name in ORDER else len(ORDER), name))
        self.pages = {name: shipped[name] for name in order}
        self.page = ""
        self.index = QListWidget()
        for name, title in self.pages.items():
            item = QListWidgetItem(short_title(title))
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(f"{title} ({name})")
            self.index.addItem(item)
        self.index.currentItemChanged.connect(
            lambda item, _: item is not None and self.show_page(item.data(Qt.ItemDataRole.UserRole)))
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # links are followed by _follow
        self.browser.anchorClicked.connect(self._follow)
        self.browser.document().setDocumentMargin(14)
        self.note = QLabel()
        self.note.setWordWrap(True)
        splitter = QSplitter()
        splitter.addWidget(self.index)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([self.index.sizeHintForColumn(0) + 24, 800])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(1000, 720)

    def show_page(self, name: str, anchor: str = "") -> bool:
        """Show the page ``name`` (at the heading ``anchor``, a slug); False if it is not shipped."""
        if name not in self.pages:
            return False
        if name != self.page:
            self.page = name
            self.browser.setMarkdown(resources.read_doc(name))
            self.setWindowTitle(f"{self.pages[name]} — Annotator documentation")
            row = list(self.pages).index(name)
            if self.index.currentRow() != row:
                self.index.setCurrentRow(row)
        self.note.clear()
        if not anchor or not self.scroll_to(anchor):
            self.browser.verticalScrollBar().setValue(0)
        return True

    def scroll_to(self, anchor: str) -> bool:
        """Bring the heading whose slug is ``anchor`` to the top; False if the page has none."""
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and slug(block.text()) == anchor:
                self.browser.setTextCursor(QTextCursor(block))
                top = self.browser.document().documentLayout().blockBoundingRect(block).top()
                self.browser.verticalScrollBar().setValue(int(top))
                return True
            block = block.next()
        return False

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        target = url.path() or self.page  # "#section" alone: this page
        if target.startswith("./"):
            target = target[2:]
        if not self.show_page(target, url.fragment()):
            self.note.setText(f"“{url.toString()}” is not part of the documentation installed with Annotator.")

