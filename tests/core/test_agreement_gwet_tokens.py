"""Token-level Gwet's AC1 (annotator.core.agreement.spans.tokens.token_ac1 and the span report's
``token_ac1``): against irrCAC on a token × coder table built by hand, and against the item-level
AC1 (annotator.core.agreement.gwet) on random span studies.

Provenance: the expected values are irrCAC 0.4.4's ``CAC(table).gwet()`` on the hand-built tables
in tests/fixtures/gwet/make_irrcac_values.py (its "tokens" entry in irrcac_values.json)."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.gwet import gwet_ac1
from annotator.core.agreement.spans import prepare, span_report, token_ac1, token_alpha
from annotator.core.agreement.spans.tokens import _covered

TOKENS = json.loads((Path(__file__).parents[1] / "fixtures" / "gwet" / "irrcac_values.json").read_text())["tokens"]

# The example of make_irrcac_values.py: 3 coders, categories A and B, two documents.
TEXTS = {"d1": "the cat sat on the mat today .", "d2": "one two three"}
SPANS = [("d1", "x", 0, 7, "A"), ("d1", "x", 19, 22, "B"),
         ("d1", "y", 4, 11, "A"), ("d1", "y", 19, 28, "B"),
         ("d1", "z", 0, 7, "A"),
         ("d2", "x", 4, 7, "A"), ("d2", "y", 4, 13, "A")]
CODERS, DOCUMENTS = ["x", "y", "z"], ["d1", "d2"]  # z marked nothing in d2: it still counts, listed


def test_the_spans_give_the_hand_built_tables():
    p = prepare(TEXTS, SPANS, CODERS, None, DOCUMENTS)
    assert list(p.categories) == ["A", "B"]
    for doc in p.docs:
        covered = _covered(doc, 3, 2)  # coders × categories × tokens
        for k, category in enumerate(p.categories):
            assert covered[:, k, :].T.astype(int).tolist() == TOKENS["tables"][f"{doc.doc_id}/{category}"]


def test_token_ac1_matches_irrcac_on_the_token_table():
    result = token_ac1(TEXTS, SPANS, CODERS, None, DOCUMENTS)
    assert result["overall"] == pytest.approx(TOKENS["overall"], abs=1e-12)
    for category, expected in TOKENS["per_category"].items():
        assert result["per_category"][category] == pytest.approx(expected, abs=1e-12)
    report = span_report(TEXTS, SPANS, CODERS, None, DOCUMENTS)
    assert report["overall"]["token_ac1"] == pytest.approx(TOKENS["overall"], abs=1e-12)
    for category, expected in TOKENS["per_category"].items():
        assert report["per_category"][category]["token_ac1"] == pytest.approx(expected, abs=1e-12)
    for document, expected in TOKENS["per_document"].items():
        assert report["per_document"][document]["token_ac1"] == pytest.approx(expected, abs=1e-12)


def test_by_hand_for_one_category():
    # category B, 11 tokens, 3 coders: r = 2 on "mat", 1 on "today", 0 elsewhere.
    # a token covered by r of the 3 coders has [r(r−1) + (3−r)(2−r)] / 6 agreeing ordered pairs: 1 at r = 0,
    # 1/3 at r = 1 or 2; so p_a = (9 + 1/3 + 1/3) / 11, π = (2 + 1) / 33, p_e = 2π(1 − π)
    pa = (9 + 2 / 6 + 2 / 6) / 11
    pi = 3 / 33
    pe = 2 * pi * (1 - pi)
    assert token_ac1(TEXTS, SPANS, CODERS, None, DOCUMENTS)["per_category"]["B"] == pytest.approx((pa - pe) / (1 - pe))


def test_a_category_nobody_used_is_one_where_alpha_has_no_value():
    spans = SPANS + [("d1", "x", 0, 3, "C")]  # C: one token by one coder; D: nobody
    categories = ["A", "B", "C", "D"]
    result = token_ac1(TEXTS, spans, CODERS, categories, DOCUMENTS)
    assert result["per_category"]["D"] == 1.0
    assert isinstance(token_alpha(TEXTS, spans, CODERS, categories, DOCUMENTS)["per_category"]["D"], Undefined)
    assert 0 < result["per_category"]["C"] < 1


def test_no_tokens():
    result = token_ac1({"blank": "  \t "}, [("blank", "A", 0, 1, "X"), ("blank", "B", 0, 2, "X")])
    assert result["overall"] == result["per_category"]["X"] == Undefined("no tokens")


@st.composite
def studies(draw):
    m = draw(st.integers(2, 5))
    length = draw(st.integers(1, 30))
    spans = []
    for j in range(m):
        for _ in range(draw(st.integers(1, 4))):
            start = draw(st.integers(0, length - 1))
            end = draw(st.integers(start + 1, length))
            spans.append(("d", f"c{j}", start, end, draw(st.sampled_from("XY"))))
    return {"d": length}, spans, [f"c{j}" for j in range(m)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(studies())
def test_equals_item_level_ac1_on_the_token_table(study):
    texts, spans, coders = study
    p = prepare(texts, spans, coders, None, ["d"])
    covered = _covered(p.docs[0], len(coders), len(p.categories))  # coders × categories × tokens
    result = token_ac1(texts, spans, coders, None, ["d"])
    for k, category in enumerate(p.categories):
        assert result["per_category"][category] == pytest.approx(gwet_ac1(covered[:, k, :].T.astype(np.int64)))
    pooled = np.concatenate([covered[:, k, :].T for k in range(len(p.categories))]).astype(np.int64)
    assert result["overall"] == pytest.approx(gwet_ac1(pooled))
