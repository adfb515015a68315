"""The adjudication view (Tools → Adjudicate…): the coders' annotations of each unit of
disagreement in lanes, the gold layer above them, a queue of open units, and keys that decide.

session.py   the units, decisions, coder numbering and filters; the core command of each key (no widgets)
spans.py     union and intersection of a unit's spans
keys.py      the key table (shortcuts, the footer line, the docs)
lanes.py     the painted lanes of one unit
overview.py  the whole document with its units filled by state
queue.py     the queue's table model and filter bar
unit_lanes.py what the lanes of a unit and the line under them say
window.py    the window that holds them
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from annotator.core.errors import AnnotatorError, user_message

NOT_BLIND = ("Blind coding is on in this project, so no coder sees another's annotations. The lead turns it off "
             "(File → Project Settings…) before adjudicating.")


def open_adjudication(window):
    """Tools → Adjudicate…: the window, as the main window's current coder; refused with a dialog
    when the project is read-only, blind coding is on, or the project has a lead who is someone else."""
    from annotator.gui.adjudication.session import AdjudicationSession
    from annotator.gui.adjudication.window import BLIND_SETTING, AdjudicationWindow
    from annotator.gui.settings import settings

    project, context = window.project, window.context
    refusal = _refusal(project, context)
    if refusal:
        QMessageBox.warning(window, "Adjudicate", refusal)
        return None
    existing = getattr(window, "adjudication", None)
    if existing is not None and existing.session.project is project and existing.session.by == context.annotator.id:
        existing.show()
        existing.raise_()
        existing.activateWindow()
        return existing
    try:
        session = AdjudicationSession(project, context.annotator_id(),
                                      blind=settings().value(BLIND_SETTING, False, type=bool),
                                      name=context.annotator.name)
    except AnnotatorError as exc:
        QMessageBox.warning(window, "Adjudicate", user_message(exc))
        return None
    if existing is not None:
        existing.close()
    def live() -> bool:  # the workspace still open? Its undo stack also moves while it is deleted
        try:
            return window.isVisible()
        except RuntimeError:  # its C++ object is gone already
            return False

    window.adjudication = AdjudicationWindow(session, window.history, window, live=live,
                                             coder=lambda: window.context.annotator.id)
    window.adjudication.show()
    return window.adjudication


def _refusal(project, context) -> str:
    if project.read_only:
        return "The project is open read-only: decisions cannot be saved."
    if project.setting("blind_coding", False):
        return NOT_BLIND
    lead = project.setting("lead")
    me = context.annotator
    if lead and lead != me.id:
        names = {a.id: a.name for a in project.annotators()}
        return (f"Only the project's lead, {names.get(lead, 'another coder')}, adjudicates; you are {me.name}. "
                "Switch to the lead (File → Switch Annotator…) to decide.")
    return ""
