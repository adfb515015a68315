"""How a REFI-QDA file counts text-selection positions, and conversion to Annotator's offsets.

REFI-QDA 1.5 (section 10) counts positions in Unicode characters over the source's text, start
inclusive and end exclusive. Vendors differ: NVivo counts UTF-16 code units over the raw text, a
CR LF as 2 and the BOM not at all; MAXQDA needs one extra character per line end. Annotator stores
code points over the normalised text (``core.text.normalise``: no BOM, every line end one LF).

A ``PositionRule`` says how a file counts; a ``UnitMap`` holds, for one source's raw text, where
its counting differs from one unit per normalised character, and converts both ways: a position
that falls inside a character (half a surrogate pair, between CR and LF, inside a counted BOM or
beyond the text) has no offset. Only the irregular places are stored, so a long text with few
line ends or astral characters costs little.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

_SPECIAL = re.compile("\r\n|[\r\n\u2029]|[\U00010000-\U0010ffff]")
_LINE_ENDS = ("\r\n", "\r", "\n", "\u2029")


@dataclass(frozen=True, slots=True)
class PositionRule:
    """One way of counting positions: ``unit`` ``"code points"`` or ``"UTF-16 units"``; ``crlf``
    how many units a CR LF counts as (1 or 2); ``line_extra`` units added at every line end (0, or
    1 as MAXQDA counts); ``bom`` whether a leading byte-order mark is counted."""

    unit: str = "code points"
    crlf: int = 1
    line_extra: int = 0
    bom: bool = False

    def __post_init__(self) -> None:
        if self.unit not in ("code points", "UTF-16 units") or self.crlf not in (1, 2) or self.line_extra not in (0, 1):
            raise ValueError(f"not a position rule: {self!r}")

    def describe(self) -> str:
        """The rule in words, as a report names it."""
        parts = [self.unit, f"CR LF as {self.crlf}"]
        if self.line_extra:
            parts.append("one extra per line end")
        parts.append("BOM counted" if self.bom else "BOM not counted")
        return ", ".join(parts)


STANDARD = PositionRule()  # REFI-QDA 1.5: characters, a line end as written in the normalised text
NVIVO = PositionRule("UTF-16 units", crlf=2)
MAXQDA = PositionRule(line_extra=1)


def candidate_rules() -> list[PositionRule]:
    """Every rule an importer may try, the standard's first."""
    rules = [PositionRule(unit, crlf, extra, bom) for unit, crlf, extra, bom
             in itertools.product(("code points", "UTF-16 units"), (1, 2), (0, 1), (False, True))]
    return sorted(rules, key=lambda rule: rule != STANDARD)  # stable: the rest keep their order


class UnitMap:
    """Positions under ``rule`` over ``raw`` (a source's decoded text, BOM and CR LF as in the
    file) against code points over ``normalise(raw)``."""

    def __init__(self, raw: str, rule: PositionRule = STANDARD) -> None:
        self.rule = rule
        has_bom = raw.startswith("\ufeff")
        body = raw[1:] if has_bom else raw
        self.lead = 1 if has_bom and rule.bom else 0
        utf16 = rule.unit == "UTF-16 units"
        self._index: list[int] = []  # normalised index of each irregular character
        self._starts: list[int] = []  # the unit where it starts
        self._widths: list[int] = []  # how many units it counts
        self._cumulative = [self.lead]  # extra units before the k-th irregular character
        removed = 0
        for match in _SPECIAL.finditer(body):
            found = match.group()
            if found == "\r\n":
                width = rule.crlf + rule.line_extra
            elif found in _LINE_ENDS:
                width = 1 + rule.line_extra
            else:
                width = 2 if utf16 else 1
            index = match.start() - removed
            removed += len(found) - 1
            if width != 1:
                self._index.append(index)
                self._starts.append(index + self._cumulative[-1])
                self._widths.append(width)
                self._cumulative.append(self._cumulative[-1] + width - 1)
        self.length = len(body) - removed  # code points of the normalised text
        self.units = self.length + self._cumulative[-1]  # units of the whole raw text under the rule

    def to_units(self, offset: int) -> int:
        """The position under the rule of a code-point offset into the normalised text."""
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} outside a text of {self.length} characters")
        return offset + self._cumulative[bisect_left(self._index, offset)]

    def to_offset(self, units: int) -> int | None:
        """The code-point offset of a position under the rule, or None when the position is not a
        character boundary of the text (inside a character or a counted BOM, or outside the text)."""
        if not self.lead <= units <= self.units:
            return None
        k = bisect_right(self._starts, units) - 1
        if k < 0:
            return units - self.lead
        if units == self._starts[k]:
            return self._index[k]
        if units < self._starts[k] + self._widths[k]:
            return None
        return units - self._cumulative[k + 1]
