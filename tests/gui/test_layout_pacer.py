"""Issue 16: a long text is laid out in idle time in short slices (gui/views/layout_pacer.py), not
in Qt's own steps that grow to 200,000 characters each; the scroll bars still learn the whole
size, and a new width is laid out again the same way."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from annotator.gui.views import layout_pacer
from annotator.gui.views.document_view import DocumentView

LINE = "Line {n:05} 😀 says “{n}” and then some words to wrap here and there, and more.\n"
TEXT = "".join(LINE.format(n=n) for n in range(20_000))  # about 1.6 million code points


@pytest.fixture
def view(qtbot):
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def laid_out(block) -> bool:
    return block.layout().lineCount() > 0


def finish(view, qtbot) -> None:
    qtbot.waitUntil(lambda: view.layout_pacer.done, timeout=60_000)


def test_a_slice_lays_out_part_of_the_text_and_qt_takes_no_step_of_its_own(view, monkeypatch):
    monkeypatch.setattr(layout_pacer, "SLICE_SECONDS", 0.0)  # one stride per turn of the event loop
    view.show_text(TEXT)
    view.viewport().repaint()  # the first screen is laid out by painting it
    document = view.document()
    for _ in range(20):  # twenty turns of the event loop: Qt's own steps would have reached far
        QApplication.processEvents()
    assert not view.layout_pacer.done
    assert laid_out(document.findBlock(20 * layout_pacer.STRIDE // 2))
    assert not laid_out(document.findBlock(21 * layout_pacer.STRIDE + 10_000))
    assert not laid_out(document.lastBlock().previous())


def test_the_whole_text_is_laid_out_in_idle_time_and_the_scroll_bar_knows_its_size(view, qtbot):
    view.show_text(TEXT)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=10_000)  # the size grows as it is laid out
    finish(view, qtbot)
    document = view.document()
    assert all(laid_out(document.findBlock(p)) for p in range(0, len(TEXT), len(TEXT) // 50))
    height = document.documentLayout().documentSize().height()
    assert bar.maximum() == pytest.approx(height - view.viewport().height(), abs=2)


def test_a_new_width_is_laid_out_again_and_the_scroll_bar_follows(view, qtbot):
    view.show_text(TEXT)
    finish(view, qtbot)
    before = view.verticalScrollBar().maximum()
    view.resize(300, 500)  # narrower: more lines
    QApplication.processEvents()
    finish(view, qtbot)
    height = view.document().documentLayout().documentSize().height()
    assert view.verticalScrollBar().maximum() == pytest.approx(height - view.viewport().height(), abs=2)
    assert view.verticalScrollBar().maximum() > before


def test_a_new_document_is_paced_and_the_old_one_is_let_go(view, qtbot):
    view.show_text(TEXT)
    old_layout = view.document().documentLayout()
    view.show_text(TEXT[: len(TEXT) // 2])
    finish(view, qtbot)
    assert view.document().documentLayout() is not old_layout
    height = view.document().documentLayout().documentSize().height()
    assert view.verticalScrollBar().maximum() == pytest.approx(height - view.viewport().height(), abs=2)
