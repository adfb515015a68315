"""The annotation table panel (offscreen): model cells, sorting, filtering, signals, incremental updates."""

import random

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator.core.project.annotations import AnnotationRow
from annotator.gui.models.annotation_table_model import (
    ANNOTATOR,
    CATEGORY,
    DOCUMENT,
    NOTE,
    QUOTE,
    SPAN,
    AnnotationTableModel,
)
from annotator.gui.models.rows import ID_ROLE
from annotator.gui.panels.annotation_table import AnnotationTablePanel

CATEGORIES = {"c-claim": ("Factual claim", "#e6194b"), "c-op": ("Opinion", "#3cb44b"),
              "c-ev": ("Évidence", "#4363d8")}
ANNOTATORS = {"a-alice": "alice", "a-bob": "Bob"}
ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


def row(id, start, end, category="c-claim", annotator="a-alice", note="", quote=None, doc="d1", title="One"):
    return AnnotationRow(id, doc, title, start, end, category, annotator, note,
                         quote if quote is not None else f"quote {id}", "2025-01-01T00:00:00")


ROWS = [
    row("n1", 10, 14, "c-claim", "a-alice", quote="Ten to fourteen"),
    row("n2", 9, 30, "c-op", "a-bob", note="Check this\nsecond line", quote="Nine élan"),
    row("n3", 100, 101, "c-ev", "a-alice", quote="É"),
    row("n4", 9, 12, "c-claim", "a-bob", quote="nine again"),
    row("n5", 2, 5, "c-op", "a-alice", doc="d2", title="Two", quote="in the second document"),
]


