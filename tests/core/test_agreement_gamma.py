"""γ (Mathet et al. 2015), γ-cat and γ-k (Mathet 2017): the paper's worked dissimilarities, the
worked alignments of pygamma-agreement's tests, the exactness of the best alignment against an
exact MILP (scipy's HiGHS, test-only), the sampler and its stopping rule, seeds, pooling and the
statistics for the bootstrap."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.spans import gamma_align, prepare
from annotator.core.agreement.spans.gamma import (
    cat_disorder,
    gamma_document_stats,
    gamma_from_document_stats,
    gamma_measures,
)
from annotator.core.agreement.spans.gamma_align import (
    Params,
    best_alignment,
    pair_dissimilarity,
    tuple_disorder,
)
from annotator.core.agreement.spans.gamma_sampler import SamplerStats, sample_until_precise

FIXTURES = Path(__file__).parent.parent / "fixtures" / "gamma"


def units(*spans):
    """(starts, ends, categories) arrays from (start, end, category index) triples."""
    a = np.array(spans, dtype=np.float64).reshape(-1, 3)
    return a[:, 0], a[:, 1], a[:, 2].astype(np.int64)


# ------------------------------------------------------------------------------------------
# Dissimilarities and disorders worked in the paper and in pygamma-agreement's tests
# ------------------------------------------------------------------------------------------

# Mathet, Widlöcher & Métivier 2015, figure 10 (positional sporadic dissimilarity, Δ∅ = 1), the
# values as the paper prints them, transcribed in pygamma-agreement 0.5.9's
# tests/test_dissimilarity.py::test_positional_dissimilarity_figure10; the exact fraction beside.
FIGURE_10 = [
    ((4, 14), (40, 44), "22.2", (66 / 14) ** 2),
    ((4, 14), (4, 14), "0", 0.0),
    ((4, 14), (20, 25), "3.2", (27 / 15) ** 2),
    ((4, 14), (14, 24), "1", 1.0),
    ((20, 30), (20, 25), "0.11", (5 / 15) ** 2),
    ((20, 25), (14, 24), "0.22", (7 / 15) ** 2),
]


@pytest.mark.parametrize(("u", "v", "printed", "exact"), FIGURE_10)
def test_positional_dissimilarity_figure_10(u, v, printed, exact):
    pos_only = Params(alpha=1.0, beta=0.0, delta_empty=1.0)
    d = pair_dissimilarity(units((*u, 0)), units((*v, 1)), pos_only)[0, 0]
    assert d == pytest.approx(exact, abs=1e-12)
    decimals = len(printed.partition(".")[2])
    assert d == pytest.approx(float(printed), abs=0.5 * 10 ** -decimals)  # as printed, rounded


def test_positional_dissimilarity_scale_free():
    # pygamma-agreement tests/test_dissimilarity.py::test_positional_dissimilarity_figure20_scale_effect
    # (the paper's figure 20): [0, 7) v. [0, 10) and [0, 21) v. [0, 30) are equally dissimilar.
    pos_only = Params(beta=0.0)
    small = pair_dissimilarity(units((0, 7, 0)), units((0, 10, 0)), pos_only)[0, 0]
    large = pair_dissimilarity(units((0, 21, 0)), units((0, 30, 0)), pos_only)[0, 0]
    assert small == pytest.approx(large) == pytest.approx((3 / 17) ** 2)


# pygamma-agreement tests/test_alignement.py: categories Alice, Bob, Carol, Jeremy (alphabetical
# order, the order of the matrix's rows), Δ∅ = 0.5.
CAT_MATRIX = np.array([[0, 0.5, 0.3, 0.7], [0.5, 0.0, 0.6, 0.4], [0.3, 0.6, 0.0, 0.7],
                       [0.7, 0.4, 0.7, 0.0]])
ALICE, BOB, CAROL, JEREMY = range(4)


def test_unitary_alignment_disorder_pygamma():
    # test_unitary_alignment: (Carol [12, 18), Alice [12, 18), ∅), α = 1, expected 0.575 — the
    # disorder of the alignment made of that one tuple (δ = (0.5 · 0.3 + 2 · 0.5) / 3, divided by
    # the mean units per coder, 2/3).
    params = Params(alpha=1.0, beta=1.0, delta_empty=0.5, cat_matrix=CAT_MATRIX)
    coders = [units((12, 18, CAROL)), units((12, 18, ALICE)), units()]
    delta = tuple_disorder(coders, {0: 0, 1: 0}, params)
    assert delta == pytest.approx((0.15 + 1.0) / 3)
    best = best_alignment(coders, params)
    assert best.disorder == pytest.approx(0.575)


def test_best_alignment_pygamma_worked_example():
    # test_alignment: three coders, α = 3, Δ∅ = 0.5, the matrix above: pygamma's best alignment has
    # disorder 0.43478875578596043 (its assertion, relative tolerance 0.001; float32 there).
    liza = units((1, 5, CAROL), (6, 8, BOB), (12, 18, CAROL), (7, 20, ALICE))
    pierrot = units((2, 6, CAROL), (7, 8, BOB), (12, 18, ALICE), (8, 10, ALICE), (7, 19, JEREMY))
    hadrien = units((1, 6, CAROL), (8, 10, ALICE), (7, 19, JEREMY), (19, 20, ALICE))
    params = Params(alpha=3.0, beta=1.0, delta_empty=0.5, cat_matrix=CAT_MATRIX)
    best = best_alignment([liza, pierrot, hadrien], params)
    assert best.disorder == pytest.approx(0.43478875578596043, rel=1e-6)
    # the hand-made alignment of that test is worse
    hand = [{0: 0, 1: 0, 2: 0}, {0: 1, 1: 1, 2: 1}, {0: 3, 1: 4, 2: 2}, {0: 2, 1: 2}, {1: 3, 2: 3}]
    hand_total = sum(tuple_disorder([liza, pierrot, hadrien], t, params) for t in hand)
    assert best.total < hand_total


def read_csv_continuum(path):
    with open(path) as f:
        rows = [(r[0], r[1], int(float(r[2])), int(float(r[3]))) for r in csv.reader(f)]
    L = max(r[3] for r in rows) + 1
    return prepare({"d": L}, [("d", coder, s, e, cat) for coder, cat, s, e in rows])


def test_pygamma_2by1000():
    # pygamma-agreement tests/test_gammas.py::test_gamma_2by1000 (its data, tests/data/2by1000.csv,
    # copied to tests/fixtures/gamma/pygamma_2by1000.csv): α = 3, β = 1, Δ∅ = 1, the best alignment
    # has 1085 unitary alignments, and its ranges for the stochastic values.
    p = read_csv_continuum(FIXTURES / "pygamma_2by1000.csv")
    coders = p.docs[0].raw
    best = best_alignment(coders, Params(alpha=3.0))
    assert len(best.tuples) == 1085
    r = gamma_measures(p, alpha=3.0, seed=1)
    assert 0.39 <= r["overall"]["gamma"] <= 0.42
    assert 0.38 <= r["overall"]["gamma_cat"] <= 0.42
    ranges = {"Adj": (0.21, 0.25), "Noun": (0.36, 0.39), "Prep": (0.31, 0.35), "Verb": (0.11, 0.15)}
    for cat, (lo, hi) in ranges.items():
        assert lo <= r["per_category"][cat]["gamma_k"] <= hi, cat


# ------------------------------------------------------------------------------------------
# Exactness: the best alignment against an exact MILP over every unitary alignment
# ------------------------------------------------------------------------------------------

def milp_optimum(coders, params):
    """The least total disorder over all partitions, by scipy.optimize.milp (HiGHS) over every
    possible unitary alignment (no pruning at all): a set-partitioning programme."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    sizes = [c[0].size for c in coders]
    tuples = [t for t in itertools.product(*[range(-1, s) for s in sizes]) if max(t) >= 0]
    cost = np.array([tuple_disorder(coders, {i: x for i, x in enumerate(t) if x >= 0}, params)
                     for t in tuples])
    offset = np.concatenate(([0], np.cumsum(sizes)))
    A = lil_matrix((int(offset[-1]), len(tuples)))
    for j, t in enumerate(tuples):
        for i, x in enumerate(t):
            if x >= 0:
                A[offset[i] + x, j] = 1
    res = milp(cost, constraints=LinearConstraint(A.tocsr(), 1, 1),
               integrality=np.ones(len(tuples)), bounds=Bounds(0, 1))
    assert res.success
    return res.fun


