"""Automatic pre-merge: where the coders agree, the gold layer takes their span without a person
looking at it, and only the rest waits in the adjudication queue (docs/adjudication.md#pre-merge).

Strategies, applied to each unit of disagreement (units.py, view ``by="any"``, gold excluded), among
the coders *considered* for its document (adjudication.adjudication_units: those who finished it
with ``done_only``, else every coder of the sources):

* ``"unanimous"``: the unit's kind is "agreement": every considered coder marked exactly one span
  in it, all with the same start, end and category. The gold layer takes that span.
* ``"majority"``: the unit's spans are grouped by (start, end, category); every group marked by at
  least ``k`` of the ``n`` considered coders becomes a gold span of the unit's one decision, so
  nested or overlapping spans that each have a majority are all kept. ``k`` is ``min_agree``: a
  whole number, or a share of ``n`` (``0.5`` of 3 coders is ``ceil(1.5) = 2``); without it, more
  than half of ``n``.
* ``"none"``: nothing is decided; every unit stays open.

Pre-merge never accepts what one coder alone marked: ``k`` is at least 2, and a document with
fewer than two considered coders stays open. An accepted unit becomes one "accepted" decision
(``Project.decide`` with ``rule="unanimous"`` or ``"majority 2/3"``) whose sources are the ids of the
coder spans it took; a gold span keeps the attributes (key and value) every one of those spans
has, and no note. Units the strategy does not accept are left open.

Re-running is safe: a unit a person decided (``rule`` None) is never touched, a unit where an
earlier run already took the same gold spans is left as it is, and ids are derived from the content
(a decision's id is uuid5 of its unit's id and its rule), so the same inputs give the same decisions.
"""

from __future__ import annotations

import gc
import json
import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from annotator.core.agreement.units import Unit
from annotator.core.errors import ValidationError, quoted
from annotator.core.project.changes import NOTHING, Changes

STRATEGIES = ("unanimous", "majority", "none")
DECISION_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "annotator:premerge:decision")


@dataclass(frozen=True)
class Strategy:
    """How pre-merge decides: ``name`` (one of STRATEGIES) and, for "majority", ``min_agree``: a
    whole number of coders (2 or more) or a share of the considered coders (above 0, at most 1)."""

    name: str = "unanimous"
    min_agree: int | float | None = None  # None: more than half

    def needed(self, coders: int) -> int:
        """How many of ``coders`` considered coders must mark a span for majority to take it:
        ``min_agree``, or ``ceil(share × coders)``, or more than half; never fewer than 2."""
        wanted = self.min_agree
        if wanted is None:
            k = coders // 2 + 1
        elif isinstance(wanted, int):
            k = wanted
        else:
            k = math.ceil(round(wanted * coders, 9))  # 0.1 × 30 is 3, not 3.0000000000000004
        return max(2, k)

    def rule(self, coders: int) -> str:
        """The rule a decision records: ``"unanimous"`` or ``"majority k/n"``."""
        return self.name if self.name != "majority" else f"majority {self.needed(coders)}/{coders}"


def strategy(name: str = "unanimous", min_agree: str | int | float | None = None) -> Strategy:
    """A checked Strategy; ``min_agree`` may be text ("2", "0.5", "50%"). ValidationError, naming the
    value, for an unknown strategy, a threshold below 2 coders or a share outside (0, 1]."""
    if name not in STRATEGIES:
        raise ValidationError(f"unknown pre-merge strategy {quoted(str(name), 40)}; "
                              f"use one of: {', '.join(STRATEGIES)}")
    if min_agree is None:
        return Strategy(name)
    if name != "majority":
        raise ValidationError(f"a minimum agreement applies to the majority strategy only, not {name}")
    value = _threshold(min_agree)
    return Strategy(name, value)


def _threshold(value: str | int | float) -> int | float:
    text = str(value).strip()
    bad = ValidationError(f"--min-agree {quoted(text, 40)}: give a number of coders (2 or more) or a share "
                          "of them (0.5, or 50%)")
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int) or text.isdigit():
            number: int | float = int(text)
        elif text.endswith("%"):
            number = float(text[:-1]) / 100
        else:
            number = float(text)
    except ValueError:
        raise bad from None
    if isinstance(number, float) and number.is_integer() and number > 1:
        number = int(number)
    if isinstance(number, int):
        if number < 2:
            raise ValidationError(f"--min-agree {number}: pre-merge needs at least 2 coders to agree")
        return number
    if not (math.isfinite(number) and 0 < number <= 1):
        raise bad
    return number


