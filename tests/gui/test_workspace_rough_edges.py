"""Rough edges of the workspace a first real use found (issue 13, points 9 to 14): stripes on
open, attribute defaults and their precision, the table following a new annotation, edge drags
that trim white space, a find bar that fits, and the scroll position kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui.main_window import MainWindow
from annotator.gui.views.document_view import MARGIN

SHOTS = Path("/tmp/workspace13-shots")
RATED = [{"name": "strength", "type": "number", "min": 1, "max": 5, "default": 3},
         {"name": "share", "type": "number", "min": 0, "max": 1, "default": 0.25},
         {"name": "sourced", "type": "boolean", "default": False},
         {"name": "free", "type": "number"}]
TEXT = ("Hello 😀 world, the council “will” spend £2m on bike lanes.\n"
        "Critics say it\u00a0is a waste 🇫🇷 of money; others disagree.\n")


def shown(qtbot, project, size: tuple[int, int] | None = (1300, 820)) -> MainWindow:
    """A main window on ``project``, shown (at ``size``; None: the size it starts with)."""
    win = MainWindow(project)
    qtbot.addWidget(win)
    if size is not None:
        win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, project, dialogs):
    project.add_document("Article", TEXT)
    project.add_document("Other", "A second document, short.\n")
    return shown(qtbot, project)


def shot(widget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()  # let layouts take rows just added
    name = name.replace("-after-", f"-{os.environ.get('SHOT_TAG', 'after')}-")  # "before" when run on main
    assert widget.grab().save(str(SHOTS / name)), name


def category(window, name: str) -> str:
    return next(c.id for c in window.project.categories() if c.name == name)


def select(window, quote: str, occurrence: int = 1) -> tuple[int, int]:
    text, start = window.view.text(), -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    window.view.select_range(start, start + len(quote))
    return start, start + len(quote)


def field(window, label: str):
    form = window.details.attributes_form
    for row in range(form.rowCount()):
        if form.itemAt(row, form.ItemRole.LabelRole).widget().text() == f"{label}:":
            return form.itemAt(row, form.ItemRole.FieldRole).widget()
    raise AssertionError(f"no attribute field {label!r}")


# -- 9. the stripes under the lines are painted when a document is opened ------------------------

PARAGRAPHS = "\n\n".join(f"Paragraph {n}: the council said the bike lanes would cost money, and critics "
                         "disagreed about how much." for n in range(1, 3001))  # long: Qt lays it out in steps


def two_coders(project):
    """A long document where two coders' spans overlap in every paragraph."""
    doc = project.add_document("Long", PARAGRAPHS).document
    alice, bob = project.add_annotator("alice").id, project.add_annotator("bob").id
    claim, opinion = project.categories()[0], project.categories()[1]
    items = []
    for n in range(1, 3001):
        at = PARAGRAPHS.index(f"Paragraph {n}:") + len(f"Paragraph {n}: ")
        items += [dict(document_id=doc.id, category_id=claim.id, annotator_id=alice, start=at, end=at + 31),
                  dict(document_id=doc.id, category_id=opinion.id, annotator_id=bob, start=at + 4, end=at + 50)]
    project.add_annotations(items)
    return claim, opinion


def stripe_pixels(window, colour: str) -> int:
    """How many pixels of the view show the stripe of a category of this colour."""
    QApplication.processEvents()
    image = window.view.viewport().grab().toImage()
    stripe = QColor(colour).darker(115).name()  # as views/stripes.py paints it
    return sum(1 for x in range(0, image.width(), 2) for y in range(image.height())
               if image.pixelColor(x, y).name() == stripe)


def test_stripes_are_painted_when_the_app_reopens_on_a_document(qtbot, project, dialogs):
    from annotator.core.project.project import Project

    claim, opinion = two_coders(project)
    path = project.path
    first = MainWindow(project)
    qtbot.addWidget(first)
    first.close()
    win = shown(qtbot, Project.open(path))  # a restart: the long document opens at once
    assert win.document.title == "Long"
    shot(win.view.viewport(), "9-after-reopen.png")
    assert stripe_pixels(win, claim.colour) > 100 and stripe_pixels(win, opinion.colour) > 100


def test_stripes_are_painted_when_switching_to_a_document(window):
    claim, opinion = two_coders(window.project)
    window.refresh()
    assert window.document.title == "Article"
    window.corpus.step(2)  # to "Long", as a click in the Documents list does
    assert window.document.title == "Long"
    shot(window.view.viewport(), "9-after-switch.png")
    assert stripe_pixels(window, claim.colour) > 100 and stripe_pixels(window, opinion.colour) > 100
    # The top of a document, in the margin above its first line, is where painting starts.
    assert window.view.block_at(0).blockNumber() == 0 and window.view.view_position() == (0, -MARGIN)


# -- 10. defaults are stored, and numbers show the precision their definition implies -------------


