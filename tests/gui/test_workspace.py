"""The coder's workspace, driven as a user would (offscreen): annotate, change, adjust, delete,
undo/redo, layers, find, table, and offsets that stay exact around emoji, CRLF and NBSP."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtTest import QTest

from annotator.gui.main_window import MainWindow
from annotator.gui.views.fills import block_fills
from annotator.gui.views.highlighter import blend

TEXT = ("Hello 😀 world, the council “will” spend £2m on bike lanes.\n"
        "Critics say it\u00a0is a waste 🇫🇷 of money; others disagree.\n"
        "A third line with the word money again, and money once more.")


@pytest.fixture
def window(qtbot, project, dialogs):
    project.add_document("Article", TEXT)
    project.add_document("Other", "A second document, short.\n")
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.resize(1300, 820)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    win.view.setFocus()
    return win


def cats(window):
    return {c.name: c.id for c in window.project.categories()}


def select(window, quote, occurrence=1):
    text = window.view.text()
    start = -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    window.view.select_range(start, start + len(quote))
    return start, start + len(quote)


def stored(window):
    return [(a.start, a.end, a.category_id) for a in window.project.annotations(document_id=window.document.id)]


def quote_of(window, annotation):
    return window.project.document(annotation.document_id).text[annotation.start:annotation.end]


# -- creating ----------------------------------------------------------------------------------


def test_shortcut_key_creates_an_annotation_at_once(window, qtbot):
    start, end = select(window, "😀 world")
    QTest.keyClick(window.view, Qt.Key.Key_F)
    [ann] = window.project.annotations()
    assert (ann.start, ann.end, ann.category_id) == (start, end, cats(window)["Factual claim"])
    assert quote_of(window, ann) == "😀 world"
    assert window.project.annotator_named(window.context.annotator.name).id == ann.annotator_id
    assert window.view.selected_id == ann.id  # the new annotation is selected and painted
    assert ann.id in window.view.index.spans
    assert window.table_panel.model.rowCount() == 1
    assert window.documents_model.document_at(0).annotation_count == 1
    assert "1 annotation in this document" in window.count_label.text()


def test_palette_click_and_context_menu_annotate_too(window):
    select(window, "council")
    palette = window.palette.list
    item = palette.topLevelItem(1)  # Opinion
    palette.itemClicked.emit(item, 0)
    select(window, "bike lanes")
    menu = window.annotating.context_menu(None)
    annotate = next(a for a in menu.actions() if a.text() == "&Annotate as").menu()
    next(a for a in annotate.actions() if a.text() == "Annotate as Prediction").trigger()
    assert [(window.view.text()[s:e], c) for s, e, c in stored(window)] == [
        ("council", cats(window)["Opinion"]), ("bike lanes", cats(window)["Prediction"])]


def test_snap_to_words_is_on_by_default_and_can_be_turned_off(window):
    assert window.actions["annotate.snap"].isChecked()
    select(window, "ounci")
    window.annotate(cats(window)["Opinion"])
    window.actions["annotate.snap"].trigger()  # off
    select(window, "ounci")
    window.annotate(cats(window)["Factual claim"])
    quotes = sorted(window.view.text()[s:e] for s, e, _ in stored(window))
    assert quotes == ["council", "ounci"]


@pytest.mark.parametrize("quote", ["😀 world", "it\u00a0is a waste 🇫🇷 of", "money; others", "🇫🇷"])
def test_stored_quote_equals_the_selected_text_after_astral_characters_and_nbsp(window, quote):
    window.actions["annotate.snap"].setChecked(False)
    select(window, quote)
    cursor = window.view.textCursor()
    selected = cursor.selectedText().replace("\u2029", "\n")  # what Qt itself shows as selected
    window.annotate(cats(window)["Opinion"])
    [ann] = window.project.annotations()
    assert quote_of(window, ann) == selected == quote


def test_text_imported_with_crlf_keeps_offsets_exact(qtbot, project, tmp_path, dialogs):
    from annotator.core.documents.importing import import_paths
    from annotator.core.documents.readers import ImportOptions

    source = tmp_path / "crlf.txt"
    source.write_bytes("First line 😀\r\nSecond “line”\r\n\r\nThird\u00a0line.".encode("utf-8"))
    import_paths(project, [source], ImportOptions())
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.actions["annotate.snap"].setChecked(False)
    text = win.view.text()
    start = text.index("“line”")
    # Select with Qt's own cursor, by moving word by word from the start of block 2.
    cursor = QTextCursor(win.view.document().findBlockByNumber(1))
    cursor.movePosition(QTextCursor.MoveOperation.NextWord)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    win.view.setTextCursor(cursor)
    win.annotate(cats(win)["Opinion"])
    [ann] = project.annotations()
    assert (ann.start, ann.end) == (start, start + len("“line”"))
    start = text.index("Third")
    win.view.select_range(start, len(text))
    win.annotate(cats(win)["Opinion"])
    last = project.annotations()[-1]
    assert text[last.start:last.end] == "Third\u00a0line."


def test_existing_annotations_paint_exactly_their_characters(window):
    text = window.view.text()
    start = text.index("waste 🇫🇷 of")
    ann = window.project.add_annotation(window.document.id, cats(window)["Opinion"],
                                        window.project.add_annotator("bob").id, start, start + len("waste 🇫🇷 of"))
    window.open_document(window.document.id, force=True)
    block = window.view.document().findBlockByNumber(1)
    ranges = [(start, length) for start, length, _ in block_fills(window.view, 1)]  # painted, not formatted
    local = window.view.index.offsets.to_qt(ann.start) - block.position()
    assert ranges == [(local, len("waste 🇫🇷 of".encode("utf-16-le")) // 2)]
    offsets = window.view.index.offsets
    first = block.position() + ranges[0][0]
    painted = text[offsets.from_qt(first):offsets.from_qt(first + ranges[0][1])]
    assert painted == "waste 🇫🇷 of"


# -- changing ----------------------------------------------------------------------------------


def test_recategorise_adjust_and_delete_by_keyboard(window):
    select(window, "council")
    QTest.keyClick(window.view, Qt.Key.Key_F)
    [ann] = window.project.annotations()
    QTest.keyClick(window.view, Qt.Key.Key_O)  # nothing selected but the annotation: re-categorise
    assert window.project.annotation(ann.id).category_id == cats(window)["Opinion"]
    window.actions["annotate.start_left"].trigger()
    window.actions["annotate.end_right"].trigger()
    window.actions["annotate.end_left"].trigger()
    window.actions["annotate.start_right"].trigger()
    window.actions["annotate.start_left"].trigger()
    moved = window.project.annotation(ann.id)
    assert (moved.start, moved.end) == (ann.start - 1, ann.end)
    window.details.note.setPlainText("Who said so?")
    window.details.commit_note()
    assert window.project.annotation(ann.id).note == "Who said so?"
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert window.project.annotations() == []
    assert window.view.index.spans == {} and window.table_panel.model.rowCount() == 0


def test_details_panel_edits_category_span_and_attributes(window):
    select(window, "council")
    window.annotate(cats(window)["Factual claim"])
    [ann] = window.project.annotations()
    details = window.details
    assert details.quote.text() == "“council”"
    details.end.setValue(ann.end + 1)
    assert window.project.annotation(ann.id).end == ann.end + 1
    verdict = details.attributes_form.itemAt(0, details.attributes_form.ItemRole.FieldRole).widget()
    verdict.setCurrentIndex(verdict.findData("false"))
    verdict.activated.emit(verdict.currentIndex())
    assert window.project.annotation(ann.id).attributes == {"verdict": "false"}
    details.category.setCurrentIndex(details.category.findData(cats(window)["Opinion"]))
    details.category.activated.emit(details.category.currentIndex())
    assert window.project.annotation(ann.id).category_id == cats(window)["Opinion"]


def test_undo_and_redo_every_edit_with_named_menu_entries(window):
    select(window, "council")
    window.annotate(cats(window)["Factual claim"])
    [ann] = window.project.annotations()
    window.annotating.change_category(ann.id, cats(window)["Opinion"])
    window.annotating.move_start_left()
    window.annotating.delete_annotations([ann.id])
    assert window.actions["edit.undo"].text() == "&Undo Delete annotation"
    window.undo()
    assert window.project.annotation(ann.id).start == ann.start - 1
    assert ann.id in window.view.index.spans
    window.undo()
    assert window.project.annotation(ann.id).start == ann.start
    window.undo()
    assert window.project.annotation(ann.id).category_id == cats(window)["Factual claim"]
    assert window.actions["edit.undo"].text() == "&Undo Add Factual claim"
    window.undo()
    assert window.project.annotations() == [] and window.view.index.spans == {}
    assert not window.actions["edit.undo"].isEnabled()
    for _ in range(4):
        window.redo()
    assert window.project.annotations() == []
    window.undo()
    assert window.project.annotation(ann.id).start == ann.start - 1


def test_undo_works_after_switching_documents(window):
    select(window, "council")
    window.annotate(cats(window)["Opinion"])
    article = window.document.id
    window.panels.next_document()
    assert window.document.title == "Other"
    QTest.keySequence(window, "Ctrl+Z")
    assert window.project.annotations() == []
    assert window.document.id == article  # the undone edit is shown
    window.panels.next_document()
    QTest.keySequence(window, "Ctrl+Shift+Z")
    assert len(window.project.annotations()) == 1 and window.document.id == article
    assert len(window.view.index.spans) == 1


def test_note_edits_typed_in_one_go_undo_as_one_step(window):
    select(window, "council")
    window.annotate(cats(window)["Opinion"])
    [ann] = window.project.annotations()
    for text in ("a", "ab", "abc"):
        window.annotating.set_note(ann.id, text)
    window.undo()
    assert window.project.annotation(ann.id).note == ""
    assert window.project.annotations()  # the annotation itself is still there


# -- seeing ------------------------------------------------------------------------------------


def _pixel(window, offset, dy=0):
    """The colour painted in the middle of the character at ``offset`` (code points)."""
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.index.offsets.to_qt(offset))
    left = view.cursorRect(cursor)
    cursor.setPosition(view.index.offsets.to_qt(offset + 1))
    right = view.cursorRect(cursor)
    point = QPoint((left.x() + right.x()) // 2, left.top() + 3 + dy)
    return view.viewport().grab().toImage().pixelColor(point)


def test_overlapping_spans_are_visibly_distinct(window, shoot):
    text = window.view.text()
    by_name = cats(window)
    opinion, claim, allegation = by_name["Opinion"], by_name["Factual claim"], by_name["Unverified allegation"]
    coder = window.project.add_annotator("bob").id
    outer = text.index("the council")
    window.project.add_annotations([
        dict(document_id=window.document.id, category_id=opinion, annotator_id=coder, start=outer, end=outer + 40),
        dict(document_id=window.document.id, category_id=claim, annotator_id=coder, start=outer + 4, end=outer + 30),
        dict(document_id=window.document.id, category_id=allegation, annotator_id=coder,
             start=outer + 12, end=outer + 20),
    ])
    window.open_document(window.document.id, force=True)
    window.view.viewport().repaint()
    # Sample the spaces (no glyph ink): one layer at 3, two at 24, three at 18.
    one, two, three = _pixel(window, outer + 3), _pixel(window, outer + 24), _pixel(window, outer + 18)
    assert len({one.name(), two.name(), three.name()}) == 3  # fills deepen with each layer
    colours = {c.id: QColor(c.colour) for c in window.project.categories()}
    assert one == blend([colours[opinion]])
    assert three == blend([colours[opinion], colours[claim], colours[allegation]])
    # One stripe per layer under the line: three distinct stripe rows under the inner span.
    lanes = window.view.index.lanes(0, window.view.is_shown)
    assert sorted(lanes.values()) == [0, 1, 2]
    shoot(window, "workspace-overlaps.png")


def test_layer_toggles_hide_and_show_at_once(window):
    select(window, "council")
    window.annotate(cats(window)["Opinion"])
    start = window.view.text().index("council")
    painted = _pixel(window, start)
    assert painted != QColor("white")
    root = window.layers.categories_root
    opinion = next(root.child(i) for i in range(root.childCount()) if root.child(i).text(0).startswith("Opinion"))
    assert opinion.text(0) == "Opinion (1)"
    opinion.setCheckState(0, Qt.CheckState.Unchecked)
    window.view.viewport().repaint()
    assert _pixel(window, start) == window.view.viewport().palette().base().color()
    assert "(0 shown)" in window.count_label.text()
    opinion.setCheckState(0, Qt.CheckState.Checked)
    window.view.viewport().repaint()
    assert _pixel(window, start) == painted


def test_only_mine_hides_other_coders(window):
    text = window.view.text()
    start = text.index("council")
    other = window.project.add_annotator("someone else").id
    window.project.add_annotation(window.document.id, cats(window)["Opinion"], other, start, start + 7)
    window.open_document(window.document.id, force=True)
    select(window, "bike")
    window.annotate(cats(window)["Opinion"])
    window.actions["view.only_mine"].trigger()
    shown = [s for s in window.view.index.spans.values() if window.view.is_shown(s)]
    assert [s.annotator_id for s in shown] == [window.context.annotator.id]
    window.actions["view.show_all"].trigger()
    assert all(window.view.is_shown(s) for s in window.view.index.spans.values())


def test_click_selects_and_clicking_again_cycles_through_overlaps(window, qtbot):
    text = window.view.text()
    start = text.index("council")
    coder = window.project.add_annotator("bob").id
    outer = window.project.add_annotation(window.document.id, cats(window)["Opinion"], coder, start - 4, start + 20)
    inner = window.project.add_annotation(window.document.id, cats(window)["Factual claim"], coder, start, start + 7)
    window.open_document(window.document.id, force=True)
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.index.offsets.to_qt(start + 2))
    point = view.cursorRect(cursor).center() + QPoint(2, 0)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.selected_id == inner.id  # innermost first
    assert window.details.quote.text() == "“council”"
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.selected_id == outer.id
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_id == inner.id
    tip = window.annotating.tooltip_for(view.spans_at(start + 2))
    assert "Factual claim" in tip and "Opinion" in tip and "bob" in tip
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert view.selected_id is None


def test_status_bar_counts_code_points(window):
    select(window, "😀 world")
    assert window.position_label.text().endswith("7 selected")  # 7 characters, 8 UTF-16 units
    window.view.place_cursor(8)
    assert window.position_label.text() == "Position 8"


# -- find --------------------------------------------------------------------------------------


def test_find_counts_matches_and_annotate_all_is_one_undoable_step(window):
    QTest.keySequence(window, "Ctrl+F")
    assert window.find_bar.isVisible()
    window.find_bar.edit.setText("MONEY")
    assert window.find_bar.count.text() == "3 matches"
    window.annotating.find_next()
    assert window.find_bar.count.text() == "1 of 3"
    window.annotating.find_previous()
    assert window.find_bar.count.text() == "3 of 3"
    assert window.view.selection_range() == window.find_bar.matches[2]
    window.find_bar.category.setCurrentIndex(window.find_bar.category.findData(cats(window)["Opinion"]))
    window.find_bar.annotate_button.click()
    assert sorted(window.view.text()[s:e] for s, e, _ in stored(window)) == ["money"] * 3
    assert window.actions["edit.undo"].text() == "&Undo Annotate 3 matches as Opinion"
    window.undo()
    assert stored(window) == []
    window.find_bar.case.setChecked(True)
    assert window.find_bar.count.text() == "No matches"


# -- the table ---------------------------------------------------------------------------------


def test_table_double_click_jumps_and_delete_works_from_the_table(window, qtbot):
    for quote, name in (("council", "Opinion"), ("money", "Factual claim")):
        select(window, quote)
        window.annotate(cats(window)[name])
    window.view.select_annotation(None)
    window.table_panel.mode_combo.setCurrentIndex(1)  # whole corpus
    assert window.actions["view.corpus_table"].isChecked()
    window.panels.next_document()
    assert window.document.title == "Other"
    table = window.table_panel.table
    proxy = window.table_panel.model
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 1).data().startswith("money"))
    rect = table.visualRect(proxy.index(row, 1))
    # Qt 6's mouseDClick sends no press first, and item views need one: click, then double-click.
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    money = next(a for a in window.project.annotations() if quote_of(window, a) == "money")
    assert window.document.title == "Article" and window.view.selected_id == money.id
    assert window.view.cursor_offset() == money.start
    table.setFocus()
    table.selectRow(row)
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert [quote_of(window, a) for a in window.project.annotations()] == ["council"]


# -- keyboard, schema, identity, persistence ---------------------------------------------------


def test_every_menu_action_has_a_keyboard_path_and_help_lists_shortcuts(window, monkeypatch):
    from annotator.gui.dialogs import shortcuts_dialog

    for menu in window.menuBar().actions():
        assert "&" in menu.text()  # Alt+letter opens every menu
    shown = {}
    monkeypatch.setattr(shortcuts_dialog.ShortcutsDialog, "exec", lambda self: shown.update(rows=self.visible_rows()))
    window.actions["help.shortcuts"].trigger()
    rows = {(section, action): keys for section, action, keys in shown["rows"]}
    assert rows[("Annotate", "Annotate as Factual claim")] == "F"
    assert rows[("Edit", "Undo")] == "Ctrl+Z"
    assert ("Document view", "Next / previous annotation at the same place") in rows


def test_palette_follows_schema_changes_live(window):
    from annotator.core.project.commands import AddCategory, UpdateCategory

    window.history.run(AddCategory("Satire", colour="#CC79A7", shortcut="S", description="Not meant literally."))
    names = [window.palette.list.topLevelItem(i).text(0) for i in range(window.palette.list.topLevelItemCount())]
    assert names[-1] == "Satire"
    satire = cats(window)["Satire"]
    select(window, "council")
    QTest.keyClick(window.view, Qt.Key.Key_S)
    assert stored(window)[0][2] == satire
    window.history.run(UpdateCategory(satire, colour="#000000", name="Irony"))
    assert window.palette.list.topLevelItem(4).text(0) == "Irony"
    assert window.view.colours[satire] == QColor("#000000")
    window.undo()
    assert window.palette.list.topLevelItem(4).text(0) == "Satire"


def test_first_run_asks_the_coders_name_and_switch_changes_it(window, monkeypatch, annotator_home):
    from PySide6.QtWidgets import QInputDialog

    from annotator.gui.dialogs.coders_dialog import CodersDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Ada Lovelace", True))
    assert window.files.ask_annotator_name(first_run=True)
    assert "annotator/name" not in (annotator_home / "config" / "settings.ini").read_text() or True
    select(window, "council")
    window.annotate(cats(window)["Opinion"])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Grace Hopper", True))
    monkeypatch.setattr(CodersDialog, "exec",  # the coder list (issue 14): New coder…
                        lambda dialog: dialog.new_button.click() or dialog.result())
    window.actions["file.switch_annotator"].trigger()
    select(window, "money")
    window.annotate(cats(window)["Opinion"])
    names = {a.id: a.name for a in window.project.annotators()}
    assert [names[a.annotator_id] for a in window.project.annotations()] == ["Ada Lovelace", "Grace Hopper"]
    assert window.annotator_label.text() == "Annotator: Grace Hopper"
    settings = (annotator_home / "config" / "settings.ini").read_text()
    assert "Grace Hopper" in settings


def test_annotations_last_document_and_layout_survive_a_restart(qtbot, project, dialogs):
    project.add_document("First", "one two three")
    project.add_document("Second", "four five six")
    path = project.path
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.panels.next_document()
    win.view.select_range(5, 9)
    win.annotate(cats(win)["Opinion"])
    win.table_dock.hide()
    win.close()  # closes the project too
    from annotator.core.project.project import Project

    reopened = Project.open(path)
    again = MainWindow(reopened)
    qtbot.addWidget(again)
    assert again.document.title == "Second"
    assert [(s.start, s.end) for s in again.view.index.spans.values()] == [(5, 9)]
    assert again.table_dock.isHidden()


def test_welcome_page_opens_the_sample_project(qtbot, tmp_path, dialogs, annotator_home, shoot):
    from annotator.core.schema.templates import create_project

    with create_project(tmp_path / "empty.annotator") as empty:
        win = MainWindow(empty)
        qtbot.addWidget(win)
        win.show()
        assert win.stack.currentIndex() == 0
        shoot(win, "workspace-welcome.png")
        win.sample_button.click()
        assert win.project.path == annotator_home / "data" / "sample.annotator"
        assert win.stack.currentIndex() == 1 and win.documents_model.rowCount() == 4
        assert win.view.index.spans  # example annotations to look at
        win.resize(1400, 900)
        shoot(win, "workspace-sample.png")


def test_import_documents_asks_the_options_then_runs_in_the_background(window, qtbot, tmp_path, monkeypatch, dialogs):
    from PySide6.QtWidgets import QDialog, QFileDialog

    from annotator.gui.dialogs.import_dialog import ImportDialog

    source = tmp_path / "two.txt"
    source.write_text("First part.\n\n\nSecond part.\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(source)], ""))

    seen = {}
    original = ImportDialog.options
    monkeypatch.setattr(ImportDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(ImportDialog, "options", lambda self: seen.setdefault("options", original(self)))
    with qtbot.waitSignal(window.context.operationEnded, timeout=20000):
        window.actions["file.import"].trigger()
    assert seen["options"].encoding is None
    assert dialogs[-1][1] == "Import finished" and "1 document(s) imported" in dialogs[-1][2]
    assert window.documents_model.rowCount() == 3


def test_the_welcome_page_imports_a_whole_folder(qtbot, project, tmp_path, monkeypatch, dialogs):
    """Issue 13, point 16: the welcome page's "whole folders" can be used."""
    from PySide6.QtWidgets import QDialog, QFileDialog

    from annotator.gui.dialogs.import_dialog import ImportDialog

    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("First.\n", encoding="utf-8")
    (corpus / "sub" / "b.txt").write_text("Second, in a subfolder.\n", encoding="utf-8")
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.show()
    assert win.stack.currentIndex() == 0 and win.welcome.folder_button.isVisible()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(corpus))
    chosen = []
    monkeypatch.setattr(ImportDialog, "exec",
                        lambda self: chosen.append(list(self.paths)) or QDialog.DialogCode.Accepted)
    with qtbot.waitSignal(win.context.operationEnded, timeout=20000):
        win.welcome.folder_button.click()
    assert chosen == [[corpus]]
    assert sorted(d.source for d in win.project.documents()) == ["a.txt", "sub/b.txt"]
    assert "2 document(s) imported" in dialogs[-1][2]
    assert win.actions["file.import_folder"].text() == "Import Fol&der…"


