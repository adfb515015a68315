"""What is left to adjudicate: the units of disagreement of the coders' spans (units.py, across
categories), the gold layer left out, and how far the decisions have gone (docs/adjudication.md).

The coders considered in a document: with ``done_only``, those who marked it done (a document
nobody finished has no units); otherwise every coder with a span or a status anywhere in the
sources. A unit is "resolved" when one decision names it, in "conflict" when two or more do (two
adjudicators' files merged), else "open". A decision made on a unit whose spans have changed
since names a unit that no longer exists: that unit is open again under its new id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from annotator.core.agreement.sources import AgreementData, from_project
from annotator.core.agreement.units import Unit, document_units
from annotator.core.storage.tables import GOLD_ID

STATES = ("open", "resolved", "conflict")


def considered_coders(data: AgreementData, done_only: bool = False) -> dict[str, list[str]]:
    """Per document id, the coders considered (see the module's docstring), sorted."""
    if done_only:
        per_doc: dict[str, set[str]] = {doc: set() for doc in data.texts}
        for (doc, coder), status in data.statuses.items():
            if status == "done" and coder != GOLD_ID and doc in per_doc:
                per_doc[doc].add(coder)
        return {doc: sorted(coders) for doc, coders in per_doc.items()}
    everyone = {span[1] for span in data.spans} | {coder for _, coder in data.statuses}
    everyone.discard(GOLD_ID)
    return {doc: sorted(everyone) for doc in data.texts}


def adjudication_units(source: Any, documents: Iterable[str] | None = None,
                       done_only: bool = False) -> list[Unit]:
    """The units to adjudicate of a project or an ``AgreementData``: by="any", sorted by
    (document id, start, end, categories, id); ``documents``: ids (default: all)."""
    data = source if isinstance(source, AgreementData) else from_project(source)  # gold kept apart
    considered = considered_coders(data, done_only)
    per_doc: dict[str, list[tuple]] = {}
    ids = data.annotation_ids or [None] * len(data.spans)
    for (doc, coder, start, end, cat), ann in zip(data.spans, ids):
        per_doc.setdefault(doc, []).append((coder, start, end, cat, ann))
    wanted = sorted(set(documents) if documents is not None else set(data.texts), key=str)
    out: list[Unit] = []
    for doc in wanted:
        coders = considered.get(doc, [])
        if coders:
            out += document_units(doc, per_doc.get(doc, ()), coders, by="any")
    return out


def decisions_by_unit(decisions: Iterable[Any]) -> dict[str, list[Any]]:
    """Decisions (model rows or dicts) grouped by the unit they name; "created" ones have none."""
    grouped: dict[str, list[Any]] = {}
    for decision in decisions:
        unit = decision["unit_id"] if isinstance(decision, Mapping) else decision.unit_id
        if unit is not None:
            grouped.setdefault(unit, []).append(decision)
    return grouped


def unit_state(unit: Unit, by_unit: Mapping[str, Sequence[Any]]) -> str:
    """"open", "resolved" or "conflict" (see the module's docstring)."""
    count = len(by_unit.get(unit.id, ()))
    return "open" if count == 0 else "resolved" if count == 1 else "conflict"


def progress(units: Sequence[Unit], decisions: Iterable[Any]) -> tuple[int, int]:
    """(resolved, total) of ``units``: "37 of 112 resolved". A unit in conflict is not resolved."""
    by_unit = decisions_by_unit(decisions)
    return sum(unit_state(u, by_unit) == "resolved" for u in units), len(units)