@dataclass(frozen=True)
class Proposal:
    """What pre-merge would decide on one unit: its gold spans ``(start, end, category_id,
    attributes)`` and the coder annotation ids they take."""

    unit: Unit
    rule: str
    spans: tuple[tuple[int, int, str, dict[str, Any]], ...]
    sources: tuple[str, ...]

    @property
    def decision_id(self) -> str:
        return decision_id(self.unit.id, self.rule)


def decision_id(unit_id: str, rule: str) -> str:
    """The id of the decision pre-merge makes on a unit under a rule: the same inputs, the same id."""
    return str(uuid.uuid5(DECISION_NAMESPACE, f"{unit_id}\n{rule}"))


def propose(unit: Unit, how: Strategy, attributes: Mapping[str, Mapping[str, Any]] | None = None) -> Proposal | None:
    """The decision ``how`` makes on ``unit``, or None when the unit stays open. ``attributes``:
    annotation id → attribute values (missing ids have none)."""
    considered = len(unit.coders) + len(unit.missing)
    if how.name == "none" or considered < 2:
        return None
    if how.name == "unanimous":
        if unit.kind != "agreement":
            return None
        groups = [list(unit.spans)]
    else:
        needed = how.needed(considered)
        if needed > min(considered, len(unit.spans)):
            return None
        # the unit's spans are sorted by (start, end, category, ...): each group is one run of them
        runs = (list(run) for _, run in groupby(unit.spans, key=lambda s: (s.start, s.end, str(s.category))))
        groups = [run for run in runs if len(run) >= needed and len({s.coder for s in run}) >= needed]
        if not groups:
            return None
    if attributes:
        spans = tuple((g[0].start, g[0].end, g[0].category,
                       _shared([attributes.get(s.annotation_id) or {} for s in g])) for g in groups)
    else:
        spans = tuple((g[0].start, g[0].end, g[0].category, {}) for g in groups)
    sources = tuple(sorted({s.annotation_id for g in groups for s in g if s.annotation_id is not None}))
    return Proposal(unit, how.rule(considered), spans, sources)


