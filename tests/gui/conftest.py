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
