"""File → Switch Annotator… is the coder list (issue 14, points 3 and 4): counts, New coder… (a name
that is another coder's but for case or spaces is refused), Rename… (undoable, every view follows)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from annotator.core.project.project import Project
from annotator.gui.dialogs.coders_dialog import CodersDialog
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import saved_annotator_name
from tests.gui.test_workspace import cats, select

SHOTS = Path("/tmp/coders14-shots")


def shot(widget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.show()
    assert widget.grab().save(str(SHOTS / name))


@pytest.fixture
def window(qtbot, project, dialogs):
    project.add_document("Article", "The council will spend money on bike lanes, critics say.")
    alice, bob = project.add_annotator("Alice"), project.add_annotator("Bob")
    doc, opinion = project.documents()[0], project.categories()[1]
    project.add_annotation(doc.id, opinion.id, alice.id, 4, 11)
    project.add_annotation(doc.id, opinion.id, alice.id, 23, 28)
    project.add_annotation(doc.id, opinion.id, bob.id, 32, 42)
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    return win


def open_dialog(window, monkeypatch, steps):
    """Trigger File → Switch Annotator…; ``steps(dialog)`` plays the user's part instead of exec."""
    seen = {}

    def run(dialog):
        seen["dialog"] = dialog
        return steps(dialog)

    monkeypatch.setattr(CodersDialog, "exec", run)
    window.actions["file.switch_annotator"].trigger()
    return seen["dialog"]


def rows(dialog):
    return [[dialog.list.topLevelItem(i).text(c) for c in range(3)] for i in range(dialog.list.topLevelItemCount())]


def choose(dialog, name):
    item = next(dialog.list.topLevelItem(i) for i in range(dialog.list.topLevelItemCount())
                if dialog.list.topLevelItem(i).data(0, 256)[1] == name)
    dialog.list.setCurrentItem(item)


def accept_choosing(name):
    def steps(dialog):
        choose(dialog, name)
        dialog.accept()
        return dialog.result()
    return steps


def rename(window, monkeypatch, coder, new_name):
    """Choose ``coder`` in the list and rename them to ``new_name`` (typed into Rename…)."""
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (new_name, True))

    def steps(dialog):
        choose(dialog, coder)
        dialog.rename_button.click()
        return 0

    return open_dialog(window, monkeypatch, steps)


def test_the_list_shows_the_coders_with_counts_and_switches_to_the_one_chosen(window, monkeypatch):
    you = window.context.annotator.name  # the OS user: not in the project until their first annotation
    dialog = open_dialog(window, monkeypatch, accept_choosing("Bob"))
    listed = rows(dialog)
    assert listed[0][:2] == [f"{you} (you)", "0"]
    assert [r[:2] for r in listed[1:]] == [["Alice", "2"], ["Bob", "1"]]
    assert listed[1][2] != "—" and listed[0][2] == "—"  # last activity
    bob = next(a for a in window.project.annotators() if a.name == "Bob")
    assert (window.context.annotator.name, window.context.annotator.id) == ("Bob", bob.id)
    assert window.annotator_label.text() == "Annotator: Bob"
    assert saved_annotator_name() == "Bob"
    select(window, "critics")
    window.annotate(cats(window)["Opinion"])
    assert [a.annotator_id for a in window.project.annotations()].count(bob.id) == 2
    dialog = open_dialog(window, monkeypatch, lambda d: 0)
    shot(dialog, "coders-dialog.png")
    assert rows(dialog)[1][:2] == ["Bob (you)", "2"]  # the list now starts with the coders


@pytest.mark.parametrize("typed", ["alice", "  ALICE "])
def test_a_new_coder_named_like_another_but_for_case_or_spaces_is_refused(window, monkeypatch, dialogs, typed):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (typed, True))

    def steps(dialog):
        dialog.new_button.click()
        return dialog.result()

    dialog = open_dialog(window, monkeypatch, steps)
    assert dialogs[-1][:2] == ("warning", "New coder")
    assert "a coder named 'Alice' already exists" in dialogs[-1][2]
    assert dialog.result() == 0 and [a.name for a in window.project.annotators()] == ["Alice", "Bob"]


