"""Hooks for measuring and smoke-testing a build, which cannot look at the screen or answer a
question. Each takes over once the main window is shown, and the first-run name question is skipped:

- ``ANNOTATOR_QUIT_WHEN_SHOWN=1``: print "shown" after the first turn of the event loop and quit
  (benchmarks/bench_bundle.py times it);
- ``ANNOTATOR_SCREENSHOT=PATH``: once the window is laid out and painted, save its picture to PATH
  (PNG) and quit (tests/bundle).
"""

from __future__ import annotations

import os
import sys

QUIT_WHEN_SHOWN = "ANNOTATOR_QUIT_WHEN_SHOWN"
SCREENSHOT = "ANNOTATOR_SCREENSHOT"
SCREENSHOT_DELAY_MS = 1500


def take_over(app, window) -> bool:
    """Start the hook the environment asks for; False when it asks for none."""
    from PySide6.QtCore import QTimer

    if os.environ.get(QUIT_WHEN_SHOWN) == "1":
        QTimer.singleShot(0, lambda: _say_shown_and_quit(app))
        return True
    path = os.environ.get(SCREENSHOT)
    if path:
        QTimer.singleShot(SCREENSHOT_DELAY_MS, lambda: (window.grab().save(path, "PNG"), app.quit()))
        return True
    return False


def _say_shown_and_quit(app) -> None:
    if sys.stdout is not None:  # None in a windowed app on Windows
        print("shown", flush=True)
    app.quit()