def random_continuum(rng, n, max_units, length=60, n_cats=3):
    coders = []
    for _ in range(n):
        k = int(rng.integers(0, max_units + 1))
        s = rng.integers(0, length, k)
        ln = rng.integers(1, 15, k)
        coders.append((s.astype(np.float64), (s + ln).astype(np.float64), rng.integers(0, n_cats, k)))
    return coders


def check_partition(coders, best, params):
    seen = [set() for _ in coders]
    for row, cost in zip(best.tuples, best.costs, strict=True):
        members = {i: int(x) for i, x in enumerate(row) if x >= 0}
        assert members
        for i, x in members.items():
            assert x not in seen[i]
            seen[i].add(x)
        assert cost == pytest.approx(tuple_disorder(coders, members, params), abs=1e-12)
    assert [len(s) for s in seen] == [c[0].size for c in coders]


SOLVER_PATHS = [  # (SMALL, BEAM) of gamma_align: which branches of _solve_component run
    (16, 8),  # the defaults: small components straight to the exact DP
    (0, 8),  # every component through the improved bounds and reduced-cost fixing
    (0, 1),  # and with a poor first upper bound (beam of one state)
]


@pytest.fixture(params=SOLVER_PATHS, ids=lambda v: f"small{v[0]}-beam{v[1]}")
def solver_path(request, monkeypatch):
    monkeypatch.setattr(gamma_align, "SMALL", request.param[0])
    monkeypatch.setattr(gamma_align, "BEAM", request.param[1])


