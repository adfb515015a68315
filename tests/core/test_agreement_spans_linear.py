"""The span measures made linear in the spans per document (issue 18, point 10) give exactly the
results of before, on random continua with overlapping and nested spans, duplicates, several
coders and categories.

The references are plain implementations kept here:

* ``dense_overlap_pairs`` and ``dense_matching_from``: the code of spans/matching.py before the
  change (commit 92a0df5), verbatim except for names — the dense |A| × |B| overlap matrix read
  row by row into adjacency lists, then the same ``_max_matching``. The new sparse pairs must be
  those pairs in that order, so the matching (and with it the confusion matrix, which depends on
  which maximum matching is found, not only on its size) is the same.
* ``pairs_from_definition``: two spans overlap when they share a position, by a double loop.
* The whole ``span_report`` with the dense functions patched back in, compared key by key with
  ``==`` (no tolerance): every figure must be bit-for-bit the same.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.spans import (
    confusion,
    matching,
    prepare,
    span_confusion,
    span_f1,
    span_report,
    u_alpha_2016,
    unitizing_alpha,
)
from annotator.core.agreement.spans.matching import _matching_from, _max_matching, _overlap_pairs
from annotator.core.agreement.unitizing import coincidences_2016_by_part, margins_2016_by_part

# ------------------------------------------------------------------------------------------
# References
# ------------------------------------------------------------------------------------------


def dense_overlap_pairs(a, b, same_category: bool):
    """spans/matching.py's _overlap_pairs at 92a0df5: the dense boolean matrix."""
    sa, ea, ka = a
    sb, eb, kb = b
    if sa.size == 0 or sb.size == 0:
        return np.zeros((sa.size, sb.size), dtype=bool)
    ov = (sa[:, None] < eb[None, :]) & (sb[None, :] < ea[:, None])
    if same_category:
        ov &= ka[:, None] == kb[None, :]
    return ov


def kuhn_before(adj: list[list[int]], n_right: int) -> list[int]:
    """spans/matching.py's _max_matching at 92a0df5 (without the set of dead vertices)."""
    match_l = [-1] * len(adj)
    match_r = [-1] * n_right
    for u in range(len(adj)):  # greedy start
        for v in adj[u]:
            if match_r[v] < 0:
                match_l[u], match_r[v] = v, u
                break
    for root in range(len(adj)):
        if match_l[root] >= 0 or not adj[root]:
            continue
        parent_r = {}
        stack, seen_l, found = [root], {root}, -1
        while stack and found < 0:
            u = stack.pop()
            for v in adj[u]:
                if v in parent_r:
                    continue
                parent_r[v] = u
                w = match_r[v]
                if w < 0:
                    found = v
                    break
                if w not in seen_l:
                    seen_l.add(w)
                    stack.append(w)
        v = found
        while v >= 0:
            u = parent_r[v]
            nxt = match_l[u]
            match_l[u], match_r[v] = v, u
            v = nxt
    return match_l


def dense_matching_from(ov, rows=None, cols=None):
    """spans/matching.py's _matching_from at 92a0df5."""
    if rows is not None:
        ov = ov[np.ix_(rows, cols)]
    if not ov.any():
        return []
    ii, jj = np.nonzero(ov)
    adj = [[] for _ in range(ov.shape[0])]
    for i, j in zip(ii.tolist(), jj.tolist()):
        adj[i].append(j)
    ml = kuhn_before(adj, ov.shape[1])
    return [(i, j) for i, j in enumerate(ml) if j >= 0]


def pairs_from_definition(a, b, same_category: bool):
    out = []
    for i, (s1, e1, k1) in enumerate(zip(*a)):
        for j, (s2, e2, k2) in enumerate(zip(*b)):
            shares = any(s2 <= x < e2 for x in range(s1, e1))
            if shares and (k1 == k2 or not same_category):
                out.append((i, j))
    return out


def random_raw(rng: random.Random, n: int, count: int, cats: int, sort: bool = True):
    """One coder's raw spans on [0, n): random, nested, overlapping, touching, some duplicated."""
    rows = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.2 and rows:  # nested inside an earlier span
            s0, e0, _ = rng.choice(rows)
            s = rng.randint(s0, e0 - 1)
            e = rng.randint(s + 1, e0)
        elif kind < 0.3 and rows:  # touching an earlier one
            s0, e0, _ = rng.choice(rows)
            s, e = e0, min(n, e0 + rng.randint(1, 9))
            if s >= n:
                continue
        else:
            s = rng.randrange(n)
            e = min(n, s + rng.choice([1, 2, 3, 5, 8, 20, rng.randint(1, n)]))
        rows.append((s, e, rng.randrange(cats)))
        if rng.random() < 0.1:
            rows.append(rows[-1])
    if sort:
        rows = sorted(set(rows))
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy()


# ------------------------------------------------------------------------------------------
# The overlapping pairs and the matching
# ------------------------------------------------------------------------------------------


