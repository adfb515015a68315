"""`annotator` with no arguments, as a user starts it: a real process, offscreen."""

import os
import subprocess
import sys
import time
from pathlib import Path


def _command():
    exe = Path(sys.executable).with_name("annotator")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "annotator"]


def test_annotator_opens_a_window_on_the_default_project_and_writes_only_to_annotator_home(tmp_path):
    home = tmp_path / "home"  # the user's real folders, as far as this process knows
    home.mkdir()
    annotator_home = tmp_path / "annotator-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), ANNOTATOR_HOME=str(annotator_home), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(_command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    default = annotator_home / "data" / "default.annotator"
    log = annotator_home / "logs" / "annotator.log"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (log.exists() and "opened" in log.read_text()):
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        time.sleep(0.5)
        assert proc.poll() is None, "the app exited instead of showing its window"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert default.is_file()
    assert "Traceback" not in err
    written = [p for p in home.rglob("*") if "annotator" in p.name.lower()]
    assert written == []


def test_an_unexpected_error_is_logged_and_shown_as_one_message(qtbot, monkeypatch, annotator_home):
    import logging

    from PySide6.QtWidgets import QMessageBox

    from annotator.applog import setup_logging
    from annotator.gui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    log_file = setup_logging(logging.INFO)
    try:
        raise ValueError("a bug")
    except ValueError as exc:
        app._report_unexpected(type(exc), exc, exc.__traceback__)
    [(title, text)] = shown
    assert title == "Something went wrong" and text.startswith("ValueError: a bug")
    assert str(log_file) in text and "Traceback" not in text
    assert "Traceback" in log_file.read_text(encoding="utf-8")