def _shared(values: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The attributes (key and value) that every one of ``values`` holds."""
    first, *rest = values
    key = lambda v: json.dumps(v, sort_keys=True)  # noqa: E731 (1 and True, 1 and 1.0 are different answers)
    return {k: v for k, v in sorted(first.items()) if all(k in o and key(o[k]) == key(v) for o in rest)}


@dataclass
class PremergeReport:
    """What a pre-merge did. ``units`` = ``accepted + unchanged + kept + already + left_open``."""

    strategy: str
    documents: int = 0  # documents whose units were looked at
    units: int = 0  # units seen
    accepted: int = 0  # decided by this run
    unchanged: int = 0  # an earlier pre-merge already took the same gold spans (under this rule or another)
    kept: int = 0  # a person decided them: left as they are
    already: int = 0  # decided by an earlier pre-merge under another rule that this one does not accept
    left_open: int = 0  # in the queue for a person
    gold_spans: int = 0  # gold spans this run wrote
    backup: Path | None = None
    changes: Changes = NOTHING
    decision_change: Any = None  # the DecisionChange written, for undo (Project.undo_decision)

    def lines(self) -> list[str]:
        """The summary as text, one line each."""
        done = f"{self.unchanged} already accepted the same way" if self.unchanged else ""
        other = f"{self.already} decided by an earlier pre-merge" if self.already else ""
        return [f"pre-merge ({self.strategy}): {self.units} unit(s) in {self.documents} document(s)",
                f"accepted: {self.accepted} unit(s), {self.gold_spans} gold span(s) written"
                + "".join(f"; {part}" for part in (done, other) if part),
                f"kept (a person decided): {self.kept}",
                f"left open: {self.left_open}"]


def plan(units: Iterable[Unit], how: Strategy, decisions: Iterable, attributes=None,
         report: PremergeReport | None = None) -> list[Proposal]:
    """The proposals to write, given the decisions already made (objects with ``id``, ``unit_id``,
    ``rule``, and the gold spans as ``spans``: tuples like a Proposal's). Counts every unit in ``report``."""
    report = report if report is not None else PremergeReport(how.name)
    by_unit: dict[str, list] = {}
    for decision in decisions:
        if decision.unit_id is not None:
            by_unit.setdefault(decision.unit_id, []).append(decision)
    todo = []
    docs = set()
    for unit in units:
        report.units += 1
        docs.add(unit.document)
        held = by_unit.get(unit.id, [])
        if any(d.rule is None for d in held):
            report.kept += 1
            continue
        proposal = propose(unit, how, attributes)
        if proposal is None:
            if held:
                report.already += 1
            else:
                report.left_open += 1
        elif len(held) == 1 and held[0].spans == proposal.spans:  # under this rule or another
            report.unchanged += 1
        else:
            report.accepted += 1
            report.gold_spans += len(proposal.spans)
            todo.append(proposal)
    report.documents = len(docs)
    return todo


@dataclass(frozen=True)
class _Held:
    """A decision already made, as ``plan`` compares it."""

    id: str
    unit_id: str | None
    rule: str | None
    spans: tuple


def premerge(project, how: Strategy, *, by: str, documents: Iterable[str] | None = None, done_only: bool = False,
             at: str | None = None, backup: str | None = "before-premerge") -> PremergeReport:
    """Pre-merge the units of ``project`` (``documents``: ids, default all; ``done_only``: see
    adjudication.adjudication_units) as coder ``by``: every decision in one transaction
    (``Project.decide_many``), after a backup named ``backup`` (none when there is nothing to
    decide, or with None). ``at``: the time the decisions record
    (default now). Returns the report; ``report.changes`` says what changed, and the decisions'
    ``DecisionChange`` is ``report.decision_change``, for undo."""
    paused = gc.isenabled()
    gc.disable()  # ~100,000 small objects (spans, units): cyclic collections half-way took a third of the time
    try:
        return _premerge(project, how, by, documents, done_only, at, backup)
    finally:
        if paused:
            gc.enable()


def _premerge(project, how: Strategy, by: str, documents, done_only: bool, at: str | None,
              backup: str | None) -> PremergeReport:
    from annotator.core.agreement.adjudication import adjudication_units
    from annotator.core.agreement.sources import AgreementData
    from annotator.core.project.gold import GoldSpan
    from annotator.core.storage.tables import GOLD_ID

    report = PremergeReport(how.name)
    spans, ids, attributes, gold = [], [], {}, {}
    for ann_id, doc, coder, start, end, category, stored in project.span_values():  # the spans, once
        values = {} if stored == "{}" else json.loads(stored)
        if coder == GOLD_ID:
            gold[ann_id] = (start, end, category, values)
            continue
        spans.append((doc, coder, start, end, category))
        ids.append(ann_id)
        if values:
            attributes[ann_id] = values
    docs = project.documents()
    data = AgreementData({d.id: d.length for d in docs}, spans, {a.id: a.name for a in project.annotators()
                                                                 if a.id != GOLD_ID},
                         {}, {d.id: d.title for d in docs}, statuses=project.status_matrix(), annotation_ids=ids)
    units = adjudication_units(data, documents=None if documents is None else list(documents), done_only=done_only)
    held = [_Held(d.id, d.unit_id, d.rule, tuple(sorted((gold[g] for g in d.gold if g in gold), key=lambda t: t[:3])))
            for d in project.decisions()]
    todo = plan(units, how, held, attributes, report)
    if not todo:
        return report
    if backup is not None:  # the state before, then every decision in one transaction
        report.backup = project.backup(backup)
    change = project.decide_many(
        [dict(document_id=p.unit.document, unit_id=p.unit.id, start=p.unit.start, end=p.unit.end, kind="accepted",
              spans=[GoldSpan(s, e, c, dict(values)) for s, e, c, values in p.spans], sources=p.sources,
              decision_id=p.decision_id, rule=p.rule) for p in todo], by=by, at=at)
    report.decision_change, report.changes = change, change.changes
    return report
