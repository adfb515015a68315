"""Issue 16, point 2: an edit costs what it touches. Creating, moving or deleting an annotation in
the open document runs one write transaction (its table keys are made in it, from the text the
view holds: no second commit, and its fsync), and the annotation table follows it in place: rows
inserted, removed or moved in the pages it holds, never a model reset and the pages read again.
Every statement SQLite runs is traced; the table's rows are compared with the project's own."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt

from annotator.gui.models.annotation_table_model import PAGE
from tests.gui import test_edit_cost

traced = test_edit_cost.traced  # a fixture: the statements SQLite runs from then on
LINES = 1500  # and one more, the coder's first, on line 1400


@pytest.fixture
def window(show_window, project, dialogs, qtbot):
    text = "".join(f"Line {n:04} has a claim in it.\n" for n in range(LINES))
    doc = project.add_document("Long", text).document
    project.add_document("Other", "Another document, short.\n")
    coder = project.add_annotator("ann").id
    cat = project.categories()[0].id
    project.add_annotations([dict(document_id=doc.id, category_id=cat, annotator_id=coder,
                                  start=text.index(f"Line {n:04}"), end=text.index(f"Line {n:04}") + 9)
                             for n in range(LINES)])
    window = show_window(project)
    window.open_document(doc.id)
    qtbot.waitUntil(lambda: not window.indexer.active())  # the documents' index, made in idle time
    annotate(window, 1400)  # the coder's first annotation also adds their row to the project: done
    yield window
    window.close()
    window.deleteLater()  # not left for later tests (tests/gui/test_layout_pacer.py counts Qt's layout steps)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def resets(window):
    model = window.table_panel.model
    seen: list[str] = []
    model.modelReset.connect(lambda: seen.append("reset"))
    model.layoutChanged.connect(lambda: seen.append("layout"))
    return seen


def writes(statements):
    return [s for s in statements if s.strip().upper().startswith("BEGIN IMMEDIATE")]


def hold_pages(window, rows):
    """Scroll the table over these rows, so that the model holds their pages."""
    panel = window.table_panel
    for row in rows:
        panel.table.scrollTo(panel.model.index(row, 1))
        panel.table.viewport().repaint()


def table_rows(window):
    model = window.table_panel.model
    return [model.annotation_at(r) for r in range(model.rowCount())]


def the_projects_rows(window):
    model = window.table_panel.model
    return window.project.table_page(model.query, 0, model.rowCount() + 1)


def annotate(window, line, category=1):
    text = window.view.text()
    start = text.index("claim", text.index(f"Line {line:04}"))
    window.view.select_range(start, start + 5)
    window.annotate(window.project.categories()[category].id)
    return window.view.selected_id


def test_creating_moving_and_deleting_each_run_one_write_transaction(window, traced):
    assert window.table_panel.model.total() == LINES + 1
    created = annotate(window, 700)
    assert len(writes(traced)) == 1  # the annotation and its table keys, committed together
    assert window.project.annotation_keys_current()
    traced.clear()
    span = window.view.index.spans[created]
    window.annotating.set_span(created, span.start - 3, span.end)
    assert len(writes(traced)) == 1
    traced.clear()
    window.annotating.delete_annotations([created])
    assert len(writes(traced)) == 1
    traced.clear()
    window.undo()
    assert len(writes(traced)) == 1
    assert window.project.annotation_keys_current()
    assert table_rows(window) == the_projects_rows(window)  # the keys made in the edit: the quote too
    [row] = [r for r in table_rows(window) if r.id == created]
    assert row.quote == " a claim"  # moved 3 characters back


def test_the_table_follows_edits_in_place_without_a_reset(window, traced, resets, qtbot, shoot):
    panel, model = window.table_panel, window.table_panel.model
    hold_pages(window, [0, 3 * PAGE + 10, LINES - 1, 2 * PAGE])  # pages held before, after and round the edits
    held = len(model._pages)
    assert held >= 3
    inserted, removed, moved = [], [], []
    model.rowsInserted.connect(lambda _p, first, _last: inserted.append(first))
    model.rowsRemoved.connect(lambda _p, first, _last: removed.append(first))
    model.rowsMoved.connect(lambda *args: moved.append(args[1]))

    created = annotate(window, 600)  # row 601: after "Line 0600"'s own
    assert inserted == [601] and resets == []
    assert panel.selected_ids() == [created] and panel.table.currentIndex().row() == 601
    assert table_rows(window) == the_projects_rows(window)
    shoot(window, "edit_in_place_created.png")

    span = window.view.index.spans[created]
    text = window.view.text()
    far = text.index("claim", text.index("Line 0100"))
    window.annotating.set_span(created, far, far + span.end - span.start)  # now row 101
    assert moved == [601] and resets == []
    assert panel.selected_ids() == [created] and panel.table.currentIndex().row() == 101
    assert table_rows(window) == the_projects_rows(window)

    window.annotating.change_category(created, window.project.categories()[2].id)  # its place is kept
    assert resets == [] and table_rows(window) == the_projects_rows(window)

    window.annotating.delete_annotations([created])
    assert removed == [101] and resets == []
    window.undo()  # the deletion
    assert resets == [] and table_rows(window) == the_projects_rows(window)
    window.undo()  # the category
    window.redo()
    assert resets == [] and table_rows(window) == the_projects_rows(window)
    assert model.total() == model.rowCount() == len(window.view.index.spans) == LINES + 2
    assert panel.count_label.text() == f"{LINES + 2:,} annotations"
    assert not [s for s in traced if "count(" in s.lower()]  # nothing counted


def test_the_table_follows_an_edit_in_place_in_descending_order(window, resets, qtbot):
    panel, model = window.table_panel, window.table_panel.model
    panel.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # Span, last first
    hold_pages(window, [0, LINES - 1])
    resets.clear()
    created = annotate(window, 10)
    row = model.rowCount() - 1 - 11  # 11 rows before it in span order, from the end
    assert resets == [] and panel.table.currentIndex().row() == row
    assert model.annotation_at(row).id == created
    assert table_rows(window) == the_projects_rows(window)
    window.undo()
    assert resets == [] and table_rows(window) == the_projects_rows(window)


def test_a_filtered_table_is_asked_again_and_stays_right(window, resets, qtbot):
    panel = window.table_panel
    panel.filter_edit.setText("line 06")
    assert panel.model.rowCount() == 100
    resets.clear()
    start = window.view.text().index("Line 0650")
    window.view.select_range(start, start + len("Line 0650 has"))
    window.annotate(window.project.categories()[1].id)
    assert resets  # a filter: where the row goes is the project's to say
    assert panel.model.rowCount() == 101
    assert table_rows(window) == the_projects_rows(window)


def test_the_layers_panel_changes_its_counts_in_place(window):
    layers = window.layers
    items = [layers.categories_root.child(i) for i in range(layers.categories_root.childCount())]
    coders = [layers.annotators_root.child(i) for i in range(layers.annotators_root.childCount())]
    first = window.project.categories()[1]
    before = items[1].text(0)
    annotate(window, 300, category=1)
    assert [layers.categories_root.child(i) for i in range(layers.categories_root.childCount())] == items
    assert [layers.annotators_root.child(i) for i in range(layers.annotators_root.childCount())] == coders
    assert before == f"{first.name} (1)" and items[1].text(0) == f"{first.name} (2)"
    assert any(item.text(0).endswith("(you) (2)") for item in coders)
    layers.categories_root.child(0).setCheckState(0, Qt.CheckState.Unchecked)  # hidden: kept so
    annotate(window, 301, category=1)
    assert window.view.hidden_categories == {window.project.categories()[0].id}
    assert layers.categories_root.child(0).checkState(0) == Qt.CheckState.Unchecked
