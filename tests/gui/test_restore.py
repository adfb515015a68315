"""File → Restore from Backup… and a project opened read-only (offscreen)."""

from PySide6.QtWidgets import QDialog, QMessageBox

from annotator.core.project.commands import DeleteAnnotations
from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project
from annotator.core.storage import backups
from annotator.gui import main_window as mw
from annotator.gui.dialogs.restore_dialog import RestoreDialog
from tests.core.test_backups import damage_table


def test_restore_from_backup_lists_confirms_restores_and_reopens(qtbot, filled, monkeypatch, dialogs, dump, shoot):
    project = filled[0]
    backup = project.backup("manual")
    before = dump(project)
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    first = project.annotations()[0]
    window.history.run(DeleteAnnotations([first.id], by=first.annotator_id))
    assert window.history.stack.count() == 1 and dump(window.project) != before
    shown = []

    def fake_exec(dialog):
        shown.append([dialog.table.item(r, c).text() for r in range(dialog.table.rowCount()) for c in (1, 3, 4)])
        shoot(dialog, "restore-dialog.png")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RestoreDialog, "exec", fake_exec)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    window.files.restore_backup()
    assert shown == [["manual", "2", "3"]]
    assert asked and "is backed up first" in asked[0]
    assert dump(window.project) == before
    assert window.history.stack.count() == 0  # the undo history is cleared
    assert dialogs[-1][0:2] == ("information", "Restore finished")
    assert [b.reason for b in backups.list_backups(project.path)] == ["before-restore", "manual"]
    assert backup.exists()


def test_a_read_only_project_opens_read_only_with_a_banner(qtbot, filled, dialogs, shoot):
    project = filled[0]
    project.close()
    project.path.chmod(0o444)
    try:
        opened = Project.open_for_reading(project.path)
    finally:
        project.path.chmod(0o644)
    assert opened.read_only
    window = mw.MainWindow(opened)
    qtbot.addWidget(window)
    window.resize(1000, 600)
    window.show()
    assert window.read_only_bar.isVisible()
    banner = window.read_only_bar.text()
    assert banner.startswith("Read-only: ") and "changes cannot be saved" in banner.lower()
    assert not window.actions["file.import"].isEnabled() and not window.palette.isEnabled()
    assert all(not a.isEnabled() for a in window.annotating.category_actions)
    first = opened.annotations()[0]
    assert not window.history.run(DeleteAnnotations([first.id], by=first.annotator_id))  # refused, one message
    assert dialogs[-1][2].endswith("the project is open read-only; changes cannot be saved")
    shoot(window, "read-only-banner.png")


def test_a_project_damaged_beyond_listing_is_refused_and_the_current_one_kept(qtbot, filled, tmp_path, dialogs):
    from annotator.core.project.project import NewDocument

    with create_project(tmp_path / "broken.annotator") as broken:
        broken.add_documents([NewDocument(f"doc {i}", f"text number {i} " * 200) for i in range(60)])
    damage_table(broken.path, "documents")
    window = mw.MainWindow(filled[0])
    qtbot.addWidget(window)
    assert not window.files.switch_project(lambda: Project.open_for_reading(broken.path))
    assert dialogs[-1][1] == "Cannot open project" and "damaged" in dialogs[-1][2]
    assert window.project is filled[0] and window.documents_model.rowCount() == 2


def test_a_writable_project_has_no_banner(qtbot, project):
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    window.show()
    assert not window.read_only_bar.isVisible() and window.actions["file.import"].isEnabled()
