"""Fixtures shared by the GUI tests."""

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.conftest import SCREENSHOTS


@pytest.fixture
def dialogs(monkeypatch):
    """Record message boxes as (kind, title, text) instead of showing them (they would block the test)."""
    seen = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind,
                            lambda parent, title, text, *a, _k=kind: seen.append((_k, title, text)))
    return seen


@pytest.fixture
def shoot():
    """``shoot(widget, name)``: save a picture of ``widget`` (shown first if it is hidden) as
    tests/screenshots/NAME, to look at; the test fails if it cannot be saved."""

    def take(widget, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        if not widget.isVisible():
            widget.show()
        assert widget.grab().save(str(SCREENSHOTS / name)), f"could not save {name}"

    return take


@pytest.fixture
def show_window(qtbot):
    """``show_window(project, width=1200, height=800)``: a MainWindow on ``project``, shown and exposed."""

    def show(project, width: int = 1200, height: int = 800):
        from annotator.gui.main_window import MainWindow

        win = MainWindow(project)
        qtbot.addWidget(win)
        win.resize(width, height)
        win.show()
        qtbot.waitExposed(win)
        return win

    return show
