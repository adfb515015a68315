"""Blind coding (issue 14, point 5): with the project's setting on, the window shows a coder only
their own annotations, in every place the issue lists: the document view, the layers panel, the
annotation table (this document and the whole corpus), the counts (documents panel, status bar),
the tooltips, the find bar's "Annotate all" and the agreement dashboard (which stays closed).
Turning it off is a deliberate step that says what it reveals."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from annotator.core.project.changes import EVERYTHING
from annotator.gui.controllers.schema import BLIND_AGREEMENT
from annotator.gui.dialogs import project_settings
from annotator.gui.main_window import MainWindow

SHOTS = Path("/tmp/blind14-shots")
TEXT = ("The council will spend money on bike lanes, critics say.\n"
        "Money, they add, is short; money should go to schools.\n")


@pytest.fixture
def team(qtbot, project, dialogs):
    """A window on a project where Alice and Bob each annotated; the window's coder is Bob."""
    doc = project.add_document("Article", TEXT).document
    other = project.add_document("Other", "A second text about money.\n").document
    alice, bob = project.add_annotator("Alice"), project.add_annotator("Bob")
    cats = {c.name: c.id for c in project.categories()}
    at = TEXT.index
    mine = [project.add_annotation(doc.id, cats["Factual claim"], bob.id, at("council"), at("council") + 19).id]
    theirs = [project.add_annotation(doc.id, cats["Opinion"], alice.id, at("council"), at("council") + 7,
                                     note="Alice's private note").id,
              project.add_annotation(doc.id, cats["Opinion"], alice.id, at("critics"), at("critics") + 11).id,
              project.add_annotation(other.id, cats["Prediction"], alice.id, 2, 8).id]
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.resize(1300, 820)
    win.files.set_annotator("Bob")
    win.open_document(doc.id)
    win.show()
    qtbot.waitExposed(win)
    return win, dict(doc=doc, other=other, alice=alice, bob=bob, cats=cats, mine=mine, theirs=theirs)


def blind(window, on: bool = True) -> None:
    window.project.set_setting("blind_coding", on)
    window.on_changes(EVERYTHING)


def layer_labels(window) -> list[str]:
    root = window.layers.annotators_root
    return [root.child(i).text(0) for i in range(root.childCount())]


def table_ids(window) -> set[str]:
    model = window.table_panel.model
    return {model.annotation_at(r).id for r in range(model.rowCount())}


def test_the_view_shows_only_my_annotations(team):
    window, t = team
    assert set(window.view.index.spans) == set(t["mine"] + t["theirs"][:2])  # blind off: everyone's
    blind(window)
    assert set(window.view.index.spans) == set(t["mine"])
    window.open_document(t["other"].id)
    assert window.view.index.spans == {}  # only Alice annotated it


def test_the_layers_panel_lists_only_me_and_my_counts(team):
    window, t = team
    assert layer_labels(window) == ["Alice (2)", "Bob (you) (1)"]
    blind(window)
    assert layer_labels(window) == ["Bob (you) (1)"]
    assert not window.layers.blind_note.isHidden() and not window.layers.only_mine.isEnabled()
    root = window.layers.categories_root
    assert "Opinion (0)" in [root.child(i).text(0) for i in range(root.childCount())]
    blind(window, False)
    assert window.layers.blind_note.isHidden() and layer_labels(window) == ["Alice (2)", "Bob (you) (1)"]


def test_the_annotation_table_lists_only_mine_for_the_document_and_the_corpus(team):
    window, t = team
    combo = window.table_panel.annotator_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["All annotators", "Alice", "Bob"]
    blind(window)
    assert table_ids(window) == set(t["mine"])
    assert [combo.itemText(i) for i in range(combo.count())] == ["All annotators", "Bob"]  # no other names
    window.actions["view.corpus_table"].trigger()
    assert window.table_panel.is_corpus_mode()
    assert table_ids(window) == set(t["mine"])
    blind(window, False)
    assert table_ids(window) == set(t["mine"] + t["theirs"])


