"""A document view that shows another text deletes the document it showed at once: one waiting for
a deferred delete goes on laying its text out on its layout's own timer (~50 ms a turn of the event
loop for 10 MB), and where no event loop runs (a benchmark or a test driving processEvents) it
never goes (issue 16, point 2: the creations timed after an open paid for two such documents)."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QApplication

from annotator.gui.views.document_view import DocumentView


def test_the_old_document_is_deleted_when_another_text_is_shown(qtbot):
    view = DocumentView()
    qtbot.addWidget(view)
    view.show()
    view.show_text("first line\n" * 20_000)
    old = view.document()
    view.show_text("another text")
    QApplication.processEvents()
    assert not shiboken6.isValid(old)
    assert view.document().toPlainText() == "another text"
    view.show_text("a third")  # and again: the second goes too
    assert view.document().toPlainText() == "a third"
