"""A project open read-only: the banner above the document and the edits it disables (or, for a
project that can be written, neither)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotator.gui.controllers import Workspace

# Actions that change the project: disabled while it is open read-only.
WRITE_ACTIONS = ("file.import", "file.import_annotations", "edit.annotate_all",
                 "annotate.delete", "annotate.start_left", "annotate.start_right", "annotate.end_left",
                 "annotate.end_right", "annotate.edit_note", "schema.edit", "schema.import",
                 "annotate.cycle_status", "edit.lead_override", "annotate.copy_to_mine")


def read_only_bar(name: str = "readOnlyBar") -> QLabel:
    """The banner shown above the document when the project is open read-only (hidden until then);
    another banner of the same look by another ``name`` (the lost connection's)."""
    bar = QLabel()
    bar.setObjectName(name)
    bar.setWordWrap(True)
    bar.setTextFormat(Qt.TextFormat.PlainText)
    bar.setStyleSheet(f"#{name} {{ background: #fff3cd; color: #664d03; padding: 6px; "
                      "border-bottom: 1px solid #e0c36a; }")
    bar.hide()
    return bar


def show_read_only(window: Workspace) -> None:
    """The banner and the disabled edits of a project open read-only (or their absence)."""
    read_only = window.project.read_only
    reason = window.project.read_only_reason or f"{window.project.where}: the project is open read-only"
    window.read_only_bar.setText(f"Read-only: {reason}. Changes cannot be saved.")
    window.read_only_bar.setVisible(read_only)
    for action_id in WRITE_ACTIONS:
        window.actions[action_id].setEnabled(not read_only)
    for action in window.annotating.category_actions:
        action.setEnabled(not read_only)
    window.palette.setEnabled(not read_only)
    window.details.setEnabled(not read_only)
    window.import_button.setEnabled(not read_only)
