"""Issue 14, points 7 and 9 in the window: the documents list's status column for the current coder,
the key and the context menu that set it (undoable), the lead's status matrix, and the agreement
dashboard's "done only" checkbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.gui import main_window as mw
from annotator.gui.actions import ACTIONS
from annotator.gui.models.document_table_model import STATUS_COLUMN

SHOTS = Path("/tmp/status14-shots")


@pytest.fixture
def window(qtbot, filled):
    project = filled[0]
    win = mw.MainWindow(project)
    qtbot.addWidget(win)
    win.files.set_annotator("alice")
    win.show()
    return win


def status_cell(window, row: int) -> str:
    model = window.documents_model
    return model.data(model.index(row, STATUS_COLUMN))


def test_the_documents_list_shows_my_status_and_the_key_cycles_it(window, filled):
    project, (one, two), (alice, bob), _ = filled
    model = window.documents_model
    assert model.HEADERS[STATUS_COLUMN] == "Status"
    assert model.headerData(STATUS_COLUMN, Qt.Orientation.Horizontal) == "✓"  # narrow; the tooltip says it
    assert model.headerData(STATUS_COLUMN, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole).startswith(
        "Your status of each document")
    assert not window.corpus.table.isColumnHidden(STATUS_COLUMN)
    assert status_cell(window, 0) == "◐"  # alice annotated it
    window.corpus.select(one.id)
    window.actions["annotate.cycle_status"].trigger()
    assert project.document_status(one.id, alice.id) == "done"
    assert status_cell(window, 0) == "●"
    index = model.index(0, STATUS_COLUMN)
    assert model.data(index, Qt.ItemDataRole.ToolTipRole).endswith("Your status: done")  # in words, not a shape only
    assert model.data(index, Qt.ItemDataRole.AccessibleTextRole) == "done"
    assert project.document_status(one.id, bob.id) == "in progress"  # Bob's own status is untouched
    window.history.stack.undo()
    assert project.document_status(one.id, alice.id) == "in progress" and status_cell(window, 0) == "◐"
    window.files.set_annotator("bob")
    assert status_cell(window, 1) == "○"  # bob has nothing in the second document
    window.files.set_annotator("alice")
    assert status_cell(window, 1) == "◐"


def test_the_key_is_listed_once_and_used_by_nothing_else():
    keys = [spec.shortcut for spec in ACTIONS if isinstance(spec.shortcut, str)]
    assert keys.count("Ctrl+Shift+D") == 1


def test_the_context_menu_sets_my_status(window, filled, qtbot):
    project, (one, two), (alice, _), _ = filled
    table = window.corpus.table
    index = window.corpus.proxy.mapFromSource(window.documents_model.index(1, 0))
    menu = window.corpus.menu_at(table.visualRect(index).center())
    [status_menu] = [a.menu() for a in menu.actions() if a.menu() is not None]
    entries = {a.text(): a for a in status_menu.actions()}
    assert list(entries) == ["Not started", "In progress", "Done"]
    assert entries["In progress"].isChecked() and not entries["Done"].isChecked()
    entries["Done"].trigger()
    assert project.document_status(two.id, alice.id) == "done"
    assert status_cell(window, 1) == "●"
    window.corpus.table.resize(520, 200)
    SHOTS.mkdir(exist_ok=True)
    window.documents_dock.resize(520, 260)
    assert window.corpus.grab().save(str(SHOTS / "documents-status-column.png"))


def test_a_new_coder_can_mark_a_document_before_annotating(window, filled):
    project, (one, _), _, _ = filled
    window.files.set_annotator("carol")
    window.corpus.select(one.id)
    window.actions["annotate.cycle_status"].trigger()
    carol = next(a for a in project.annotators() if a.name == "carol")
    assert project.document_status(one.id, carol.id) == "in progress"


def test_the_status_matrix_shows_every_document_and_coder(window, filled, qtbot):
    project, (one, two), (alice, bob), _ = filled
    project.set_document_status(one.id, alice.id, "done")
    project.set_document_status(one.id, bob.id, "done")
    window.actions["tools.status_matrix"].trigger()
    dialog = window.statuses.matrix_dialog
    qtbot.addWidget(dialog)
    table = dialog.table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == ["alice", "bob", "Done"]
    assert [table.verticalHeaderItem(r).text() for r in range(table.rowCount())] == ["One", "Two"]
    assert [dialog.cell(0, c) for c in range(3)] == ["● done", "● done", "2/2"]
    assert [dialog.cell(1, c) for c in range(3)] == ["◐ in progress", "○ not started", "0/2"]
    SHOTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "status-matrix.png"))


def test_the_agreement_dashboard_can_count_only_documents_marked_done(window, filled, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    project, (one, two), (alice, bob), _ = filled
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    assert not dialog.done_only.isChecked()  # off by default: every document counts, as before
    dialog.done_only.setChecked(True)
    dialog.compute()
    assert warned == ["None of the chosen documents is marked done by every chosen coder."]
    assert dialog.operation is None
    project.set_document_status(one.id, alice.id, "done")
    project.set_document_status(one.id, bob.id, "done")
    window.actions["tools.agreement"].trigger()  # a fresh dashboard reads the statuses as they are now
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    dialog.done_only.setChecked(True)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.operation is None, timeout=30000)
    assert dialog.report["documents"] == [one.id]
    dialog.resize(1100, 500)
    SHOTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "agreement-done-only.png"))
