"""The documents panel filters through the full-text index and sorts in SQL (issue 16, point 4):
the same ids, in the same order, as the panel's old QSortFilterProxyModel sort over the model's
SORT_ROLE keys and its casefold filter; and sorting no longer asks the model for a key per comparison."""

import random

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QTableView

from annotator.core.project.project import NewDocument
from annotator.gui.models.document_table_model import STATUS_COLUMN, DocumentTableModel
from annotator.gui.models.rows import SORT_ROLE
from annotator.gui.panels.corpus import CorpusPanel

TITLES = ["Straße und Plätze", "ÉCLAIR", "éclair", "😀 emoji title", "\uff21 fullwidth", "Σίσυφος",
          "東京の天気", "zebra", "Apple", "apple", "İstanbul", "e\u0301tude"]


class CountingModel(DocumentTableModel):
    """Counts the sort keys asked of it."""

    asked = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == SORT_ROLE:
            self.asked += 1
        return super().data(index, role)


@pytest.fixture
def corpus(qtbot, project):
    alice = project.add_annotator("alice")
    added = project.add_documents([NewDocument(t, f"{t} text {'x' * (7 * n % 5)} GROSSE Freude {n}\n",
                                               source=("b.txt", "A.txt", "a.txt")[n % 3])
                                   for n, t in enumerate(TITLES)])
    category = project.categories()[0].id
    for n, item in enumerate(added):
        for i in range(n % 3):
            project.add_annotation(item.document.id, category, alice.id, i, i + 1)
    project.set_document_status(added[2].document.id, alice.id, "done")
    project.set_document_status(added[5].document.id, alice.id, "in progress")
    model = CountingModel(project, coder=lambda: alice.id)
    panel = CorpusPanel(model, project.find_documents)
    model.refresh()
    qtbot.addWidget(panel)
    panel.resize(420, 420)
    old_model = DocumentTableModel(project, coder=lambda: alice.id)
    old = QSortFilterProxyModel()  # the panel's proxy before, set up as it was: sorted by SORT_ROLE
    old.setSourceModel(old_model)
    old.setSortRole(SORT_ROLE)
    old.sort(-1)  # the view's sortByColumn(-1) at the start, before the first refresh
    old_model.refresh()
    return project, panel, old, alice


def shown(panel):
    return [panel.model.document_at(panel.proxy.mapToSource(panel.proxy.index(r, 0)).row()).id
            for r in range(panel.proxy.rowCount())]


def old_ids(old, allowed=None):
    model = old.sourceModel()
    ids = [model.document_at(old.mapToSource(old.index(r, 0)).row()).id for r in range(old.rowCount())]
    return [i for i in ids if allowed is None or i in allowed]


def old_filter(project, needle):
    """The filter before the index: the casefolded needle in the casefolded title or text."""
    folded = needle.casefold()
    return {d.id for d in project.documents()
            if folded in d.title.casefold() or folded in project.document(d.id).text.casefold()}


def test_the_panel_sorts_and_filters_as_before_without_a_key_per_comparison(corpus):
    project, panel, old, _ = corpus
    assert shown(panel) == [d.id for d in project.documents()]  # import order until a header is clicked
    assert panel.count_label.text() == f"{len(TITLES)} documents"
    panel.model.asked = 0
    for needle in ("", "éclair", "grosse", "STRASSE", "e\u0301t", "😀 e", "ß"):
        panel.filter_edit.setText(needle)
        panel.apply_filter()
        allowed = old_filter(project, needle) if needle else None
        for column in (0, 1, 2, 3, STATUS_COLUMN):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                panel.table.sortByColumn(column, order)
                old.sort(column, order)
                assert shown(panel) == old_ids(old, allowed), (needle, column, order)
        count = len(allowed) if allowed is not None else len(TITLES)
        assert panel.count_label.text() == (f"{count} of {len(TITLES)} documents match" if count < len(TITLES)
                                            else f"{len(TITLES)} documents")
    assert panel.model.asked == 0  # the old proxy asked for two keys per comparison


def test_selection_survives_a_sort_and_changed_counts_and_statuses_move_rows_as_before(corpus):
    project, panel, old, alice = corpus
    docs = project.documents()
    target = docs[4].id
    assert panel.select(target)
    rng = random.Random(4)
    category = project.categories()[0].id
    for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
        panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # ties of the next sort: this order
        old.sort(0, Qt.SortOrder.DescendingOrder)
        panel.table.sortByColumn(2, order)  # annotations
        old.sort(2, order)
        assert panel.current_id() == target and shown(panel) == old_ids(old)
        for _ in range(30):  # the old proxy moved a changed row by its dynamic sort
            doc_id = rng.choice(docs).id
            existing = project.annotations(document_id=doc_id)
            if existing and rng.random() < 0.4:
                project.delete_annotation(existing[0].id, by=alice.id)
            else:
                project.add_annotation(doc_id, category, alice.id, 0, 1 + len(existing))
            count = len(project.annotations(document_id=doc_id))
            for model in (panel.model, old.sourceModel()):  # as the window tells it after an edit
                model.set_annotation_count(doc_id, count)
                model.update_statuses([doc_id])  # a first annotation sets "in progress"
            assert shown(panel) == old_ids(old)
        assert panel.current_id() == target
        panel.table.sortByColumn(STATUS_COLUMN, order)
        old.sort(STATUS_COLUMN, order)
        for _ in range(20):
            doc_id = rng.choice(docs).id
            project.set_document_status(doc_id, alice.id, rng.choice(["not started", "in progress", "done"]))
            panel.model.update_statuses([doc_id])
            old.sourceModel().update_statuses([doc_id])
            assert shown(panel) == old_ids(old)
        assert panel.current_id() == target
    panel.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert shown(panel) == [d.id for d in docs]


def test_a_refresh_keeps_the_sort_and_the_menu_names_the_row(corpus):
    project, panel, old, _ = corpus
    panel.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    project.add_document("Aardvark", "A late import, the longest. " * 5000)
    panel.model.refresh()
    titles = [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]
    assert titles[0] == "Aardvark" and titles.index("ÉCLAIR") < titles.index("éclair")  # equal keys: import order
    panel.show()
    for column in (1, 2, STATUS_COLUMN):  # measured on the widest rows alone: what Qt finds over every row
        assert panel.table.sizeHintForColumn(column) == QTableView.sizeHintForColumn(panel.table, column)
    menu = panel.menu_at(panel.table.visualRect(panel.proxy.index(0, 0)).center())
    names = [a.text() for a in menu.actions()]
    assert names == ["My &Status", "Delete Document…"]


def test_screenshot_of_the_panel_filtered_and_sorted(corpus, qtbot, shoot):
    _, panel, _, _ = corpus
    panel.filter_edit.setText("Éclair")  # ÉCLAIR and éclair (casefold), not e + U+0301 "étude"
    panel.apply_filter()
    panel.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert panel.count_label.text() == f"2 of {len(TITLES)} documents match"
    panel.show()
    qtbot.waitExposed(panel)
    shoot(panel, "documents-panel-filtered.png")
    panel.filter_edit.setText("straße")
    panel.apply_filter()
    shoot(panel, "documents-panel-strasse.png")
    assert panel.count_label.text() == f"1 of {len(TITLES)} documents match"