def test_counts_are_of_my_annotations(team):
    window, t = team
    counts = lambda: [window.documents_model.document_at(r).annotation_count  # noqa: E731
                      for r in range(window.documents_model.rowCount())]
    assert counts() == [3, 1]
    blind(window)
    assert counts() == [1, 0]
    assert "1 annotation of yours (blind coding)" in window.status_label.text()
    assert window.count_label.text() == "1 annotation in this document"
    window.view.select_range(TEXT.index("bike"), TEXT.index("bike") + 4)
    window.annotate(t["cats"]["Prediction"])  # a count after an edit is still only mine
    assert counts() == [2, 0] and "2 annotations of yours" in window.status_label.text()


def test_tooltips_name_only_my_annotations(team):
    window, t = team
    position = TEXT.index("council") + 2  # Alice's Opinion and Bob's claim overlap here
    assert "Alice" in window.annotating.tooltip_for(window.view.spans_at(position))
    blind(window)
    tip = window.annotating.tooltip_for(window.view.spans_at(position))
    assert "Bob" in tip and "Alice" not in tip and "Opinion" not in tip and "private note" not in tip


def test_find_and_annotate_all_count_only_my_annotations(team):
    window, t = team
    project = window.project
    text = window.view.text().casefold()
    places = [i for i in range(len(text)) if text.startswith("money", i)]
    for start in places:  # Alice already coded every "money" as Opinion
        project.add_annotation(t["doc"].id, t["cats"]["Opinion"], t["alice"].id, start, start + 5)
    blind(window)
    window.annotating.find()
    window.find_bar.edit.setText("money")
    assert window.find_bar.matches == [(s, s + 5) for s in places]
    assert window.find_bar.count.text() == "3 matches"
    window.find_bar.category.setCurrentIndex(window.find_bar.category.findData(t["cats"]["Opinion"]))
    window.annotating.annotate_matches(t["cats"]["Opinion"])
    assert window.statusBar().currentMessage() == "Annotate 3 matches as Opinion"
    shown = window.view.index.spans.values()
    assert {s.annotator_id for s in shown} == {t["bob"].id} and len(shown) == 4


def test_the_agreement_dashboard_stays_closed_and_closes_when_blind_coding_comes_on(team, dialogs):
    window, t = team
    window.schema.show_agreement()
    assert window.schema.agreement_dialog is not None and window.schema.agreement_dialog.isVisible()
    blind(window)
    assert not window.schema.agreement_dialog.isVisible()  # it showed Alice's work
    window.schema.agreement_dialog = None
    window.schema.show_agreement()
    assert window.schema.agreement_dialog is None
    assert dialogs[-1] == ("information", "Agreement", BLIND_AGREEMENT)


def test_switching_coder_in_blind_mode_shows_that_coders_annotations(team):
    window, t = team
    blind(window)
    window.files.set_annotator("Alice")
    assert set(window.view.index.spans) == set(t["theirs"][:2])
    assert layer_labels(window) == ["Alice (you) (2)"]


def test_switching_coder_in_the_coder_list_in_blind_mode_shows_that_coders_annotations(team, monkeypatch):
    from annotator.gui.context import CurrentAnnotator
    from annotator.gui.dialogs.coders_dialog import CodersDialog

    window, t = team
    blind(window)

    def choose_alice(dialog):
        dialog.chosen = CurrentAnnotator("Alice", t["alice"].id)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CodersDialog, "exec", choose_alice)
    window.actions["file.switch_annotator"].trigger()
    assert window.context.annotator.id == t["alice"].id
    assert set(window.view.index.spans) == set(t["theirs"][:2]) and table_ids(window) == set(t["theirs"][:2])


