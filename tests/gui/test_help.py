"""Help → Documentation (issue 13, point 18): the pages shipped inside the package, every one of
them opens, and the links between them lead to the page and section they name."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, QUrl

from annotator.core import resources
from annotator.gui.dialogs.help_browser import HelpBrowser, slug
from annotator.gui.main_window import MainWindow

LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture
def browser(qtbot):
    dialog = HelpBrowser()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def shown_heading(browser) -> str:
    """The heading the view was scrolled to: at the top of the visible part of the page, or lower
    down when the page ends before it could be brought up there."""
    view = browser.browser
    at_top = view.cursorForPosition(QPoint(30, 8)).block()  # inside a level-3 heading too (about 20 px high)
    bar = view.verticalScrollBar()
    if bar.value() == bar.maximum() and bar.maximum() > 0:
        cursor = view.cursorRect()
        assert view.viewport().rect().contains(cursor), "the heading is out of sight"
        return view.textCursor().block().text()
    return at_top.text()


def test_the_help_menu_opens_the_documentation(qtbot, project, shoot):
    window = MainWindow(project)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    menus = {a.text(): [x.text() for x in a.menu().actions()] for a in window.menuBar().actions()}
    assert menus["&Help"][:3] == ["&Keyboard Shortcuts", "&Documentation", "&Agreement Measures"]
    window.actions["help.documentation"].trigger()
    help_window = window.files.help_browser
    assert help_window.isVisible() and help_window.page == "workspace.md"
    assert help_window.browser.toPlainText().startswith("The coder's workspace")
    assert help_window.index.currentItem().text() == "The coder's workspace"
    shoot(help_window, "help-documentation.png")
    window.actions["help.agreement"].trigger()
    assert window.files.help_browser is help_window and help_window.page == "agreement-spans.md"
    assert help_window.windowTitle() == "Span-level agreement — Annotator documentation"


def test_every_page_opens_from_the_index(browser):
    pages = resources.doc_pages()
    assert browser.index.count() == len(pages) >= 9
    shown = []
    for row in range(browser.index.count()):
        browser.index.setCurrentRow(row)
        shown.append(browser.page)
        text = browser.browser.toPlainText()
        assert text.startswith(browser.index.item(row).text()) and len(text) > 500, browser.page
        assert text.startswith(pages[browser.page].replace("`", ""))
        assert "](" not in text  # Markdown, not its source
    assert sorted(shown) == sorted(pages)
    assert shown[:2] == ["workspace.md", "import.md"] and shown[-1] == "architecture.md"  # a coder's pages first


def _links():
    for name in resources.doc_pages():
        for target in LINK.findall(resources.read_doc(name)):
            if not target.startswith(("http://", "https://", "mailto:")):
                yield name, target


def test_the_pages_link_to_each_other(browser):
    links = list(_links())
    assert ("architecture.md", "agreement.md") in links  # there are links to follow
    outside = []
    for page, target in links:
        browser.show_page(page)
        browser.browser.anchorClicked.emit(QUrl(target))
        path, _, anchor = target.partition("#")
        if path.startswith("../"):  # a file of the repository, not of the documentation
            outside.append(target)
            assert browser.note.text() == f"“{target}” is not part of the documentation installed with Annotator."
            assert browser.page == page
            continue
        assert browser.page == (path or page), target
        assert browser.note.text() == ""
        if anchor:
            assert slug(shown_heading(browser)) == anchor, target
    assert sorted(outside) == ["../benchmarks/README.md", "../benchmarks/README.md#workspace"]


def test_a_section_link_scrolls_to_its_heading(browser):
    browser.show_page("architecture.md")
    browser.browser.anchorClicked.emit(QUrl("agreement.md#on-the-command-line"))
    assert browser.page == "agreement.md" and shown_heading(browser) == "On the command line"
    assert browser.browser.verticalScrollBar().value() > 0
    browser.browser.anchorClicked.emit(QUrl("#span-level-measures"))  # within the page
    assert shown_heading(browser) == "Span-level measures"


@pytest.mark.parametrize("heading, anchor", [
    ("On the command line", "on-the-command-line"), ("The exchange file (`annotator-export`, version 1)",
                                                     "the-exchange-file-annotator-export-version-1"),
    ("Limits", "limits"),
])
def test_anchors_are_githubs(heading, anchor):
    assert slug(heading) == anchor
