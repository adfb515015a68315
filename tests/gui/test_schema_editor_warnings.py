"""The schema editor prints no Qt warnings while a coder edits (issue 13, point 23): names, colours,
guidelines and attribute cells are edited through real cell editors, then the category changes
while an editor is still open. Qt's own warnings ("commitData called with an editor that does not
belong to this view") are collected by pytest-qt's message handler (``qtlog``); the offscreen
platform's "This plugin does not support ..." notes are not the editor's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QtMsgType
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui.dialogs.attribute_table import CHOICES, DEFAULT, MAX, MIN, NAME, TYPE
from annotator.gui.main_window import MainWindow


@pytest.fixture
def editor(qtbot, project, dialogs):
    window = MainWindow(project)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.actions["schema.edit"].trigger()
    dialog = window.schema.schema_editor
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    return dialog


def type_into_cell(qtbot, table, row: int, column: int, text: str, key=Qt.Key.Key_Return) -> None:
    """Open the cell's editor as a double click would, type ``text`` and end with ``key``."""
    table.setCurrentCell(row, column)
    table.editItem(table.item(row, column))
    qtbot.waitUntil(lambda: table.state() == table.State.EditingState)
    line = QApplication.focusWidget()
    line.selectAll()
    QTest.keyClicks(line, text)
    QTest.keyClick(line, key)
    qtbot.wait(10)


def test_editing_names_colours_attributes_and_switching_categories_prints_no_qt_warning(editor, qtbot, qtlog, shoot):
    names = {c.name: c.id for c in editor.project.categories()}
    editor.select(names["Opinion"])
    editor.name_edit.setFocus()
    editor.name_edit.selectAll()
    QTest.keyClicks(editor.name_edit, "Opinion piece")
    editor.palette_buttons[3].setFocus()  # the name is committed when it loses focus
    editor.palette_buttons[3].click()
    editor.guideline_edit.setFocus()
    QTest.keyClicks(editor.guideline_edit, "A view, not a fact.")
    editor.add_attribute_button.setFocus()  # as a click does: the guideline is committed on focus-out
    editor.add_attribute()  # opens the new attribute's name editor, as a click on Add does
    qtbot.waitUntil(lambda: editor.attributes.state() == editor.attributes.State.EditingState)
    line = QApplication.focusWidget()
    QTest.keyClicks(line, "strength")
    QTest.keyClick(line, Qt.Key.Key_Tab)  # commits and moves on to the next cell
    qtbot.wait(10)
    table = editor.attributes
    table.cellWidget(0, TYPE).setCurrentIndex(table.cellWidget(0, TYPE).findData("number"))
    type_into_cell(qtbot, table, 0, MIN, "1", Qt.Key.Key_Tab)
    type_into_cell(qtbot, table, 0, MAX, "5")
    type_into_cell(qtbot, table, 0, DEFAULT, "3", Qt.Key.Key_Tab)
    editor.add_attribute()
    qtbot.waitUntil(lambda: table.state() == table.State.EditingState)
    QTest.keyClicks(QApplication.focusWidget(), "tone")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.wait(10)  # the delegate commits and closes its editor queued
    table.cellWidget(1, TYPE).setCurrentIndex(table.cellWidget(1, TYPE).findData("choice"))  # waits for choices
    qtbot.waitUntil(lambda: table.state() == table.State.EditingState)
    QTest.keyClicks(QApplication.focusWidget(), "calm, angry")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.wait(10)
    table.setCurrentCell(1, NAME)
    table.editItem(table.item(1, NAME))  # an editor still open when the category changes
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_End)
    QTest.keyClicks(QApplication.focusWidget(), " of voice")
    editor.tree.setFocus()
    editor.select(names["Prediction"])
    qtbot.wait(10)
    editor.select(names["Opinion"])
    table.setCurrentCell(0, CHOICES)
    type_into_cell(qtbot, table, 0, NAME, "force")
    qtbot.wait(50)
    attributes = editor.project.category(names["Opinion"]).attributes
    assert editor.project.category(names["Opinion"]).name == "Opinion piece"
    assert "A view, not a fact." in editor.project.category(names["Opinion"]).description
    assert [a["name"] for a in attributes] == ["force", "tone of voice"], attributes
    assert attributes[0] == {"name": "force", "type": "number", "min": 1, "max": 5, "default": 3}
    warnings = [r.message for r in qtlog.records if r.type != QtMsgType.QtDebugMsg
                and not r.message.startswith("This plugin does not support")]
    assert warnings == []
    shoot(editor, "schema-editor-attributes-edited.png")
