"""The schema editor and the coding guidelines dialog, driven as a user would (offscreen), against a
real main window: every change goes through the window's history, so Ctrl+Z undoes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QInputDialog, QMessageBox

from annotator.gui.dialogs.category_form import reserved_shortcuts
from annotator.gui.dialogs.delete_category_dialog import DeleteCategoryDialog
from annotator.gui.dialogs.guidelines_dialog import GuidelinesDialog
from annotator.gui.dialogs.schema_editor import SchemaEditor
from annotator.gui.main_window import MainWindow

TEXT = "The council will spend £2m on bike lanes. Critics say it is a waste of money."
Pos = QAbstractItemView.DropIndicatorPosition


@pytest.fixture
def window(qtbot, project, dialogs):
    doc = project.add_document("Article", TEXT).document
    alice = project.add_annotator("alice")
    by_name = {c.name: c.id for c in project.categories()}
    project.add_annotation(doc.id, by_name["Opinion"], alice.id, 0, 11)
    project.add_annotation(doc.id, by_name["Opinion"], alice.id, 42, 53)
    project.add_annotation(doc.id, by_name["Prediction"], alice.id, 12, 22)
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def editor(qtbot, window):
    window.actions["schema.edit"].trigger()  # the window's own editor, reloaded after every schema change, undo too
    dialog = window.schema.schema_editor
    qtbot.waitExposed(dialog)
    return dialog


def ids(window):
    return {c.name: c.id for c in window.project.categories()}


def tree(window):
    """(name, parent name or None) in tree order."""
    cats = window.project.categories()
    names = {c.id: c.name for c in cats}
    return [(c.name, names.get(c.parent_id)) for c in cats]


def palette_names(window):
    return window.palette.category_ids() and [window.palette.list.topLevelItem(i).text(0)
                                              for i in range(window.palette.list.topLevelItemCount())]


def editor_rows(editor):
    out = []
    stack = [(editor.tree.topLevelItem(i), 0) for i in range(editor.tree.topLevelItemCount())][::-1]
    while stack:
        item, depth = stack.pop()
        out.append(("  " * depth) + item.text(0))
        stack.extend((item.child(i), depth + 1) for i in reversed(range(item.childCount())))
    return out


def categories_of_annotations(window):
    names = {c.id: c.name for c in window.project.categories()}
    return sorted(names.get(a.category_id, "?") for a in window.project.annotations())


CLAIMS = ["Factual claim", "Opinion", "Unverified allegation", "Prediction"]


# -- add, rename, recolour ---------------------------------------------------------------------


def test_opens_on_the_first_category_with_its_fields(editor, window):
    assert editor_rows(editor) == CLAIMS
    assert editor.current_id == ids(window)["Factual claim"]
    assert editor.name_edit.text() == "Factual claim"
    assert editor.shortcut_edit.text() == "F"
    assert editor.guideline_edit.toPlainText().startswith("A statement presented as fact")
    assert editor.attributes.rowCount() == 1 and editor.attributes.item(0, 0).text() == "verdict"
    assert editor.attributes.cellWidget(0, 1).currentData() == "choice"
    assert editor.attributes.item(0, 2).text().startswith("not checked, accurate")


def test_add_then_undo(editor, window):
    editor.add_button.click()
    assert editor_rows(editor) == [*CLAIMS, "New category"]
    new = ids(window)["New category"]
    assert editor.current_id == new and editor.name_edit.text() == "New category"
    assert editor.name_edit.hasFocus() and editor.name_edit.selectedText() == "New category"
    assert palette_names(window)[-1] == "New category"  # the window followed at once
    editor.add_button.click()
    assert "New category 2" in ids(window)
    editor.select(ids(window)["Opinion"])
    editor.add_child_button.click()
    assert ("New category", "Opinion") in tree(window)
    window.undo()
    window.undo()
    assert editor_rows(editor) == [*CLAIMS, "New category"]
    window.undo()
    assert editor_rows(editor) == CLAIMS and editor.current_id is not None


def test_rename_duplicate_and_empty_refused_with_the_cores_message_then_undo(editor, window, dialogs):
    opinion = ids(window)["Opinion"]
    editor.select(opinion)
    editor.name_edit.setText("View")
    editor.name_edit.editingFinished.emit()
    assert window.project.category(opinion).name == "View"
    assert palette_names(window)[1] == "View"  # shown in the palette at once
    assert editor.tree.currentItem().text(0) == "View" and editor.current_id == opinion
    editor.name_edit.setText("factual CLAIM")
    editor.name_edit.editingFinished.emit()
    assert dialogs[-1][0] == "warning" and "'Factual claim' already exists at the top level" in dialogs[-1][2]
    assert editor.name_edit.text() == "View" and window.project.category(opinion).name == "View"
    editor.name_edit.setText("   ")
    editor.name_edit.editingFinished.emit()
    assert "needs a name" in dialogs[-1][2] and editor.name_edit.text() == "View"
    window.undo()
    assert window.project.category(opinion).name == "Opinion" and editor.name_edit.text() == "Opinion"
    assert palette_names(window)[1] == "Opinion"


def test_recolour_by_palette_swatch_shows_in_the_window_at_once(editor, window):
    opinion = ids(window)["Opinion"]
    editor.select(opinion)
    before = window.project.category(opinion).colour
    button = next(b for b in editor.palette_buttons if b.property("colour") == "#009e73")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.project.category(opinion).colour == "#009e73"
    assert window.view.colours[opinion] == QColor("#009e73")
    assert button.isChecked() and "#009e73" in editor.colour_button.text()
    palette_icon = window.palette.list.topLevelItem(1).icon(0).pixmap(14, 14).toImage()
    assert QColor(palette_icon.pixel(7, 7)) == QColor("#009e73")
    window.undo()
    assert window.project.category(opinion).colour == before == editor.colour_button.text().split()[0]
    assert window.view.colours[opinion] == QColor(before)


def test_colour_dialog(editor, window, monkeypatch):
    from PySide6.QtWidgets import QColorDialog

    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))
    editor.colour_button.click()
    assert window.project.category(editor.current_id).colour == "#123456"
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor())  # cancelled
    assert not editor.choose_colour()
    assert window.project.category(editor.current_id).colour == "#123456"


def test_guideline_is_committed_when_it_loses_focus(editor, window):
    prediction = ids(window)["Prediction"]
    editor.select(prediction)
    editor.guideline_edit.setFocus()
    editor.guideline_edit.setPlainText("Future events.\n\nNot hopes.")
    editor.name_edit.setFocus()
    assert window.project.category(prediction).description == "Future events.\n\nNot hopes."
    window.undo()
    assert window.project.category(prediction).description.startswith("A statement about what will")


def test_typing_then_selecting_another_category_commits_the_typing(editor, window, qtbot):
    opinion = ids(window)["Opinion"]
    editor.select(opinion)
    editor.name_edit.setText("Opinions")
    editor.select(ids(window)["Prediction"])  # programmatically: no focus change
    qtbot.waitUntil(lambda: window.project.category(opinion).name == "Opinions")
    assert editor.name_edit.text() == "Prediction"


# -- moving ------------------------------------------------------------------------------------


def alt(editor, key):
    QTest.keyClick(editor.tree, key, Qt.KeyboardModifier.AltModifier)


def test_reparent_and_reorder_by_keyboard_each_undoable(editor, window):
    editor.select(ids(window)["Opinion"])
    editor.tree.setFocus()
    alt(editor, Qt.Key.Key_Right)  # under the sibling above
    assert editor_rows(editor) == ["Factual claim", "  Opinion", "Unverified allegation", "Prediction"]
    assert window.palette.list.topLevelItem(0).child(0).text(0) == "Opinion"
    assert editor.tree.currentItem().text(0) == "Opinion"
    editor.select(ids(window)["Prediction"])
    alt(editor, Qt.Key.Key_Up)
    assert editor_rows(editor) == ["Factual claim", "  Opinion", "Prediction", "Unverified allegation"]
    alt(editor, Qt.Key.Key_Right)
    assert editor_rows(editor) == ["Factual claim", "  Opinion", "  Prediction", "Unverified allegation"]
    alt(editor, Qt.Key.Key_Up)
    assert editor_rows(editor) == ["Factual claim", "  Prediction", "  Opinion", "Unverified allegation"]
    alt(editor, Qt.Key.Key_Left)  # out one level, just after its old parent
    assert editor_rows(editor) == ["Factual claim", "  Opinion", "Prediction", "Unverified allegation"]
    alt(editor, Qt.Key.Key_Down)
    assert editor_rows(editor) == ["Factual claim", "  Opinion", "Unverified allegation", "Prediction"]
    alt(editor, Qt.Key.Key_Down)  # already last: nothing
    assert window.history.stack.count() == 6
    expected = [
        ["Factual claim", "  Opinion", "Prediction", "Unverified allegation"],
        ["Factual claim", "  Prediction", "  Opinion", "Unverified allegation"],
        ["Factual claim", "  Opinion", "  Prediction", "Unverified allegation"],
        ["Factual claim", "  Opinion", "Prediction", "Unverified allegation"],
        ["Factual claim", "  Opinion", "Unverified allegation", "Prediction"],
        CLAIMS,
    ]
    for rows in expected:
        window.undo()
        assert editor_rows(editor) == rows
    assert [window.palette.list.topLevelItem(i).text(0) for i in range(4)] == CLAIMS


def test_drop_positions_become_parent_and_index(editor, window):
    t = editor.tree
    factual, opinion, allegation, prediction = (editor.items[ids(window)[n]] for n in CLAIMS)
    t.setCurrentItem(prediction)  # the dragged item
    assert t.drop_target(factual, Pos.OnItem) == (ids(window)["Factual claim"], 0)
    assert t.drop_target(opinion, Pos.AboveItem) == (None, 1)
    assert t.drop_target(opinion, Pos.BelowItem) == (None, 2)
    assert t.drop_target(None, Pos.OnViewport) == (None, 4)
    assert t.drop_target(prediction, Pos.OnItem) is None
    t.setCurrentItem(factual)
    assert t.drop_target(allegation, Pos.BelowItem) == (None, 2)  # counted without the dragged one


def test_simulated_drops_move_reparent_and_refuse_a_cycle(editor, window, dialogs):
    c = ids(window)
    t = editor.tree
    t.setCurrentItem(editor.items[c["Prediction"]])
    assert editor.move_category(c["Prediction"], *t.drop_target(editor.items[c["Opinion"]], Pos.OnItem))
    t.setCurrentItem(editor.items[c["Factual claim"]])
    assert editor.move_category(c["Factual claim"], *t.drop_target(editor.items[c["Prediction"]], Pos.AboveItem))
    assert editor_rows(editor) == ["Opinion", "  Factual claim", "  Prediction", "Unverified allegation"]
    assert window.history.stack.count() == 2  # a drop into the middle of new siblings is one step
    t.setCurrentItem(editor.items[c["Opinion"]])
    assert not editor.move_category(c["Opinion"], *t.drop_target(editor.items[c["Prediction"]], Pos.OnItem))
    assert "cannot be placed under itself" in dialogs[-1][2]
    assert window.history.stack.count() == 2 and editor_rows(editor)[0] == "Opinion"
    window.undo()
    assert editor_rows(editor) == ["Factual claim", "Opinion", "  Prediction", "Unverified allegation"]
    window.undo()
    assert editor_rows(editor) == CLAIMS
    window.redo()
    window.redo()
    assert editor_rows(editor) == ["Opinion", "  Factual claim", "  Prediction", "Unverified allegation"]


def test_a_real_drop_event_goes_through_the_editor(editor, window, qtbot, monkeypatch):
    from PySide6.QtCore import QMimeData, QPointF
    from PySide6.QtGui import QDropEvent

    c = ids(window)
    t = editor.tree
    t.setCurrentItem(editor.items[c["Prediction"]])
    target = t.visualItemRect(editor.items[c["Opinion"]]).center()
    monkeypatch.setattr(type(t), "dropIndicatorPosition", lambda self: Pos.OnItem)
    event = QDropEvent(QPointF(target), Qt.DropAction.MoveAction, QMimeData(), Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    t.dropEvent(event)
    assert ("Prediction", "Opinion") in tree(window)
    assert editor_rows(editor) == ["Factual claim", "Opinion", "  Prediction", "Unverified allegation"]


def test_reparenting_into_a_parent_with_a_same_named_child_is_refused(editor, window, dialogs):
    c = ids(window)
    editor.add_category(c["Factual claim"], name="Opinion")
    editor.select(c["Opinion"])
    assert not editor.move_by_key("in")
    assert "'Opinion' already exists under the same parent" in dialogs[-1][2]
    assert ("Opinion", None) in tree(window)


# -- shortcut keys -----------------------------------------------------------------------------


def test_shortcut_captured_from_a_key_press_and_clashes_refused(editor, window, dialogs):
    prediction = ids(window)["Prediction"]
    editor.select(prediction)
    field = editor.shortcut_edit
    QTest.mouseClick(field, Qt.MouseButton.LeftButton)
    assert field.hasFocus()
    QTest.keyClick(field, Qt.Key.Key_Shift)  # a modifier alone waits for the key
    QTest.keyClick(field, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.project.category(prediction).shortcut == "Ctrl+Shift+J" == field.text()
    assert editor.tree.currentItem().text(1) == "Ctrl+Shift+J"
    assert window.palette.list.topLevelItem(3).text(1) == "Ctrl+Shift+J"
    action = next(a for a in window.annotating.category_actions if a.data() == prediction)
    assert action.shortcut().toString() == "Ctrl+Shift+J"  # the Annotate menu key follows

    QTest.keyClick(field, Qt.Key.Key_O)  # Opinion's key: the core refuses
    assert dialogs[-1][0] == "warning" and "already used by category 'Opinion'" in dialogs[-1][2]
    assert window.project.category(prediction).shortcut == "Ctrl+Shift+J" == field.text()

    QTest.keyClick(field, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # File → Import Documents
    assert "Ctrl+I is already the shortcut for “Import Documents”" in dialogs[-1][2]
    QTest.keyClick(field, Qt.Key.Key_F1)
    assert "“Keyboard Shortcuts”" in dialogs[-1][2]
    QTest.keyClick(field, Qt.Key.Key_Left)
    assert "moves the cursor" in dialogs[-1][2]
    assert window.project.category(prediction).shortcut == "Ctrl+Shift+J" and window.history.stack.count() == 1

    QTest.keyClick(field, Qt.Key.Key_7)
    assert window.project.category(prediction).shortcut == "7"
    QTest.keyClick(field, Qt.Key.Key_Backspace)
    assert window.project.category(prediction).shortcut is None and field.text() == ""
    window.undo()
    assert window.project.category(prediction).shortcut == "7" == field.text()
    window.undo()
    window.undo()
    assert window.project.category(prediction).shortcut == "P" == field.text()


def test_reserved_shortcuts_given_by_the_caller(qtbot, window, dialogs):
    editor = SchemaEditor(window.project, window.history.run, {"ctrl+j": "Jump somewhere", "F9": "Nine"})
    qtbot.addWidget(editor)
    QTest.keyClick(editor.shortcut_edit, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert "“Jump somewhere”" in dialogs[-1][2]
    assert editor.shortcut_problem("F9") and not editor.shortcut_problem("F8")


def test_reserved_shortcuts_lists_the_windows_actions_but_not_category_keys(window):
    categories = {f"cat{i}": a for i, a in enumerate(window.annotating.category_actions)}
    reserved = reserved_shortcuts(window.actions | categories)
    assert reserved["Ctrl+I"] == "Import Documents" and reserved["F1"] == "Keyboard Shortcuts"
    assert reserved["Ctrl+Z"] == "Undo"
    assert "F" not in reserved and "O" not in reserved


# -- attributes --------------------------------------------------------------------------------


def test_attribute_definitions_add_type_choices_default_remove(editor, window, dialogs):
    opinion = ids(window)["Opinion"]
    editor.select(opinion)
    editor.add_attribute_button.click()
    assert window.project.category(opinion).attributes == [{"name": "attribute", "type": "text"}]
    table = editor.attributes
    table.item(0, 0).setText("strength")
    table.cellWidget(0, 1).setCurrentIndex(table.cellWidget(0, 1).findData("number"))
    table.item(0, 4).setText("1")
    table.item(0, 5).setText("5")
    table.item(0, 3).setText("3")
    assert window.project.category(opinion).attributes == [
        {"name": "strength", "type": "number", "min": 1, "max": 5, "default": 3}]
    table.item(0, 5).setText("lots")
    assert "the max of “strength” must be a number" in dialogs[-1][2]
    assert table.item(0, 5).text() == "5"
    editor.add_attribute_button.click()
    table.item(1, 0).setText("tone")
    table.cellWidget(1, 1).setCurrentIndex(table.cellWidget(1, 1).findData("multiple"))
    table.item(1, 2).setText("angry, calm ,, ironic")
    table.item(1, 3).setText("calm")
    attributes = window.project.category(opinion).attributes
    assert attributes[1] == {"name": "tone", "type": "multiple", "choices": ["angry", "calm", "ironic"],
                             "default": ["calm"]}
    table.item(1, 0).setText("strength")  # the core refuses duplicate names
    assert "unique" in dialogs[-1][2] and table.item(1, 0).text() == "tone"
    table.setCurrentCell(0, 0)
    editor.remove_attribute_button.click()
    assert [d["name"] for d in window.project.category(opinion).attributes] == ["tone"]
    window.undo()
    assert [d["name"] for d in window.project.category(opinion).attributes] == ["strength", "tone"]
    assert table.rowCount() == 2
    while window.history.stack.canUndo():
        window.undo()
    assert window.project.category(opinion).attributes == [] and table.rowCount() == 0


def test_the_type_column_offers_exactly_the_types_the_core_accepts(editor, window):
    from annotator.core.schema.rules import ATTRIBUTE_TYPES

    editor.select(ids(window)["Opinion"])
    editor.add_attribute()
    box = editor.attributes.cellWidget(0, 1)
    assert [box.itemData(i) for i in range(box.count())] == list(ATTRIBUTE_TYPES)
    assert [box.itemText(i) for i in range(box.count())] == ["Text", "Single choice", "Multiple choice", "Yes/no",
                                                            "Number"]


def test_the_details_panel_uses_a_new_attribute_at_once(editor, window):
    opinion = ids(window)["Opinion"]
    editor.select(opinion)
    editor.add_attribute()
    editor.attributes.cellWidget(0, 1).setCurrentIndex(editor.attributes.cellWidget(0, 1).findData("boolean"))
    assert window.project.category(opinion).attributes == [{"name": "attribute", "type": "boolean"}]
    changed = next(c for c in window.categories if c.id == opinion)
    assert changed.attributes == [{"name": "attribute", "type": "boolean"}]


# -- merge and delete --------------------------------------------------------------------------


def test_merge_a_into_b_moves_the_annotations_and_undo_restores(editor, window, monkeypatch):
    c = ids(window)
    asked = []

    def pick(parent, title, text, items, current, editable):
        asked.append((title, text, items))
        return "Prediction", True

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    editor.select(c["Opinion"])
    assert editor.merge_button.isEnabled()
    editor.merge_button.click()
    assert asked[0][0] == "Merge “Opinion” into…" and "Move the 2 annotations of “Opinion”" in asked[0][1]
    assert asked[0][2] == ["Factual claim", "Unverified allegation", "Prediction"]
    assert categories_of_annotations(window) == ["Prediction"] * 3
    assert "Opinion" not in ids(window) and editor.current_id == c["Prediction"]
    assert window.history.stack.undoText() == "Merge Opinion into Prediction"
    assert [window.palette.list.topLevelItem(i).text(0) for i in range(3)] == ["Factual claim", "Unverified allegation",
                                                                              "Prediction"]
    window.undo()
    assert categories_of_annotations(window) == ["Opinion", "Opinion", "Prediction"]
    assert editor_rows(editor) == CLAIMS
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: ("", False))
    assert not editor.merge_current()


def test_delete_asks_how_many_and_reassigns_then_undo(editor, window, monkeypatch):
    c = ids(window)
    asked = []

    def ask(parent, name, count, targets, note=""):
        asked.append((name, count, targets, note))
        return "reassign", c["Factual claim"]

    monkeypatch.setattr(DeleteCategoryDialog, "ask", ask)
    editor.select(c["Opinion"])
    editor.delete_button.click()
    assert asked == [("Opinion", 2, [(c["Factual claim"], "Factual claim"), (c["Unverified allegation"],
                                    "Unverified allegation"), (c["Prediction"], "Prediction")], "")]
    assert categories_of_annotations(window) == ["Factual claim", "Factual claim", "Prediction"]
    assert editor_rows(editor) == ["Factual claim", "Unverified allegation", "Prediction"]
    assert editor.current_id == c["Unverified allegation"]  # its neighbour is selected
    window.undo()
    assert categories_of_annotations(window) == ["Opinion", "Opinion", "Prediction"]
    assert editor_rows(editor) == CLAIMS


def test_delete_with_annotations_deleted_cancelled_or_without_any(editor, window, monkeypatch):
    c = ids(window)
    monkeypatch.setattr(DeleteCategoryDialog, "ask", lambda *a, **k: None)
    editor.select(c["Prediction"])
    assert not editor.delete_current()
    assert "Prediction" in ids(window) and window.history.stack.count() == 0
    monkeypatch.setattr(DeleteCategoryDialog, "ask", lambda *a, **k: ("delete", None))
    assert editor.delete_current()
    assert categories_of_annotations(window) == ["Opinion", "Opinion"]
    monkeypatch.setattr(DeleteCategoryDialog, "ask", lambda *a, **k: pytest.fail("no annotations: no question"))
    editor.select(c["Unverified allegation"])
    assert editor.delete_current()
    assert editor_rows(editor) == ["Factual claim", "Opinion"]
    window.undo()
    window.undo()
    assert editor_rows(editor) == CLAIMS
    assert categories_of_annotations(window) == ["Opinion", "Opinion", "Prediction"]


def test_deleting_a_parent_moves_its_subcategories_up_in_its_place(editor, window, monkeypatch):
    c = ids(window)
    editor.move_category(c["Prediction"], c["Opinion"], 0)
    editor.move_category(c["Unverified allegation"], c["Opinion"], 1)
    assert editor_rows(editor) == ["Factual claim", "Opinion", "  Prediction", "  Unverified allegation"]
    notes = []
    monkeypatch.setattr(DeleteCategoryDialog, "ask",
                        lambda parent, name, count, targets, note="": notes.append(note) or ("delete", None))
    editor.select(c["Opinion"])
    assert editor.delete_current()
    assert notes == ["Its subcategories “Prediction”, “Unverified allegation” move up one level, "
                     "to the top level, in its place."]
    assert editor_rows(editor) == ["Factual claim", "Prediction", "Unverified allegation"]
    assert categories_of_annotations(window) == ["Prediction"]
    window.undo()
    assert editor_rows(editor) == ["Factual claim", "Opinion", "  Prediction", "  Unverified allegation"]
    assert categories_of_annotations(window) == ["Opinion", "Opinion", "Prediction"]
    # Reassigning to one of its own subcategories, which moves up in the same step.
    editor.select(c["Factual claim"])
    editor.move_category(c["Factual claim"], c["Opinion"], 2)
    editor.select(c["Opinion"])
    monkeypatch.setattr(DeleteCategoryDialog, "ask", lambda *a, **k: ("reassign", c["Factual claim"]))
    questions = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: questions.append(a[2]) or QMessageBox.StandardButton.Yes)
    editor.delete_current()
    assert editor_rows(editor) == ["Prediction", "Unverified allegation", "Factual claim"]
    assert questions == []  # it had annotations: the reassign dialog asked instead
    editor.add_category(c["Prediction"], name="Soon")
    editor.select(c["Prediction"])
    monkeypatch.setattr(DeleteCategoryDialog, "ask", lambda *a, **k: ("delete", None))
    assert editor.delete_current()  # Prediction's own annotation is deleted; "Soon" takes its place
    assert editor_rows(editor) == ["Soon", "Unverified allegation", "Factual claim"]
    assert categories_of_annotations(window) == ["Factual claim", "Factual claim"]
    questions.clear()
    editor.add_category(c["Unverified allegation"], name="Later")
    editor.select(c["Unverified allegation"])  # no annotations, but a subcategory: asked to confirm
    monkeypatch.setattr(QMessageBox, "question", lambda *a: questions.append(a[2]) or QMessageBox.StandardButton.Cancel)
    assert not editor.delete_current()
    assert questions == ["Delete “Unverified allegation”? Its subcategory “Later” moves up one level, "
                         "to the top level, in its place."]
    assert "Unverified allegation" in ids(window)


def test_a_refused_step_undoes_the_steps_before_it(editor, window, dialogs, monkeypatch):
    c = ids(window)
    editor.add_category(c["Opinion"], name="Prediction")  # a child named like a top-level sibling
    editor.select(c["Opinion"])
    monkeypatch.setattr(DeleteCategoryDialog, "ask", lambda *a, **k: ("delete", None))
    before = tree(window)
    stack = window.history.stack.count()
    assert not editor.delete_current()  # moving the child up clashes with the top-level Prediction
    assert "'Prediction' already exists at the top level" in dialogs[-1][2]
    assert tree(window) == before and window.history.stack.count() == stack
    assert categories_of_annotations(window) == ["Opinion", "Opinion", "Prediction"]


def test_delete_dialog_itself(qtbot, shoot):
    dialog = DeleteCategoryDialog("Opinion", 12, [("a", "Factual claim"), ("b", "Prediction")],
                                  "Its subcategory “Sub” moves up one level, to the top level, in its place.")
    qtbot.addWidget(dialog)
    assert dialog.choice() == ("reassign", "a")
    dialog.target.setCurrentIndex(1)
    assert dialog.choice() == ("reassign", "b")
    dialog.show()
    qtbot.waitExposed(dialog)
    shoot(dialog, "schema-editor-delete-dialog.png")
    dialog.delete_radio.setChecked(True)
    assert dialog.choice() == ("delete", None) and not dialog.target.isEnabled()
    lonely = DeleteCategoryDialog("Only", 1, [])
    qtbot.addWidget(lonely)
    assert lonely.choice() == ("delete", None) and not lonely.move_radio.isEnabled()


# -- pictures and guidelines -------------------------------------------------------------------


def test_screenshot_of_the_editor(editor, window, qtbot, shoot):
    c = ids(window)
    editor.select(c["Opinion"])
    editor.move_by_key("in")
    editor.add_attribute()
    editor.attributes.item(0, 0).setText("strength")
    editor.attributes.cellWidget(0, 1).setCurrentIndex(editor.attributes.cellWidget(0, 1).findData("number"))
    editor.attributes.item(0, 4).setText("1")
    editor.attributes.item(0, 5).setText("5")
    editor.select(c["Factual claim"])
    editor.resize(1000, 620)
    qtbot.wait(50)
    assert editor.isVisible() and editor.windowTitle() == "Categories"
    assert editor.form.heading.text() == "Factual claim" and editor.name_edit.text() == "Factual claim"
    assert editor_rows(editor) == ["Factual claim", "  Opinion", "Unverified allegation", "Prediction"]
    shoot(editor, "schema-editor.png")
    editor.select(c["Opinion"])
    qtbot.wait(50)
    assert editor.form.heading.text() == "Factual claim › Opinion"
    assert editor.attributes.rowCount() == 1 and editor.attributes.item(0, 0).text() == "strength"
    shoot(editor, "schema-editor-subcategory.png")


def test_guidelines_dialog_shows_and_exports(qtbot, window, monkeypatch, tmp_path, shoot):
    from PySide6.QtWidgets import QFileDialog

    c = ids(window)
    window.project.update_category(c["Prediction"], parent_id=c["Opinion"],
                                   description="About the future.\n\n<script>alert(1)</script>")
    dialog = GuidelinesDialog(window.project, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    text = dialog.browser.toPlainText()
    for name in CLAIMS:
        assert name in text
    assert "<script>alert(1)</script>" in text  # shown as text, not run
    assert text.index("Opinion") < text.index("Prediction") < text.index("Unverified allegation")
    shoot(dialog, "guidelines-dialog.png")
    dialog.browser.verticalScrollBar().setValue(dialog.browser.verticalScrollBar().maximum())
    shoot(dialog, "guidelines-dialog-end.png")
    target = tmp_path / "out" / "guidelines"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert dialog.export_html() == target.with_name("guidelines.html")
    page = target.with_name("guidelines.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "&lt;script&gt;" in page and "#0072b2" in page
    assert sorted(p.name for p in target.parent.iterdir()) == ["guidelines.html"]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    assert dialog.export_html() is None


def test_merge_moves_subcategories_under_the_target_and_never_offers_its_own(editor, window, monkeypatch):
    c = ids(window)
    editor.move_category(c["Prediction"], c["Opinion"], 0)
    offered = []
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda parent, title, text, items, *a: offered.append((text, items)) or ("Factual claim", True))
    editor.select(c["Opinion"])
    assert editor.merge_current()
    assert offered[0][1] == ["Factual claim", "Unverified allegation"]  # not its own subcategory
    assert "and its 1 subcategory under it" in offered[0][0]
    assert editor_rows(editor) == ["Factual claim", "  Prediction", "Unverified allegation"]
    assert categories_of_annotations(window) == ["Factual claim", "Factual claim", "Prediction"]
    assert window.history.stack.undoText() == "Merge Opinion into Factual claim"
    window.undo()
    assert editor_rows(editor) == ["Factual claim", "Opinion", "  Prediction", "Unverified allegation"]
    assert categories_of_annotations(window) == ["Opinion", "Opinion", "Prediction"]


def test_ctrl_z_in_the_editor_once_the_window_lends_it_its_undo_actions(editor, window, qtbot):
    # Wiring for the window: the editor is its own window, so the window's Ctrl+Z does not reach it
    # unless the window adds its Undo/Redo actions to the editor.
    editor.addActions([window.actions["edit.undo"], window.actions["edit.redo"]])
    editor.activateWindow()
    editor.select(ids(window)["Opinion"])
    editor.tree.setFocus()
    alt(editor, Qt.Key.Key_Down)
    assert editor_rows(editor)[1] == "Unverified allegation"
    QTest.keyClick(editor.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor_rows(editor) == CLAIMS
    QTest.keyClick(editor.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert editor_rows(editor)[1] == "Unverified allegation"


def test_the_open_document_follows_a_merge(editor, window, monkeypatch):
    c = ids(window)
    window.open_document(window.project.documents()[0].id)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a: ("Prediction", True))
    editor.select(c["Opinion"])
    editor.merge_current()
    assert sorted(s.category_id for s in window.view.index.spans.values()) == [c["Prediction"]] * 3


def test_a_choice_type_waits_for_its_choices_and_a_new_type_drops_what_it_cannot_hold(editor, window, dialogs):
    factual = ids(window)["Factual claim"]
    table = editor.attributes
    box = table.cellWidget(0, 1)
    box.setCurrentIndex(box.findData("number"))  # "verdict" was a choice with default "not checked"
    assert window.project.category(factual).attributes == [{"name": "verdict", "type": "number"}]
    assert table.item(0, 4).flags() & Qt.ItemFlag.ItemIsEditable and not table.item(0, 2).text()
    editor.add_attribute()
    box = table.cellWidget(1, 1)
    box.setCurrentIndex(box.findData("choice"))
    assert window.project.category(factual).attributes[1] == {"name": "attribute", "type": "text"}  # not yet
    assert table.item(1, 2).flags() & Qt.ItemFlag.ItemIsEditable and table.currentColumn() == 2
    assert not dialogs
    table.item(1, 2).setText("low, high")
    assert window.project.category(factual).attributes[1] == {"name": "attribute", "type": "choice",
                                                              "choices": ["low", "high"]}
    table.item(1, 3).setText("medium")  # not one of the choices: the core says so
    assert dialogs and "medium" in dialogs[-1][2] and table.item(1, 3).text() == ""


def test_the_window_opens_the_editor_from_the_menu_and_the_palette_and_keeps_it_current(window):
    window.actions["schema.edit"].trigger()
    editor = window.schema.schema_editor
    assert editor is not None and editor.isVisible()
    window.palette.edit_button.click()
    assert window.schema.schema_editor is editor  # one editor, brought forward
    from annotator.core.project.commands import AddCategory

    window.history.run(AddCategory("Satire", colour="#CC79A7"))  # e.g. from elsewhere: the editor follows
    assert "Satire" in [row.strip() for row in editor_rows(editor)]
    window.undo()
    assert "Satire" not in [row.strip() for row in editor_rows(editor)]
    window.actions["help.guidelines"].trigger()
    assert window.schema.guidelines_dialog.isVisible() and "Factual claim" in window.schema.guidelines_dialog.html()
