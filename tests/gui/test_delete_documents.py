"""Deleting documents in the window: Delete key in the Documents list, the context menu and Edit →
Delete Document…, after a confirmation that counts the annotations; undo and redo."""

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from annotator.gui import main_window as mw


@pytest.fixture
def asked(monkeypatch):
    """Answer every confirmation with ``answer[0]`` and record its text."""
    seen, answer = [], [QMessageBox.StandardButton.Yes]

    def exec_(box):
        seen.append(box.text())
        return answer[0]
    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return seen, answer


def rows(project):
    with sqlite3.connect(project.path) as db:
        out = {t: db.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in ("documents", "annotations")}
    db.close()
    return out


def test_delete_document_asks_then_deletes_and_undo_puts_it_back(qtbot, filled, asked):
    project, (one, two), _, _ = filled
    seen, answer = asked
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    assert window.document.id == one.id
    menu = [a.text() for a in window.menus["&Edit"].actions()]
    assert "&Delete Document…" in menu
    before = rows(project)
    answer[0] = QMessageBox.StandardButton.Cancel
    window.actions["edit.delete_document"].trigger()
    assert seen == ["Delete the document “One” and 2 annotations with it?\n\nEdit → Undo puts it back."]
    assert rows(project) == before
    answer[0] = QMessageBox.StandardButton.Yes
    window.corpus.table.setFocus()
    qtbot.keyClick(window.corpus.table, Qt.Key.Key_Delete)  # the window's Delete action, in the list
    assert len(seen) == 2
    assert [d.id for d in project.documents()] == [two.id] and project.count_annotations() == 1
    assert window.documents_model.rowCount() == 1 and window.document.id == two.id
    assert window.actions["edit.undo"].text() == "&Undo Delete document 'One'"
    window.grab().save("/tmp/values-after-delete.png")
    window.history.stack.undo()
    assert rows(project) == before  # ids, positions, timestamps, annotations
    assert window.documents_model.rowCount() == 2
    window.history.stack.redo()
    assert [d.id for d in project.documents()] == [two.id]
    window.history.stack.undo()
    assert rows(project) == before


def test_context_menu_of_the_documents_list(qtbot, filled, asked):
    project, (one, two), _, _ = filled
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    window.show()
    table = window.corpus.table
    menu = window.corpus.menu_at(table.visualRect(window.corpus.proxy.index(1, 0)).center())
    assert [a.text() for a in menu.actions()] == ["My &Status", "Delete Document…"]  # issue 14 adds the status
    menu.actions()[1].trigger()
    assert asked[0] == ["Delete the document “Two” and its 1 annotation with it?\n\nEdit → Undo puts it back."]
    assert [d.id for d in project.documents()] == [one.id]
    window.corpus.table.selectRow(0)
    window.actions["edit.delete_document"].trigger()
    assert project.documents() == [] and window.stack.currentIndex() == 0
    window.history.stack.undo()
    window.history.stack.undo()
    assert project.counts().documents == 2 and project.counts().annotations == 3
