"""Issue 14, point 2: with Bob as the current annotator, Alice's annotation can be selected, read and
copied, but every edit path (category keys, Alt+arrows, edge drag, the side panel's fields, Delete,
Annotate all over it, the context menus) leaves it as it is, and the panel says whose it is and why
it is read-only; "Copy to my layer" makes Bob's own (one undo step). With Edit → Allow Changing
Other Coders' Annotations on (after a confirmation), Bob may change it and is recorded."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFormLayout, QMessageBox, QPushButton

from annotator.gui.context import CurrentAnnotator
from annotator.gui.main_window import MainWindow

TEXT = "The council will spend £2m on bike lanes, the council says.\nCritics disagree."
REFUSED = "This annotation is Alice's; you are Bob."


@pytest.fixture
def window(qtbot, project, dialogs):
    doc = project.add_document("Article", TEXT).document
    alice = project.add_annotator("Alice")
    bob = project.add_annotator("Bob")
    factual = next(c for c in project.categories() if c.name == "Factual claim")
    start = TEXT.index("council")
    project.add_annotation(doc.id, factual.id, alice.id, start, start + len("council will spend"), note="her note")
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.context.annotator = CurrentAnnotator("Bob", bob.id)
    win.resize(1300, 820)
    win.show()
    qtbot.waitExposed(win)
    win.open_document(doc.id)
    win.view.setFocus()
    return win


def hers(window):
    [ann] = window.project.annotations(annotator_id=window.project.annotator_named("Alice").id)
    return ann


def select_hers(window):
    ann = hers(window)
    window.view.select_annotation(ann.id)
    return ann


def unchanged(window, ann) -> bool:
    return hers(window).model_dump() == ann.model_dump()


def cat(window, name):
    return next(c.id for c in window.project.categories() if c.name == name)


def test_her_annotation_can_be_selected_and_read(window):
    ann = select_hers(window)
    assert window.view.selected_id == ann.id
    assert window.details.quote.text() == "“council will spend”" and window.details.note.toPlainText() == "her note"
    assert window.details.quote.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert window.details.note.isEnabled()  # read-only, not disabled: its text can be selected and copied


def test_a_category_key_leaves_her_annotation_and_says_why(window):
    ann = select_hers(window)
    QTest.keyClick(window.view, Qt.Key.Key_O)
    assert unchanged(window, ann)
    assert window.statusBar().currentMessage().startswith(REFUSED)
    assert window.history.stack.count() == 0


def test_alt_arrows_are_disabled_for_her_annotation(window):
    ann = select_hers(window)
    ids = ("annotate.start_left", "annotate.start_right", "annotate.end_left", "annotate.end_right",
           "annotate.edit_note")
    assert not any(window.actions[i].isEnabled() for i in ids)
    QTest.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    window.annotating.move_end_right()  # even called directly
    assert unchanged(window, ann)
    window.view.select_annotation(None)  # nothing selected: enabled again, for one's own
    assert all(window.actions[i].isEnabled() for i in ids)


def test_her_edges_cannot_be_dragged(window):
    ann = select_hers(window)
    view = window.view
    x, top, bottom = view._edge_geometry(view.index.offsets.to_qt(ann.end), True)
    grab = QPoint(round(x), round((top + bottom) / 2))
    assert view.edge_at(grab) is None  # no resize arrow
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=grab)
    QTest.mouseMove(view.viewport(), pos=grab + QPoint(60, 0))
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=grab + QPoint(60, 0))
    assert unchanged(window, ann)
    window.annotating.set_span(ann.id, ann.start, ann.end + 3)  # the drag's handler refuses too
    assert unchanged(window, ann)


def test_the_panel_is_read_only_and_says_whose_it_is(window, shoot):
    ann = select_hers(window)
    details = window.details
    assert details.owner_note.isVisible()
    assert details.owner_note.text() == ("Alice's annotation: read-only for you (Bob). Each coder changes only "
                                         "their own annotations; copy it to your layer to work on it.")
    assert not details.category.isEnabled() and not details.start.isEnabled() and not details.end.isEnabled()
    assert details.note.isReadOnly() and not details.delete_button.isVisible() and details.copy_button.isVisible()
    field = details.attributes_form.itemAt(0, QFormLayout.ItemRole.FieldRole).widget()
    assert not field.isEnabled()
    window.details_dock.resize(420, 560)
    QApplication.processEvents()  # the attribute rows are shown once the event loop runs
    shoot(window.details_dock, "ownership-read-only-panel.png")
    # Signals as the widgets would send them change nothing either.
    details.end.setValue(ann.end - 2)
    details.category.setCurrentIndex(details.category.findData(cat(window, "Opinion")))
    details.category.activated.emit(details.category.currentIndex())
    details.note.setPlainText("my words in her note")
    details.commit_note()
    field.setCurrentIndex(field.findData("false"))
    field.activated.emit(field.currentIndex())
    assert unchanged(window, ann)


def test_delete_refuses_her_annotation_from_the_view_and_the_table(window, qtbot):
    ann = select_hers(window)
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert unchanged(window, ann) and window.statusBar().currentMessage().startswith(REFUSED)
    panel = window.table_panel
    assert panel.select_annotation(ann.id)
    index = panel.table.currentIndex()
    delete = panel.context_menu(index).actions()[1]
    assert delete.text() == "Delete" and not delete.isEnabled()
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    window.annotating.delete_selected()
    assert unchanged(window, ann) and window.history.stack.count() == 0


def test_the_context_menu_offers_no_edit_of_hers_but_a_copy(window):
    ann = select_hers(window)
    menu = window.annotating.context_menu(ann.start)
    entries = {a.text().replace("&", ""): a for a in menu.actions() if a.text()}
    assert not entries["Change category to"].isEnabled()
    assert not entries["Delete Annotation"].isEnabled() and not entries["Edit Note"].isEnabled()
    assert entries["Copy to My Layer"].isEnabled()
    for action in entries["Change category to"].menu().actions():
        action.trigger()
    assert unchanged(window, ann)


def test_annotate_all_over_her_annotation_adds_mine_and_leaves_hers(window):
    ann = hers(window)
    window.annotating.find()
    window.find_bar.edit.setText("council")
    window.find_bar.category.setCurrentIndex(window.find_bar.category.findData(cat(window, "Opinion")))
    window.find_bar.annotate_button.click()
    assert unchanged(window, ann)
    mine = window.project.annotations(annotator_id=window.context.annotator.id)
    assert [TEXT[a.start:a.end] for a in mine] == ["council", "council"]


def test_copy_to_my_layer_is_one_undo_step(window):
    ann = select_hers(window)
    window.details.copy_button.click()
    [mine] = window.project.annotations(annotator_id=window.context.annotator.id)
    assert (mine.start, mine.end, mine.category_id, mine.note) == (ann.start, ann.end, ann.category_id, "")
    assert window.view.selected_id == mine.id and not window.details.owner_note.isVisible()
    assert window.history.stack.count() == 1
    assert window.actions["edit.undo"].text() == "&Undo Copy Factual claim to my layer"
    window.details.copy_button.click()  # nothing is shown for one's own: the button is gone
    window.annotating.ownership.copy_to_mine(ann.id)  # a second copy would only repeat it
    assert window.history.stack.count() == 1
    window.undo()
    assert window.project.annotations(annotator_id=window.context.annotator.id) == []
    assert unchanged(window, ann)
    window.view.select_annotation(ann.id)
    window.actions["annotate.copy_to_mine"].trigger()  # the Annotate menu's entry
    assert len(window.project.annotations(annotator_id=window.context.annotator.id)) == 1


def answer(monkeypatch, button_text, seen):
    """Answer the override's confirmation by clicking ``button_text``; keep its text in ``seen``."""
    def exec_(box):
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == button_text).click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", exec_)


