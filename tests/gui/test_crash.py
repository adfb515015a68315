"""A kill after an edit loses nothing that was shown as done: the app is a real process, killed
with SIGKILL (no clean-up runs), and the project is reopened by another."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project

SCRIPT = textwrap.dedent("""
    import os, signal, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from annotator.core.project.project import Project
    from annotator.gui.main_window import MainWindow

    app = QApplication([])
    window = MainWindow(Project.open(sys.argv[1]))
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowExposed(window)
    window.view.setFocus()
    text = window.view.text()
    start = text.index("😀 world")
    window.view.select_range(start, start + len("😀 world"))
    QTest.keyClick(window.view, Qt.Key.Key_F)           # a new annotation
    start = text.index("money")
    window.view.select_range(start, start + 5)
    QTest.keyClick(window.view, Qt.Key.Key_O)
    QTest.keyClick(window.view, Qt.Key.Key_U)           # re-categorised: Opinion → Unverified allegation
    window.details.note.setPlainText("typed, then a pause")
    QTest.qWait(2200)                                   # the note is saved after a pause in typing
    print("done", len(window.view.index.spans), flush=True)  # what the coder sees as made
    os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_annotations_survive_a_kill(tmp_path, annotator_home):
    path = tmp_path / "crash.annotator"
    with create_project(path) as project:
        project.add_document("Doc", "Hello 😀 world, it is a waste of money.")
    env = dict(os.environ, ANNOTATOR_HOME=str(annotator_home), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(path)], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "done 2" in result.stdout
    with Project.open(path) as project:
        names = {c.id: c.name for c in project.categories()}
        text = project.documents() and project.document(project.documents()[0].id).text
        found = [(text[a.start:a.end], names[a.category_id], a.note) for a in project.annotations()]
    assert found == [("😀 world", "Factual claim", ""), ("money", "Unverified allegation", "typed, then a pause")]
