"""File → Export Annotations… writes a REFI-QDA project (issue 17, points 1 and 2): the dialog offers
the format and, for it alone, the receiving tool ("For: any tool (standard) / NVivo / MAXQDA");
the export counts positions as that tool does, and the message after it lists what the .qdpx
could not hold, with counts."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog

from annotator.gui import main_window as mw
from annotator.gui.dialogs.export_dialog import ExportDialog
from tests.gui.test_main_window import _in_background

SHOTS = Path("/tmp/qdpxout-shots")


def test_the_dialog_offers_the_qdpx_and_the_receiving_tool(qtbot, project):
    dialog = ExportDialog(project)
    qtbot.addWidget(dialog)
    assert not dialog.tool_box.isEnabled()  # the choice applies to a .qdpx only
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("qdpx"))
    assert [dialog.tool_box.itemText(i) for i in range(dialog.tool_box.count())] == [
        "any tool (standard)", "NVivo", "MAXQDA"]
    dialog.tool_box.setCurrentIndex(dialog.tool_box.findData("nvivo"))
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.tool_box.isEnabled() and dialog.qdpx_note.isVisible() and not dialog.include_text.isEnabled()
    assert dialog.choice()[:2] == ("qdpx", ".qdpx")
    SHOTS.mkdir(exist_ok=True)
    assert dialog.grab().save(str(SHOTS / "export-dialog-qdpx.png"))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("csv"))
    assert not dialog.tool_box.isEnabled() and not dialog.qdpx_note.isVisible()


def test_exporting_from_the_menu_writes_it_and_lists_what_it_left_out(qtbot, project, tmp_path, dialogs,
                                                                      monkeypatch):
    doc = project.add_document("Doc", "Hello 😀\nworld").document
    alice = project.add_annotator("alice")
    cat = project.categories()[0]
    project.add_annotation(doc.id, cat.id, alice.id, 8, 13, note="the world")

    def choose(dialog):
        dialog.format_box.setCurrentIndex(dialog.format_box.findData("qdpx"))
        dialog.tool_box.setCurrentIndex(dialog.tool_box.findData("nvivo"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportDialog, "exec", choose)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "study"), ""))
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    _in_background(qtbot, window, window.files.export_annotations)
    with zipfile.ZipFile(tmp_path / "study.qdpx") as archive:
        qde = archive.read("project.qde").decode("utf-8")
        assert archive.read(f"sources/{doc.id}.txt") == "Hello 😀\r\nworld".encode()  # NVivo's CR LF
    assert 'startPosition="10" endPosition="15"' in qde  # 😀 two UTF-16 units, CR LF two
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("information", "Export finished")
    assert text.startswith(f"1 annotation(s) on 1 document(s) written to {tmp_path / 'study.qdpx'}")
    assert "\n\nNot in the .qdpx (the format has no place for them):\n• " in text and "\n• 1 document status\n" in text
    shortcuts = sum(bool(c.shortcut) for c in project.categories())
    assert f"• {shortcuts} category shortcuts" in text and shortcuts > 1