@pytest.mark.parametrize("seed", range(4))
def test_best_alignment_equals_milp(seed, solver_path):
    # 40 random continua per seed (2 to 4 coders, overlapping and nested spans, few categories,
    # random α, β, Δ∅): the same optimal disorder as the exact MILP every time.
    rng = np.random.default_rng(seed)
    for _ in range(40):
        n = int(rng.integers(2, 5))
        coders = random_continuum(rng, n, 7 if n < 4 else 4, length=int(rng.choice([20, 60, 200])))
        if not any(c[0].size for c in coders):
            continue
        params = Params(alpha=float(rng.choice([0.5, 1.0, 3.0])), beta=float(rng.choice([0.0, 1.0, 2.0])),
                        delta_empty=float(rng.choice([0.5, 1.0, 2.0])))
        best = best_alignment(coders, params)
        check_partition(coders, best, params)
        assert best.total == pytest.approx(milp_optimum(coders, params), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_best_alignment_equals_milp_dense(seed, solver_path):
    # three coders x 10 to 13 long, overlapping units on 150 characters: components of 30 units
    # and more, where the bounds and the DP's pruning do the work
    rng = np.random.default_rng(100 + seed)
    coders = []
    for _ in range(3):
        k = int(rng.integers(10, 14))
        s = rng.integers(0, 150, k)
        coders.append((s.astype(float), (s + rng.integers(5, 40, k)).astype(float), rng.integers(0, 3, k)))
    best = best_alignment(coders, Params())
    check_partition(coders, best, Params())
    assert best.total == pytest.approx(milp_optimum(coders, Params()), rel=1e-9)


def test_best_alignment_equals_milp_on_ties():
    # many identical and touching units: ties everywhere, one component spanning the continuum
    rng = np.random.default_rng(99)
    for _ in range(20):
        coders = []
        for _ in range(3):
            k = int(rng.integers(1, 6))
            s = rng.integers(0, 4, k) * 5
            coders.append((s.astype(float), (s + 5).astype(float), rng.integers(0, 2, k)))
        best = best_alignment(coders, Params())
        check_partition(coders, best, Params())
        assert best.total == pytest.approx(milp_optimum(coders, Params()), abs=1e-12)


def test_far_pair_aligned_through_a_third_unit():
    # Why the pair bound is (C + n − 1)·Δ∅ and not 2Δ∅ with three coders: u and v are farther
    # apart than 2Δ∅ (d = 4), yet both lie close to w, and the triple beats every other alignment.
    # d(u, w) = d(v, w) = (20/40)² = 0.25: the triple costs (4 + 0.25 + 0.25)/3 = 1.5, against
    # 0.75 + 1 = 1.75 for {u, w} and {v}, the best alignment without the pair u, v.
    u, v, w = units((0, 10, 0)), units((20, 30, 0)), units((0, 30, 0))
    params = Params(beta=0.0)
    assert pair_dissimilarity(u, v, params)[0, 0] == pytest.approx(4.0)
    best = best_alignment([u, v, w], params)
    assert best.tuples.tolist() == [[0, 0, 0]]
    assert best.total == pytest.approx(1.5)
    assert best.total == pytest.approx(milp_optimum([u, v, w], params))


def test_alignment_needs_two_coders_and_valid_parameters():
    with pytest.raises(ValueError):
        best_alignment([units((0, 1, 0))])
    p = prepare({"d": 10}, [("d", "a", 0, 2, "x"), ("d", "b", 0, 2, "x")])
    for bad in ({"alpha": -1.0}, {"delta_empty": 0.0}, {"beta": float("nan")}, {"precision": 1.5}):
        with pytest.raises(ValueError):
            gamma_measures(p, **bad)


# ------------------------------------------------------------------------------------------
# Sampler, stopping rule and seeds
# ------------------------------------------------------------------------------------------

def test_sampler_statistics_as_pygamma():
    # pygamma's StatisticalContinuumSampler: gaps [0] + (start − previous end) per coder + the first
    # start when > 0; units per coder; lengths; category shares (population standard deviations).
    a = units((2, 5, 0), (4, 9, 1), (12, 13, 0))
    b = units((0, 3, 1))
    s = SamplerStats.fit([[a, b]], 2)
    gaps = [0, 4 - 5, 12 - 9, 2]
    assert (s.gap_mean, s.gap_std) == pytest.approx((np.mean(gaps), np.std(gaps)))
    assert (s.units_mean, s.units_std) == pytest.approx((2.0, 1.0))
    assert (s.length_mean, s.length_std) == pytest.approx((np.mean([3, 5, 1, 3]), np.std([3, 5, 1, 3])))
    assert s.category_weights.tolist() == [0.5, 0.5]
    rng = np.random.default_rng(0)
    for _ in range(20):
        sample = s.sample(rng)
        assert len(sample) == 2 and sum(c[0].size for c in sample) >= 1
        for st, en, k in sample:
            assert np.all(en - st >= 1e-6) and np.all((k >= 0) & (k < 2))


def test_stopping_rule():
    calls = []

    def constant(rng):
        calls.append(1)
        return (1.0,)

    assert len(sample_until_precise(constant, np.random.default_rng(0), min_samples=30)) == 30

    def noisy(rng):
        return (float(rng.uniform(0.1, 2.0)),)

    rng = np.random.default_rng(1)
    out = sample_until_precise(noisy, rng, precision=0.02, min_samples=30, max_samples=5000, step=10)
    values = np.array([o[0] for o in out])
    assert 1.96 * values.std(ddof=1) / np.sqrt(values.size) <= 0.02 * values.mean()
    shorter = values[:-10]  # the rule did not hold one step earlier
    assert 1.96 * shorter.std(ddof=1) / np.sqrt(shorter.size) > 0.02 * shorter.mean()
    capped = sample_until_precise(noisy, rng, precision=0.001, min_samples=30, max_samples=55)
    assert len(capped) == 55


def small_corpus():
    texts = {"d1": 80, "d2": 80, "d3": 60}
    spans = [("d1", "a", 0, 10, "x"), ("d1", "b", 1, 10, "x"), ("d1", "c", 0, 9, "y"),
             ("d1", "a", 20, 30, "y"), ("d1", "b", 22, 31, "y"), ("d1", "c", 40, 45, "x"),
             ("d2", "a", 5, 15, "x"), ("d2", "b", 5, 15, "x"), ("d2", "c", 5, 16, "x"),
             ("d2", "a", 50, 60, "y"), ("d2", "b", 52, 58, "x"),
             ("d3", "a", 0, 30, "y"), ("d3", "b", 0, 12, "y"), ("d3", "b", 12, 30, "y"),
             ("d3", "c", 40, 50, "x")]
    return prepare(texts, spans)


def test_same_seed_same_value():
    p = small_corpus()
    first = gamma_measures(p, seed=7)
    assert gamma_measures(p, seed=7) == first
    other = gamma_measures(p, seed=8)
    assert other["overall"]["gamma"] != first["overall"]["gamma"]  # the expected disorder is sampled
    assert abs(other["overall"]["gamma"] - first["overall"]["gamma"]) < 0.1


# ------------------------------------------------------------------------------------------
# Pooling, per-document values and the statistics for the bootstrap
# ------------------------------------------------------------------------------------------

def test_pooling_and_document_stats():
    p = small_corpus()
    stats = gamma_document_stats(p, seed=3)
    r = gamma_measures(p, stats=stats)
    D_e = stats.expected
    # observed disorder pooled: Σ per-document Σδ / Σ per-document mean units per coder
    for n, doc in enumerate(p.docs):
        best = best_alignment(doc.raw, Params())
        assert stats.observed[n] == pytest.approx(best.total)
        assert r["per_document"][doc.doc_id]["gamma"] == pytest.approx(1 - best.disorder / D_e)
    pooled = stats.observed.sum() / stats.mean_units.sum()
    assert r["overall"]["gamma"] == pytest.approx(1 - pooled / D_e)
    # a multiset of documents: weights count each document
    twice = gamma_from_document_stats(stats, [2, 0, 1])
    obs = (2 * stats.observed[0] + stats.observed[2]) / (2 * stats.mean_units[0] + stats.mean_units[2])
    assert twice["gamma"] == pytest.approx(1 - obs / D_e)
    assert gamma_from_document_stats(stats)["gamma"] == r["overall"]["gamma"]
    # the γ-cat sums add up over documents
    whole = stats.cats.sum(0)
    assert r["overall"]["gamma_cat"] == pytest.approx(1 - cat_disorder(whole[0]) / stats.expected_cat[0])


def test_one_document_no_cross_document_alignment():
    # two documents with the same spans: a unit is never aligned with one in the other document
    texts = {"d1": 20, "d2": 20}
    spans = [("d1", "a", 0, 5, "x"), ("d2", "b", 0, 5, "x"), ("d1", "b", 10, 12, "x"),
             ("d2", "a", 10, 12, "x")]
    stats = gamma_document_stats(prepare(texts, spans), seed=0)
    assert stats.observed.tolist() == pytest.approx([2.0, 2.0])  # four singletons, Δ∅ each


def test_undefined_cases():
    one = prepare({"d": 10}, [("d", "a", 0, 2, "x")])
    r = gamma_measures(one)
    assert isinstance(r["overall"]["gamma"], Undefined)
    assert isinstance(r["overall"]["gamma_cat"], Undefined)
    # category y is only ever unaligned: γ-k does not apply (pygamma would say 1)
    p = prepare({"d": 100}, [("d", "a", 0, 10, "x"), ("d", "b", 0, 10, "x"), ("d", "a", 60, 70, "y"),
                             ("d", "b", 30, 35, "x")])
    r = gamma_measures(p, seed=0)
    assert isinstance(r["per_category"]["y"]["gamma_k"], Undefined)
    assert isinstance(r["overall"]["gamma"], float)


def test_perfect_agreement_is_one():
    p = prepare({"d": 100}, [("d", c, s, s + 5, k) for c in "abc" for s, k in ((0, "x"), (20, "y"),
                                                                                  (50, "x"))])
    r = gamma_measures(p, seed=0)
    assert r["overall"] == {"gamma": 1.0, "gamma_cat": 1.0}
    assert r["per_category"] == {"x": {"gamma_k": 1.0}, "y": {"gamma_k": 1.0}}


def test_renaming_coders_keeps_every_value():
    # three units of one coder on the same span with three categories: the best alignment is not
    # unique; the tie is broken by the units, not the coders' order, so γ-cat does not move
    spans = [("d", "a", 0, 18, "X"), ("d", "b", 8, 13, "Y"), ("d", "b", 16, 17, "Y"),
             ("d", "a", 8, 10, "Y"), ("d", "b", 8, 10, "X"), ("d", "b", 8, 10, "Z")]
    texts = {"d": 20}
    first = gamma_measures(prepare(texts, spans), seed=5)
    renamed = [(d, {"a": "z", "b": "y"}[c], s, e, k) for d, c, s, e, k in reversed(spans)]
    assert gamma_measures(prepare(texts, renamed), seed=5) == first


def test_bootstrap_intervals_in_the_span_report():
    from annotator.core.agreement.spans import span_report

    p = small_corpus()
    texts = {d.doc_id: d.n for d in p.docs}
    spans = [(d.doc_id, p.coders[i], int(s), int(e), p.categories[k]) for d in p.docs
             for i in range(len(p.coders)) for s, e, k in zip(*d.raw[i], strict=True)]
    r = span_report(texts, spans, resamples=200, seed=1)
    for key in ("gamma", "gamma_cat"):
        ci = r["overall"][f"{key}_ci95"]
        assert ci.low <= r["overall"][key] <= ci.high
    assert span_report(texts, spans, resamples=200, seed=1)["overall"]["gamma_ci95"] == r["overall"]["gamma_ci95"]