def test_new_coder_adds_and_switches_and_their_first_annotation_names_them(window, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (" Carol ", True))

    def steps(dialog):
        dialog.new_button.click()
        return dialog.result()

    open_dialog(window, monkeypatch, steps)
    carol = next(a for a in window.project.annotators() if a.name == "Carol")
    assert window.context.annotator.id == carol.id
    select(window, "bike")
    window.annotate(cats(window)["Opinion"])
    assert window.details.meta.text().startswith("by Carol ·")  # not "by ?"
    layer_labels = [window.layers.annotators_root.child(i).text(0)
                    for i in range(window.layers.annotators_root.childCount())]
    assert "Carol (you) (1)" in layer_labels


def test_rename_is_one_undo_step_and_every_view_follows(window, monkeypatch):
    alice = next(a for a in window.project.annotators() if a.name == "Alice")
    window.view.select_annotation(next(a.id for a in window.project.annotations() if a.annotator_id == alice.id))
    assert window.details.meta.text().startswith("by Alice ·")
    dialog = rename(window, monkeypatch, "Alice", "Alice Smith")
    shot(dialog, "coders-dialog-renamed.png")
    assert [r[0] for r in rows(dialog)][1] == "Alice Smith"
    assert {a.id: a.name for a in window.project.annotators()}[alice.id] == "Alice Smith"
    assert window.annotator_names[alice.id] == "Alice Smith"
    assert window.history.stack.undoText() == "Rename coder to Alice Smith"
    window.undo()
    assert {a.id: a.name for a in window.project.annotators()}[alice.id] == "Alice"
    assert window.annotator_names[alice.id] == "Alice"
    window.history.stack.redo()
    assert window.annotator_names[alice.id] == "Alice Smith"


def test_renaming_the_current_coder_carries_them_on_under_the_new_name(window, monkeypatch):
    open_dialog(window, monkeypatch, accept_choosing("Bob"))
    rename(window, monkeypatch, "Bob", "Robert")
    assert window.context.annotator.name == "Robert" and saved_annotator_name() == "Robert"
    assert window.annotator_label.text() == "Annotator: Robert"
    window.undo()
    assert window.context.annotator.name == "Bob" and saved_annotator_name() == "Bob"


def test_a_rename_to_another_coders_name_is_refused_and_not_on_the_stack(window, monkeypatch, dialogs):
    rename(window, monkeypatch, "Alice", "bob")
    assert dialogs[-1][:2] == ("warning", "Cannot do that") and "a coder named 'Bob' already exists" in dialogs[-1][2]
    assert not window.history.stack.canUndo()
    assert sorted(a.name for a in window.project.annotators()) == ["Alice", "Bob"]


def test_read_only_project_lists_coders_but_offers_no_new_or_rename(qtbot, project, dialogs, monkeypatch):
    project.add_annotator("Alice")
    path = project.path
    project.close()
    path.chmod(0o444)
    try:
        readonly = Project.open_for_reading(path)
        win = MainWindow(readonly)
        qtbot.addWidget(win)
        dialog = open_dialog(win, monkeypatch, lambda d: 0)
        assert not dialog.new_button.isEnabled() and not dialog.rename_button.isEnabled()
        assert "Alice" in [r[0] for r in rows(dialog)]
        win.close()
    finally:
        path.chmod(0o644)


def test_switching_coder_starts_a_new_history_so_no_one_undoes_anothers_work(window, monkeypatch):
    """Alice annotates, then Bob takes over: Undo must not take back Alice's step as hers."""
    open_dialog(window, monkeypatch, accept_choosing("Alice"))
    select(window, "critics")
    window.annotate(cats(window)["Opinion"])
    assert window.history.stack.canUndo()
    before = sorted(a.id for a in window.project.annotations())
    open_dialog(window, monkeypatch, accept_choosing("Bob"))
    assert not window.history.stack.canUndo()
    window.actions["edit.undo"].trigger()
    assert sorted(a.id for a in window.project.annotations()) == before
    open_dialog(window, monkeypatch, accept_choosing("Bob"))  # the same coder again: nothing to clear
    select(window, "money")
    window.annotate(cats(window)["Opinion"])
    open_dialog(window, monkeypatch, accept_choosing("Bob"))
    assert window.history.stack.canUndo()