def test_kuhn_with_dead_vertices_finds_the_same_matching():
    """The matching with failed searches' vertices skipped is the matching of before, on random
    bipartite graphs (any shape, sorted neighbour lists as the callers give them), on interval
    chains (where the skipping matters) and on the case of the docstring."""
    rng = random.Random(3)
    graphs = []
    for _ in range(1500):
        n_left, n_right = rng.randint(0, 14), rng.randint(1, 14)
        p = rng.choice([0.05, 0.15, 0.3, 0.6])
        graphs.append(([sorted(v for v in range(n_right) if rng.random() < p) for _ in range(n_left)], n_right))
    for _ in range(200):  # chains: a left vertex meets right vertices k-1 and k, with holes and extra leaves
        n = rng.randint(2, 40)
        adj = [[v for v in (k - 1, k) if 0 <= v < n and rng.random() < 0.9] for k in range(n + 1)]
        adj += [[rng.randrange(n)] for _ in range(rng.randint(0, 10))]
        rng.shuffle(adj)
        graphs.append((adj, n))
    n = 50  # the chain of the docstring: A spans [10i, 10i + 12), B spans [20i + 5, 20i + 25)
    graphs.append(([[v for v in range(n // 2) if 20 * v + 5 < 10 * i + 12 and 10 * i < 20 * v + 25] for i in range(n)],
                   n // 2))
    for adj, n_right in graphs:
        assert _max_matching(adj, n_right) == kuhn_before(adj, n_right), adj


@pytest.fixture(params=["binary search", "default"])
def search(request, monkeypatch):
    """Every test below runs twice: with the binary searches for any size (``DENSE_CELLS`` = 0;
    the random cases here are small) and with the default switch to the dense matrix."""
    if request.param == "binary search":
        monkeypatch.setattr(matching, "DENSE_CELLS", 0)
    return request.param


@pytest.mark.parametrize("sort", [True, False])
def test_overlap_pairs_are_the_dense_matrix_in_its_order(sort, search):
    rng = random.Random(5)
    for trial in range(300):
        n = rng.choice([1, 5, 30, 200])
        a = random_raw(rng, n, rng.randint(0, 25), rng.randint(1, 4), sort)
        b = random_raw(rng, n, rng.randint(0, 25), rng.randint(1, 4), sort)
        for same in (True, False):
            ov = _overlap_pairs(a, b, same)
            dense = dense_overlap_pairs(a, b, same)
            assert ov.shape == dense.shape and ov.any() == dense.any()
            i, j = np.nonzero(ov.dense) if ov.dense is not None else (ov.i, ov.j)
            if dense.size:  # the inputs here are small: the dense matrix unless DENSE_CELLS is 0
                assert (ov.dense is None) == (search == "binary search")
            ii, jj = np.nonzero(dense)
            assert i.tolist() == ii.tolist() and j.tolist() == jj.tolist(), (trial, same)
            if n <= 30:
                assert list(zip(i.tolist(), j.tolist())) == pairs_from_definition(a, b, same)


def test_matching_is_the_one_found_before_also_on_subsets(search):
    rng = random.Random(9)
    nonempty = 0
    for _ in range(300):
        n = rng.choice([10, 40, 300])
        a = random_raw(rng, n, rng.randint(0, 40), rng.randint(1, 3))
        b = random_raw(rng, n, rng.randint(0, 40), rng.randint(1, 3))
        for same in (True, False):
            new = _matching_from(_overlap_pairs(a, b, same))
            assert new == dense_matching_from(dense_overlap_pairs(a, b, same))
            nonempty += bool(new)
            rows = np.flatnonzero(np.array([rng.random() < 0.6 for _ in a[0]], dtype=bool))
            cols = np.flatnonzero(np.array([rng.random() < 0.6 for _ in b[0]], dtype=bool))
            if rows.size and cols.size:
                assert (_matching_from(_overlap_pairs(a, b, same), rows, cols)
                        == dense_matching_from(dense_overlap_pairs(a, b, same), rows, cols))
    assert nonempty > 400


# ------------------------------------------------------------------------------------------
# Whole measures and the report: bit-for-bit the same as with the dense code
# ------------------------------------------------------------------------------------------


def random_study(rng: random.Random):
    m = rng.choice([2, 2, 3, 5])
    coders = [f"c{i}" for i in range(m)]
    cats = ["A", "B", "C", "D"][: rng.randint(1, 4)]
    texts, spans = {}, []
    for d in range(rng.randint(1, 4)):
        n = rng.choice([1, 7, 40, 250])
        doc = f"doc{d}"
        texts[doc] = n if rng.random() < 0.5 else "".join(rng.choice("ab  c\n") for _ in range(n))
        for c in coders:
            s, e, k = random_raw(rng, n, rng.randint(0, 30), len(cats), sort=False)
            spans += [(doc, c, int(x), int(y), cats[int(z)]) for x, y, z in zip(s, e, k)]
            if rng.random() < 0.1:
                spans.append((doc, c, 0, 0, cats[0]))  # an empty span
    return texts, spans, coders


def plain(value):
    if isinstance(value, Undefined):
        return ("undefined", value.reason)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


@pytest.fixture
def dense(monkeypatch):
    """Run the span code with the dense functions of before patched in."""

    def use():
        monkeypatch.setattr(matching, "_overlap_pairs", dense_overlap_pairs)
        monkeypatch.setattr(matching, "_matching_from", dense_matching_from)
        monkeypatch.setattr(confusion, "_overlap_pairs", dense_overlap_pairs)
        monkeypatch.setattr(confusion, "_matching_from", dense_matching_from)

    return use


def test_report_and_measures_are_bit_for_bit_those_of_the_dense_code(search, dense, monkeypatch):
    rng = random.Random(2026)
    studies = [random_study(rng) for _ in range(120)]
    pair_of = lambda coders: (coders[-1], coders[0])  # noqa: E731  not the default pair

    def everything(texts, spans, coders):
        p = prepare(texts, spans, coders)
        return plain([span_report(texts, spans, coders, gamma=False),  # γ has no dense code of before
                      span_report(texts, spans, coders, confusion_pair=pair_of(coders), gamma=False),
                      span_f1(p), span_confusion(p), unitizing_alpha(p), u_alpha_2016(p)])

    now = [everything(*study) for study in studies]
    dense()
    defined = 0
    for study, got in zip(studies, now):
        assert got == everything(*study)
        defined += isinstance(got[0]["overall"]["span_f1_overlap"], float)
    assert defined > 80  # most studies have spans to match
    monkeypatch.undo()


# ------------------------------------------------------------------------------------------
# The 2016 family from the margins of the coincidence matrix (many combined values)
# ------------------------------------------------------------------------------------------


def random_partitions(rng: random.Random, n: int, m: int, n_values: int, part_starts):
    """Per coder, a random partition of [0, n) cut at every part start, values 0..n_values-1."""
    parts = []
    for _ in range(m):
        cuts = sorted(set(part_starts) | {rng.randrange(n) for _ in range(rng.randint(0, n // 2))} | {0})
        values = [rng.choice([0, 0, rng.randrange(n_values)]) for _ in cuts]
        parts.append((np.array(cuts, np.int64), np.array(values, np.int64)))
    return parts


def test_margins_are_those_of_the_full_matrix_exactly():
    rng = random.Random(17)
    for _ in range(200):
        n, m, V = rng.randint(1, 60), rng.randint(2, 5), rng.randint(1, 9)
        part_starts = sorted({0} | {rng.randrange(n) for _ in range(rng.randint(0, 3))})
        parts = random_partitions(rng, n, m, V, part_starts)
        l, f, w = coincidences_2016_by_part(n, parts, V, part_starts)
        d, r, g, f2, w2 = margins_2016_by_part(n, parts, V, part_starts)
        assert (d == np.diagonal(l, axis1=1, axis2=2)).all() and (r == l.sum(2)).all() and (g == l[:, :, 0]).all()
        assert (f2 == f).all() and (w2 == w).all()
        assert (l == l.transpose(0, 2, 1)).all()  # symmetric: what r standing for the column sums rests on


def close_or_same_undefined(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, float) and isinstance(b, float) and a == pytest.approx(b, rel=1e-9, abs=1e-12)
    return a == b


def test_alphas_from_margins_equal_those_from_the_full_matrix(monkeypatch):
    """The whole u_alpha_2016 (overall, per category, (k)cuα) and the report's per-document 2016
    figures, computed from the margins (every study forced onto that path) against the full V × V
    matrix, on random studies with one coder's units of up to 6 categories overlapping."""
    from annotator.core.agreement.spans import unitizing as spans_unitizing

    rng = random.Random(41)
    studies = []
    for _ in range(150):
        texts, spans, coders = random_study(rng)
        extra = ["E", "F"][: rng.randint(0, 2)]
        spans = [(d, c, s, e, rng.choice(["A", "B", "C", "D"] + extra) if rng.random() < 0.4 else k)
                 for d, c, s, e, k in spans]
        studies.append((texts, spans, coders))

    def figures(texts, spans, coders):
        r = span_report(texts, spans, coders, gamma=False)
        keys = ("u_alpha_2016", "binary_u_alpha_2016", "cu_alpha_2016")
        rows = [r["overall"]] + list(r["per_category"].values()) + list(r["per_document"].values())
        return [row[k] for row in rows for k in keys], u_alpha_2016(texts, spans, coders)

    full = [figures(*st) for st in studies]
    monkeypatch.setattr(spans_unitizing, "DENSE_VALUES", 0)
    floats = 0
    for st, (want_rows, want) in zip(studies, full):
        got_rows, got = figures(*st)
        assert all(close_or_same_undefined(a, b) for a, b in zip(got_rows, want_rows)), st
        for k in ("u_alpha", "binary_u_alpha", "cu_alpha"):
            assert close_or_same_undefined(got[k], want[k])
            for c in want["per_category"]:
                assert close_or_same_undefined(got["per_category"][c][k], want["per_category"][c][k])
        floats += sum(isinstance(v, float) for v in got_rows)
    assert floats > 1000
