"""File → Project Settings…: the project-wide switches (``SETTINGS`` in core/project/project.py)
that a lead sets for the whole team. Each is stored in the project file and committed at once.

Turning blind coding off shows every coder everyone's work, so it is a deliberate step: a
confirmation says what it reveals (how many annotations, by how many coders) before it is done.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

LEAD_ABOUT = ("Once a project has a lead, only the lead changes these settings, renames other coders and, "
              "with Edit → Allow Changing Other Coders' Annotations, changes their annotations.")
BLIND_ABOUT = ("Each coder sees only their own annotations: in the text, the Layers panel, the annotation "
               "table, the counts, the tooltips and the find bar. The agreement dashboard stays closed. "
               "A handout exported from this project keeps the setting.")


class ProjectSettingsDialog(QDialog):
    """The switches, with what each means; ``values()`` gives the chosen ones by key."""

    def __init__(self, values: dict, parent: QWidget | None = None, me: str | None = None,
                 lead_name: str = "none") -> None:
        super().__init__(parent)
        self.setWindowTitle("Project Settings")
        self.me = me
        self.lead = QCheckBox("I am the project's &lead")
        self.lead.setChecked(me is not None and values.get("lead") == me)
        # unticking "I am the lead" clears the lead only when it was me; another coder's lead stays
        self._lead_unless_me = None if values.get("lead") == me else values.get("lead")
        self.lead.setEnabled(me is not None)
        if me is None:
            self.lead.setToolTip("Your first annotation (or File → Switch Annotator → New coder…) adds you")
        lead_about = QLabel(f"Lead: {lead_name}. {LEAD_ABOUT}")
        lead_about.setWordWrap(True)
        lead_about.setTextFormat(Qt.TextFormat.PlainText)
        lead_about.setContentsMargins(22, 0, 0, 8)
        self.blind = QCheckBox("&Blind coding")
        self.blind.setChecked(bool(values.get("blind_coding")))
        about = QLabel(BLIND_ABOUT)
        about.setWordWrap(True)
        about.setTextFormat(Qt.TextFormat.PlainText)
        about.setContentsMargins(22, 0, 0, 8)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.lead)
        layout.addWidget(lead_about)
        layout.addWidget(self.blind)
        layout.addWidget(about)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def values(self) -> dict:
        return {"lead": self.me if self.lead.isChecked() else self._lead_unless_me,
                "blind_coding": self.blind.isChecked()}


def blind_off_warning(counts: dict[str, int]) -> str:
    """What turning blind coding off reveals, given the annotations per coder."""
    total, coders = sum(counts.values()), len(counts)
    return (f"Turning blind coding off shows everyone who opens this project every coder's annotations: "
            f"{total} annotation{'s' if total != 1 else ''} by {coders} coder{'s' if coders != 1 else ''}, "
            "in the text, the layers, the table, the counts and the agreement dashboard.\n\n"
            "Do it to compare or adjudicate, once the coders have finished.")


def blind_off_box(parent: QWidget, counts: dict[str, int]) -> tuple[QMessageBox, QPushButton]:
    """The question asked before blind coding goes off, and its button that confirms."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Turn blind coding off?", blind_off_warning(counts),
                      QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    off = box.addButton("Turn Blind Coding Off", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box, off


def confirm_blind_off(parent: QWidget, counts: dict[str, int]) -> bool:
    """Ask before blind coding goes off; True when the coder confirms."""
    box, off = blind_off_box(parent, counts)
    box.exec()
    box.deleteLater()
    return box.clickedButton() is off


def edit_project_settings(parent: QWidget, project, by: str | None) -> bool:
    """Show the dialog and store what changed (``by``: the coder's id, or None); True if anything did."""
    # read before the values: a change in between is refused as stale rather than written over
    versions = {key: project.setting_version(key) for key in ("lead", "blind_coding")}
    lead = project.setting("lead")
    names = {a.id: a.name for a in project.annotators()}
    before = {"lead": lead, "blind_coding": bool(project.setting("blind_coding", False))}
    dialog = ProjectSettingsDialog(before, parent, me=by if by in names else None,
                                   lead_name="none" if lead is None else names.get(lead, "a coder not in this project"))
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    after = dialog.values()
    dialog.deleteLater()
    if not accepted or after == before:
        return False
    if before["blind_coding"] and not after["blind_coding"] \
            and not confirm_blind_off(parent, project.annotation_counts_by_annotator()):
        return False
    for key in ("blind_coding", "lead"):  # the lead last: a lead giving up the role may still change the rest
        if after[key] != before[key]:
            project.set_setting(key, after[key], by=by, version=versions[key])
    return True
