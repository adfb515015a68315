"""What the lanes of a unit and the line under them say, from the session (no widgets): the gold
lane (its decision's kind and categories, the gold span the edit keys move underlined), one lane per
coder considered in the unit, and which decision the edit keys act on."""

from __future__ import annotations

from annotator.gui.adjudication.lanes import Lane
from annotator.gui.adjudication.session import GOLD_COLOUR

KIND_WORDS = {"accepted": "accepted", "merged": "merged", "edited": "edited", "created": "created",
              "rejected": "rejected: nothing belongs here"}


def unit_lanes(session, unit, target, gold_index: int) -> list[Lane]:
    """The gold lane, then a lane per coder considered in ``unit`` (in the session's numbering);
    ``target``: the decision the edit keys act on; ``gold_index``: which of its gold spans."""
    lanes = [gold_lane(session, unit, target, gold_index)]
    considered = set(unit.coders) | set(unit.missing)
    for coder in session.coders:
        if coder not in considered:
            continue
        spans = [(s.start, s.end, s.category) for s in unit.spans if s.coder == coder]
        names = sorted({session.category_names.get(c, "?") for *_, c in spans})
        note = ", ".join(names) if spans else "marked nothing"
        if coder in unit.several:
            note = f"{len(spans)} spans: {note}"
        title = f"{session.number[coder]}  {session.label(coder)}"
        lanes.append(Lane(coder, title, session.colour(coder), spans, note))
    return lanes


def gold_lane(session, unit, target, gold_index: int) -> Lane:
    own = session.unit_decisions(unit)
    gold = [g for d in own for g in session.gold_of(d)]
    if not own:
        note = "open: 1–9, U, I or R"
    elif len(own) > 1:
        note = f"conflict: {len(own)} decisions"
    else:
        note = KIND_WORDS.get(own[-1].kind, own[-1].kind)
    if gold:
        note += " · " + ", ".join(sorted({session.category_names.get(g[3], "?") for g in gold}))
    lane = Lane("gold", "Gold", GOLD_COLOUR, [(g[1], g[2], g[3]) for g in gold], note)
    if target is not None and own and target.id == own[-1].id:
        mine = session.gold_of(target)
        if mine:
            chosen = mine[gold_index % len(mine)]
            lane.selected = (chosen[1], chosen[2])
    return lane


def describe(session, decision, unit, gold_index: int) -> str:
    """The line under the lanes: which decision the edit keys act on, and its gold span."""
    if decision is None:
        return "No decision yet on this unit."
    gold = session.gold_of(decision)
    where = session.titles.get(decision.document_id, "?")
    if gold:
        chosen = gold[gold_index % len(gold)]
        what = f"{session.category_names.get(chosen[3], '?')} {chosen[1]}–{chosen[2]}"
        if len(gold) > 1:
            what += f" (span {gold_index % len(gold) + 1} of {len(gold)}; Tab for the next)"
    else:
        what = "no span"
    rule = f", by rule {decision.rule}" if decision.rule else ""
    whose = "this unit's decision" if unit is not None and decision.unit_id == unit.id else "the last decision"
    return f"Edit keys act on {whose}: {KIND_WORDS.get(decision.kind, decision.kind)}{rule} · {what} · in {where}"