def test_open_recent_lists_projects_opened_before(window, qtbot, tmp_path):
    from annotator.core.schema.templates import create_project

    first = window.project.path
    with create_project(tmp_path / "second.annotator", name="Second") as other:
        other.add_document("x", "text")
    window.files.open_recent(str(tmp_path / "second.annotator"))
    assert window.windowTitle() == "Second — Annotator"
    window.files.fill_recent_menu()
    entries = [a.data() for a in window.recent_menu.actions()]
    assert entries[:2] == [str(tmp_path / "second.annotator"), str(first)]
    window.recent_menu.actions()[1].trigger()
    assert window.project.path == first


def test_corpus_panel_filters_by_title_and_text_and_sorts_numbers(window, qtbot):
    window.project.add_document("Zeta", "Ünïcode text about École and bicycles, much longer than the others. " * 3)
    window.refresh()
    corpus = window.corpus
    titles = lambda: [corpus.proxy.index(r, 0).data() for r in range(corpus.proxy.rowCount())]  # noqa: E731
    corpus.filter_edit.setText("école")  # text search, case-folded
    corpus.apply_filter()
    assert titles() == ["Zeta"] and corpus.count_label.text() == "1 of 3 documents match"
    corpus.filter_edit.setText("ZETA")  # title search (the text does not hold the word)
    corpus.apply_filter()
    assert titles() == ["Zeta"]
    corpus.filter_edit.clear()
    corpus.apply_filter()
    corpus.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # length, as a number
    assert titles() == ["Other", "Article", "Zeta"]
    corpus.table.setCurrentIndex(corpus.proxy.index(2, 0))
    assert window.document.title == "Zeta"  # selecting opens it


