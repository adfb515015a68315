"""Issue 16, point 1: "Opening highlights and indexes the visible part, shows it, and does the rest
in idle time without blocking input; scrolling into a part not done yet highlights it at once.
Overlap stripes, find, hover and click behave exactly as today." The window opens a long document
reading only the spans that can touch the first screen (and the long ones, and the count); the
rest is read in idle time, ending with what ``Project.annotation_spans`` reads; a span far down
is painted (and hovered, clicked, outlined by find) when scrolled to, before idle time reads it;
edits made meanwhile are neither lost nor duplicated."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from sqlalchemy import event

from annotator.gui.settings import save_annotator_name
from annotator.gui.spans import Span, SpanIndex
from annotator.gui.views.fills import block_fills
from annotator.gui.views.highlighter import blend
from tests.gui.test_document_view_lazy import FAR, LINE, LINES, point_at


@pytest.fixture(autouse=True)
def lazy(monkeypatch):
    monkeypatch.setattr(SpanIndex, "EAGER", 0, raising=False)  # a test-sized document is read part by part too


@pytest.fixture
def window(show_window, project, dialogs):
    text = "".join(LINE.format(n=n) for n in range(LINES)) + f"At the end: 🙂 {FAR} ✅ closes it.\n"
    document = project.add_document("Long", text).document
    coders = [project.add_annotator("ann").id, project.add_annotator("bob").id]
    categories = [c.id for c in project.categories()]
    items = []
    for n in range(0, LINES, 7):
        quote = f"“{n}”"
        at = text.index(quote)
        items.append(dict(document_id=document.id, category_id=categories[n % 2], annotator_id=coders[0],
                          start=at, end=at + len(quote)))
        if n % 3 == 0:  # overlapping it: two stripes under the line
            items.append(dict(document_id=document.id, category_id=categories[3], annotator_id=coders[1],
                              start=at - 5, end=at + len(quote) + 4))
    start = text.index(FAR)
    items.append(dict(document_id=document.id, category_id=categories[2], annotator_id=coders[0],
                      start=start, end=start + len(FAR)))
    items.append(dict(document_id=document.id, category_id=categories[3], annotator_id=coders[1],
                      start=start - 3, end=start + 3))  # overlapping its start
    project.add_annotations(items)
    save_annotator_name("ann")  # the window's coder: theirs to move and delete
    return show_window(project)


def reopen(window):
    """Open the document afresh and paint it (no idle time passes)."""
    window.open_document(window.document.id, force=True)
    window.view.viewport().repaint()


def full_read(window) -> dict[str, Span]:
    return {row[0]: Span(*row) for row in window.project.annotation_spans(window.document.id)}


def layer_labels(window) -> list[str]:
    root = window.layers.categories_root
    return [root.child(i).text(0) for i in range(root.childCount())]


def far_span(window) -> Span:
    start = window.view.text().index(FAR)
    return next(s for s in full_read(window).values() if s.start == start)


def scroll_to(window, offset):
    """Scroll the place into view, as the keyboard or the scroll bar would (nothing selected)."""
    window.view.place_cursor(offset)
    window.view.center_cursor()
    window.view.viewport().repaint()


def test_opening_reads_what_the_first_screen_needs_and_idle_time_the_rest(window, qtbot, shoot):
    reopen(window)
    index, everything = window.view.index, full_read(window)
    far = far_span(window)
    assert far.id not in index.loaded and not index.complete  # not read at the open
    assert 0 < len(index.loaded) < len(everything) // 10
    # Questions about the whole document are answered right meanwhile.
    assert index.count == len(index.spans) == len(everything)
    assert window.count_label.text().startswith(f"{len(everything)} annotations")
    assert window.documents_model.annotation_count(window.document.id) == len(everything)
    assert all(label.endswith("(…)") for label in layer_labels(window))  # counted once all are read
    shoot(window, "loading-just-opened.png")
    with qtbot.waitSignal(window.view.spansLoaded, timeout=30000):
        pass
    assert index.complete and index.loaded == everything  # the same as the full read
    counts = {c.name: sum(1 for s in everything.values() if s.category_id == c.id)
              for c in window.project.categories()}
    assert layer_labels(window) == [f"{name} ({n})" for name, n in counts.items()]


def test_a_span_far_down_is_painted_with_its_stripes_when_scrolled_to(window, shoot):
    reopen(window)
    view, far = window.view, far_span(window)
    assert far.id not in view.index.loaded
    scroll_to(window, far.start)  # no idle time: the part scrolled to is read and painted at once
    assert far.id in view.index.loaded
    block = view.index.block_of(far.start)
    qt_block = view.document().findBlockByNumber(block)
    local = view.index.offsets.to_qt(far.start) - qt_block.position()
    assert local == len("At the end: 🙂 ".encode("utf-16-le")) // 2 != len("At the end: 🙂 ")
    fills = block_fills(view, block)
    colour = {c.id: QColor(c.colour) for c in window.project.categories()}
    assert (local + 3, len(FAR) - 3, blend([colour[far.category_id]])) in fills
    base = view.viewport().palette().base().color()
    image = view.viewport().grab().toImage()
    assert image.pixelColor(point_at(view, far.start + len("the far"))) == blend([colour[far.category_id]])
    assert image.pixelColor(point_at(view, far.start + len(FAR))) == base
    # The stripes under the line: the two overlapping spans in two lanes, as a full index has them.
    full = SpanIndex(view.text(), full_read(window).values())
    assert view.index.lanes(block, view.is_shown) == full.lanes(block, view.is_shown)
    assert sorted(view.index.lanes(block, view.is_shown).values()) == [0, 1]
    shoot(window, "loading-scrolled-far.png")


def test_hover_click_and_find_far_down_before_idle_time(window, qtbot):
    reopen(window)
    view, far = window.view, far_span(window)
    scroll_to(window, far.start)
    point = point_at(view, far.start + len("the far"))
    assert [s.id for s in view.spans_at(view.offset_at(point))] == [far.id]  # what a tooltip names
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.selected_id == far.id
    reopen(window)
    window.find_bar.show()
    window.find_bar.edit.setText(FAR)
    qtbot.waitUntil(lambda: bool(window.find_bar.matches), timeout=5000)
    assert window.find_bar.matches == [(far.start, far.end)]
    assert view.find_matches == [view.index.qt_range(far)]


def test_edits_while_reading_are_kept_once(window, qtbot):
    reopen(window)
    view, project = window.view, window.project
    text = view.text()
    mine = window.context.annotator.id
    unread = [s for s in full_read(window).values()
              if s.id not in view.index.loaded and s.start > len(text) // 2 and s.annotator_id == mine]
    total = view.index.count
    statements: list[str] = []
    project._engine.dispose()  # new connections from here on, each traced
    event.listen(project._engine, "connect", lambda connection, _: connection.set_trace_callback(statements.append))
    # Created far down, where nothing is read yet.
    start = text.index("Line 05990")
    view.select_range(start, start + len("Line 05990"))
    window.annotate(project.categories()[0].id)
    created = view.selected_id
    assert created and window.count_label.text().startswith(f"{total + 1} annotations")
    # Counted by what changed (point 2). To rank the new one for the table the view's index counts
    # the spans not read yet by bucket, once (the index of document, start and end only).
    assert [s for s in statements if "count(" in s.lower()] == [
        s for s in statements if s.startswith("SELECT start / 4096, count(*) FROM annotations")]
    # One not read yet: moved to the top; another: deleted (as the table would).
    moved, deleted = unread[0], unread[-1]
    window.annotating.set_span(moved.id, 5, 9)
    window.annotating.delete_annotations([deleted.id])
    assert window.count_label.text().startswith(f"{total} annotations")
    assert window.documents_model.annotation_count(window.document.id) == total
    assert view.index.count == total
    with qtbot.waitSignal(view.spansLoaded, timeout=30000):
        pass
    everything = full_read(window)
    assert view.index.loaded == everything and len(everything) == total
    assert created in everything and deleted.id not in everything and everything[moved.id].start == 5
    pieces = {block: found for block, found in view.index.pieces.items() if found}
    assert pieces == SpanIndex(text, everything.values()).pieces  # no piece twice, none left over


def test_the_table_follows_an_edit_while_reading(window):
    reopen(window)
    view = window.view
    order = sorted(full_read(window).values(), key=lambda s: (s.start, s.end, s.id))
    first = next(iter(view.index.loaded))
    assert window._rank_in_view(window.document.id, first) == [s.id for s in order].index(first)
    text = view.text()
    start = text.index("says", text.index("Line 00100"))
    view.select_range(start, start + 4)
    window.annotate(window.project.categories()[1].id)
    new = view.selected_id
    assert new and window.table_panel.selected_ids() == [new]
    row = window.table_panel.table.currentIndex().row()
    order = sorted(full_read(window).values(), key=lambda s: (s.start, s.end, s.id))
    assert order[row].id == new


def test_the_table_jumps_to_a_span_not_read_yet(window, shoot):
    reopen(window)
    view, far = window.view, far_span(window)
    assert far.id not in view.index.loaded
    window.jump_to(window.document.id, far.id)
    view.viewport().repaint()
    assert view.selected_id == far.id and view.index.is_cut(view.index.block_of(far.start))
    assert window.details.quote.text() == f"“{FAR}”"
    image = view.viewport().grab().toImage()
    colour = next(QColor(c.colour) for c in window.project.categories() if c.id == far.category_id)
    assert image.pixelColor(point_at(view, far.start + len("the far"))) == blend([colour])