def test_a_new_annotation_holds_the_defaults_the_panel_shows(window):
    window.project.add_category("Rated", attributes=RATED)
    window.refresh_schema()
    select(window, "council")
    window.annotate(category(window, "Factual claim"))
    claim = window.project.annotations()[0]
    assert window.project.annotation(claim.id).attributes == {"verdict": "not checked"}  # was {}
    assert field(window, "verdict").currentText() == "not checked"
    assert window.details.meta.text().startswith(f"by {window.context.annotator.name} ·")  # the first: not "by ?"
    select(window, "bike lanes")
    window.annotate(category(window, "Rated"))
    rated = next(a for a in window.project.annotations() if a.id != claim.id)
    assert rated.attributes == {"strength": 3, "share": 0.25, "sourced": False}
    strength, share, sourced, free = (field(window, n) for n in ("strength", "share", "sourced", "free"))
    assert (strength.text(), share.text(), free.text()) == ("3", "0.25", "—")  # not "3.00"; free has no value
    assert sourced.checkState() == Qt.CheckState.Unchecked
    shot(window, "10-after-window-defaults.png")
    shot(window.details, "10-after-details-defaults.png")
    strength.stepUp()  # a whole-number scale steps by 1 and stores an integer
    assert window.project.annotation(rated.id).attributes["strength"] == 4
    assert type(window.project.annotation(rated.id).attributes["strength"]) is int


def test_a_value_the_project_does_not_hold_shows_as_none(window):
    """An annotation stored without values (by an older version) shows none, not the defaults."""
    window.project.add_category("Rated", attributes=RATED)
    window.refresh_schema()
    coder = window.project.add_annotator("bob").id
    ann = window.project.add_annotations([dict(document_id=window.document.id, category_id=category(window, "Rated"),
                                               annotator_id=coder, start=4, end=11)], restore=True)[0]
    window.open_document(window.document.id, force=True)
    window.view.reveal_annotation(ann)
    assert window.project.annotation(ann).attributes == {}
    assert field(window, "strength").text() == "—"
    assert field(window, "sourced").checkState() == Qt.CheckState.PartiallyChecked
    shot(window.details, "10-after-details-no-values.png")


# -- 11. the table selects the annotation just made ---------------------------------------------


def test_the_table_selects_the_annotation_just_made(window):
    select(window, "bike lanes")
    window.annotate(category(window, "Opinion"))
    first = window.view.selected_id
    assert window.table_panel.selected_ids() == [first]
    window.view.select_annotation(first)
    select(window, "council")  # earlier in the text: its row goes above the selected one
    window.annotate(category(window, "Factual claim"))
    made = window.view.selected_id
    assert made != first
    assert window.table_panel.selected_ids() == [made]
    index = window.table_panel.table.currentIndex()
    assert index.data() == "council"  # the current row, the one a keyboard user acts on
    shot(window.table_panel, "11-after-table.png")
    window.undo()
    window.redo()  # redo makes it again: selected again
    assert window.table_panel.selected_ids() == [made]


# -- 12. dragging an edge trims white space as a selection does ----------------------------------


def drag_edge(window, annotation_id: str, edge: str, target_offset: int) -> None:
    view = window.view
    view.select_annotation(annotation_id)
    span = view.index.spans[annotation_id]
    offset = span.start if edge == "start" else span.end
    x, top, bottom = view._edge_geometry(view.index.offsets.to_qt(offset), edge == "end")
    grab = QPoint(round(x), round((top + bottom) / 2))
    assert view.edge_at(grab) == edge
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.index.offsets.to_qt(target_offset))
    target = view.cursorRect(cursor).center()
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=grab)
    QTest.mouseMove(view.viewport(), pos=target)
    return target


