"""Issue 16, point 3, in the window: the annotation table asks the project for a count and pages
of rows (sorted and filtered in SQL), fetches pages as they scroll into view, is not read again
when another document opens in corpus mode, and follows adds, moves, deletes and undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.gui.models.annotation_table_model import PAGE, QUOTE, SPAN
from annotator.gui.models.rows import ID_ROLE

WORDS = ("Évidence", "opinion", "élan", "Zebra", "apple", "e\u0301tude", "ÉCOLE", "ecole", "😀 smile")


@pytest.fixture
def big(project):
    """Two documents; the first with 3 pages of annotations of varied quotes, the second with a few."""
    text = " ".join(WORDS[i % len(WORDS)] + f"{i:04d}" for i in range(3 * PAGE))
    one = project.add_document("One", text).document
    two = project.add_document("Two", "Another document with a word or two.").document
    coder = project.add_annotator("alice")
    category = project.categories()[0].id
    items, at = [], 0
    for i in range(3 * PAGE):
        word = WORDS[i % len(WORDS)] + f"{i:04d}"
        items.append(dict(document_id=one.id, category_id=category, annotator_id=coder.id,
                          start=at, end=at + len(word)))
        at += len(word) + 1
    items.append(dict(document_id=two.id, category_id=category, annotator_id=coder.id, start=0, end=7))
    project.add_annotations(items)
    return project, one, two


def shown(model):
    return [model.index(r, 0).data(ID_ROLE) for r in range(model.rowCount())]


def test_rows_far_down_are_fetched_when_scrolled_to_and_are_right(show_window, big, qtbot):
    project, one, _ = big
    window = show_window(project)
    window.open_document(one.id)
    model = window.table_panel.model
    fetched = []
    real = project.table_page
    project.table_page = lambda query, offset, limit: fetched.append(offset) or real(query, offset, limit)
    window.table_panel.table.sortByColumn(QUOTE, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 3 * PAGE and set(fetched) <= {0}  # at most the page in view
    window.table_panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: fetched and fetched[-1] == 2 * PAGE)  # the last page, when it came into view
    want = [row.id for row in sorted(project.annotation_rows(one.id),
                                     key=lambda r: (model._key(r, QUOTE), r.id), reverse=True)]
    assert model.index(3 * PAGE - 1, QUOTE).data(ID_ROLE) == want[-1]
    assert shown(model) == want


def test_corpus_table_is_not_read_again_when_another_document_opens(show_window, big):
    project, one, two = big
    window = show_window(project)
    window.open_document(one.id)
    panel = window.table_panel
    panel.mode_combo.setCurrentIndex(1)
    model = panel.model
    assert model.rowCount() == 3 * PAGE + 1 and panel.count_label.text() == f"{3 * PAGE + 1:,} annotations"
    queries, resets = model.queries, []
    model.modelReset.connect(lambda: resets.append(1))
    calls = []
    for name in ("table_count", "table_page", "table_position"):
        real = getattr(project, name)
        setattr(project, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    window.open_document(two.id)
    window.open_document(one.id)
    assert window.document.id == one.id
    assert model.queries == queries and resets == [] and calls == []
    panel.filter_edit.setText("ÉTUDE")  # "e\u0301tude" folds to "étude", as "ÉTUDE" does
    etudes = len([i for i in range(3 * PAGE) if i % len(WORDS) == 5])
    assert panel.count_label.text() == f"{etudes:,} of {3 * PAGE + 1:,}"


def test_the_table_follows_add_move_delete_and_undo(show_window, big):
    project, one, _ = big
    window = show_window(project)
    window.open_document(one.id)
    panel, model = window.table_panel, window.table_panel.model
    panel.table.sortByColumn(SPAN, Qt.SortOrder.DescendingOrder)
    window.view.select_range(13, 24)  # "opinion0001", annotated once already
    window.annotate(project.categories()[1].id)
    new = window.view.selected_id
    assert model.rowCount() == 3 * PAGE + 1 and panel.selected_ids() == [new]
    assert model.annotation_at(model.row_of(new)).quote == "opinion0001"
    window.annotating.set_span(new, 0, len("Évidence0000"))
    assert model.annotation_at(model.row_of(new)).quote == "Évidence0000"
    panel.filter_edit.setText("évidence0000")
    assert sorted(shown(model)) == sorted([new, project.annotations(one.id)[0].id])
    window.annotating.delete_annotations([new])
    assert shown(model) == [project.annotations(one.id)[0].id] and panel.count_label.text() == f"1 of {3 * PAGE:,}"
    window.undo()
    assert new in shown(model) and panel.count_label.text() == f"2 of {3 * PAGE + 1:,}"


def test_screenshot_of_the_corpus_table(show_window, big, shoot):
    project, one, _ = big
    window = show_window(project, 1300, 900)
    window.open_document(one.id)
    window.table_panel.mode_combo.setCurrentIndex(1)
    window.table_panel.table.sortByColumn(QUOTE, Qt.SortOrder.AscendingOrder)
    window.table_panel.table.scrollTo(window.table_panel.model.index(400, QUOTE))
    shoot(window.table_panel, "annotation_table_corpus_sql.png")