def test_project_settings_turn_blind_coding_on_and_ask_before_turning_it_off(team, monkeypatch):
    window, t = team
    chosen = {}

    def run_dialog(dialog):
        chosen["before"] = dialog.blind.isChecked()
        dialog.blind.setChecked(not chosen["before"])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(project_settings.ProjectSettingsDialog, "exec", run_dialog)
    window.actions["file.project_settings"].trigger()
    assert chosen["before"] is False and window.project.setting("blind_coding") is True
    assert set(window.view.index.spans) == set(t["mine"])  # every view followed at once

    asked = []
    monkeypatch.setattr(project_settings, "confirm_blind_off", lambda parent, counts: asked.append(counts) or False)
    window.actions["file.project_settings"].trigger()  # the coder cancels the confirmation
    assert asked == [{t["alice"].id: 3, t["bob"].id: 1}]
    assert window.project.setting("blind_coding") is True and set(window.view.index.spans) == set(t["mine"])

    monkeypatch.setattr(project_settings, "confirm_blind_off", lambda parent, counts: True)
    window.actions["file.project_settings"].trigger()
    assert window.project.setting("blind_coding") is False
    assert set(window.view.index.spans) == set(t["mine"] + t["theirs"][:2])


def test_the_confirmation_says_what_turning_blind_coding_off_reveals():
    text = project_settings.blind_off_warning({"alice": 3, "bob": 1})
    assert text.startswith("Turning blind coding off shows everyone who opens this project every coder's "
                           "annotations: 4 annotations by 2 coders")
    assert "agreement dashboard" in text


def test_screenshots_of_two_coders_with_blind_coding_on_and_off(team):
    window, t = team
    SHOTS.mkdir(exist_ok=True)
    window.layers_dock.raise_()
    assert window.grab().save(str(SHOTS / "blind-off.png"))
    blind(window)
    assert window.grab().save(str(SHOTS / "blind-on.png"))
    dialog = project_settings.ProjectSettingsDialog({"blind_coding": True}, window)
    dialog.show()
    assert dialog.grab().save(str(SHOTS / "project-settings.png"))
    dialog.close()
    box, _ = project_settings.blind_off_box(window, window.project.annotation_counts_by_annotator())
    box.show()
    assert box.grab().save(str(SHOTS / "blind-off-confirm.png"))
    box.close()


def test_the_export_dialog_offers_and_exports_only_my_annotations(team):
    from annotator.gui.dialogs.export_dialog import ExportDialog

    window, t = team
    blind(window)
    dialog = ExportDialog(window.project, window, only=window.context.shown_annotator())
    coders = dialog.lists["annotators"]
    assert [coders.item(i).text() for i in range(coders.count())] == ["Bob"]
    assert dialog.choice()[2].annotators == frozenset({t["bob"].id})  # not None, which is everyone's
    dialog.deleteLater()


def test_deleting_a_document_counts_only_my_annotations(team, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window, t = team
    blind(window)
    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or QMessageBox.StandardButton.Cancel)
    window.annotating.delete_documents([t["doc"].id])
    assert asked[0].startswith("Delete the document “Article” and its 1 annotation of yours (and any by other "
                               "coders) with it?")


def test_the_lead_is_chosen_in_project_settings_and_then_only_the_lead_changes_them(team, monkeypatch, shoot):
    """Bob makes himself the lead; as Alice the settings and the override are then refused, with a message."""
    from PySide6.QtWidgets import QMessageBox

    window, t = team

    def make_me_lead(dialog):
        assert dialog.lead.isEnabled() and not dialog.lead.isChecked()
        dialog.lead.setChecked(True)
        shoot(dialog, "project-settings-lead.png")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(project_settings.ProjectSettingsDialog, "exec", make_me_lead)
    window.actions["file.project_settings"].trigger()
    assert window.project.setting("lead") == t["bob"].id

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    window.files.set_annotator("Alice")

    def turn_blind_on(dialog):
        assert not dialog.lead.isChecked()
        dialog.blind.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(project_settings.ProjectSettingsDialog, "exec", turn_blind_on)
    window.actions["file.project_settings"].trigger()
    assert window.project.setting("blind_coding") is None
    assert warnings == ["only the project's lead, Bob, may change the project's settings; you are Alice"]
    monkeypatch.setattr(window.annotating.ownership, "_confirm", lambda: True)
    window.actions["edit.lead_override"].trigger()
    assert window.project.setting("lead_override") is None and len(warnings) == 2
    assert not window.actions["edit.lead_override"].isChecked()
