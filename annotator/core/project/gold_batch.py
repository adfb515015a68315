"""Many decisions in one transaction: what an automatic pre-merge writes (core/agreement/premerge.py).

``decide_all(project, items, by=...)`` writes every item as ``Project.decide`` would write it alone,
with the same checks and the same rows (gold span ids from ``gold.gold_span_id``), but in one
transaction, after an optional backup, and in bulk: a pre-merge of thousands of units takes one
commit, not thousands. One bad item refuses them all and nothing is written.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, select

from annotator.core.errors import NotFoundError, ValidationError, quoted
from annotator.core.project.annotations import annotation_records, insert_annotations
from annotator.core.project.gold import (
    NO_CHANGE,
    DecisionChange,
    GoldSpan,
    _check_reason,
    _check_sources,
    _take,
    check_adjudicator,
    ensure_gold_annotator,
    gold_span_id,
)
from annotator.core.storage.tables import DECISION_KINDS, GOLD_ID, Decision, Document, now
from annotator.core.text import check_id, check_timestamp

_CHUNK = 500  # ids per IN (...) query


@dataclass(frozen=True)
class NewDecision:
    """One decision to write (the arguments of ``Project.decide``, by and at aside)."""

    document_id: str
    unit_id: str | None
    start: int
    end: int
    kind: str
    spans: Sequence[GoldSpan]
    sources: Sequence[str]
    decision_id: str
    rule: str | None = None
    reason: str = ""


def decide_all(project, items: Iterable[NewDecision], *, by: str, at: str | None = None,
               backup: str | None = None) -> tuple[DecisionChange, Path | None]:
    """Write ``items`` in one transaction (after a backup named ``backup``, when they change
    something); returns what changed, for undo (``Project.undo_decision``), and the backup."""
    items = list(items)
    with project.transaction(backup=backup) as tx:
        change = write_decisions(tx.session, items, by=by, at=at)
    return change, tx.backup


def write_decisions(s: Session, items: list[NewDecision], *, by: str, at: str | None = None) -> DecisionChange:
    """``decide_all`` inside an open session."""
    by = check_adjudicator(s, by)
    if not items:
        return NO_CHANGE
    at = at or now()
    check_timestamp(at, "the decisions' time")
    lengths = _lengths(s, {item.document_id for item in items})
    for item in items:
        _check(item, lengths)
    units = [item.unit_id for item in items if item.unit_id is not None]
    ids = [item.decision_id for item in items]
    if len(set(units)) != len(units) or len(set(ids)) != len(ids):
        raise ValidationError("two decisions on one unit, or two with one id, in one pre-merge")
    _check_sources(s, list(dict.fromkeys(src for item in items for src in item.sources)))
    held = _rows(s, Decision.unit_id, units)
    if any(d.rule is None for d in held) and any(item.rule is not None for item in items):
        raise ValidationError("a person decided one of these units; a pre-merge does not replace it")
    taken = {d.id for d in held}
    clash = [d.id for d in _rows(s, Decision.id, ids) if d.id not in taken]
    if clash:
        raise ValidationError(f"a decision with id {clash[0]} already exists")
    replaced: dict[str, list[str]] = {}
    for d in held:
        replaced.setdefault(d.unit_id, []).append(d.id)
    before, gold_before = [], []
    for k in range(0, len(held), _CHUNK):
        rows, gold = _take(s, held[k:k + _CHUNK])
        before += rows
        gold_before += gold
    ensure_gold_annotator(s)
    gold_rows, decisions = [], []
    for item in items:
        gold = [dict(id=gold_span_id(item.decision_id, i), document_id=item.document_id, category_id=g.category_id,
                     annotator_id=GOLD_ID, start=g.start, end=g.end, note=g.note,
                     attributes=copy.deepcopy(g.attributes), created=at, modified=at, modified_by=by)
                for i, g in enumerate(item.spans)]
        gold_rows += gold
        decisions.append(dict(
            id=item.decision_id, document_id=item.document_id, unit_id=item.unit_id, start=item.start,
            end=item.end, kind=item.kind, sources=list(dict.fromkeys(item.sources)), gold=[g["id"] for g in gold],
            replaces=sorted(r for r in replaced.get(item.unit_id, ()) if r != item.decision_id), rule=item.rule,
            decided_by=by, decided=at, reason=_check_reason(item.reason)))
    insert_annotations(s, gold_rows)
    s.execute(insert(Decision), decisions)
    s.flush()
    written = annotation_records(s, [g["id"] for g in gold_rows])
    return DecisionChange(tuple(before), tuple(decisions), tuple(gold_before),
                          tuple(written[g["id"]] for g in gold_rows))


def _check(item: NewDecision, lengths: dict[str, int]) -> None:
    """The checks ``Project.decide`` makes on one decision's own values."""
    if item.kind not in DECISION_KINDS:
        raise ValidationError(f"a decision is one of {', '.join(DECISION_KINDS)}, not {quoted(str(item.kind))}")
    if (item.kind == "rejected") != (not item.spans):
        raise ValidationError("a rejection writes no gold span; any other decision writes at least one")
    if (item.unit_id is None) != (item.kind == "created"):
        raise ValidationError("a decision names its unit, except a gold span created where no coder marked")
    length = lengths.get(item.document_id)
    if length is None:
        raise NotFoundError(f"no document with id {item.document_id}")
    if not (isinstance(item.start, int) and isinstance(item.end, int) and 0 <= item.start <= item.end <= length):
        raise ValidationError(f"a unit {item.start}–{item.end} outside document {item.document_id}")
    check_id(item.decision_id, "the decision's id")


def _lengths(s: Session, ids: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(ids)
    for k in range(0, len(ordered), _CHUNK):
        found.update(s.exec(select(Document.id, Document.length).where(Document.id.in_(ordered[k:k + _CHUNK]))).all())
    return found


def _rows(s: Session, column, values: list[str]) -> list[Decision]:
    """The decisions whose ``column`` is one of ``values``, by id."""
    rows: list[Decision] = []
    for k in range(0, len(values), _CHUNK):
        rows += s.exec(select(Decision).where(column.in_(values[k:k + _CHUNK]))).all()
    return sorted({d.id: d for d in rows}.values(), key=lambda d: d.id)
