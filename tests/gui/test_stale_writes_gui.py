"""Issue 19, point 5 in the app: when another client changed the same category or decided the same
unit first, the edit is refused with the core's message in a dialog and the view shows the current
state (the schema editor and the palette, the adjudication window), nothing of the edit written."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.core.project.project import Project
from annotator.gui.dialogs.project_settings import edit_project_settings
from tests.gui.test_adjudication import adj, key, main, team  # noqa: F401  (fixtures)
from tests.gui.test_schema_editor import editor, window  # noqa: F401  (fixtures)

pytestmark = pytest.mark.engines  # the other client is another Project on the same file or server


def test_the_schema_editor_refuses_a_stale_edit_and_shows_the_current_schema(editor, window, dialogs, shoot):  # noqa: F811
    opinion = next(c for c in window.project.categories() if c.name == "Opinion")
    editor.select(opinion.id)
    with Project.open(window.project.location) as other:
        other.update_category(opinion.id, name="View")
    assert not editor.set_colour("#123456")
    ((kind, _, message),) = dialogs
    assert kind == "warning" and "the category 'View' was changed by another coder since you loaded it" in message
    assert "nothing was written" in message
    now = window.project.category(opinion.id)
    assert (now.name, now.colour) == ("View", opinion.colour)
    assert "View" in [editor.tree.topLevelItem(i).text(0) for i in range(editor.tree.topLevelItemCount())]
    palette = window.palette.list
    assert "View" in [palette.topLevelItem(i).text(0) for i in range(palette.topLevelItemCount())]
    editor.select(opinion.id)
    assert editor.set_colour("#123456")  # made again on the current state: it lands
    assert window.project.category(opinion.id).colour == "#123456"
    box = QMessageBox(QMessageBox.Icon.Warning, "Cannot do that", message, QMessageBox.StandardButton.Ok, editor)
    shoot(box, "stale-write-schema.png")


def test_the_adjudication_window_refuses_deciding_a_unit_another_decided(adj, main, team, dialogs):  # noqa: F811
    doc, coders, ids = team
    unit = adj.unit
    assert adj.session.unit_decisions(unit) == []
    with Project.open(main.project.location) as other:  # another adjudicator rejects the unit first
        other.decide(doc.id, unit_id=unit.id, start=unit.start, end=unit.end, kind="rejected", spans=[],
                     sources=[], by=coders["Alice"], reason="theirs")
    key(adj, Qt.Key.Key_1)  # take coder 1's spans, from the unit as it was shown
    (decision,) = main.project.decisions()
    assert (decision.kind, decision.reason) == ("rejected", "theirs")
    assert any("was changed by Alice since you loaded it" in text for _, _, text in dialogs)
    assert [d.id for d in adj.session.unit_decisions(adj.session.unit_by_id[unit.id])] == [decision.id]  # read again


def test_the_settings_dialog_refuses_a_setting_changed_meanwhile(window, dialogs, monkeypatch):  # noqa: F811
    from annotator.gui.dialogs import project_settings

    project = window.project

    def exec_(dialog):  # the coder turns blind coding on while another client did so first
        with Project.open(project.location) as other:
            other.set_setting("blind_coding", True)
        monkeypatch.setattr(dialog, "values", lambda: {"lead": None, "blind_coding": True})
        return project_settings.QDialog.DialogCode.Accepted

    monkeypatch.setattr(project_settings.ProjectSettingsDialog, "exec", exec_)
    with pytest.raises(Exception, match="the setting 'blind_coding' was changed"):
        edit_project_settings(window, project, None)
    assert project.setting_version("blind_coding") == 1


def test_the_override_toggle_refuses_a_setting_another_client_changed(window, dialogs):  # noqa: F811
    """The check mark showed the override off; another client turned it on and off again since:
    this coder's "on" is refused (it was decided on an older state), the mark shows the current."""
    action = window.actions["edit.lead_override"]
    assert not action.isChecked()
    with Project.open(window.project.location) as other:
        other.set_setting("lead_override", True)
        other.set_setting("lead_override", False)
    window.annotating.ownership._confirm = lambda: True  # "Allow" in the confirmation
    action.trigger()
    assert window.project.setting("lead_override") is False
    assert any("the setting 'lead_override' was changed" in text for _, _, text in dialogs)
    assert not action.isChecked()
    action.trigger()  # from the current state: it lands
    assert window.project.setting("lead_override") is True and action.isChecked()
