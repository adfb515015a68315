"""Which position rule a source's selections follow (docs/refi-qda.md, "Positions").

Decided per source, since a package may hold sources of several origins (and a source without line
ends or astral characters reads the same under every rule). The rules are tried in the order of
preference: the rule of the file's ``origin`` (NVivo, MAXQDA), then the standard's, then NVivo's
and MAXQDA's, then every other candidate of ``positions.candidate_rules``. A rule fits when every
selection of the source starts and ends on a character boundary inside the text, start before end.
The first rule that fits is taken; when another that fits gives different offsets, the choice is
reported. When none fits, the origin's rule is taken, or without one the rule under which the most
selections fit (the earlier on a tie), and the selections it cannot place are refused one by one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.core.exchange.qdpx import positions
from annotator.core.exchange.qdpx.positions import MAXQDA, NVIVO, STANDARD, PositionRule, UnitMap

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LINE_END = re.compile("[\r\n\u2029]")


def origin_rule(origin: str) -> PositionRule | None:
    """The rule the tool named in a project's ``origin`` attribute is known to write, if any; a
    rule the origin states in words (Annotator's own: "Annotator 0.1.0 (positions: UTF-16 units,
    CR LF as 2, BOM not counted)") is taken as stated."""
    stated = re.search(r"\(positions: ([^)]*)\)", origin)
    if stated:
        for rule in positions.candidate_rules():
            if rule.describe() == stated.group(1):
                return rule
    lowered = origin.casefold()
    if "nvivo" in lowered:
        return NVIVO
    if "maxqda" in lowered:
        return MAXQDA
    return None


def describe(rule: PositionRule) -> str:
    """The rule in words, with the tool it belongs to."""
    who = {STANDARD: "the standard", NVIVO: "as NVivo counts", MAXQDA: "as MAXQDA counts"}.get(rule)
    return rule.describe() + (f" ({who})" if who else "")


@dataclass
class Choice:
    """The rule taken for one source, the offsets of its selections under it (None: cannot be
    placed, with the reason) and a note when another rule fitted with other offsets."""

    rule: PositionRule
    offsets: list[tuple[int, int] | None]
    reasons: list[str]
    note: str = ""


def choose_rule(raw: str, spans: list[tuple[int, int]], origin: PositionRule | None) -> Choice:
    """The rule for one source's raw text (BOM and CR LF as in its file) and its selections'
    ``(start, end)``; see the module docstring."""
    known = [origin, STANDARD, NVIVO, MAXQDA] if origin else [STANDARD, NVIVO, MAXQDA]
    order = list(dict.fromkeys(known + positions.candidate_rules()))
    features = ("\r\n" in raw, raw.startswith("\ufeff"), bool(_ASTRAL.search(raw)), bool(_LINE_END.search(raw)))
    tried: dict[PositionRule, PositionRule] = {}  # the simplest form of each rule tried -> that rule
    chosen: tuple[PositionRule, list[tuple[int, int]]] | None = None
    for rule in order:
        same = _effective(rule, *features)
        if same in tried:
            continue  # counts this text as a rule already tried does
        tried[same] = rule
        offsets = _place(UnitMap(raw, rule), spans, stop=True)
        if offsets is None:
            continue
        if chosen is None:
            chosen = rule, offsets
        elif offsets != chosen[1]:  # another rule fits with other offsets: say so, look no further
            note = (f"the positions also fit {describe(rule)}, which gives other offsets; {describe(chosen[0])} "
                    "was taken, as preferred")
            return Choice(chosen[0], chosen[1], [""] * len(spans), note)
    if chosen is not None:
        return Choice(chosen[0], chosen[1], [""] * len(spans))
    results = [(rule, _place(UnitMap(raw, rule), spans)) for rule in tried.values()]
    if origin is not None:
        rule, offsets = results[0]
    else:  # the first of those that place the most
        rule, offsets = max(results, key=lambda item: sum(o is not None for o in item[1]))
    umap = UnitMap(raw, rule)
    reasons = ["" if placed else _why(umap, start, end) for placed, (start, end) in zip(offsets, spans)]
    return Choice(rule, offsets, reasons)


def _effective(rule: PositionRule, crlf: bool, bom: bool, astral: bool, line_end: bool) -> PositionRule:
    """The simplest rule that counts this text as ``rule`` does (parts the text never meets dropped)."""
    return PositionRule(rule.unit if astral else "code points", rule.crlf if crlf else 1,
                        rule.line_extra if line_end else 0, rule.bom and bom)


def _place(umap: UnitMap, positions: list[tuple[int, int]], stop: bool = False):
    """Each selection's offsets under the map's rule, None where it cannot be placed; with ``stop``,
    None for the whole list at the first that cannot."""
    out: list[tuple[int, int] | None] = []
    to_offset = umap.to_offset
    for start, end in positions:
        a, b = to_offset(start), to_offset(end)
        if a is not None and b is not None and a < b:
            out.append((a, b))
        elif stop:
            return None
        else:
            out.append(None)
    return out


def _why(umap: UnitMap, start: int, end: int) -> str:
    """Why a selection cannot be placed under the map's rule, for the refusal."""
    if start >= end:
        return f"it ends ({end}) where or before it starts ({start})"
    for name, value in (("start", start), ("end", end)):
        if not umap.lead <= value <= umap.units:
            return f"its {name} {value} falls outside the text ({umap.units} positions under {describe(umap.rule)})"
    for name, value in (("start", start), ("end", end)):
        if umap.to_offset(value) is None:
            return f"its {name} {value} splits a character under {describe(umap.rule)}"
    return f"its positions {start}–{end} are empty once converted under {describe(umap.rule)}"
