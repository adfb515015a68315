"""REFI-QDA position rules: code points over the normalised text against each vendor's counting."""

from __future__ import annotations

import random

import pytest

from annotator.core.exchange.qdpx.positions import (
    MAXQDA,
    NVIVO,
    STANDARD,
    PositionRule,
    UnitMap,
    candidate_rules,
)
from annotator.core.text import normalise


def _units_by_hand(raw: str, rule: PositionRule) -> list[int | None]:
    """For every normalised offset, its position under the rule, counted character by character."""
    body = raw[1:] if raw.startswith("\ufeff") else raw
    units = 1 if raw.startswith("\ufeff") and rule.bom else 0
    out = [units]
    i = 0
    while i < len(body):
        ch = body[i]
        if body.startswith("\r\n", i):
            units += rule.crlf + rule.line_extra
            i += 2
        else:
            if ch in "\r\n\u2029":
                units += 1 + rule.line_extra
            else:
                units += 2 if rule.unit == "UTF-16 units" and ord(ch) > 0xFFFF else 1
            i += 1
        out.append(units)
    return out


TEXTS = [
    "",
    "plain text",
    "\ufeffBOM first\r\nthen CR LF\r\n",
    "a\rb\nc\u2029d\r\n\r\n",
    "astral \U0001F600 and \U00010348\r\n\U0001F600",
    "\ufeff\U0001F600\r\n",
    "caf\u00e9 e\u0301 \u00df \u03c3\u03c2",
]


@pytest.mark.parametrize("raw", TEXTS)
@pytest.mark.parametrize("rule", candidate_rules())
def test_both_directions_agree_with_counting_by_hand(raw, rule):
    text = normalise(raw)
    mapping = UnitMap(raw, rule)
    expected = _units_by_hand(raw, rule)
    assert mapping.length == len(text)
    assert [mapping.to_units(i) for i in range(len(text) + 1)] == expected
    boundaries = {u: i for i, u in enumerate(expected)}
    for units in range(-2, expected[-1] + 3):
        assert mapping.to_offset(units) == boundaries.get(units), (units, rule)


def test_random_texts():
    rng = random.Random(16)
    alphabet = ["a", "\u00e9", "\r\n", "\r", "\n", "\u2029", "\U0001F600", "\u4e2d"]
    for _ in range(200):
        raw = ("\ufeff" if rng.random() < 0.3 else "") + "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        for rule in (STANDARD, NVIVO, MAXQDA, PositionRule("UTF-16 units", 1, 1, True)):
            expected = _units_by_hand(raw, rule)
            mapping = UnitMap(raw, rule)
            assert [mapping.to_units(i) for i in range(mapping.length + 1)] == expected
            inverse = {u: i for i, u in enumerate(expected)}
            every = range(expected[-1] + 1)
            assert [mapping.to_offset(u) for u in every] == [inverse.get(u) for u in every]


def test_nvivo_counts_utf16_units_over_crlf_without_the_bom():
    # ../shared/refi-qda/README.md: "NVivo counts selection positions in UTF-16 code units over the raw
    # source text (UTF-8 with BOM, CRLF line ends; the BOM is not counted, CRLF counts as 2, end exclusive)".
    raw = "\ufeffOne \U0001F600\r\nTwo"
    text = normalise(raw)
    start = text.index("Two")
    mapping = UnitMap(raw, NVIVO)
    assert mapping.to_units(start) == len("One ") + 2 + 2 == 8
    assert mapping.to_offset(8) == start
    assert mapping.to_offset(7) is None  # between CR and LF
    assert mapping.to_offset(5) is None  # inside the surrogate pair


def test_maxqda_counts_one_extra_per_line_end():
    raw = "first\nsecond\nthird"
    mapping = UnitMap(raw, MAXQDA)
    assert mapping.to_units(raw.index("third")) == raw.index("third") + 2


def test_offsets_outside_the_text_are_refused():
    mapping = UnitMap("abc")
    with pytest.raises(ValueError):
        mapping.to_units(4)
    assert mapping.to_offset(4) is None and mapping.to_offset(-1) is None


def test_rules_are_described_and_checked():
    assert STANDARD.describe() == "code points, CR LF as 1, BOM not counted"
    assert NVIVO.describe() == "UTF-16 units, CR LF as 2, BOM not counted"
    assert candidate_rules()[0] == STANDARD and len(set(candidate_rules())) == 16
    with pytest.raises(ValueError):
        PositionRule("bytes")