def test_the_lead_override_asks_first_and_cancel_keeps_it_off(window, monkeypatch):
    seen = []
    answer(monkeypatch, "Cancel", seen)
    window.actions["edit.lead_override"].trigger()
    assert "change, move, re-note and delete the annotations of every coder" in seen[0]
    assert "Each change records who made it" in seen[0]
    assert window.project.setting("lead_override") is None
    assert not window.actions["edit.lead_override"].isChecked()
    assert not window.annotating.ownership.label.isVisible()


def test_with_the_override_on_bob_may_change_hers_and_is_recorded(window, monkeypatch, shoot):
    ann = select_hers(window)
    answer(monkeypatch, "Allow", [])
    window.actions["edit.lead_override"].trigger()
    assert window.project.setting("lead_override") is True
    assert window.actions["edit.lead_override"].isChecked()
    label = window.annotating.ownership.label
    assert label.isVisible() and label.text() == "Changing other coders' annotations: allowed"
    window.view.select_annotation(ann.id)
    assert window.details.category.isEnabled() and window.details.delete_button.isVisible()
    assert "You may change it" in window.details.owner_note.text()
    QTest.keyClick(window.view, Qt.Key.Key_O)
    changed = hers(window)
    assert (changed.category_id, changed.annotator_id) == (cat(window, "Opinion"), ann.annotator_id)
    assert changed.modified_by == window.context.annotator.id
    window.details_dock.resize(420, 560)
    QApplication.processEvents()  # the attribute rows are shown once the event loop runs
    shoot(window.details_dock, "ownership-override-panel.png")
    shoot(window, "ownership-override-window.png")  # the status bar says it is on
    window.actions["edit.lead_override"].trigger()  # off again, without asking
    assert window.project.setting("lead_override") is False and not label.isVisible()
    QTest.keyClick(window.view, Qt.Key.Key_U)
    assert hers(window).category_id == cat(window, "Opinion")


def test_my_own_annotation_stays_editable(window):
    start = TEXT.index("Critics")
    window.view.select_range(start, start + len("Critics"))
    window.annotate(cat(window, "Factual claim"))
    [mine] = window.project.annotations(annotator_id=window.context.annotator.id)
    assert not window.details.owner_note.isVisible() and window.details.category.isEnabled()
    assert not window.details.note.isReadOnly() and window.actions["annotate.start_left"].isEnabled()
    QTest.keyClick(window.view, Qt.Key.Key_O)
    assert window.project.annotation(mine.id).category_id == cat(window, "Opinion")
    assert window.project.annotation(mine.id).modified_by == window.context.annotator.id
    assert isinstance(window.details.copy_button, QPushButton) and not window.details.copy_button.isVisible()


def test_switching_to_her_makes_her_annotation_editable_in_the_panel(window):
    ann = select_hers(window)
    assert window.details.read_only
    window.files.set_annotator("Alice")
    assert not window.details.read_only and not window.details.owner_note.isVisible()
    QTest.keyClick(window.view, Qt.Key.Key_O)
    assert hers(window).category_id == cat(window, "Opinion") and hers(window).modified_by == ann.annotator_id
