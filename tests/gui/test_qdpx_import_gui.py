"""File → Import Documents… accepts REFI-QDA projects (.qdpx) (issue 17, points 3 and 5): the file
dialog offers them, a package is imported in the background (one transaction after a backup), the
window shows what came in, and a summary says what was imported, converted, skipped and refused."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.core.schema.templates import create_project
from tests.core import qdpx_fixtures as fx

SHOTS = Path(os.environ.get("QDPX_SHOTS", "/tmp/qdpxin-shots"))


def nvivo_package(tmp_path: Path) -> Path:
    users = {fx.ALICE: "Alice", fx.BOB: "Bob"}
    raw, members = fx.qde("nvivo", "NVivo 12.6", users, fx.codebook(fx.CODES), [fx.Src("Interview 1", fx.TEXT, [
        fx.Sel("Second line", fx.CLAIM, fx.ALICE, description="said twice"),
        fx.Sel("emoji", fx.EVIDENCE, fx.BOB, note="a linked memo"),
        fx.Sel("the claim is here", fx.CLAIM, fx.ALICE, positions=(70, 5000)),
    ])], skipped={"PDFSource": 2, "AudioSource": 1}, folder="Sources")
    return fx.write_qdpx(tmp_path / "nvivo-study.qdpx", raw, members)


def test_import_documents_takes_a_qdpx_and_shows_its_summary(qtbot, tmp_path, monkeypatch, show_window):
    package = nvivo_package(tmp_path)
    filters, shown = [], []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda _parent, _title, _folder, kinds: filters.append(kinds) or ([str(package)], ""))
    for name in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, name,
                            lambda _parent, title, text, _name=name: shown.append((_name, title, text)))
    with create_project(tmp_path / "study.annotator", template=None) as project:
        project.add_document("Before", "the project held this before")
        window = show_window(project)
        with qtbot.waitSignal(window.context.operationEnded, timeout=20_000):
            window.files.import_documents()
        qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
        assert "*.qdpx" in filters[0] and "REFI-QDA projects (*.qdpx)" in filters[0]
        [(kind, title, text)] = shown
        assert (kind, title) == ("warning", "REFI-QDA project imported")  # a coding was refused
        for line in ("documents: 1 imported, 0 already in the project", "codes: 2 added, 0 updated, 0 unchanged",
                     "coders: 2 added, 0 matched", "codings: 2 imported (2 converted), 0 already in the project, "
                     "1 refused", "skipped (not text): 1 audio source(s), 2 PDF source(s) with 2 coding(s)",
                     "positions: UTF-16 units, CR LF as 2, BOM not counted (as NVivo counts): 1 source(s)",
                     "Codings refused:"):
            assert line in text.splitlines()
        assert "its end 5000 falls outside the text" in text
        assert len(project.annotations()) == 2 and len(project.documents()) == 2
        assert window.documents_model.rowCount() == 2  # the window follows the import's changes
        SHOTS.mkdir(parents=True, exist_ok=True)
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, window)
        qtbot.addWidget(box)
        box.show()
        qtbot.waitExposed(box)
        assert box.grab().save(str(SHOTS / "qdpx-import-summary.png"))
