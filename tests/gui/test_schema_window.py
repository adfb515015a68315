"""Schema exchange and templates from the window's menus (dialogs patched)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator.core.schema.templates import create_project
from annotator.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot, project, dialogs):
    project.add_document("Doc", "A text to annotate.")
    win = MainWindow(project)
    qtbot.addWidget(win)
    return win


def names(window):
    return [c.name for c in window.project.categories()]


def test_export_then_import_a_qdc_and_a_json_schema(window, qtbot, tmp_path, monkeypatch, dialogs):
    for suffix, chosen in ((".qdc", "REFI-QDA codebook (*.qdc)"), (".json", "Annotator schema (*.json)")):
        target = tmp_path / f"codebook{suffix}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            lambda *a, _t=target, _c=chosen, **k: (str(_t.with_suffix("")), _c))
        window.actions["schema.export"].trigger()
        assert target.is_file(), dialogs
        assert dialogs[-1][1] == "Schema exported"
    with create_project(tmp_path / "empty.annotator", template=None) as empty:
        other = MainWindow(empty)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "codebook.qdc"), ""))
        with qtbot.waitSignal(other.context.operationEnded, timeout=20000):
            other.actions["schema.import"].trigger()
        assert dialogs[-1][1] == "Schema imported" and "4 added" in dialogs[-1][2]
        assert names(other) == names(window)
        assert [i.text(0) for i in map(other.palette.list.topLevelItem, range(4))] == names(window)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "codebook.json"), ""))
        with qtbot.waitSignal(other.context.operationEnded, timeout=20000):
            other.actions["schema.import"].trigger()  # merges by id: nothing duplicated; keys and attributes arrive
        assert names(other) == names(window)
        assert [c.shortcut for c in empty.categories()] == ["F", "O", "U", "P"]
        other.close()


def test_a_hostile_schema_file_gets_one_message_and_changes_nothing(window, qtbot, tmp_path, monkeypatch, dialogs,
                                                                    dump):
    bomb = tmp_path / "bomb.qdc"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
                    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="&lol2;"/></Codes>'
                    '</CodeBook>', encoding="utf-8")
    before = dump(window.project)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bomb), ""))
    with qtbot.waitSignal(window.context.operationEnded, timeout=20000):
        window.actions["schema.import"].trigger()
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("warning", "Cannot import the schema") and str(bomb) in text
    assert dump(window.project) == before


def test_save_as_template_then_new_project_from_it(window, tmp_path, monkeypatch, dialogs):
    from annotator.core.project.commands import AddCategory

    window.history.run(AddCategory("Satire", colour="#CC79A7", shortcut="S"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Newsroom", True))
    window.actions["schema.save_template"].trigger()
    assert "Template saved" in window.statusBar().currentMessage()
    monkeypatch.setattr(QInputDialog, "getItem", lambda parent, title, label, items, *a: (
        next(i for i in items if i.startswith("Newsroom")), True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "fresh"), ""))
    window.actions["file.new_from_template"].trigger()
    assert window.project.path == tmp_path / "fresh.annotator"
    assert names(window) == ["Factual claim", "Opinion", "Unverified allegation", "Prediction", "Satire"]


def test_a_value_the_definition_refuses_gets_a_message_and_the_panel_shows_the_stored_value(window, dialogs):
    text = window.view.text()
    window.view.select_range(text.index("text"), text.index("text") + 4)
    window.annotate(window.project.categories()[0].id)  # Factual claim: verdict is a choice
    [ann] = window.project.annotations()
    window.annotating.set_attributes(ann.id, {"verdict": "probably"})
    assert dialogs[-1][1] == "Cannot do that" and "verdict" in dialogs[-1][2]
    assert window.project.annotation(ann.id).attributes == {"verdict": "not checked"}  # the default, kept


def test_the_side_panel_edits_each_attribute_type_with_its_widget(window):
    from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QListWidget

    from annotator.core.project.commands import UpdateCategory

    claim = window.project.categories()[0]
    definitions = [
        {"name": "verdict", "type": "choice", "choices": ["accurate", "false"]},
        {"name": "topics", "type": "multiple", "choices": ["health", "money"]},
        {"name": "sourced", "type": "boolean"},
        {"name": "confidence", "type": "number", "min": 0, "max": 10},
        {"name": "source", "type": "text"},
    ]
    assert window.history.run(UpdateCategory(claim.id, attributes=definitions))
    text = window.view.text()
    window.view.select_range(0, text.index(" "))
    window.annotate(claim.id)
    [ann] = window.project.annotations()
    form = window.details.attributes_form
    widgets = [form.itemAt(row, form.ItemRole.FieldRole).widget() for row in range(form.rowCount())]
    assert [type(w) for w in widgets] == [QComboBox, QListWidget, QCheckBox, QDoubleSpinBox, QLineEdit]
    verdict, topics, sourced, confidence, source = widgets
    # One step below the minimum is "—", no value (issue 13: the panel shows what is stored).
    assert (confidence.minimum() + confidence.singleStep(), confidence.maximum()) == (0, 10)
    assert confidence.text() == confidence.specialValueText() == "—"
    verdict.setCurrentIndex(verdict.findData("false"))
    verdict.activated.emit(verdict.currentIndex())
    widgets = [form.itemAt(row, form.ItemRole.FieldRole).widget() for row in range(form.rowCount())]
    widgets[2].setChecked(True)
    widgets = [form.itemAt(row, form.ItemRole.FieldRole).widget() for row in range(form.rowCount())]
    widgets[3].setValue(7.5)  # 0 to 10 is a whole-number scale (issue 13): the panel keeps whole numbers
    assert window.project.annotation(ann.id).attributes == {
        "verdict": "false", "topics": [], "sourced": True, "confidence": 8, "source": ""}
