"""GUI edits while another program holds the project's write lock (issue 10, point 14): the edit
waits, the status bar says so, the window stays responsive, and the edit is saved in order."""

from __future__ import annotations

import sqlite3
import threading

from annotator.gui import main_window as mw
from annotator.gui import undo
from annotator.gui.context import CurrentAnnotator


def _window(qtbot, project):
    project.add_document("Doc", "Some text to annotate here.")
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    window.show()
    window.context.annotator = CurrentAnnotator.in_project(project, "alice")  # no row yet: the first edit makes it
    return window


def _hold_lock(path, seconds):
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(seconds, lambda: (holder.commit(), holder.close()))
    timer.start()
    return timer


def test_an_edit_waits_for_another_programs_write_lock_and_is_saved(qtbot, project, dialogs):
    window = _window(qtbot, project)
    first, second = (c.id for c in project.categories()[:2])
    timer = _hold_lock(project.path, 2.0)
    window.view.select_range(0, 4)
    window.annotate(first)
    window.view.select_range(5, 9)
    window.annotate(second)  # behind the first, in order
    assert window.history.pending == 2 and window.history.notice.isVisible()
    assert window.history.notice.text().startswith("Waiting for another program to finish writing…")
    assert project.count_annotations() == 0
    window.grab().save("/tmp/concurrency-waiting.png")
    qtbot.waitUntil(lambda: window.history.pending == 0, timeout=10000)
    timer.join()
    spans = sorted((a.start, a.end, a.category_id) for a in project.annotations())
    assert spans == [(0, 4, first), (5, 9, second)]
    assert [a.name for a in project.annotators()] == ["alice"]
    assert window.history.stack.count() == 2 and not window.history.notice.isVisible()
    assert len(window.view.index.spans) == 2  # the view shows them
    assert dialogs == []
    window.history.stack.undo()  # and they undo like any edit
    assert project.count_annotations() == 1


def test_undo_while_the_lock_is_taken_waits_too(qtbot, project, dialogs):
    window = _window(qtbot, project)
    window.view.select_range(0, 4)
    window.annotate(project.categories()[0].id)
    assert project.count_annotations() == 1
    timer = _hold_lock(project.path, 1.0)
    window.history.stack.undo()
    assert window.history.pending == 1 and project.count_annotations() == 1
    qtbot.waitUntil(lambda: window.history.pending == 0, timeout=10000)
    timer.join()
    assert project.count_annotations() == 0 and dialogs == []


def test_after_the_patience_the_user_chooses_and_only_discard_drops_the_edit(qtbot, project, monkeypatch):
    window = _window(qtbot, project)
    monkeypatch.setattr(undo, "LOCK_PATIENCE_S", 0.3)
    answers = [True, False]  # Retry first, then Discard
    asked = []
    monkeypatch.setattr(window.history, "keep_waiting", lambda: asked.append(1) or answers.pop(0))
    holder = sqlite3.connect(project.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        window.view.select_range(0, 4)
        window.annotate(project.categories()[0].id)
        qtbot.waitUntil(lambda: len(asked) == 2, timeout=10000)
        assert window.history.pending == 0 and window.history.stack.count() == 0
    finally:
        holder.rollback()
        holder.close()
    assert project.count_annotations() == 0