def test_dragging_an_edge_drops_white_space_and_takes_whole_words(window):
    text = window.view.text()
    start, end = select(window, "council")
    window.annotate(category(window, "Opinion"))
    ann = window.view.selected_id
    quote = lambda: text[window.project.annotation(ann).start:window.project.annotation(ann).end]  # noqa: E731
    # The end dragged to just before "spend": the span would end in a space.
    target = drag_edge(window, ann, "end", text.index("spend"))
    assert window.view.selection_range() == (start, text.index("spend") - 1)  # the preview is trimmed too
    shot(window.view.viewport(), "12-after-drag-preview.png")
    QTest.mouseRelease(window.view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert quote() == "council “will”"
    # The start dragged into the space before "council": trimmed to the word.
    target = drag_edge(window, ann, "start", start - 1)
    QTest.mouseRelease(window.view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert quote() == "council “will”"
    # The end dragged into the middle of a word takes the whole word, as a selection does.
    target = drag_edge(window, ann, "end", text.index("spend") + 2)
    QTest.mouseRelease(window.view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert quote() == "council “will” spend"
    # With Snap to Word Boundaries off, a drag, like a selection, is taken as it is.
    window.actions["annotate.snap"].setChecked(False)
    target = drag_edge(window, ann, "end", text.index("£2m"))
    QTest.mouseRelease(window.view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert quote() == "council “will” spend "


# -- 13. the find bar's count is never clipped, and opening it keeps the panels' widths -----------


def dock_widths(window) -> list[int]:
    return [dock.width() for dock in (window.documents_dock, window.palette_dock, window.details_dock)]


@pytest.mark.parametrize("size", [(1280, 800), (1024, 700)])
def test_the_find_bar_fits_its_count_and_keeps_the_side_panels(qtbot, project, dialogs, size):
    project.add_document("Long", "money " * 118 + "\n" + "A line without the word.\n")
    win = shown(qtbot, project, size)  # no saved layout: as at a first start
    QApplication.processEvents()
    before = dock_widths(win)
    win.actions["edit.find"].trigger()
    win.find_bar.edit.setText("money")
    QApplication.processEvents()
    bar = win.find_bar
    shot(win, f"13-after-find-{size[0]}.png")
    assert bar.count.text() == "118 matches"
    assert bar.count.width() >= bar.count.fontMetrics().horizontalAdvance("118 matches")  # not "118 matche"
    for _ in range(3):
        bar.next()
    assert bar.count.text() == "3 of 118"
    assert bar.count.width() >= bar.count.fontMetrics().horizontalAdvance(bar.count.text())
    assert dock_widths(win) == before  # the side panels keep their width
    for widget in (bar.edit, bar.case, bar.words, bar.category, bar.annotate_button, bar.close_button):
        assert widget.isVisible() and widget.width() >= widget.minimumSizeHint().width(), widget
        assert bar.rect().contains(widget.geometry()), widget  # nothing cut off at the bar's edge
    bar.close_bar()
    QApplication.processEvents()
    assert dock_widths(win) == before


# -- 14. importing annotations, and reopening the app, keep the scroll position -------------------

LONG = "\n\n".join(f"Paragraph {n}: the council said the bike lanes would cost money, and critics disagreed "
                   f"about how much money that would be." for n in range(1, 201))


def top_line(window) -> str:
    offset, _ = window.view.view_position()
    return window.view.text()[offset:offset + 14]


def scroll_to_paragraph(window, n: int) -> None:
    window.view.scroll_to((window.view.text().index(f"Paragraph {n}:"), 0))
    QApplication.processEvents()
    assert top_line(window) == f"Paragraph {n}:"[:14]


def test_importing_annotations_keeps_the_place_in_the_document(qtbot, project, dialogs, tmp_path):
    from annotator.core.exchange.apply import import_annotations
    from annotator.core.exchange.export_file import write_export
    from annotator.core.schema.templates import create_project

    project.add_document("Long", LONG)
    write_export(project, tmp_path / "lead.json")
    with create_project(tmp_path / "bob.annotator") as bob:  # a coder annotates a copy and exports
        import_annotations(bob, [tmp_path / "lead.json"])
        doc, coder, cat = bob.documents()[0], bob.add_annotator("bob"), bob.categories()[1]
        at = LONG.index("Paragraph 120:")
        bob.add_annotation(doc.id, cat.id, coder.id, at, at + 13)
        write_export(bob, tmp_path / "bob.json")
    win = shown(qtbot, project)
    scroll_to_paragraph(win, 118)
    before = (win.view.view_position(), win.view.verticalScrollBar().value())
    with qtbot.waitSignal(win.context.operationEnded, timeout=20000):
        win.files.start_annotation_import([str(tmp_path / "bob.json")])
    QApplication.processEvents()
    assert win.project.count_annotations() == 1 and len(win.view.index.spans) == 1  # the import is shown
    assert (win.view.view_position(), win.view.verticalScrollBar().value()) == before  # not the top
    shot(win.view.viewport(), "14-after-import.png")


def test_reopening_the_app_shows_the_document_where_it_was(qtbot, project, dialogs):
    from annotator.core.project.project import Project

    project.add_document("Short", "A short one.")
    project.add_document("Long", LONG)
    path = project.path
    win = shown(qtbot, project)
    win.corpus.step(1)
    scroll_to_paragraph(win, 150)
    win.close()

    again = shown(qtbot, Project.open(path), None)  # the document is shown before the window has its size
    QApplication.processEvents()
    assert again.document.title == "Long"
    assert top_line(again) == "Paragraph 150:"
    shot(again, "14-after-reopen.png")
    again.resize(900, 700)  # a new width wraps the text anew: the same paragraph stays at the top
    QApplication.processEvents()
    assert top_line(again) == "Paragraph 150:"


# -- 11. a short window scrolls the Annotation panel instead of squeezing its lines together ------


@pytest.mark.parametrize("height", [420, 560, 700])
def test_the_annotation_panel_lines_do_not_overlap_in_a_short_window(qtbot, project, dialogs, height):
    project.add_document("Article", TEXT)
    win = shown(qtbot, project, (1100, height))
    select(win, "council")
    win.annotate(category(win, "Factual claim"))
    QApplication.processEvents()
    details = win.details
    shot(win, f"11-annotation-panel-{height}-after.png")

    def box(widget):
        return widget.geometry().translated(widget.parentWidget().mapTo(details, QPoint(0, 0)))

    quote, meta, combo = box(details.quote), box(details.meta), box(details.category)
    assert details.meta.height() >= details.meta.heightForWidth(details.meta.width())  # all its lines
    assert quote.bottom() < meta.top() and meta.bottom() < combo.top()
