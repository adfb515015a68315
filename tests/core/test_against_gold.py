"""Each coder against the gold standard (issue 15 point 7): the existing span measures for the pair
(coder, gold), checked against the existing tests' reference values and a constructed case worked
by hand, and the list of what the adjudicator changed."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.core.agreement.against_gold import against_gold, against_gold_as_dict, against_gold_csv
from annotator.core.agreement.common import is_defined
from annotator.core.agreement.sources import AgreementData, GoldDecision
from annotator.core.agreement.spans import unitizing_alpha
from annotator.core.errors import ValidationError
from annotator.core.storage.tables import GOLD_ID


def data_of(texts, coder_spans, gold_spans, decisions=(), **extra) -> AgreementData:
    """AgreementData with coders' spans (doc, coder, start, end, category) and gold spans (doc,
    start, end, category), as ``sources`` reduces a project with a gold layer."""
    coders = sorted({s[1] for s in coder_spans})
    cats = sorted({s[4] for s in coder_spans} | {g[3] for g in gold_spans})
    return AgreementData(texts=dict(texts), spans=list(coder_spans), annotators={c: c for c in coders},
                         categories={c: c for c in cats}, documents={d: f"title {d}" for d in texts},
                         gold=list(gold_spans), decisions=list(decisions), **extra)


def only(result, coder="A"):
    return next(row for row in result["per_coder"] if row["coder"] == coder)


# -- the existing tests' reference values, with one coder as the gold ------------------------------


def test_krippendorff_2004_worked_example_with_one_observer_as_the_gold():
    # test_agreement_spans.K2004: Krippendorff (2004), p. 254: uα_c = 0.7286, uα_k = 1, uα = 0.8591.
    from tests.core.test_agreement_spans import k2004_spans

    spans = k2004_spans()
    coder = [s for s in spans if s[1] == "observer0"]
    gold = [(d, s, e, c) for d, who, s, e, c in spans if who == "observer1"]
    row = only(against_gold(data_of({"p254": 300}, coder, gold), categories=["c", "k"]), "observer0")
    assert row["per_category"]["c"]["unitizing_alpha"] == pytest.approx(0.7286, abs=1e-4)
    assert row["per_category"]["k"]["unitizing_alpha"] == pytest.approx(1.0, abs=1e-12)
    assert row["unitizing_alpha"] == pytest.approx(0.8591, abs=5e-4)


def test_span_f1_hand_case_of_the_span_tests_with_b_as_the_gold():
    # test_agreement_spans.test_span_f1_exact_and_overlap_hand_case: exact 2·1/5, overlap 2·2/5.
    coder = [("d", "A", 0, 10, "X"), ("d", "A", 20, 30, "X")]
    gold = [("d", 0, 10, "X"), ("d", 22, 28, "X"), ("d", 5, 8, "X")]
    row = only(against_gold(data_of({"d": 40}, coder, gold)))
    assert row["span_f1_exact"] == pytest.approx(2 * 1 / 5)
    assert row["span_f1_overlap"] == pytest.approx(2 * 2 / 5)


# -- a constructed case, worked by hand ------------------------------------------------------------
#
# One document of 30 characters (no text: every character is a token). Coder A and the gold:
#
#   A:    a1 [0,4) X   a2 [6,10) X   a3 [12,16) Y   a4 [20,24) X
#   gold: g1 [0,4) X   g2 [6,9) X    g3 [12,16) X                   g5 [26,29) Y
#
# decisions: accepted [0,4), edited [6,10), accepted [12,16) (A's Y made X), rejected [20,24),
# created [26,29).
#
# Span F1 = 2 TP / (|A| + |G|), |A| = |G| = 4.
#   exact: only a1 = g1, TP 1: 2/8 = 0.25.
#   overlap (same category, a shared character, one to one): a1-g1, a2-g2; a3 (Y) and g3 (X)
#   differ in category, a4 and g5 have no partner: TP 2: 4/8 = 0.5.
# Token kappa, κ = (p_o − p_e) / (1 − p_e), per category over the 30 tokens:
#   X: A covers 0-3, 6-9, 20-23 (12); gold 0-3, 6-8, 12-15 (11). n11 = 4 + 3 = 7, n10 = 1 + 4 = 5
#      (token 9 and 20-23), n01 = 4 (12-15), n00 = 14. p_o = 21/30, p_e = (12·11 + 18·19)/900 =
#      474/900; κ_X = (630 − 474)/(900 − 474) = 156/426 = 26/71 ≈ 0.3662.
#   Y: A covers 12-15 (4), gold 26-28 (3): n11 = 0, n10 = 4, n01 = 3, n00 = 23. p_o = 23/30,
#      p_e = (4·3 + 26·27)/900 = 714/900; κ_Y = (690 − 714)/(900 − 714) = −24/186 = −4/31.
#   overall, the 60 (token, category) items pooled: n11 = 7, n10 = 9, n01 = 7, n00 = 37;
#      p_o = 44/60, p_e = (16·14 + 44·46)/3600 = 2248/3600; κ = (2640 − 2248)/(3600 − 2248) =
#      392/1352 = 49/169 ≈ 0.2899.
# What the adjudicator changed of A's work, place by place:
#   [0,4) the same: no change; [6,10) boundary (X 6–10 → X 6–9); [12,16) category (Y → X);
#   [20,24) rejected; [26,29) missed.

HAND_CODER = [("d", "A", 0, 4, "X"), ("d", "A", 6, 10, "X"), ("d", "A", 12, 16, "Y"), ("d", "A", 20, 24, "X")]
HAND_GOLD = [("d", 0, 4, "X"), ("d", 6, 9, "X"), ("d", 12, 16, "X"), ("d", 26, 29, "Y")]
HAND_DECISIONS = [GoldDecision("d", 0, 4, "accepted", "lead"), GoldDecision("d", 6, 10, "edited", "lead"),
                  GoldDecision("d", 12, 16, "accepted", "lead"),
                  GoldDecision("d", 20, 24, "rejected", "lead", "=not a claim"),
                  GoldDecision("d", 26, 29, "created", "lead")]


def hand_data(**extra) -> AgreementData:
    data = data_of({"d": 30}, HAND_CODER, HAND_GOLD, HAND_DECISIONS, **extra)
    data.annotators["lead"] = "lead"
    return data


def test_constructed_case_measures_worked_by_hand():
    row = only(against_gold(hand_data(), coders=["A"]))
    assert row["documents"] == ["d"]
    assert row["span_f1_exact"] == pytest.approx(0.25)
    assert row["span_f1_overlap"] == pytest.approx(0.5)
    assert row["per_category"]["X"]["token_kappa"] == pytest.approx(26 / 71)
    assert row["per_category"]["Y"]["token_kappa"] == pytest.approx(-4 / 31)
    assert row["token_kappa"] == pytest.approx(49 / 169)
    # unitizing alpha is the existing measure on the two layers (coder + gold), not new maths
    both = HAND_CODER + [(d, GOLD_ID, s, e, c) for d, s, e, c in HAND_GOLD]
    assert row["unitizing_alpha"] == unitizing_alpha({"d": 30}, both, coders=["A", GOLD_ID],
                                                     categories=["X", "Y"])["overall"]


def test_constructed_case_changes_worked_by_hand():
    row = only(against_gold(hand_data(), coders=["A"]))
    got = [(c.start, c.end, c.change, c.coder_spans, c.gold_spans, [d.kind for d in c.decisions])
           for c in row["changes"]]
    assert got == [
        (6, 10, "boundary", ((6, 10, "X"),), ((6, 9, "X"),), ["edited"]),
        (12, 16, "category", ((12, 16, "Y"),), ((12, 16, "X"),), ["accepted"]),
        (20, 24, "rejected", ((20, 24, "X"),), (), ["rejected"]),
        (26, 29, "missed", (), ((26, 29, "Y"),), ["created"]),
    ]
    assert row["open"] == 0


def test_a_coder_equal_to_the_gold_has_one_everywhere_and_no_change():
    gold = [(d, s, e, c) for d, _, s, e, c in HAND_CODER]
    row = only(against_gold(data_of({"d": 30}, HAND_CODER, gold)))
    assert [row[k] for k in ("span_f1_exact", "span_f1_overlap", "unitizing_alpha", "token_kappa")] == [
        pytest.approx(1.0)] * 4
    assert row["changes"] == []


def test_a_place_no_decision_covers_is_open_not_rejected():
    # A marks [20,24) and nothing was decided there yet: not a change of the adjudicator's
    decisions = [d for d in HAND_DECISIONS if d.kind != "rejected"]
    row = only(against_gold(data_of({"d": 30}, HAND_CODER, HAND_GOLD, decisions), coders=["A"]))
    assert [c.change for c in row["changes"]] == ["boundary", "category", "missed"]
    assert row["open"] == 1
    # without any decision (a gold layer made elsewhere) the gold is final: the place is rejected
    row = only(against_gold(data_of({"d": 30}, HAND_CODER, HAND_GOLD), coders=["A"]))
    assert [c.change for c in row["changes"]] == ["boundary", "category", "rejected", "missed"]


def test_nested_spans_and_boundary_and_category_together():
    coder = [("d", "A", 0, 10, "X"), ("d", "A", 2, 4, "Y"), ("d", "A", 20, 25, "X"), ("d", "A", 30, 40, "X"),
             ("d", "A", 32, 34, "Y"), ("d", "A", 50, 60, "X")]
    gold = [("d", 0, 10, "X"), ("d", 2, 5, "Y"), ("d", 20, 26, "Y"), ("d", 30, 40, "X"),
            ("d", 50, 60, "X"), ("d", 52, 54, "Y")]
    row = only(against_gold(data_of({"d": 70}, coder, gold)))
    assert [(c.start, c.end, c.change) for c in row["changes"]] == [
        (0, 10, "boundary"), (20, 26, "boundary and category"),
        (30, 40, "rejected"),  # the gold kept X 30–40 and dropped the nested Y 32–34
        (50, 60, "missed")]  # the gold has A's X 50–60 and a nested Y 52–54 A lacked


def test_which_documents_count_per_coder():
    texts = {"d1": 20, "d2": 20, "d3": 20}
    coder = [("d1", "A", 0, 5, "X"), ("d2", "B", 0, 5, "X"), ("d3", "A", 0, 5, "X"), ("d3", "B", 0, 5, "X")]
    gold = [("d1", 0, 5, "X"), ("d2", 0, 5, "X")]  # d3 holds no gold: it never counts
    data = data_of(texts, coder, gold, statuses={("d2", "A"): "done", ("d1", "A"): "in_progress"})
    result = against_gold(data)
    assert result["documents"] == ["d1", "d2"]
    a, b = only(result, "A"), only(result, "B")
    # A marked d2 done with nothing in it: A found nothing there, and missed the gold's span
    assert a["documents"] == ["d1", "d2"] and [(c.document, c.change) for c in a["changes"]] == [("d2", "missed")]
    assert a["span_f1_exact"] == pytest.approx(2 * 1 / 3)
    assert b["documents"] == ["d2"] and b["span_f1_exact"] == pytest.approx(1.0)
    done = against_gold(data, done_only=True)
    assert only(done, "A")["documents"] == ["d2"] and only(done, "B")["documents"] == []
    assert not is_defined(only(done, "B")["span_f1_exact"])


def test_no_gold_layer_is_an_error_naming_what_to_do():
    with pytest.raises(ValidationError, match="no gold standard: adjudicate first"):
        against_gold(data_of({"d": 30}, HAND_CODER, []))
    # a layer of nothing but rejections is a gold layer all the same
    rejected = [GoldDecision("d", 20, 24, "rejected", "lead")]
    row = only(against_gold(data_of({"d": 30}, HAND_CODER, [], rejected)))
    assert [c.change for c in row["changes"]] == ["rejected"]


def test_json_and_csv_name_coders_and_categories_and_guard_formulas():
    data = hand_data(contents={"d": "=cmd abcdefghijklmnopqrstuvwxy"})
    data.categories = {"X": "=Claim", "Y": "Opinion"}
    result = against_gold(data, coders=["A"])
    as_dict = against_gold_as_dict(result, data)
    json.dumps(as_dict)  # JSON-ready
    entry = as_dict["per_coder"][0]
    assert entry["coder"] == "A" and entry["documents"] == 1
    assert set(entry["per_category"]) == {"=Claim", "Opinion"}
    assert entry["changes"][2] == {"document": "d", "title": "title d", "start": 20, "end": 24,
                                   "change": "rejected", "coder": [{"start": 20, "end": 24, "category": "=Claim"}],
                                   "gold": [], "quote": "pqrs",
                                   "decisions": [{"kind": "rejected", "decided_by": "lead", "reason": "=not a claim"}]}
    rows = list(csv.DictReader(io.StringIO(against_gold_csv(result, data))))
    measures = [r for r in rows if r["record"] == "measure"]
    assert len(measures) == 4 * 3  # overall and two categories
    assert {r["category"] for r in measures} == {"", "'=Claim", "Opinion"}
    changes = [r for r in rows if r["record"] == "change"]
    assert [r["change"] for r in changes] == ["boundary", "category", "rejected", "missed"]
    assert changes[1]["coder_version"] == "Opinion 12–16" and changes[1]["gold_version"] == "'=Claim 12–16"
    assert changes[2]["decision"] == "rejected by lead" and changes[2]["reason"] == "'=not a claim"
    raw = list(csv.DictReader(io.StringIO(against_gold_csv(result, data, raw=True))))
    assert raw[-2]["reason"] == "=not a claim"


def test_every_decision_covering_a_change_is_named_even_past_a_shorter_one():
    # a rejection over [0,100) and, inside it, an acceptance of [10,20) (two adjudicators' files
    # merged: a conflict); the change at [50,60) lies past the short one but under the long one
    coder = [("d", "A", 10, 20, "X"), ("d", "A", 50, 60, "X"), ("d", "A", 150, 160, "X")]
    gold = [("d", 10, 20, "Y")]
    decisions = [GoldDecision("d", 0, 100, "rejected", "lead"), GoldDecision("d", 10, 20, "accepted", "bob")]
    row = only(against_gold(data_of({"d": 200}, coder, gold, decisions)))
    assert [(c.start, c.change, [d.kind for d in c.decisions]) for c in row["changes"]] == [
        (10, "category", ["rejected", "accepted"]), (50, "rejected", ["rejected"])]
    assert row["open"] == 1  # [150,160): no decision there yet