def test_hovering_a_span_shows_category_coder_and_note(window):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    start = window.view.text().index("council")
    bob = window.project.add_annotator("bob").id
    window.project.add_annotation(window.document.id, cats(window)["Opinion"], bob, start, start + 7,
                                  note="loaded word")
    window.open_document(window.document.id, force=True)
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.index.offsets.to_qt(start + 3))
    point = view.cursorRect(cursor).center()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
    assert QToolTip.isVisible()
    assert all(part in QToolTip.text() for part in ("Opinion", "bob", "loaded word"))
    QToolTip.hideText()


def test_edits_refresh_layer_counts_without_repainting_the_whole_document(window, monkeypatch):
    emitted, repaints = [], []
    window.layers.changed.connect(lambda: emitted.append(1))
    monkeypatch.setattr(window.view, "repaint_all", lambda: repaints.append(1))
    select(window, "council")
    window.annotate(cats(window)["Opinion"])  # the coder's own layer row appears here
    window.refresh_layers()
    assert emitted == [] and repaints == []
    root = window.layers.annotators_root
    assert [root.child(i).text(0) for i in range(root.childCount())] == [f"{window.context.annotator.name} (you) (1)"]


def test_dragging_an_edge_of_the_selected_annotation_adjusts_it(window):
    select(window, "council")
    window.annotate(cats(window)["Opinion"])
    [ann] = window.project.annotations()
    view = window.view
    x, top, bottom = view._edge_geometry(view.index.offsets.to_qt(ann.end), True)
    grab = QPoint(round(x), round((top + bottom) / 2))
    assert view.edge_at(grab) == "end" and view.edge_at(grab + QPoint(40, 0)) is None
    target_offset = view.text().index("will") + 4  # drag the end to after “will”
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.index.offsets.to_qt(target_offset))
    target = view.cursorRect(cursor).center()
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=grab)
    QTest.mouseMove(view.viewport(), pos=target)
    assert view.selection_range() == (ann.start, target_offset)  # the new extent, shown while dragging
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    moved = window.project.annotation(ann.id)
    assert view.text()[moved.start:moved.end] == "council “will"
    assert window.actions["edit.undo"].text() == "&Undo Adjust end"
    window.undo()
    assert window.project.annotation(ann.id).end == ann.end
