"""Issue 16, point 2 (the first keying of a large corpus, 47-70 s for a million annotations, blocked
the window): when many annotations wait for the annotation table's keys, the window makes them in
idle time (``IdleKeyer``, slices of ``Project.make_annotation_keys``); meanwhile the open
document's table lists its rows from memory, the corpus table says plainly that it is being
prepared and how far, and edits keep everything right; when done the table is the project's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from annotator.gui.controllers import indexing
from annotator.gui.models.annotation_table_model import PAGE

N = 400


@pytest.fixture
def window(show_window, project, dialogs, monkeypatch):
    monkeypatch.setattr(indexing, "IN_IDLE", 50)  # a million, for the test: 400 annotations
    monkeypatch.setattr(indexing, "KEY_SLICE_SECONDS", 1e-6)  # the least rows per slice: many slices
    texts = ["".join(f"Line {n:03} of document {d} has a claim.\n" for n in range(N // 2)) for d in (0, 1)]
    docs = [project.add_document(f"Doc {d}", text).document for d, text in enumerate(texts)]
    coder = project.add_annotator("ann").id
    cat = project.categories()[0].id
    project.add_annotations([dict(document_id=docs[n % 2].id, category_id=cat, annotator_id=coder,
                                  start=texts[n % 2].index(f"Line {n // 2:03}"),
                                  end=texts[n % 2].index(f"Line {n // 2:03}") + 8) for n in range(N)])
    window = show_window(project)
    yield window
    window.close()
    window.deleteLater()  # not left for later tests (tests/gui/test_layout_pacer.py counts Qt's layout steps)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def table_rows(window):
    model = window.table_panel.model
    return [model.annotation_at(r) for r in range(model.rowCount())]


def test_keys_are_made_in_idle_time_while_the_tables_say_so(window, qtbot, shoot):
    panel, keyer, project = window.table_panel, window.keyer, window.project
    assert keyer.active() and 0 < project.annotation_keys_waiting() <= N  # not all keyed at the open
    document = window.document
    assert panel.model.lists_rows() and panel.model.rowCount() == N // 2  # its rows, from memory
    assert [r.quote for r in table_rows(window)][:2] == ["Line 000", "Line 001"]

    panel.mode_combo.setCurrentIndex(1)  # all documents
    assert panel.preparing.isVisible() and not panel.table.isVisible()
    assert "Preparing the table of all documents" in panel.preparing.text()
    qtbot.waitUntil(lambda: 0 < keyer.done < N, timeout=5000)
    assert f"{keyer.done:,} of {keyer.total:,}" in panel.preparing.text()
    shoot(window, "keys_in_idle_preparing.png")
    panel.mode_combo.setCurrentIndex(0)  # the document's own table works meanwhile

    text = window.view.text()
    start = text.index("claim", text.index("Line 010"))
    window.view.select_range(start, start + 5)
    window.annotate(project.categories()[1].id)  # an edit while the keys are being made
    new = window.view.selected_id
    assert new in [r.id for r in table_rows(window)] and panel.model.rowCount() == N // 2 + 1
    span = window.view.index.spans[new]
    window.annotating.set_span(new, span.start - 4, span.end)  # moved: " a claim"
    assert [r.quote for r in table_rows(window) if r.id == new] == ["s a claim"]
    window.undo()
    window.undo()  # not made
    assert panel.model.rowCount() == N // 2 and new not in [r.id for r in table_rows(window)]
    window.redo()
    window.redo()

    qtbot.waitUntil(lambda: not keyer.active(), timeout=20000)
    assert project.annotation_keys_current() and not project.keys_in_idle
    assert not panel.model.lists_rows() and not panel.preparing.isVisible()  # the project's rows again
    assert table_rows(window) == project.table_page(panel.model.query, 0, PAGE)
    assert [r.quote for r in table_rows(window) if r.id == new] == ["s a claim"]
    panel.mode_combo.setCurrentIndex(1)
    assert panel.table.isVisible() and panel.model.rowCount() == N + 1  # with the new one
    assert table_rows(window) == project.table_page(panel.model.query, 0, 2 * PAGE)
    assert window.document.id == document.id


def test_few_annotations_waiting_are_keyed_at_the_first_query_as_before(show_window, project, dialogs):
    doc = project.add_document("Doc", "Some words to annotate here.").document
    coder = project.add_annotator("ann").id
    project.add_annotation(doc.id, project.categories()[0].id, coder, 0, 4)
    window = show_window(project)
    assert not window.keyer.active() and project.annotation_keys_current()
    assert not window.table_panel.model.lists_rows() and window.table_panel.model.rowCount() == 1
