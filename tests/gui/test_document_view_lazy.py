"""Issue 16, point 1: the document view paints what is on screen first. Opening a long document
cuts the per-block span index for the part in view only (the rest in idle time) and formats
nothing; a span far down is painted exactly, character for character, when it is scrolled to,
also after astral characters (UTF-16 positions through gui/offsets.py only)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QTextCursor

from annotator.gui.views.fills import block_fills
from annotator.gui.views.highlighter import blend

LINE = "Line {n:05} 😀 says “{n}” and 🇫🇷 twice, with words to wrap here and there.\n"
LINES = 6000  # about 470,000 code points, 18,000 astral characters
FAR = "the far span"


@pytest.fixture
def window(show_window, project, dialogs):
    text = "".join(LINE.format(n=n) for n in range(LINES)) + f"At the end: 🙂 {FAR} ✅ closes it.\n"
    document = project.add_document("Long", text).document
    coder = project.add_annotator("ann").id
    categories = [c.id for c in project.categories()]
    start = text.index(FAR)
    items = [dict(document_id=document.id, category_id=categories[n % 2], annotator_id=coder,
                  start=text.index(f"“{n}”"), end=text.index(f"“{n}”") + len(f"“{n}”")) for n in range(0, LINES, 7)]
    items.append(dict(document_id=document.id, category_id=categories[2], annotator_id=coder,
                      start=start, end=start + len(FAR)))
    project.add_annotations(items)
    return show_window(project)


def reopen(window):
    """Open the document afresh and paint it (no idle time passes: pytest-qt gives some after set-up)."""
    window.open_document(window.document.id, force=True)
    window.view.viewport().repaint()


def point_at(view, offset) -> QPoint:
    """The middle of the character at ``offset`` (code points), near its top, in the viewport."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.index.offsets.to_qt(offset))
    left = view.cursorRect(cursor)
    cursor.setPosition(view.index.offsets.to_qt(offset + 1))
    right = view.cursorRect(cursor)
    return QPoint((left.x() + right.x()) // 2, left.top() + 3)


def _pixel(view, offset):
    """The colour painted there."""
    return view.viewport().grab().toImage().pixelColor(point_at(view, offset))


def test_opening_cuts_the_index_for_the_screen_only_and_formats_no_text(window):
    reopen(window)
    view, index = window.view, window.view.index
    far_block = index.block_of(view.text().index(FAR))
    assert index.is_cut(0) and not index.is_cut(far_block)  # the far part waits for idle time
    assert len(index.spans) == LINES // 7 + 2  # every span is known (counts, find, the table)
    assert not any(view.document().findBlockByNumber(n).layout().formats() for n in (0, 1, far_block))
    assert window.count_label.text().startswith(f"{LINES // 7 + 2} annotations")


def test_the_rest_is_cut_in_idle_time(window, qtbot):
    reopen(window)
    index = window.view.index
    qtbot.waitUntil(index.fully_cut, timeout=20000)
    far_block = index.block_of(window.view.text().index(FAR))
    assert index.is_cut(far_block)


def test_a_span_far_down_is_painted_exactly_when_scrolled_to(window, shoot):
    reopen(window)
    view = window.view
    text = view.text()
    start = text.index(FAR)
    [span] = [s for s in view.index.spans.values() if s.start == start]
    block = view.index.block_of(start)
    assert not view.index.is_cut(block)
    view.reveal_annotation(span.id)  # scrolls there: painted at once, without waiting for idle time
    view.viewport().repaint()
    assert view.index.is_cut(block)
    # The fill covers exactly the span's characters, in UTF-16 units after the astral ones before it.
    qt_block = view.document().findBlockByNumber(block)
    local = view.index.offsets.to_qt(start) - qt_block.position()
    [(fill_start, fill_length, colour)] = block_fills(view, block)
    assert (fill_start, fill_length) == (local, len(FAR))
    assert local == len("At the end: 🙂 ".encode("utf-16-le")) // 2 != len("At the end: 🙂 ")
    category = next(c for c in window.project.categories() if c.id == span.category_id)
    assert colour == blend([QColor(category.colour)])
    # And on screen: the space inside the span is filled, the spaces just outside it are not.
    base = view.viewport().palette().base().color()
    assert _pixel(view, start + len("the")) == colour
    assert _pixel(view, start - 1) == base and _pixel(view, start + len(FAR)) == base
    shoot(window, "workspace-far-span.png")


def test_a_span_added_far_down_before_idle_time_is_painted(window):
    reopen(window)
    view = window.view
    text = view.text()
    start = text.index("Line 05990")
    view.select_range(start, start + len("Line 05990"))
    window.annotate(window.project.categories()[3].id)
    view.viewport().repaint()
    block = view.index.block_of(start)
    [(fill_start, fill_length, _)] = block_fills(view, block)
    assert (fill_start, fill_length) == (0, len("Line 05990"))
    assert window.count_label.text().startswith(f"{LINES // 7 + 3} annotations")
