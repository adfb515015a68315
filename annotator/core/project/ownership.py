"""Each coder's layer is their own (issue 14): a change to an annotation, or its deletion, names the
acting coder (an id), and an annotation of another coder is refused unless the project's
``lead_override`` setting is on. Imports and merges (core/exchange) write each annotation with its
own coder and do not pass through here; project-level operations of the schema and the corpus
(deleting or merging a category, deleting a document) act on every coder's annotations alike and
are not checked either."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from annotator.core.errors import OwnershipError, ValidationError
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME, Annotation, Annotator, ProjectSetting

OVERRIDE = "lead_override"


def override_on(s: Session) -> bool:
    """Whether the project lets a coder change or delete other coders' annotations."""
    row = s.get(ProjectSetting, OVERRIDE)
    return row is not None and row.value is True


LEAD = "lead"


def lead_of(s: Session) -> str | None:
    """The id of the project's lead, or None while the project has none."""
    row = s.get(ProjectSetting, LEAD)
    return row.value if row is not None and isinstance(row.value, str) else None


def check_lead(s: Session, by: str | None, what: str) -> None:
    """Once the project has a lead, only the lead may ``what`` (change its settings, rename other
    coders); before that, any coder may (a project of one, or a team that has not chosen)."""
    lead = lead_of(s)
    if lead is not None and by != lead:
        you = f"you are {_name(s, by)}" if by else "say who you are (the acting coder)"
        raise OwnershipError(f"only the project's lead, {_name(s, lead)}, may {what}; {you}")


def check_owner(s: Session, annotations: Iterable[Annotation | dict], by: str) -> None:
    """Refuse, naming both coders, when one of ``annotations`` is not ``by``'s own, unless the
    override is on (and, once the project has a lead, ``by`` is the lead). ``by`` is the acting
    coder's id."""
    if not isinstance(by, str) or not by:
        raise ValidationError("a change to an annotation must name the coder who makes it")
    for ann in annotations:
        owner = ann["annotator_id"] if isinstance(ann, dict) else ann.annotator_id
        if owner == GOLD_ID:
            raise OwnershipError(f"this span is the {GOLD_NAME}'s: it changes only by adjudication "
                                 "(Tools → Adjudicate)")
        if owner != by and not (override_on(s) and lead_of(s) in (None, by)):
            raise OwnershipError(f"this annotation is {_name(s, owner)}'s; you are {_name(s, by)}"
                                 f" (only the project's lead may change it, with the project's {OVERRIDE} on)")


def _name(s: Session, annotator_id: str) -> str:
    row = s.get(Annotator, annotator_id)
    return row.name if row is not None else f"coder {annotator_id}"  # a lead's id in a handout project
