"""Coder (annotator) operations of ``Project`` (a mixin; see project.py for the transaction rules).

A coder is an id and a name; annotations name the id, so exports and agreement follow a coder
through a rename. The one rule on names: a new name (of a new coder, or a coder's new name) must
not be one another coder already has, ignoring case and surrounding spaces ("alice " is Alice).
Imports and merges keep coders by id and never go through this rule, so two coders of one name may
still meet in a project (two exports from different machines); the coder list tells them apart by
id, and a rename sets one of them apart.

The gold layer's annotator (``GOLD_ID``, named "Gold standard") is no coder: ``coders()``, ``find_annotator``
and ``annotators(gold=False)`` leave it out, and no coder may take its name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from annotator.core.errors import NotFoundError, ValidationError, quoted
from annotator.core.project.changes import NOTHING, Changes
from annotator.core.project.ownership import check_lead
from annotator.core.storage.engine_sql import code_point_order
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME, Annotation, Annotator, new_id, now
from annotator.core.text import LIMITS, check_field, check_id

CODERS = Changes(corpus=True)  # a coder's name shows in every view: they all refresh


def name_key(name: str) -> str:
    """What two coders' names are compared by: without surrounding spaces, ignoring case."""
    return name.strip().casefold()


@dataclass(frozen=True)
class CoderSummary:
    """A coder as the coder list shows them: ``last_activity`` is the latest ``created`` or
    ``modified`` of their annotations (None without any)."""

    id: str
    name: str
    created: str
    annotations: int
    last_activity: str | None


@dataclass(frozen=True)
class CoderRename:
    """What ``rename_annotator`` did, for undo: ``changes`` is NOTHING when the name was the same."""

    id: str
    old_name: str
    new_name: str
    changes: Changes


class CodersMixin:
    def add_annotator(self, name: str, id: str | None = None) -> Annotator:
        """Add a coder. The name must not be empty nor another coder's (ignoring case and
        surrounding spaces); ids are what annotations name."""
        name = _clean_name(name)
        if id is not None:
            check_id(id, f"annotator {quoted(name, 60)}: the id")
        with self._tx(write=True) as s:
            if id is not None and s.get(Annotator, id) is not None:
                raise ValidationError(f"an annotator with id {id} already exists")
            _refuse_taken(s, name)
            annotator = Annotator(id=id or new_id(), name=name, created=now())
            s.add(annotator)
        return annotator

    def check_annotator_name(self, name: str, annotator_id: str | None = None) -> str:
        """The cleaned name if a new coder (or coder ``annotator_id``, renamed) may take it; else
        the ValidationError ``add_annotator`` or ``rename_annotator`` would raise."""
        name = _clean_name(name)
        with self._tx() as s:
            _refuse_taken(s, name, annotator_id)
        return name

    def find_annotator(self, name: str) -> Annotator | None:
        """The oldest coder of this name (ignoring case and surrounding spaces), if any."""
        key = name_key(name)
        return next((a for a in self.annotators(gold=False) if name_key(a.name) == key), None)

    def annotator_named(self, name: str) -> Annotator:
        """The oldest coder of this name (ignoring case and surrounding spaces), created if there is none."""
        found = self.find_annotator(name)
        return found if found is not None else self.add_annotator(name)

    def annotators(self, gold: bool = True) -> list[Annotator]:
        """All annotators, oldest first; with ``gold=False`` only the coders (not the gold layer's)."""
        query = select(Annotator) if gold else select(Annotator).where(Annotator.id != GOLD_ID)
        with self._tx() as s:
            return list(s.exec(query.order_by(*code_point_order(s, Annotator.created, Annotator.id))).all())

    def coders(self) -> list[CoderSummary]:
        """Every coder (not the gold layer), oldest first, with their annotation count and last activity."""
        with self._tx() as s:
            stats = {row[0]: row[1:] for row in s.exec(
                select(Annotation.annotator_id, func.count(), func.max(Annotation.created),
                       func.max(Annotation.modified)).group_by(Annotation.annotator_id)).all()}
            coders = s.exec(select(Annotator).where(Annotator.id != GOLD_ID)
                            .order_by(*code_point_order(s, Annotator.created, Annotator.id))).all()
        summaries = []
        for coder in coders:
            count, created, modified = stats.get(coder.id, (0, None, None))
            last = max((t for t in (created, modified) if t), default=None)
            summaries.append(CoderSummary(coder.id, coder.name, coder.created, count, last))
        return summaries

    def rename_annotator(self, annotator_id: str, name: str, by: str | None = None) -> CoderRename:
        """Give a coder a new name (the same rule as ``add_annotator``; a change of case of their
        own name is allowed). Their annotations keep their id, so every later export and report
        shows the new name. Once the project has a lead, only the lead renames other coders
        (``by``: the acting coder's id; a coder may always rename themselves)."""
        if annotator_id == GOLD_ID:
            raise ValidationError(f"the {GOLD_NAME} is the adjudicated layer, not a coder: it keeps its name")
        name = _clean_name(name)
        with self._tx(write=True) as s:
            if by != annotator_id:
                check_lead(s, by, "rename other coders")
            coder = s.get(Annotator, annotator_id)
            if coder is None:
                raise NotFoundError(f"no annotator with id {annotator_id}")
            old = coder.name
            if old == name:
                return CoderRename(annotator_id, old, name, NOTHING)
            _refuse_taken(s, name, annotator_id)
            coder.name = name
            s.add(coder)
        return CoderRename(annotator_id, old, name, CODERS)


def _clean_name(name: str) -> str:
    name = check_field(name, "an annotator's name", LIMITS["name"]).strip()
    if not name:
        raise ValidationError("an annotator needs a name")
    refuse_gold_name(name)
    return name


def refuse_gold_name(name: str) -> None:
    """ValidationError when ``name`` is the gold layer's (ignoring case and spaces): no coder takes it."""
    if name_key(name) == name_key(GOLD_NAME):
        raise ValidationError(f"{quoted(GOLD_NAME)} is the name of the adjudicated layer, not a coder's: "
                              "choose another name")


def _refuse_taken(s, name: str, annotator_id: str | None = None) -> None:
    key = name_key(name)
    for other_id, other in s.exec(select(Annotator.id, Annotator.name)).all():
        if other_id != annotator_id and name_key(other) == key:
            raise ValidationError(f"a coder named {quoted(other, 60)} already exists (names that differ "
                                  "only by case or surrounding spaces are the same coder)")
