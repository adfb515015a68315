"""ANNOTATOR_SCREENSHOT: the app saves a picture of its shown main window and quits (what
tests/bundle uses to look at the frozen app's window)."""

import os
import subprocess
import sys

from PySide6.QtGui import QImage


def test_screenshot_of_the_main_window_then_quit(tmp_path):
    picture = tmp_path / "window.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANNOTATOR_HOME=str(tmp_path / "home"),
               ANNOTATOR_SCREENSHOT=str(picture))
    result = subprocess.run([sys.executable, "-m", "annotator"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    image = QImage(str(picture))
    assert not image.isNull() and image.width() >= 640
    colours = {image.pixel(x, y) for x in range(0, image.width(), 8) for y in range(0, image.height(), 8)}
    assert len(colours) > 20
