"""γ against pygamma-agreement 0.5.9: the values in tests/fixtures/gamma/reference.json were made by
tests/fixtures/gamma/make_reference.py (pygamma-agreement 0.5.9, cvxpy's GLPK_MI, its default
StatisticalContinuumSampler, precision_level 0.02, np.random.seed(4772)), on pygamma's own test
continua AlexPaulSuzan and 3by100 and on 14 random continua drawn by that script.

What is compared, and how closely:

* the best alignment's disorder, exactly (relative 10⁻⁶: pygamma computes in float32);
* γ within 0.05 · (1 − γ): γ = 1 − D_o / D_e, so a relative error r in D_e moves γ by about
  (1 − γ) · r. Both sides estimate D_e until the 95% half-width is at most 2% of it, so two honest
  estimates differ by less than about 4% of D_e; 5% leaves room for the interval's own
  uncertainty. (The values here are deterministic — fixed seeds on both sides — so the test cannot
  flicker; the largest gap seen is 2.4% of 1 − γ.)
* γ-cat and γ-k within 0.03: their expected disorders come from the same samples, with no
  stopping rule of their own (the largest gap seen is 0.017). Not for AlexPaulSuzan, whose best
  alignment is not unique (pygamma's has 6 tuples, ours 7, the same disorder 0.960625): γ-cat and
  γ-k depend on which best alignment is taken, γ does not.

pygamma's search for the best alignment leaves Δ∅ out of the categorical part of the
dissimilarity when Δ∅ ≠ 1 (its compiled categorical function keeps the Δ∅ = 1 it was built with;
``CombinedCategoricalDissimilarity.d`` has the documented Δ∅ · β · d_cat). Its reported disorder is
the optimum for Δ∅ · α · d_pos + β · d_cat, which is Annotator's d with β / Δ∅ in place of β; the
cases with Δ∅ = 0.5 are compared that way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.spans import prepare
from annotator.core.agreement.spans.gamma import gamma_measures
from annotator.core.agreement.spans.gamma_align import Params, best_alignment

REFERENCE = json.loads((Path(__file__).parent.parent / "fixtures" / "gamma" / "reference.json").read_text())
CASES = REFERENCE["cases"]


def prepared(case):
    rows = case["rows"]
    length = int(max(r[3] for r in rows)) + 1
    return prepare({"d": length}, [("d", coder, int(s), int(e), cat) for coder, cat, s, e in rows])


def params(case):
    return {"alpha": case["alpha"], "beta": case["beta"] / case["delta_empty"],
            "delta_empty": case["delta_empty"]}


def test_fixture_provenance():
    assert REFERENCE["pygamma_agreement"] == "0.5.9"
    assert len(CASES) == 16 and sum("gamma" in c for c in CASES) == 9


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_observed_disorder_equals_pygamma(case):
    p = prepared(case)
    best = best_alignment(p.docs[0].raw, Params(**params(case)))
    assert best.disorder == pytest.approx(case["observed_disorder"], rel=1e-6)
    if case["name"] != "AlexPaulSuzan":  # the one case with two best alignments
        assert len(best.tuples) == case["unitary_alignments"]


WITH_GAMMA = [c for c in CASES if "gamma" in c]


@pytest.mark.parametrize("case", WITH_GAMMA, ids=[c["name"] for c in WITH_GAMMA])
def test_gamma_close_to_pygamma(case):
    r = gamma_measures(prepared(case), **params(case))
    gamma = r["overall"]["gamma"]
    assert abs(gamma - case["gamma"]) <= 0.05 * (1 - case["gamma"])
    if case["name"] == "AlexPaulSuzan":
        return
    assert r["overall"]["gamma_cat"] == pytest.approx(case["gamma_cat"], abs=0.03)
    for category, value in case["gamma_k"].items():
        ours = r["per_category"][category]["gamma_k"]
        assert not isinstance(ours, Undefined)
        assert ours == pytest.approx(value, abs=0.03), category


def test_pygamma_3by100_ranges():
    # pygamma-agreement tests/test_gammas.py::test_gamma_3by100 (α = 3): 127 unitary alignments,
    # γ in [0.79, 0.81], γ-cat in [0.89, 0.91], γ-k Adj [0.81, 0.83], Noun [0.88, 0.90],
    # Verb [0.69, 0.71], Prep ≥ 0.96.
    case = next(c for c in CASES if c["name"] == "3by100")
    p = prepared(case)
    assert len(best_alignment(p.docs[0].raw, Params(alpha=3.0)).tuples) == 127
    r = gamma_measures(p, alpha=3.0)
    assert 0.79 <= r["overall"]["gamma"] <= 0.81
    assert 0.89 <= r["overall"]["gamma_cat"] <= 0.91
    k = {c: v["gamma_k"] for c, v in r["per_category"].items()}
    assert 0.81 <= k["Adj"] <= 0.83 and 0.88 <= k["Noun"] <= 0.90 and 0.69 <= k["Verb"] <= 0.71
    assert k["Prep"] >= 0.96
