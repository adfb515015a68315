"""Save dialogs never write over a project; File → Save a Copy…; the WAL is checkpointed when idle."""

import shutil
import sqlite3

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog

from annotator.core.project.project import Project
from annotator.gui import main_window as mw
from annotator.gui.context import CurrentAnnotator
from annotator.gui.controllers import files as file_actions
from annotator.gui.dialogs.export_dialog import ExportDialog
from annotator.gui.dialogs.guidelines_dialog import GuidelinesDialog


@pytest.fixture
def window(qtbot, project):
    doc = project.add_document("Doc", "A text to annotate.").document
    coder = project.add_annotator("alice")
    project.add_annotation(doc.id, project.categories()[0].id, coder.id, 0, 6)
    project.add_annotation(doc.id, project.categories()[0].id, project.add_annotator("bob").id, 0, 6)
    win = mw.MainWindow(project)
    qtbot.addWidget(win)
    return win


def save_as(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


@pytest.mark.parametrize("target", ["project", "wal"])
def test_export_and_save_a_copy_refuse_the_open_project(window, monkeypatch, dialogs, target):
    path = window.project.path
    chosen = path if target == "project" else path.with_name(path.name + "-wal")
    before = path.read_bytes()
    save_as(monkeypatch, chosen)
    monkeypatch.setattr(ExportDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    window.files.export_annotations()
    assert window.context.operation is None  # nothing started in the background
    window.files.save_copy()
    reason = ("is an Annotator project" if target == "project"
              else f"belongs to the project {path} (its wal file)")
    message = f"{chosen}: {reason}; choose another file name for the output"
    assert dialogs == [("warning", "Export annotations", message), ("warning", "Save a copy", message)]
    assert path.read_bytes() == before and not chosen.with_name(chosen.name + ".json").exists()
    with Project.open(path) as again:
        assert again.counts().annotations == 2


def test_schema_guidelines_and_agreement_exports_refuse_a_project(window, qtbot, monkeypatch, dialogs, tmp_path):
    path = window.project.path
    before = path.read_bytes()
    for name in ("schema.json", "guidelines.html", "report.csv"):  # links to the project, under other names
        (tmp_path / name).symlink_to(path)
    save_as(monkeypatch, tmp_path / "schema.json")
    window.schema.export_schema()
    save_as(monkeypatch, tmp_path / "guidelines.html")
    guidelines = GuidelinesDialog(window.project, window)
    qtbot.addWidget(guidelines)
    assert guidelines.export_html() is None
    save_as(monkeypatch, tmp_path / "report.csv")
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    dialog.report = {"overall": {}}  # (computing it is not the point here)
    dialog.export("csv")
    assert [(kind, text) for kind, _, text in dialogs] == [
        ("warning", f"{tmp_path / name}: is an Annotator project; choose another file name for the output")
        for name in ("schema.json", "guidelines.html", "report.csv")]
    assert path.read_bytes() == before and all((tmp_path / n).is_symlink() for n in ("schema.json", "report.csv"))


def test_save_a_copy_writes_a_checked_copy(window, qtbot, monkeypatch, dialogs, tmp_path):
    target = tmp_path / "copies" / "study-copy"
    target.parent.mkdir()
    save_as(monkeypatch, target)
    with qtbot.waitSignal(window.context.operationEnded, timeout=20000):
        window.actions["file.save_copy"].trigger()
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("information", "Copy saved") and text.endswith(f"{target}.annotator")
    assert sorted(p.name for p in target.parent.iterdir()) == ["study-copy.annotator"]
    with Project.open(f"{target}.annotator") as copy:
        assert copy.counts().annotations == 2


def test_an_edit_is_checkpointed_into_the_project_file_when_idle(qtbot, project, monkeypatch, tmp_path):
    monkeypatch.setattr(file_actions, "CHECKPOINT_IDLE_MS", 50)
    doc = project.add_document("Doc", "A text to annotate.").document
    coder = project.add_annotator("alice")
    annotation = project.add_annotation(doc.id, project.categories()[0].id, coder.id, 0, 6)
    project.checkpoint()
    reader = sqlite3.connect(project.path)  # another program holding the file: the -wal stays
    reader.execute("SELECT 1 FROM annotations").fetchall()
    win = mw.MainWindow(project)
    qtbot.addWidget(win)
    win.context.annotator = CurrentAnnotator("alice", coder.id)  # her own annotation (issue 14)
    win.annotating.set_note(annotation.id, "checked when idle")
    alone = tmp_path / "alone.annotator"

    def file_alone_has_the_note():
        shutil.copyfile(project.path, alone)  # the main file only
        with sqlite3.connect(alone) as conn:
            return conn.execute("SELECT note FROM annotations").fetchone()[0] == "checked when idle"

    qtbot.waitUntil(file_alone_has_the_note, timeout=5000)
    reader.close()