@pytest.fixture
def panel(qtbot):
    widget = AnnotationTablePanel()
    qtbot.addWidget(widget)
    widget.set_names(CATEGORIES, ANNOTATORS)
    widget.set_rows(ROWS, corpus=True)
    widget.resize(900, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown_ids(panel):
    return [panel.model.index(r, 0).data(ID_ROLE) for r in range(panel.model.rowCount())]


def cell(model, r, column, role=Qt.ItemDataRole.DisplayRole):
    return model.index(r, column).data(role)


def test_model_cells_from_the_core_with_an_astral_quote(qtbot, filled):
    project, (doc1, doc2), (alice, bob), cats = filled
    model = AnnotationTableModel()
    model.set_names({c.id: (c.name, c.colour) for c in cats}, {alice.id: "alice", bob.id: "bob"})
    model.set_rows(project.annotation_rows(doc1.id), corpus=False)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Document", "Quote", "Category", "Annotator", "Span", "Note"]
    assert model.rowCount() == 2 and not model.corpus
    emoji = model.row_of(project.annotations(doc1.id)[1].id)
    assert cell(model, emoji, QUOTE) == "😀 world"  # code points 6–13: the emoji counts as one
    assert cell(model, emoji, SPAN) == "6–13"
    assert cell(model, emoji, CATEGORY) == cats[1].name and cell(model, emoji, ANNOTATOR) == "bob"
    assert cell(model, emoji, NOTE) == "emoji inside"
    assert isinstance(cell(model, emoji, CATEGORY, Qt.ItemDataRole.DecorationRole), QIcon)
    assert "😀 world" in cell(model, emoji, QUOTE, Qt.ItemDataRole.ToolTipRole)

    model.set_rows(project.annotation_rows(), corpus=True)
    assert model.rowCount() == 3 and model.corpus
    assert [cell(model, r, DOCUMENT) for r in range(3)] == ["One", "One", "Two"]  # document order, then start
    assert [cell(model, r, QUOTE) for r in range(3)] == ["Hello", "😀 world", "text"]


def test_quote_is_one_line_and_marks_a_cut_and_note_shows_its_first_line(qtbot):
    model = AnnotationTableModel()
    model.set_names(CATEGORIES, ANNOTATORS)
    long_quote = "x" * 1500
    model.set_rows([row("a", 0, 12, quote="line one\nline <two>", note="first\nsecond"),
                    row("b", 20, 5000, quote=long_quote, note="only")], corpus=False)
    assert cell(model, 0, QUOTE) == "line one ⏎ line <two>"
    assert cell(model, 0, NOTE) == "first …"
    tip = cell(model, 0, QUOTE, Qt.ItemDataRole.ToolTipRole)
    assert "line one\nline &lt;two&gt;" in tip and "first\nsecond" in tip  # escaped, whole note
    assert cell(model, 1, QUOTE).endswith("…")  # the span is longer than the quote the core sent
    tip = cell(model, 1, QUOTE, Qt.ItemDataRole.ToolTipRole)
    assert "x" * 1000 + "…" in tip and "x" * 1001 not in tip
    assert cell(model, 1, SPAN, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    model.set_names({}, {})  # unknown ids show the id rather than nothing
    assert cell(model, 1, CATEGORY) == "c-claim" and cell(model, 1, ANNOTATOR) == "a-alice"


def test_document_column_only_in_corpus_mode(panel):
    assert not panel.table.isColumnHidden(DOCUMENT) and panel.is_corpus_mode()
    panel.set_rows(ROWS[:4], corpus=False)
    assert panel.table.isColumnHidden(DOCUMENT) and not panel.is_corpus_mode()
    assert panel.mode_combo.currentText() == "This document"


def test_sorts_span_numerically_then_by_end(panel):
    panel.set_rows(ROWS[:4], corpus=False)
    assert panel.table.horizontalHeader().sortIndicatorSection() == SPAN
    assert shown_ids(panel) == ["n4", "n2", "n1", "n3"]  # 9–12, 9–30, 10–14, 100–101: not "10" < "9"
    panel.table.sortByColumn(SPAN, DESC)
    assert shown_ids(panel) == ["n3", "n1", "n2", "n4"]
    panel.table.sortByColumn(CATEGORY, ASC)  # Évidence, Factual claim ×2 (by position), Opinion
    assert shown_ids(panel) == ["n3", "n4", "n1", "n2"]
    panel.table.sortByColumn(ANNOTATOR, ASC)  # case-insensitive: alice before Bob
    assert shown_ids(panel) == ["n1", "n3", "n4", "n2"]


def test_corpus_span_order_groups_by_document_order(panel):
    panel.set_rows([row("late", 1, 2, doc="d2", title="A"), row("early", 50, 60, doc="d1", title="Z")]
                   + [row("mid", 5, 6, doc="d2", title="A")], corpus=True)
    assert shown_ids(panel) == ["late", "mid", "early"]  # documents in the order the core gave
    panel.table.sortByColumn(DOCUMENT, DESC)
    assert shown_ids(panel) == ["early", "mid", "late"]


def test_a_large_upsert_resets_once_and_keeps_the_document_order(panel, qtbot):
    panel.table.sortByColumn(CATEGORY, ASC)  # shown order no longer follows the documents
    many = [row(f"m{i}", i, i + 1, doc="d3", title="Three") for i in range(1001)]
    with qtbot.waitSignal(panel.model.modelReset):
        panel.upsert_rows(many + [ROWS[4]._replace(note="changed")])
    assert panel.model.rowCount() == 1006 and panel.count_label.text() == "1,006 annotations"
    panel.table.sortByColumn(SPAN, ASC)
    ids = shown_ids(panel)
    assert ids[:5] == ["n4", "n2", "n1", "n3", "n5"] and ids[5:7] == ["m0", "m1"]  # d1, d2, then d3
    assert panel.model.annotation_at(panel.model.row_of("n5")).note == "changed"


def test_filters_by_category_annotator_and_text_with_count(panel):
    assert panel.count_label.text() == "5 annotations"
    panel.category_combo.setCurrentIndex(panel.category_combo.findData("c-op"))
    assert sorted(shown_ids(panel)) == ["n2", "n5"] and panel.count_label.text() == "2 of 5"
    panel.annotator_combo.setCurrentIndex(panel.annotator_combo.findText("Bob"))
    assert shown_ids(panel) == ["n2"] and panel.count_label.text() == "1 of 5"
    panel.category_combo.setCurrentIndex(0)
    panel.annotator_combo.setCurrentIndex(0)

    panel.filter_edit.setText("NINE")  # quote, case-insensitive
    assert sorted(shown_ids(panel)) == ["n2", "n4"]
    panel.filter_edit.setText("ÉLAN")  # "É" finds "é"
    assert shown_ids(panel) == ["n2"]
    panel.filter_edit.setText("e\u0301")  # a decomposed é finds the composed one
    assert sorted(shown_ids(panel)) == ["n2", "n3"]  # "élan" and the quote "É"
    panel.filter_edit.setText("évid")  # category name
    assert shown_ids(panel) == ["n3"]
    panel.filter_edit.setText("bob")  # annotator name
    assert sorted(shown_ids(panel)) == ["n2", "n4"]
    panel.filter_edit.setText("second line")  # the note beyond its first line
    assert shown_ids(panel) == ["n2"]
    panel.filter_edit.setText("two")  # document title, in corpus mode
    assert shown_ids(panel) == ["n5"] and panel.count_label.text() == "1 of 5"
    panel.filter_edit.clear()
    assert len(shown_ids(panel)) == 5 and panel.count_label.text() == "5 annotations"


def test_title_is_searched_in_corpus_mode_only(panel):
    panel.set_rows(ROWS[:4], corpus=False)
    panel.filter_edit.setText("one")  # every row's document is "One": matching it would match all
    assert shown_ids(panel) == []
    panel.set_rows(ROWS[:4], corpus=True)
    assert len(shown_ids(panel)) == 4


def test_set_names_refills_combos_keeping_the_choice(panel):
    panel.category_combo.setCurrentIndex(panel.category_combo.findData("c-ev"))
    assert shown_ids(panel) == ["n3"]
    panel.set_names({**CATEGORIES, "c-new": ("New one", "#000000")}, ANNOTATORS)
    assert panel.category_combo.currentData() == "c-ev" and panel.category_combo.count() == 5
    assert shown_ids(panel) == ["n3"]
    panel.set_names({"c-claim": ("Claim", "#e6194b")}, ANNOTATORS)  # the chosen category is gone
    assert panel.category_combo.currentIndex() == 0 and len(shown_ids(panel)) == 5
    assert panel.category_combo.itemText(0) == "All categories"


def test_double_click_jumps_to_the_row_under_the_mouse_after_sort_and_filter(panel, qtbot):
    panel.table.sortByColumn(SPAN, DESC)
    panel.annotator_combo.setCurrentIndex(panel.annotator_combo.findData("a-alice"))
    assert shown_ids(panel)[:2] == ["n5", "n3"]  # d2 comes after d1 in corpus order
    rect = panel.table.visualRect(panel.model.index(1, QUOTE))
    with qtbot.waitSignal(panel.jump_requested) as blocker:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["d1", "n3"]


def test_return_jumps_and_delete_reports_the_selected_ids(panel, qtbot):
    panel.table.sortByColumn(SPAN, ASC)
    order = shown_ids(panel)
    panel.table.setFocus()
    panel.table.selectRow(1)
    with qtbot.waitSignal(panel.jump_requested) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert blocker.args == ["d1", order[1]]
    panel.table.selectionModel().select(panel.model.index(3, 0), panel.table.selectionModel().SelectionFlag.Select
                                        | panel.table.selectionModel().SelectionFlag.Rows)
    with qtbot.waitSignal(panel.delete_requested) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert blocker.args == [[order[1], order[3]]]
    with qtbot.waitSignal(panel.delete_requested) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_Backspace)
    assert blocker.args == [[order[1], order[3]]]
    panel.table.clearSelection()
    with qtbot.assertNotEmitted(panel.delete_requested):
        qtbot.keyClick(panel.table, Qt.Key.Key_Delete)


def test_context_menu_goes_to_and_deletes(panel, qtbot):
    panel.table.selectRow(2)
    index = panel.model.index(2, QUOTE)
    menu = panel.context_menu(index)
    go, delete = menu.actions()
    assert (go.text(), delete.text()) == ("Go to annotation", "Delete")
    with qtbot.waitSignal(panel.jump_requested) as blocker:
        go.trigger()
    assert blocker.args[1] == shown_ids(panel)[2]
    with qtbot.waitSignal(panel.delete_requested) as blocker:
        delete.trigger()
    assert blocker.args == [[shown_ids(panel)[2]]]
    panel.table.selectAll()
    assert panel.context_menu(index).actions()[1].text() == "Delete 5 annotations"
    panel.table.clearSelection()
    assert not panel.context_menu(QModelIndex()).actions()[1].isEnabled()


def test_mode_combo_emits_only_for_the_user(panel, qtbot):
    with qtbot.assertNotEmitted(panel.mode_changed):
        panel.set_rows(ROWS[:4], corpus=False)
    with qtbot.waitSignal(panel.mode_changed) as blocker:
        panel.mode_combo.setCurrentIndex(1)
    assert blocker.args == [True]


def test_select_annotation_selects_the_right_row_without_jumping(panel, qtbot):
    panel.table.sortByColumn(CATEGORY, DESC)
    with qtbot.assertNotEmitted(panel.jump_requested):
        assert panel.select_annotation("n4")
    rows = panel.table.selectionModel().selectedRows()
    assert [panel.model.data(i, ID_ROLE) for i in rows] == ["n4"]
    assert panel.table.currentIndex().data(ID_ROLE) == "n4" and panel.selected_ids() == ["n4"]
    assert not panel.select_annotation("nope")
    panel.filter_edit.setText("élan")
    assert not panel.select_annotation("n4")  # filtered out
    assert panel.select_annotation("n2") and panel.selected_ids() == ["n2"]


@pytest.mark.parametrize("column, order", [(SPAN, ASC), (SPAN, DESC), (CATEGORY, ASC), (NOTE, DESC)])
def test_upsert_and_remove_keep_row_of_and_order_consistent(qtbot, column, order):
    model = AnnotationTableModel()
    model.set_names(CATEGORIES, ANNOTATORS)
    model.sort(column, order)
    rnd = random.Random(7)
    cats = list(CATEGORIES)

    def make(i):
        start = rnd.randrange(500)
        return row(f"r{i}", start, start + rnd.randrange(1, 30), rnd.choice(cats), note=rnd.choice("abc"))

    truth = {r.id: r for r in (make(i) for i in range(300))}
    model.set_rows(truth.values(), corpus=False)
    for step in range(400):
        action = rnd.random()
        if action < 0.4:
            new = make(1000 + step)
            model.upsert_rows([new])
            truth[new.id] = new
        elif action < 0.7 and truth:
            old = truth[rnd.choice(list(truth))]
            changed = old._replace(start=old.start + 1, end=old.end + 2, category_id=rnd.choice(cats))
            model.upsert_rows([changed])
            truth[changed.id] = changed
        else:
            gone = rnd.sample(list(truth), min(3, len(truth))) + ["unknown-id"]
            model.remove_ids(gone)
            for g in gone:
                truth.pop(g, None)
    assert model.rowCount() == len(truth)
    for annotation_id, expected in truth.items():
        at = model.row_of(annotation_id)
        assert model.annotation_at(at) == expected
    keys = [model.index(r, column).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
    assert keys == sorted(keys, reverse=order == DESC)
    assert model.row_of("unknown-id") is None


def test_remove_ids_leaves_the_other_rows_in_order(qtbot):
    model = AnnotationTableModel()
    model.set_rows([row(f"r{i}", i, i + 1) for i in range(10)], corpus=False)
    model.remove_ids(["r2", "r3", "r4", "r7", "r9", "r8"])
    assert [model.annotation_at(r).id for r in range(model.rowCount())] == ["r0", "r1", "r5", "r6"]


def test_upsert_inserts_new_rows_into_a_sorted_filtered_view(panel, qtbot):
    panel.filter_edit.setText("quote")
    panel.upsert_rows([row("n6", 11, 12)])  # quote "quote n6"
    assert shown_ids(panel) == ["n6"] and panel.count_label.text() == "1 of 6"
    panel.upsert_rows([row("n6", 11, 12, quote="changed")])  # no longer matches
    assert shown_ids(panel) == [] and panel.count_label.text() == "0 of 6"
    panel.remove_ids(["n6"])
    assert panel.count_label.text() == "0 of 5"


def test_keyboard_reaches_every_control(panel, qtbot):
    panel.activateWindow()
    panel.mode_combo.setFocus()
    qtbot.waitUntil(lambda: panel.mode_combo.hasFocus())
    seen = [QApplication.focusWidget()]
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert seen == [panel.mode_combo, panel.category_combo, panel.annotator_combo, panel.filter_edit, panel.table]
    panel.filter_edit.setFocus()
    panel.filter_edit.setText("zzz")
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Escape)
    assert panel.filter_edit.text() == ""
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Down)
    assert panel.table.hasFocus() and panel.table.currentIndex().row() == 0


def test_screenshots(panel, qtbot, shoot):
    long_one = row("n7", 200, 260, "c-claim", "a-bob", note="Long note that goes on and on",
                   quote="A long quote\nthat spans two lines and then keeps going well past the column")
    panel.set_rows(ROWS[:4], corpus=False)  # hidden Document column first, then shown again
    panel.set_rows(ROWS + [long_one], corpus=True)
    panel.resize(860, 260)
    panel.select_annotation("n2")
    qtbot.wait(10)
    assert panel.table.columnWidth(QUOTE) > 250 and panel.table.columnWidth(DOCUMENT) > 60
    shoot(panel, "annotation-table-corpus.png")
    panel.set_rows(ROWS[:4] + [long_one], corpus=False)
    panel.category_combo.setCurrentIndex(panel.category_combo.findData("c-claim"))
    panel.resize(420, 220)
    qtbot.wait(10)
    assert panel.width() == 420 and panel.table.columnWidth(QUOTE) > 80
    shoot(panel, "annotation-table-document-narrow.png")
