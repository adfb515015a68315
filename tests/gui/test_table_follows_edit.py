"""Issue 16, point 2 with the table backed by the database: after an edit deep in a long document
the table selects the new row and holds the rows round it read from its key (two index seeks),
not pages read at an offset (SQLite steps over every row before one, 11–22 ms at 100,000)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from annotator.gui.models.annotation_table_model import PAGE

LINES = 4000


@pytest.fixture
def window(show_window, project, dialogs):
    text = "".join(f"Line {n:04} has a claim in it.\n" for n in range(LINES))
    doc = project.add_document("Long", text).document
    coder = project.add_annotator("ann").id
    cat = project.categories()[0].id
    project.add_annotations([dict(document_id=doc.id, category_id=cat, annotator_id=coder,
                                  start=text.index(f"Line {n:04}"), end=text.index(f"Line {n:04}") + 9)
                             for n in range(LINES)])
    return show_window(project)


def offsets(statements):
    return [int(m.group(1)) for s in statements for m in [re.search(r"OFFSET (\d+)", s)] if m]


def test_an_edit_far_from_the_rows_in_view_is_followed_by_its_key(window, qtbot):
    panel, model = window.table_panel, window.table_panel.model
    assert model.rowCount() == LINES
    deep = model.index(3500, 1)
    panel.table.scrollTo(deep)
    qtbot.wait(10)
    assert panel.table.rowAt(0) > 3000
    statements: list[str] = []
    engine = window.project._engine
    engine.dispose()
    event.listen(engine, "connect", lambda connection, _: connection.set_trace_callback(statements.append))

    text = window.view.text()
    start = text.index("claim", text.index("Line 0100"))
    window.view.select_range(start, start + 5)  # "claim" on line 100: row 101 in span order
    window.annotate(window.project.categories()[1].id)
    new = window.view.selected_id
    panel.table.viewport().repaint()

    assert new and panel.selected_ids() == [new]
    row = panel.table.currentIndex().row()
    assert row == 101 and model.annotation_at(row).id == new
    expected = window.project.table_page(model.query, 0, 2 * PAGE)
    assert [model.annotation_at(r) for r in range(2 * PAGE)] == expected  # the rows round it are right
    assert max(offsets(statements), default=0) <= 2000  # no page read deep at an offset
