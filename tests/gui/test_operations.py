"""Background work runs through one Operation runner, and the undo history is cleared only when the
work changed the project outside it (issue 11, point 4)."""

from __future__ import annotations

import threading

import pytest

from annotator.core.project.changes import Changes
from annotator.gui.main_window import MainWindow
from annotator.gui.operations import Operation

TEXT = "The council will spend two million on bike lanes. Critics call it a waste of money."


@pytest.fixture
def window(qtbot, project, dialogs):
    project.add_document("Article", TEXT)
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    doc = project.documents()[0]
    cat = project.categories()[0].id
    project.add_annotations([dict(document_id=doc.id, category_id=cat, annotator_id=coder.id, start=0, end=11)
                             for coder in (alice, bob)])
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.show()
    return win


def annotate_once(window) -> str:
    """One edit on the undo stack; returns the new annotation's id."""
    window.view.select_range(TEXT.index("Critics"), TEXT.index(" call"))
    window.annotate(window.project.categories()[1].id)
    assert window.history.stack.count() == 1
    return window.view.selected_id


def undo_still_works(window, annotation_id) -> None:
    assert window.history.stack.count() == 1 and window.history.stack.canUndo()
    window.undo()
    assert annotation_id not in {a.id for a in window.project.annotations()}
    assert annotation_id not in window.view.index.spans


def test_undo_survives_an_export(window, qtbot, tmp_path, dialogs):
    annotation_id = annotate_once(window)
    with qtbot.waitSignal(window.context.operationEnded, timeout=20000):
        window.files.start_export(tmp_path / "team.json")
    assert (tmp_path / "team.json").is_file() and dialogs[-1][1] == "Export finished"
    undo_still_works(window, annotation_id)


def test_undo_survives_an_agreement_run(window, qtbot):
    annotation_id = annotate_once(window)
    window.schema.show_agreement()
    dialog = window.schema.agreement_dialog
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.operation is None, timeout=30000)
    dialog.close()
    undo_still_works(window, annotation_id)


def test_an_import_that_changes_the_project_clears_the_history_and_one_that_does_not_keeps_it(window, qtbot, tmp_path):
    annotation_id = annotate_once(window)
    (tmp_path / "article.txt").write_text(TEXT)  # the same text: a duplicate, nothing imported
    with qtbot.waitSignal(window.context.operationEnded, timeout=20000):
        window.files.start_import([str(tmp_path / "article.txt")], window_options())
    undo_still_works(window, annotation_id)
    window.redo()
    (tmp_path / "new.txt").write_text("A new text.\n")
    with qtbot.waitSignal(window.context.operationEnded, timeout=20000):
        window.files.start_import([str(tmp_path / "new.txt")], window_options())
    assert window.history.stack.count() == 0  # recorded against the project as it was
    assert window.documents_model.rowCount() == 2


def window_options():
    from annotator.core.documents.readers import ImportOptions

    return ImportOptions()


def test_an_operation_reports_progress_refuses_a_second_and_can_be_cancelled(window, qtbot):
    release, seen, results = threading.Event(), [], []

    def task(project, progress):
        progress(1, 3, "first")
        while not progress.cancelled():
            release.wait(0.01)
        seen.append(project is window.project)
        return Changes(schema=True)

    first = Operation(window, task, label="Long", context=window.context, cancellable=True)
    first.success(results.append)
    assert first.run() and window.context.busy
    assert not Operation(window, task, label="Second", context=window.context).run()  # one at a time
    qtbot.waitUntil(lambda: first.progress_dialog.labelText() == "first (2 of 3)", timeout=10000)
    with qtbot.waitSignal(window.context.operationEnded, timeout=10000):
        first.progress_dialog.canceled.emit()  # the Cancel button
    assert seen == [True] and results == [Changes(schema=True)] and not window.context.busy


def test_a_failing_operation_shows_one_line_and_keeps_the_history(window, qtbot, dialogs):
    annotation_id = annotate_once(window)

    def task(project, progress):
        raise ValueError("boom")

    with qtbot.waitSignal(window.context.operationEnded, timeout=10000):
        Operation(window, task, label="Broken", context=window.context).run()
    assert dialogs[-1][:2] == ("critical", "Broken failed") and "boom" in dialogs[-1][2]
    undo_still_works(window, annotation_id)
