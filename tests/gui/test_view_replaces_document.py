"""A document view that shows another text stops the document it showed from laying its text out:
until that document is deleted (deleteLater: at the next turn of an event loop, or never where none
runs, as here and in the benchmarks) its layout would go on with Qt's own lazy steps, ~50 ms a turn
of the event loop for 10 MB, behind every key (issue 16, point 2: the creations timed after an open
paid for two such documents)."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

from annotator.gui.views.document_view import DocumentView


def test_the_old_document_lays_nothing_out_once_another_text_is_shown(qtbot):
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    view.show_text("a first line that is long enough to wrap somewhere or other\n" * 20_000)
    view.viewport().repaint()
    old = view.document()
    view.show_text("another text")
    for _ in range(40):  # Qt's own steps, doubling each turn, would reach the end of 1.2 million characters
        QApplication.processEvents()
        time.sleep(0.02)  # the layout's timer fires between turns (no event loop runs: no deferred delete)
    assert old.lastBlock().previous().layout().lineCount() == 0
    assert view.document().toPlainText() == "another text"
    view.show_text("a third")  # the view's own document is still laid out
    view.viewport().repaint()
    assert view.document().firstBlock().layout().lineCount() > 0
