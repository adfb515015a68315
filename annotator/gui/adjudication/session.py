"""What the adjudication window works on, without widgets: the units of disagreement of the project
(core.agreement.adjudication), the decisions made on them, the coders numbered 1, 2, 3 (by name, or
blind: by id, shown as "Coder 1"), the queue as the filters narrow it, and the core commands each
key makes. Every call into the gold layer's core API is here, so the widgets only ask this object.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from annotator.core.agreement.adjudication import adjudication_units, progress, unit_state
from annotator.core.errors import AnnotatorError
from annotator.core.project.commands import Decide, EditGold, Reopen, SetDecisionReason
from annotator.core.project.gold import GoldSpan, seen_on
from annotator.core.storage.tables import GOLD_ID
from annotator.gui.adjudication.spans import intersection, union

# A colour per coder lane (Okabe–Ito, told apart with most colour-vision deficiencies), by number.
CODER_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
                 "#999999")
GOLD_COLOUR = "#b8860b"
TODO = ("open", "conflict")
SHOW = {"todo": "To do (open and conflicts)", "open": "Open", "conflict": "Conflicts", "resolved": "Resolved",
        "all": "All units"}


@dataclass
class Filters:
    document: str | None = None  # a document id
    category: str | None = None  # a category id the unit's spans carry
    kind: str | None = None  # a unit kind (core.agreement.units.KINDS)
    show: str = "todo"  # a key of SHOW

    def admits(self, unit, state: str) -> bool:
        if self.document is not None and unit.document != self.document:
            return False
        if self.category is not None and self.category not in unit.categories:
            return False
        if self.kind is not None and unit.kind != self.kind:
            return False
        return self.show == "all" or state == self.show or (self.show == "todo" and state in TODO)


class RefusedError(AnnotatorError):
    """A key that cannot act here (one line in the window's message line, not a dialog)."""


class AdjudicationSession:
    """``by``: the id of the coder who decides (the window's current coder); ``name``: their name,
    for their row in the project if their first decision makes it."""

    def __init__(self, project, by: str, blind: bool = False, name: str | None = None) -> None:
        self.project = project
        self.by = by
        self.by_name = name
        self.blind = blind
        self.filters = Filters()
        self.last_decision: str | None = None  # the id of the decision made last in this window
        self.load()

    # -- reading the project -------------------------------------------------------------------

    def load(self) -> None:
        """Units, names, coders and decisions, read again (after coders' annotations changed)."""
        project = self.project
        self.titles = {d.id: d.title for d in project.documents()}
        self.categories = project.categories()
        self.category_names = {c.id: c.name for c in self.categories}
        self.category_colours = {c.id: c.colour for c in self.categories}
        self.names = {a.id: a.name for a in project.annotators()}
        order = {d: i for i, d in enumerate(sorted(self.titles, key=lambda d: (self.titles[d].casefold(), d)))}
        self.units = sorted(adjudication_units(project),
                            key=lambda u: (order.get(u.document, -1), u.start, u.end, u.id))
        self.unit_by_id = {u.id: u for u in self.units}
        self.position = {u.id: i for i, u in enumerate(self.units)}
        self.coder_ids = sorted({c for u in self.units for c in (*u.coders, *u.missing)} - {GOLD_ID})
        self.number_coders()
        self.load_decisions()

    def number_coders(self) -> None:
        """Numbers 1, 2, 3 …: by name, or (blind) by id, which says nothing about who is who."""
        key = (lambda c: c) if self.blind else (lambda c: (self.names.get(c, c).casefold(), c))
        self.coders = sorted(self.coder_ids, key=key)
        self.number = {c: i + 1 for i, c in enumerate(self.coders)}

    def set_blind(self, blind: bool) -> None:
        self.blind = blind
        self.number_coders()

    def load_decisions(self) -> None:
        self.decisions = {d.id: d for d in self.project.decisions()}
        self.by_unit: dict[str, list] = defaultdict(list)
        for decision in self.decisions.values():
            if decision.unit_id is not None:
                self.by_unit[decision.unit_id].append(decision)
        self.states = {u.id: unit_state(u, self.by_unit) for u in self.units}
        self._gold: dict[str, dict] = {}

    def apply(self, change, undone: bool) -> None:
        """Follow one decision operation (its ``DecisionChange``) done, redone or ``undone``,
        without reading every decision again: what it removed and wrote, swapped."""
        gone, come = (change.decisions_after, change.decisions_before) if undone else \
            (change.decisions_before, change.decisions_after)
        units = set()
        for row in (*gone, *come):
            self._gold.pop(row["document_id"], None)
            units.add(row["unit_id"])
        for row in gone:
            self.decisions.pop(row["id"], None)
        for row in come:
            self.decisions[row["id"]] = SimpleNamespace(**row)
        for unit_id in units - {None}:
            self.by_unit[unit_id] = [d for d in self.decisions.values() if d.unit_id == unit_id]
            if unit_id in self.unit_by_id:
                self.states[unit_id] = unit_state(self.unit_by_id[unit_id], self.by_unit)

    def gold_spans(self, document_id: str) -> dict[str, tuple]:
        """The gold annotations of a document: id → (id, start, end, category_id, annotator_id)."""
        cached = self._gold.get(document_id)
        if cached is None:
            rows = self.project.annotation_spans(document_id, GOLD_ID)
            cached = self._gold[document_id] = {row[0]: row for row in rows}
        return cached

    @property
    def acting(self):
        """The ``by`` of a command: the id, or (id, name) while the project has no row for them."""
        return self.by if self.by in self.names or not self.by_name else (self.by, self.by_name)

    # -- what the widgets show -----------------------------------------------------------------

    def label(self, coder: str) -> str:
        """"Coder 2" when blind, else the coder's name."""
        return f"Coder {self.number[coder]}" if self.blind or coder not in self.names else self.names[coder]

    def colour(self, coder: str) -> str:
        return CODER_COLOURS[(self.number.get(coder, 1) - 1) % len(CODER_COLOURS)]

    def state(self, unit) -> str:
        return self.states.get(unit.id, "open")

    def progress(self, units=None) -> tuple[int, int]:
        """(resolved, total) of ``units`` (default: every unit)."""
        return progress(self.units if units is None else units, list(self.decisions.values()))

    def filtered(self, ignore_state: bool = False) -> list:
        """The units the filters admit, in queue order (documents by title, then by position)."""
        f = self.filters
        if ignore_state:
            f = Filters(f.document, f.category, f.kind, "all")
        return [u for u in self.units if f.admits(u, self.state(u))]

    def step(self, current, forward: bool = True):
        """The next (or previous) open or conflicting unit the filters admit after ``current``,
        round the end once; None when there is none."""
        units = [u for u in self.filtered(ignore_state=True) if self.state(u) in TODO]
        if not units:
            return None
        if current is None:
            return units[0] if forward else units[-1]
        key = self._key(current)
        if forward:
            return next((u for u in units if self._key(u) > key), units[0])
        return next((u for u in reversed(units) if self._key(u) < key), units[-1])

    def _key(self, unit) -> tuple:
        return self.position.get(unit.id, -1), unit.id

    def unit_decisions(self, unit) -> list:
        return sorted(self.by_unit.get(unit.id, ()), key=lambda d: (d.decided, d.id))

    def target(self, unit):
        """The decision the edit keys change: the unit's own (its latest), else the one made last."""
        own = self.unit_decisions(unit) if unit is not None else []
        if own:
            return own[-1]
        return self.decisions.get(self.last_decision) if self.last_decision else None

    # -- the decision keys ---------------------------------------------------------------------

    def take(self, unit, number: int) -> Decide:
        """Coder ``number``'s spans in the unit, as they are ("accepted")."""
        if not 1 <= number <= len(self.coders):
            raise RefusedError(f"there is no coder {number} (coders 1–{len(self.coders)})")
        coder = self.coders[number - 1]
        spans = [s for s in unit.spans if s.coder == coder]
        if not spans:
            raise RefusedError(f"{self.label(coder)} marked nothing here: R rejects the unit")
        pieces = [(s.start, s.end, s.category, (s.annotation_id,)) for s in spans]
        return self._decide(unit, "accepted", pieces, [s.annotation_id for s in spans])

    def union(self, unit) -> Decide:
        return self._decide(unit, "merged", union(unit.spans), [s.annotation_id for s in unit.spans])

    def intersection(self, unit) -> Decide:
        pieces = intersection(unit.spans, [c.id for c in self.categories])
        if not pieces:
            raise RefusedError("the coders' spans here have no character in common: take one coder's (1–9) or U")
        return self._decide(unit, "merged", pieces, sorted({i for p in pieces for i in p[3]}))

    def reject(self, unit) -> Decide:
        """Nothing belongs here ("rejected"): no gold span."""
        return self._decide(unit, "rejected", [], [])

    def _decide(self, unit, kind: str, pieces: Iterable[tuple], sources: list) -> Decide:
        attributes = self._attributes(pieces)
        spans = [GoldSpan(start, end, category, attributes.get(ids, {})) for start, end, category, ids in pieces]
        return Decide(unit.document, unit_id=unit.id, start=unit.start, end=unit.end, kind=kind, spans=spans,
                      sources=[s for s in sources if s is not None], by=self.acting,
                      seen=seen_on(self.unit_decisions(unit)))  # as shown: refused if another decided since

    def _attributes(self, pieces) -> dict[tuple, dict]:
        """A gold span keeps its sources' attribute values where they all agree."""
        found = {}
        for *_, ids in pieces:
            values = [self.project.annotation(i).attributes for i in ids if i is not None]
            if values and all(v == values[0] for v in values):
                found[ids] = dict(values[0])
        return found

    def reopen(self, unit) -> Reopen:
        own = self.unit_decisions(unit)
        if not own:
            raise RefusedError("this unit is open: nothing to reopen")
        return Reopen([d.id for d in own], by=self.acting, versions={d.id: d.version for d in own})

    # -- the edit keys on a decision's gold span --------------------------------------------------

    def gold_of(self, decision) -> list[tuple]:
        spans = self.gold_spans(decision.document_id)
        return sorted((spans[g] for g in decision.gold if g in spans), key=lambda r: (r[1], r[2], r[0]))

    def move_edge(self, decision, which: int, edge: str, step: int) -> EditGold:
        """Move the start or end of the decision's gold span ``which`` by ``step`` characters."""
        gold = self._one_gold(decision, which)
        start, end = gold[1] + (step if edge == "start" else 0), gold[2] + (step if edge == "end" else 0)
        length = len(self.project.document(decision.document_id).text)
        if not 0 <= start < end <= length:
            raise RefusedError("the span cannot be made empty or run past the text")
        return EditGold(gold[0], by=self.acting, start=start, end=end, version=decision.version)

    def recategorise(self, decision, which: int, category_id: str) -> EditGold:
        gold = self._one_gold(decision, which)
        if gold[3] == category_id:
            raise RefusedError(f"the gold span is {self.category_names.get(category_id, '?')} already")
        return EditGold(gold[0], by=self.acting, category_id=category_id, version=decision.version)

    def _one_gold(self, decision, which: int) -> tuple:
        if decision is None:
            raise RefusedError("no decision to change yet: decide first (1–9, U, I)")
        gold = self.gold_of(decision)
        if not gold:
            raise RefusedError("a rejection has no span to change: take a coder's version (1–9) instead")
        return gold[which % len(gold)]

    def set_reason(self, decision, reason: str) -> SetDecisionReason:
        if decision is None:
            raise RefusedError("no decision to give a reason for yet: decide first")
        return SetDecisionReason(decision.id, reason.strip(), by=self.acting, version=decision.version)
