"""Bootstrap 95% intervals of the span measures, resampling documents (spans/bootstrap.py, issue 18
point 5): repeatable with a seed, equal to the slow way (the whole report recomputed on each resample
of the documents), containing the estimate on realistic data, and undefined with a reason where the
method does not apply."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.reliability import BootstrapInterval
from annotator.core.agreement.spans import span_report
from annotator.core.agreement.spans.bootstrap import resample_weights
from annotator.core.agreement.spans.report import INTERVAL_MEASURES


def corpus(documents: int, seed: int, coders=("ann", "bob", "cy"), categories=("A", "B", "C"), length=400):
    """Coders who agree a lot but not always: shared reference spans, kept with probability 0.85,
    ends moved by up to 6 characters half the time, the category changed 10% of the time, plus a
    span of one's own (the benchmark's workload, smaller)."""
    rng = random.Random(seed)
    texts, spans = {}, []
    for d in range(documents):
        doc = f"doc{d}"
        texts[doc] = length
        reference = [(s, min(length, s + rng.randint(3, 40)), rng.choice(categories))
                     for s in (rng.randrange(length - 3) for _ in range(rng.randint(3, 12)))]
        for coder in coders:
            for start, end, cat in reference:
                if rng.random() > 0.85:
                    continue
                if rng.random() < 0.5:
                    start = min(length - 1, max(0, start + rng.randint(-6, 6)))
                    end = min(length, max(start + 1, end + rng.randint(-6, 6)))
                if rng.random() < 0.1:
                    cat = rng.choice(categories)
                spans.append((doc, coder, start, end, cat))
            start = rng.randrange(length - 3)
            spans.append((doc, coder, start, min(length, start + rng.randint(3, 40)), rng.choice(categories)))
    return texts, spans


# γ and γ-cat keep the corpus's expected disorder on every resample (spans/gamma.py,
# gamma_from_document_stats), where recomputing the report on the copies would draw new random
# continua: the slow way is not their definition, so they are left out of it (their intervals are
# tested in tests/core/test_agreement_gamma.py)
BY_DEFINITION = tuple(k for k in INTERVAL_MEASURES if k not in ("gamma", "gamma_cat"))


def slow_intervals(texts, spans, coders, categories, documents, resamples, seed):
    """The definition: for each resample of the documents (the same draws as the fast way), copy each
    document as many times as it is drawn, recompute the whole span report on those copies, and take
    the 2.5% and 97.5% quantiles of each measure over the resamples where it is defined."""
    weights = resample_weights(len(documents), resamples, seed)
    values = {key: [] for key in BY_DEFINITION}
    for w in weights:
        t, s, docs = {}, [], []
        for d, count in zip(documents, w.astype(int)):
            for copy in range(count):
                t[(d, copy)] = texts[d]
                docs.append((d, copy))
                s += [((d, copy), *rest) for doc, *rest in spans if doc == d]
        overall = span_report(t, s, coders=coders, categories=categories, documents=docs, gamma=False)["overall"]
        for key in BY_DEFINITION:
            if not isinstance(overall[key], Undefined):
                values[key].append(overall[key])
    return {key: list(np.quantile(v, [0.025, 0.975])) if v else None for key, v in values.items()}


def test_the_fast_intervals_are_the_slow_way_s():
    texts, spans = corpus(6, seed=3)
    coders, categories = ["ann", "bob", "cy"], ["A", "B", "C"]
    report = span_report(texts, spans, coders=coders, categories=categories, resamples=40, seed=7)
    slow = slow_intervals(texts, spans, coders, categories, report["documents"], 40, 7)
    for key in BY_DEFINITION:
        fast = report["overall"][f"{key}_ci95"]
        assert isinstance(fast, BootstrapInterval) and fast.resamples == 40, key
        assert [fast.low, fast.high] == pytest.approx(slow[key], abs=1e-12), key
    assert report["bootstrap"] == {"method": "percentile, resampling documents", "resamples": 40, "seed": 7,
                                   "defined_resamples": dict.fromkeys(INTERVAL_MEASURES, 40)}


def test_two_coders_and_a_resample_without_spans_left_out():
    """Two coders (uα's cu part off, F1 of one pair); document 2 holds no span, so a resample that
    draws only it has no F1 and no alphas: left out, and counted in ``defined_resamples``."""
    texts = {"d0": 50, "d1": 50, "d2": 50}
    spans = [("d0", "a", 0, 10, "X"), ("d0", "b", 0, 12, "X"), ("d0", "a", 20, 30, "Y"), ("d0", "b", 22, 30, "Y"),
             ("d1", "a", 5, 25, "X"), ("d1", "b", 5, 25, "Y")]
    docs = ["d0", "d1", "d2"]
    report = span_report(texts, spans, coders=["a", "b"], categories=["X", "Y"], documents=docs, resamples=200,
                         seed=1)
    slow = slow_intervals(texts, spans, ["a", "b"], ["X", "Y"], docs, 200, 1)
    defined = report["bootstrap"]["defined_resamples"]
    assert defined["span_f1_exact"] < 200  # (d2, d2, d2) is drawn in about 1 resample of 27
    for key in BY_DEFINITION:
        fast = report["overall"][f"{key}_ci95"]
        assert [fast.low, fast.high] == pytest.approx(slow[key], abs=1e-12), key


def test_the_same_seed_gives_the_same_intervals_and_another_seed_others():
    texts, spans = corpus(12, seed=5)
    one = span_report(texts, spans, resamples=300, seed=11)["overall"]
    two = span_report(texts, spans, resamples=300, seed=11)["overall"]
    other = span_report(texts, spans, resamples=300, seed=12)["overall"]
    assert all(one[f"{k}_ci95"] == two[f"{k}_ci95"] for k in INTERVAL_MEASURES)
    assert all(one[f"{k}_ci95"] != other[f"{k}_ci95"] for k in INTERVAL_MEASURES)


def test_on_realistic_data_the_interval_holds_the_estimate():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import bench_agreement_spans as bench

    texts, spans = bench.build(1, documents=15)  # the benchmark's workload, 15 documents
    report = span_report(texts, spans, resamples=500, seed=1)
    for key in INTERVAL_MEASURES:
        ci, point = report["overall"][f"{key}_ci95"], report["overall"][key]
        assert ci.low < point < ci.high, key
        assert ci.high - ci.low < 0.2, key  # 15 documents of about 280 spans: a narrow interval


def test_one_document_or_an_undefined_measure_has_no_interval():
    texts = {"d0": 50}
    spans = [("d0", "a", 0, 10, "X"), ("d0", "b", 0, 10, "X")]
    report = span_report(texts, spans, resamples=100, seed=1)
    for key in INTERVAL_MEASURES:
        assert report["overall"][f"{key}_ci95"] == Undefined("one document: resampling documents needs two or more")
    texts = {"d0": 50, "d1": 50}
    nothing = span_report(texts, [("d0", "a", 0, 0, "X"), ("d0", "b", 0, 0, "X")], coders=["a", "b"],
                          documents=["d0", "d1"], resamples=100, seed=1)["overall"]
    assert nothing["unitizing_alpha_ci95"] == nothing["unitizing_alpha"] == Undefined("nothing annotated")
    assert "unitizing_alpha_ci95" not in span_report(texts, [("d0", "a", 0, 4, "X"), ("d0", "b", 0, 4, "X")],
                                                      documents=["d0", "d1"])["overall"]  # none asked for


def test_gamma_plugs_in_through_its_per_document_statistics():
    """The plug for gamma (spans/gamma.py's gamma_from_document_stats(stats, weights)), with a stand-in
    of the same shape: the observed disorder and mean units per document add up, the expected
    disorder is the corpus's. The interval is the quantiles of the values over the resamples."""
    from annotator.core.agreement.spans.bootstrap import gamma_resampled, intervals

    observed, units, expected = np.array([1.0, 3.0, 2.0, 0.5]), np.array([4.0, 5.0, 4.0, 2.0]), 0.9
    calls = []

    def from_document_stats(stats, weights):
        calls.append(1)
        return {"gamma": 1 - (weights @ observed) / (weights @ units) / expected,
                "gamma_cat": Undefined("none aligned")}

    measures = gamma_resampled(None, from_document_stats)
    points = {"gamma": 1 - observed.sum() / units.sum() / expected, "gamma_cat": 0.5}
    found = intervals(measures, points, 4, resamples=100, seed=2)
    w = resample_weights(4, 100, 2)
    expected_values = 1 - (w @ observed) / (w @ units) / expected
    low_high = list(np.quantile(expected_values, [0.025, 0.975]))
    assert [found["gamma"].low, found["gamma"].high] == pytest.approx(low_high)
    assert found["gamma_cat"] == Undefined("gamma_cat is undefined on every bootstrap resample of the documents")
    assert len(calls) == len({row.tobytes() for row in w})  # one call per distinct resample, for both keys
