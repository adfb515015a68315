"""The gold layer and the adjudicator's decisions (a mixin of ``Project``; docs/adjudication.md).

The gold layer is the annotations of the reserved annotator ``GOLD_ID``. They change only through
this module, each change together with the decision that explains it: a decision on a unit of
disagreement (``core/agreement/units.py``) that accepted, merged, edited or created gold spans, or
rejected the unit (nothing belongs there). One unit holds one decision: deciding it again replaces
the one before (and its gold spans), and the new decision names it in ``replaces``.

Who may adjudicate: once the project has a lead, only the lead; before that, any coder. The gold
annotator never acts itself. Every method is one transaction and returns a ``DecisionChange``: the
rows before and after, so that undo and redo put back exactly what was there.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, select

from annotator.core.errors import NotFoundError, OwnershipError, ValidationError, quoted
from annotator.core.project.annotations import apply_fields, insert_annotations
from annotator.core.project.bulk import annotation_records, chunks, existing_ids
from annotator.core.project.changes import Changes
from annotator.core.project.ownership import _name, lead_of
from annotator.core.project.versions import expect, stale
from annotator.core.storage.engine_sql import code_point_order
from annotator.core.storage.tables import (
    DECISION_KINDS,
    GOLD_ID,
    GOLD_NAME,
    Annotation,
    Annotator,
    Decision,
    Document,
    now,
)
from annotator.core.text import check_id, check_timestamp

GOLD_SPAN_NAMESPACE = uuid.UUID(GOLD_ID)
MAX_REASON = 2000  # code points


@dataclass(frozen=True)
class GoldSpan:
    """A gold span a decision writes, ``[start, end)`` in code points."""

    start: int
    end: int
    category_id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class DecisionChange:
    """What a decision operation did: the decision and gold-annotation rows it removed
    (``before``) and wrote (``after``), full rows as plain dicts. Undo puts ``before`` back."""

    decisions_before: tuple[dict[str, Any], ...]
    decisions_after: tuple[dict[str, Any], ...]
    gold_before: tuple[dict[str, Any], ...]
    gold_after: tuple[dict[str, Any], ...]

    @property
    def decision(self) -> dict[str, Any] | None:
        """The decision written (None when the operation only removed decisions)."""
        return self.decisions_after[0] if self.decisions_after else None

    @property
    def changes(self) -> Changes:
        rows = (*self.decisions_before, *self.decisions_after)
        golds = (*self.gold_before, *self.gold_after)
        return Changes.of((g["id"] for g in golds), {r["document_id"] for r in rows})

    def __bool__(self) -> bool:
        return bool(self.decisions_before or self.decisions_after)


NO_CHANGE = DecisionChange((), (), (), ())


def gold_span_id(decision_id: str, index: int) -> str:
    """The id of a decision's ``index``-th gold span: derived, so the same decision made again
    (a pre-merge re-run, a redo) writes the same ids."""
    return str(uuid.uuid5(GOLD_SPAN_NAMESPACE, f"{decision_id}/{index}"))


def check_adjudicator(s: Session, by: Any) -> str:
    """``by`` if that coder may adjudicate (see the module's docstring), else OwnershipError."""
    if not isinstance(by, str) or not by:
        raise ValidationError("a decision must name the coder who makes it")
    if by == GOLD_ID:
        raise OwnershipError(f"the {GOLD_NAME} is the result of adjudication; a coder decides")
    check_id(by, "the adjudicator")
    lead = lead_of(s)
    if lead is not None and by != lead:
        raise OwnershipError(f"only the project's lead, {_name(s, lead)}, may adjudicate; you are {_name(s, by)}")
    return by


class GoldMixin:
    def decisions(self, document_id: str | None = None) -> list[Decision]:
        """The decisions (of one document), by document, start, end, id."""
        query = select(Decision)
        if document_id is not None:
            query = query.where(Decision.document_id == document_id)
        with self._tx() as s:
            return list(s.exec(query.order_by(*code_point_order(
                s, Decision.document_id, Decision.start, Decision.end, Decision.id))).all())

    def decide(self, document_id: str, *, unit_id: str | None, start: int, end: int, kind: str,
               spans: Sequence[GoldSpan], sources: Iterable[str], by: str, reason: str = "",
               rule: str | None = None, decision_id: str | None = None, at: str | None = None,
               seen: Iterable[tuple[str, int]] | None = None) -> DecisionChange:
        """Decide a unit: write the gold ``spans`` and the decision, replacing every decision on
        ``unit_id`` and its gold spans. With ``rule`` (a pre-merge), a decision a person made on
        the unit is refused, ValidationError. ``at``: the time to record (default now).
        ``seen``: the (id, version) of the unit's decisions when the caller loaded it (``seen_on``;
        empty: the unit was open); StaleWriteError, nothing written, when they differ now."""
        spec = dict(document_id=document_id, unit_id=unit_id, start=start, end=end, kind=kind, spans=spans,
                    sources=sources, reason=reason, decision_id=decision_id)
        if seen is not None:
            spec["seen"] = seen
        return self.decide_many([spec], by=by, rule=rule, at=at)

    def decide_many(self, specs: Iterable[dict[str, Any]], *, by: str, rule: str | None = None,
                    at: str | None = None) -> DecisionChange:
        """``decide`` for many units in one transaction (a pre-merge): each spec holds decide's
        fields (document_id, unit_id, start, end, kind, spans, sources, and optionally reason,
        decision_id, seen and its own rule, instead of ``rule``). One bad spec, or two on one unit,
        or one whose unit changed since ``seen``, refuses all."""
        specs = list(specs)
        with self._tx(write=True) as s:
            by = check_adjudicator(s, by)
            at = at or now()
            check_timestamp(at, "the decision's time")
            docs = _documents(s, {spec["document_id"] for spec in specs})
            rows, gold = [], []
            for spec in specs:
                row, spans = _decision_row(spec, docs, by, rule, at)
                rows.append(row)
                gold += spans
            units = [r["unit_id"] for r in rows if r["unit_id"] is not None]
            if len(set(units)) != len(units):
                raise ValidationError("two decisions on one unit")
            _check_sources(s, [a for r in rows for a in r["sources"]])
            held = _on_units(s, units)
            _check_seen(s, specs, held)
            ruled = {r["unit_id"] for r in rows if r["rule"] is not None}
            if any(d.rule is None and d.unit_id in ruled for d in held):
                raise ValidationError("a person decided this unit; a pre-merge does not replace it")
            held_ids = {d.id for d in held}
            new_ids = [r["id"] for r in rows]
            taken = existing_ids(s, Decision, set(new_ids) - held_ids)
            if taken or len(set(new_ids)) != len(new_ids):
                raise ValidationError(f"a decision with id {(sorted(taken) or new_ids)[0]} already exists")
            replaced: dict[str, list[str]] = {}
            for d in held:  # and what it had replaced, so an older file loses those in a merge too
                replaced.setdefault(d.unit_id, []).extend([d.id, *d.replaces])
            for r in rows:
                r["replaces"] = sorted(set(replaced.get(r["unit_id"], ())) - {r["id"]})
            _number(rows, held)
            before, gold_before = _take(s, held)
            ensure_gold_annotator(s)
            insert_annotations(s, gold)
            if rows:
                s.execute(insert(Decision), rows)
            found = annotation_records(s, [g["id"] for g in gold])
            return DecisionChange(before, tuple(rows), gold_before,  # rows built here: nothing shares them
                                  tuple(found[g["id"]] for g in gold))

    def edit_gold(self, annotation_id: str, *, by: str, version: int | None = None, **fields: Any) -> DecisionChange:
        """Change a gold span's start, end, category_id, note or attributes, as adjudicator ``by``;
        its decision records the edit (accepted or merged becomes "edited"). ``version``: that
        decision's, as the caller read it (StaleWriteError if it changed since)."""
        unknown = set(fields) - {"start", "end", "category_id", "note", "attributes"}
        if unknown:
            raise ValidationError(f"cannot change {', '.join(sorted(unknown))} of a gold span")
        with self._tx(write=True) as s:
            by = check_adjudicator(s, by)
            ann = s.get(Annotation, annotation_id)
            if ann is None or ann.annotator_id != GOLD_ID:
                raise NotFoundError(f"no gold span with id {annotation_id}")
            decision = _decision_of(s, annotation_id, ann.document_id)
            expect(decision, version, _what(s, decision), decision.decided_by, s)
            before = (decision.model_dump(),)
            gold_before = (annotation_records(s, [annotation_id])[annotation_id],)
            apply_fields(s, ann, fields, f"gold span {annotation_id}")
            ann.modified, ann.modified_by = now(), by
            s.add(ann)
            if decision.kind in ("accepted", "merged"):
                decision.kind = "edited"
            decision.decided_by, decision.decided = by, ann.modified
            decision.version += 1
            s.add(decision)
            s.flush()
            return DecisionChange(before, (decision.model_dump(),), gold_before,
                                  (annotation_records(s, [annotation_id])[annotation_id],))

    def set_decision_reason(self, decision_id: str, reason: str, *, by: str,
                            version: int | None = None) -> DecisionChange:
        """Give a decision its reason (an empty one removes it), as adjudicator ``by``; ``version``
        as for ``edit_gold``."""
        with self._tx(write=True) as s:
            by = check_adjudicator(s, by)
            decision = _get_seen(s, decision_id, version)
            before = decision.model_dump()
            decision.reason, decision.decided_by, decision.decided = _check_reason(reason), by, now()
            decision.version += 1
            s.add(decision)
            s.flush()
            return DecisionChange((before,), (decision.model_dump(),), (), ())

    def reopen(self, decision_ids: Iterable[str], *, by: str, versions: dict[str, int] | None = None) -> DecisionChange:
        """Remove decisions and their gold spans, so their units are open again. ``versions``: each
        decision's, as the caller read them (StaleWriteError if one changed since)."""
        versions = versions or {}
        with self._tx(write=True) as s:
            check_adjudicator(s, by)
            before, gold_before = _take(s, [_get_seen(s, d, versions.get(d)) for d in dict.fromkeys(decision_ids)])
            return DecisionChange(before, (), gold_before, ())

    def undo_decision(self, change: DecisionChange) -> Changes:
        """Put back what ``change`` removed and take away what it wrote (undo); StaleWriteError,
        nothing written, when another client changed those decisions since."""
        with self._tx(write=True) as s:
            _swap(s, change.decisions_after, change.gold_after, change.decisions_before, change.gold_before)
        return change.changes

    def redo_decision(self, change: DecisionChange) -> Changes:
        """Make ``change`` again, with the same rows (redo)."""
        with self._tx(write=True) as s:
            _swap(s, change.decisions_before, change.gold_before, change.decisions_after, change.gold_after)
        return change.changes


def _check_reason(reason: Any) -> str:
    if not isinstance(reason, str):
        raise ValidationError("a decision's reason is text")
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ValidationError(f"a decision's reason is at most {MAX_REASON} characters")
    return reason


def _check_sources(s: Session, sources: list[str]) -> None:
    found: dict[str, str] = {}  # id -> annotator id: only what is checked (a pre-merge takes thousands)
    for chunk in chunks(sources):
        found.update(s.exec(select(Annotation.id, Annotation.annotator_id).where(Annotation.id.in_(chunk))).all())
    for ann_id in sources:
        owner = found.get(ann_id)
        if owner is None:
            raise NotFoundError(f"a decision takes annotation {ann_id}, which the project does not hold")
        if owner == GOLD_ID:
            raise ValidationError("a decision takes coders' annotations, not gold spans")


def _decision_row(spec: dict[str, Any], docs: dict[str, tuple[str, int]], by: str, rule: str | None,
                  at: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A decision's row and its gold spans' rows, from one spec of ``decide_many``, checked."""
    unknown = set(spec) - {"document_id", "unit_id", "start", "end", "kind", "spans", "sources", "reason",
                           "decision_id", "rule", "seen"}
    if unknown:
        raise ValidationError(f"a decision has no {', '.join(sorted(unknown))}")
    kind, spans, unit_id = spec.get("kind"), list(spec.get("spans") or ()), spec.get("unit_id")
    start, end = spec.get("start"), spec.get("end")
    if kind not in DECISION_KINDS:
        raise ValidationError(f"a decision is one of {', '.join(DECISION_KINDS)}, not {quoted(str(kind))}")
    if (kind == "rejected") != (not spans):
        raise ValidationError("a rejection writes no gold span; any other decision writes at least one")
    if (unit_id is None) != (kind == "created"):
        raise ValidationError("a decision names its unit, except a gold span created where no coder marked")
    if spec["document_id"] not in docs:
        raise NotFoundError(f"no document with id {spec['document_id']}")
    title, length = docs[spec["document_id"]]
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= length):
        raise ValidationError(f"a unit {start}–{end} outside document {quoted(title)}")
    if unit_id is not None:
        check_id(unit_id, "the unit's id")
    decision_id = spec.get("decision_id") or str(uuid.uuid4())
    check_id(decision_id, "the decision's id")
    gold = [dict(id=gold_span_id(decision_id, i), document_id=spec["document_id"], category_id=g.category_id,
                 annotator_id=GOLD_ID, start=g.start, end=g.end, note=g.note,
                 attributes=copy.deepcopy(g.attributes), created=at, modified=at, modified_by=by)
            for i, g in enumerate(spans)]
    row = dict(id=decision_id, document_id=spec["document_id"], unit_id=unit_id, start=start, end=end, kind=kind,
               sources=list(dict.fromkeys(spec.get("sources") or ())), gold=[g["id"] for g in gold], replaces=[],
               rule=spec.get("rule", rule), decided_by=by, decided=at, reason=_check_reason(spec.get("reason", "")))
    return row, gold


def _documents(s: Session, ids: set[str]) -> dict[str, tuple[str, int]]:
    """(title, length) of those of ``ids`` the project holds."""
    found: dict[str, tuple[str, int]] = {}
    for chunk in chunks(sorted(ids)):
        for doc_id, title, length in s.exec(select(Document.id, Document.title, Document.length)
                                            .where(Document.id.in_(chunk))).all():
            found[doc_id] = (title, length)
    return found


def _on_units(s: Session, unit_ids: list[str]) -> list[Decision]:
    held: list[Decision] = []
    for chunk in chunks(sorted(set(unit_ids))):
        held += s.exec(select(Decision).where(Decision.unit_id.in_(chunk))).all()
    return sorted(held, key=lambda d: d.id)


def _get(s: Session, decision_id: str) -> Decision:
    row = s.get(Decision, decision_id)
    if row is None:
        raise NotFoundError(f"no decision with id {decision_id}")
    return row


def _decision_of(s: Session, gold_id: str, document_id: str) -> Decision:
    for decision in s.exec(select(Decision).where(Decision.document_id == document_id)).all():
        if gold_id in decision.gold:
            return decision
    raise NotFoundError(f"gold span {gold_id} belongs to no decision")


def _take(s: Session, decisions: Sequence[Decision]) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """Delete ``decisions`` and their gold spans; return their rows."""
    rows = tuple(d.model_dump() for d in decisions)
    gold_ids = [g for d in decisions for g in d.gold]
    found = annotation_records(s, gold_ids)
    gold = tuple(found[g] for g in gold_ids if g in found)
    _delete(s, gold_ids, [r["id"] for r in rows])
    return rows, gold


def _delete(s: Session, gold_ids: list[str], decision_ids: list[str]) -> None:
    for chunk in chunks(gold_ids):
        s.execute(delete(Annotation).where(Annotation.id.in_(chunk), Annotation.annotator_id == GOLD_ID))
    for chunk in chunks(decision_ids):
        s.execute(delete(Decision).where(Decision.id.in_(chunk)))


def _swap(s: Session, decisions_out, gold_out, decisions_in, gold_in) -> None:
    """Delete the ``_out`` rows (by id) and insert the ``_in`` rows exactly, versions included (one
    client's history is a stack: each undo or redo finds what the step before it left). Refused
    (StaleWriteError) when an ``_out`` decision is not there at its version any more or another
    decision is on an ``_in`` unit: another client decided since."""
    out_ids = {d["id"] for d in decisions_out}
    for row in decisions_out:
        current = s.get(Decision, row["id"])
        if current is None or current.version != row["version"]:
            raise stale(f"the decision on {quoted(_title(s, row))} {row['start']}–{row['end']}",
                        None if current is None else current.version, row["version"],
                        None if current is None else current.decided_by, s)
    for d in _on_units(s, [r["unit_id"] for r in decisions_in if r["unit_id"] is not None]):
        if d.id not in out_ids:
            raise stale(_what(s, d), d.version, 0, d.decided_by, s)
    _delete(s, [g["id"] for g in gold_out], [d["id"] for d in decisions_out])
    s.flush()
    if gold_in:
        ensure_gold_annotator(s)
        insert_annotations(s, copy.deepcopy(list(gold_in)), restore=True)
    for row in decisions_in:
        s.add(Decision(**copy.deepcopy(row)))


def _number(rows: Sequence[dict[str, Any]], held: Sequence[Decision]) -> None:
    """Give each new decision a version one more than those it replaces on its unit (1 on an open
    unit), so a unit's versions only grow."""
    top: dict[str, int] = {}
    for d in held:
        top[d.unit_id] = max(top.get(d.unit_id, 0), d.version)
    for row in rows:
        row["version"] = top.get(row["unit_id"], 0) + 1


def seen_on(decisions: Iterable[Decision | dict[str, Any]]) -> list[tuple[str, int]]:
    """The (id, version) pairs ``decide`` takes as ``seen``, of the decisions a caller shows on a unit."""
    pairs = [(d["id"], d["version"]) if isinstance(d, dict) else (d.id, d.version) for d in decisions]
    return sorted(pairs)


def _check_seen(s: Session, specs: Sequence[dict[str, Any]], held: Sequence[Decision]) -> None:
    """StaleWriteError when a spec's unit holds other decisions than those it saw."""
    on_unit: dict[str, list[Decision]] = {}
    for d in held:
        on_unit.setdefault(d.unit_id, []).append(d)
    for spec in specs:
        if spec.get("seen") is None or spec.get("unit_id") is None:
            continue
        now = on_unit.get(spec["unit_id"], [])
        if seen_on(now) != sorted((i, v) for i, v in spec["seen"]):
            if now:
                d = max(now, key=lambda d: d.version)
                raise stale(_what(s, d), d.version, max([v for _, v in spec["seen"]], default=0), d.decided_by, s)
            raise stale(f"the decision on {quoted(_title(s, spec))} {spec['start']}–{spec['end']}", None, 0)


def _get_seen(s: Session, decision_id: str, version: int | None) -> Decision:
    """The decision, checked against the version the caller read."""
    row = s.get(Decision, decision_id)
    if row is None and version is not None:
        raise stale("the decision", None, version)
    row = _get(s, decision_id)
    expect(row, version, _what(s, row), row.decided_by, s)
    return row


def _title(s: Session, row: Decision | dict[str, Any]) -> str:
    doc = s.get(Document, row["document_id"] if isinstance(row, dict) else row.document_id)
    return doc.title if doc is not None else "a deleted document"


def _what(s: Session, d: Decision) -> str:
    return f"the decision on {quoted(_title(s, d))} {d.start}–{d.end}"


def ensure_gold_annotator(s: Session) -> None:
    """Add the gold annotator's row if the project does not hold it (the first gold span)."""
    if s.get(Annotator, GOLD_ID) is None:
        s.add(Annotator(id=GOLD_ID, name=GOLD_NAME, created=now()))
        s.flush()


def insert_decisions(s: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Write decision rows as they are (an import), inside an open session."""
    for row in rows:
        s.add(Decision(**copy.deepcopy(row)))
    s.flush()
