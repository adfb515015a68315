"""ANNOTATOR_SCREENSHOT=PATH: once the main window is shown, save a picture of it to PATH (PNG) and
quit. For smoke tests of a build (tests/bundle), which cannot look at the screen otherwise."""

from __future__ import annotations

import os

ENV = "ANNOTATOR_SCREENSHOT"


def requested() -> str | None:
    return os.environ.get(ENV) or None


def grab_then_quit(window, path: str, delay_ms: int = 1500) -> None:
    """After ``delay_ms`` (the window laid out and painted), write ``window``'s picture and quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def grab() -> None:
        window.grab().save(path, "PNG")
        QApplication.quit()

    QTimer.singleShot(delay_ms, grab)
