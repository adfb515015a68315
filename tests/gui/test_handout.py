"""File → New Project from Handout… (issue 14, point 6): a coder's project from a lead's handout,
opened in the window, with the handout's documents and schema and nobody's annotations."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from annotator.core.exchange.handout import write_handout
from annotator.gui.main_window import MainWindow


def test_new_project_from_handout_opens_the_coders_project(qtbot, project, tmp_path, monkeypatch, dialogs):
    doc = project.add_document("Article", "The council will spend money.\n").document
    alice = project.add_annotator("Alice")
    project.add_annotation(doc.id, project.categories()[0].id, alice.id, 4, 11)
    handout = tmp_path / "week1.json"
    write_handout(project, handout)
    window = MainWindow(project)
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(handout), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, suggested, *a: asked.append(suggested) or (str(tmp_path / "bob"), ""))
    window.actions["file.new_from_handout"].trigger()
    assert asked[0].endswith("week1.annotator")  # the handout's name is suggested
    assert window.project.path == tmp_path / "bob.annotator"
    assert [d.title for d in window.project.documents()] == ["Article"]
    assert window.project.count_annotations() == 0 and window.view.index.spans == {}
    assert window.document is not None and window.document.id == doc.id
    assert [c.id for c in window.project.categories()] == [c.id for c in project.categories()]
    assert dialogs == []


def test_new_project_from_a_file_that_is_not_a_handout_says_why(qtbot, project, tmp_path, monkeypatch, dialogs):
    (tmp_path / "x.json").write_text("[]")
    window = MainWindow(project)
    qtbot.addWidget(window)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "x.json"), ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "bob.annotator"), ""))
    window.actions["file.new_from_handout"].trigger()
    assert window.project is project and not (tmp_path / "bob.annotator").exists()
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("warning", "Cannot open project") and "x.json" in text
