"""Fixtures shared by the GUI tests."""

import pytest
from PySide6.QtWidgets import QMessageBox


@pytest.fixture
def dialogs(monkeypatch):
    """Record message boxes as (kind, title, text) instead of showing them (they would block the test)."""
    seen = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind,
                            lambda parent, title, text, *a, _k=kind: seen.append((_k, title, text)))
    return seen
