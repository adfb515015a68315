"""Span F1: exact matching, and overlap matching as a maximum one-to-one bipartite matching."""

from __future__ import annotations

import numpy as np

from annotator.core.agreement.common import Undefined, is_defined
from annotator.core.agreement.spans.prepare import _Doc, _pair, _prep

# --------------------------------------------------------------------------------------------
# Span F1
# --------------------------------------------------------------------------------------------


def _max_matching(adj: list[list[int]], n_right: int) -> list[int]:
    """Maximum-cardinality bipartite matching (augmenting paths, Kuhn); returns match_left.

    A greedy start (each left vertex, in order, takes its first free neighbour), then one
    augmenting-path search from each left vertex still unmatched, in order. A search that fails
    has visited a closed set: every neighbour of its left vertices, and the partner of each of
    those right vertices (all matched, or the search would have succeeded). No augmenting path
    can ever pass through such a set (entering it, a path can only stay in it, and it holds no
    free right vertex), so its edges never change and it stays closed: later searches skip it
    (``dead``). Skipping changes nothing they find — the vertices they would have visited there
    lead nowhere and mark no vertex outside — but bounds the work of all failed searches together
    by the number of edges (one coder's sentences split finer than the other's along a chain of
    overlaps made each failed search walk the whole chain: quadratic)."""
    match_l = [-1] * len(adj)
    match_r = [-1] * n_right
    for u in range(len(adj)):  # greedy start
        for v in adj[u]:
            if match_r[v] < 0:
                match_l[u], match_r[v] = v, u
                break
    dead_r = bytearray(n_right)
    for root in range(len(adj)):
        if match_l[root] >= 0 or not adj[root]:
            continue
        parent_r = {}  # right vertex -> left vertex it was reached from
        stack, seen_l, found = [root], {root}, -1
        while stack and found < 0:
            u = stack.pop()
            for v in adj[u]:
                if v in parent_r or dead_r[v]:
                    continue
                parent_r[v] = u
                w = match_r[v]
                if w < 0:
                    found = v
                    break
                if w not in seen_l:
                    seen_l.add(w)
                    stack.append(w)
        if found < 0:
            for v in parent_r:
                dead_r[v] = 1
        v = found
        while v >= 0:  # flip the path
            u = parent_r[v]
            nxt = match_l[u]
            match_l[u], match_r[v] = v, u
            v = nxt
    return match_l


class _Overlaps:
    """The pairs (i, j) of a span of side A and a span of side B that share at least one position:
    ``i`` and ``j`` sorted by i, then j (the order ``np.nonzero`` gives on the dense A × B matrix);
    ``shape`` = (|A|, |B|). Held sparsely, its size the number of overlapping pairs, not |A| × |B|
    (at 20,000 spans per coder the dense matrix was 400 MB); or, for small inputs, as that dense
    boolean matrix (``dense``, with ``i`` and ``j`` None). A plain class: a report makes thousands."""

    __slots__ = ("i", "j", "shape", "dense")

    def __init__(self, i, j, shape: tuple[int, int], dense: np.ndarray | None = None):
        self.i, self.j, self.shape, self.dense = i, j, shape, dense

    def any(self) -> bool:
        return bool(self.dense.any()) if self.dense is not None else bool(self.i.size)


# Up to this many cells |A| × |B| the pairs are read off the dense matrix (about as quick as the
# binary searches at 100 × 100 spans, five times quicker at 25 × 25; a document of the default
# benchmark has about 94 × 94): the same pairs in the same order either way.
DENSE_CELLS = 1 << 14


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [lo[k], hi[k]): (k repeated once per element, the elements)."""
    cnt = np.maximum(hi - lo, 0)
    total = int(cnt.sum())
    if not total:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    owner = np.repeat(np.arange(lo.size, dtype=np.int64), cnt)
    first = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
    return owner, np.arange(total, dtype=np.int64) + first


def _overlap_pairs(a, b, same_category: bool) -> _Overlaps:
    """Every pair of a span of ``a`` and a span of ``b`` (``(starts, ends, categories)`` each, numpy
    integer arrays in any order, overlaps allowed) that share a position, of the same category when ``same_category``.

    Two non-empty spans overlap exactly when one starts inside the other: either b starts in
    [s_a, e_a), or a starts in (s_b, e_b) — two disjoint cases, each found for all spans at once by
    binary search in the other side's sorted starts. Time O((|A| + |B|) log + pairs), memory
    O(|A| + |B| + pairs); small inputs use the dense matrix (``DENSE_CELLS``). With
    ``same_category`` every category is moved to a stretch of its own (offset by category ×
    (largest end + 1)), so only spans of one category can meet."""
    sa, ea, ka = a
    sb, eb, kb = b
    shape = (sa.size, sb.size)
    if shape[0] * shape[1] <= DENSE_CELLS:  # small: the dense matrix is quicker, the pairs the same
        if sa.size == 0 or sb.size == 0:
            return _Overlaps(None, None, shape, np.zeros(shape, dtype=bool))
        ov = (sa[:, None] < eb[None, :]) & (sb[None, :] < ea[:, None])
        if same_category:
            ov &= ka[:, None] == kb[None, :]
        return _Overlaps(None, None, shape, ov)
    sa, ea, ka, sb, eb, kb = (np.asarray(x, dtype=np.int64) for x in (sa, ea, ka, sb, eb, kb))
    if same_category:
        shift = int(max(ea.max(), eb.max())) + 1
        sa, ea, sb, eb = sa + ka * shift, ea + ka * shift, sb + kb * shift, eb + kb * shift
    ob = np.argsort(sb, kind="stable")
    sbs = sb[ob]
    i1, pos = _expand(np.searchsorted(sbs, sa, side="left"), np.searchsorted(sbs, ea, side="left"))
    j1 = ob[pos]  # b starts inside a (s_a <= s_b < e_a)
    oa = np.argsort(sa, kind="stable")
    sas = sa[oa]
    j2, pos = _expand(np.searchsorted(sas, sb, side="right"), np.searchsorted(sas, eb, side="left"))
    i2 = oa[pos]  # a starts inside b, after it (s_b < s_a < e_b)
    key = np.sort(np.concatenate((i1, i2)) * shape[1] + np.concatenate((j1, j2)))
    return _Overlaps(key // shape[1], key % shape[1], shape)


def _matching_from(ov: _Overlaps, rows=None, cols=None):
    """The maximum matching of ``_max_matching`` on the overlapping pairs ``ov``, or on those
    among the A spans ``rows`` and B spans ``cols`` (distinct indices; the pairs' indices are then
    positions in ``rows`` and ``cols``): [(i, j)]. Each left vertex's neighbours are listed in
    increasing order, as they were when read off the dense matrix, so the pairs are the same."""
    if ov.dense is not None:  # as before the sparse pairs: the same adjacency lists
        dense = ov.dense if rows is None else ov.dense[np.ix_(rows, cols)]
        if not dense.any():
            return []
        ii, jj = np.nonzero(dense)
        adj = [[] for _ in range(dense.shape[0])]
        for u, v in zip(ii.tolist(), jj.tolist()):
            adj[u].append(v)
        ml = _max_matching(adj, dense.shape[1])
        return [(u, v) for u, v in enumerate(ml) if v >= 0]
    i, j = ov.i, ov.j
    n_left, n_right = ov.shape
    if rows is not None:
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        rmap = np.full(n_left, -1, np.int64)
        rmap[rows] = np.arange(rows.size)
        cmap = np.full(n_right, -1, np.int64)
        cmap[cols] = np.arange(cols.size)
        li, lj = rmap[i], cmap[j]
        keep = (li >= 0) & (lj >= 0)
        n_left, n_right = int(rows.size), int(cols.size)
        key = np.sort(li[keep] * n_right + lj[keep])
        i, j = key // max(n_right, 1), key % max(n_right, 1)
    if not i.size:
        return []
    bounds = np.searchsorted(i, np.arange(n_left + 1)).tolist()
    jj = j.tolist()
    adj = [jj[bounds[u]:bounds[u + 1]] for u in range(n_left)]
    ml = _max_matching(adj, n_right)
    return [(u, v) for u, v in enumerate(ml) if v >= 0]


def _f1_counts(doc: _Doc, a: int, b: int, K: int):
    """Per category: exact matches, overlap matches, |A|, |B| for one document and coder pair."""
    ra, rb = doc.raw[a], doc.raw[b]
    na = np.bincount(ra[2], minlength=K)
    nb = np.bincount(rb[2], minlength=K)
    key = lambda r: (r[0] * (doc.n + 1) + r[1]) * K + r[2]  # noqa: E731
    common = np.intersect1d(key(ra), key(rb))
    exact = np.bincount(common % K, minlength=K) if K else np.zeros(0)
    pairs = _matching_from(_overlap_pairs(ra, rb, True))
    ov = np.bincount(ra[2][[i for i, _ in pairs]], minlength=K) if pairs else np.zeros(K, np.int64)
    return np.stack([exact, ov, na, nb]).astype(np.float64), pairs


SPANS_PER_BLOCK = 1 << 15  # documents are matched together until they hold this many spans of one coder


def _doc_blocks(bounds_a: list, bounds_b: list, D: int):
    """Runs [n0, n1) of documents with about ``SPANS_PER_BLOCK`` spans of one coder or the other."""
    n0 = 0
    while n0 < D:
        n1 = n0 + 1
        while n1 < D and max(bounds_a[n1] - bounds_a[n0], bounds_b[n1] - bounds_b[n0]) < SPANS_PER_BLOCK:
            n1 += 1
        yield n0, n1
        n0 = n1


def _pooled_side(pool, u: int, a: int, z: int):
    """Coder u's raw spans a..z as (pooled starts, pooled ends, categories)."""
    dn, s, e, k = pool.raw[u]
    shift = pool.offsets[dn[a:z]]
    return s[a:z] + shift, e[a:z] + shift, k[a:z]


def _f1_all(p, a: int, b: int, K: int):
    """``_f1_counts(doc, a, b, K)`` of every document at once: (documents × 4 × K counts, the
    same-category matching as (A indices, B indices) into the pooled raw spans of the two coders,
    ``Prepared.pool.raw``). Documents go through ``_overlap_pairs`` and ``_max_matching`` a block
    at a time, laid end to end: their spans never overlap across documents, so the graph is the
    union of the documents' graphs, each vertex's neighbours in the same order, and the
    matching's greedy start and each augmenting search stay inside one document's graph, finding
    the pairs the per-document runs find. Every count is a whole number."""
    pool, D = p.pool, len(p.docs)
    ua, ub = pool.coders[a], pool.coders[b]
    da, sa, ea, ka = pool.raw[ua]
    db, sb, eb, kb = pool.raw[ub]
    na = np.bincount(da * K + ka, minlength=D * K).reshape(D, K)
    nb = np.bincount(db * K + kb, minlength=D * K).reshape(D, K)
    W = int(max(d.n for d in p.docs)) + 1
    if D * W * W * max(K, 1) < 2**62:  # one integer per span: the raw spans are sorted and distinct
        key_a, key_b = ((da * W + sa) * W + ea) * K + ka, ((db * W + sb) * W + eb) * K + kb
        at = np.minimum(np.searchsorted(key_b, key_a), max(key_b.size - 1, 0))
        hit = key_b[at] == key_a if key_b.size else np.zeros(key_a.size, dtype=bool)
        exact = np.bincount(da[hit] * K + ka[hit], minlength=D * K).reshape(D, K)
    else:
        exact = np.zeros((D, K), dtype=np.int64)
        for n, doc in enumerate(p.docs):
            exact[n] = _f1_counts(doc, a, b, K)[0][0]
    left, right = [], []
    ba, bb = pool.raw_bounds[ua], pool.raw_bounds[ub]
    for n0, n1 in _doc_blocks(ba, bb, D):
        pairs = _matching_from(_overlap_pairs(_pooled_side(pool, ua, ba[n0], ba[n1]),
                                              _pooled_side(pool, ub, bb[n0], bb[n1]), True))
        if pairs:
            ij = np.array(pairs, dtype=np.int64)
            left.append(ij[:, 0] + ba[n0])
            right.append(ij[:, 1] + bb[n0])
    empty = np.zeros(0, np.int64)
    left, right = np.concatenate(left + [empty]), np.concatenate(right + [empty])
    ov = np.bincount(da[left] * K + ka[left], minlength=D * K).reshape(D, K)
    return np.stack([exact, ov, na, nb], axis=1).astype(np.float64), (left, right)


def _f1(tp, na, nb, what="spans"):
    if na + nb == 0:
        return Undefined(f"neither coder has {what}")
    return float(2 * tp / (na + nb))


def _f1_summary(counts: np.ndarray, categories) -> dict:
    """counts: (4, K) = exact, overlap, |A|, |B| per category."""
    out = {}
    for row, name in ((0, "span_f1_exact"), (1, "span_f1_overlap")):
        out[name] = _f1(counts[row].sum(), counts[2].sum(), counts[3].sum())
        per = [_f1(counts[row, k], counts[2, k], counts[3, k]) for k in range(len(categories))]
        vals = [v for v in per if is_defined(v)]
        out[name + "_macro"] = float(np.mean(vals)) if vals else Undefined("neither coder has spans")
        out[name + "_per_category"] = dict(zip(categories, per))
    return out


def span_f1(texts, spans=None, coder_a=None, coder_b=None, categories=None, documents=None) -> dict:
    """Pairwise span F1 between two coders (the first two by default).

    Unit of analysis: the annotations (spans) themselves.
        F1 = 2 TP / (|A| + |B|)  — symmetric in the coders (precision of one is recall of the other).
    Exact matching: TP = spans with the same document, start, end and category in both.
    Overlap matching: TP = size of a maximum one-to-one matching between A's and B's spans, where
    a pair may match when they have the same category and share at least one character
    (maximum-cardinality bipartite matching by augmenting paths, so the count is the largest
    possible and does not depend on tie-breaking). Raw spans are used (not merged); duplicates
    count once. micro = pooled counts over categories; macro = mean of the per-category F1 over
    the categories either coder used.

    Returns {"span_f1_exact", "span_f1_exact_macro", "span_f1_exact_per_category",
    "span_f1_overlap", ...same}."""
    p = _prep(texts, spans, _pair(coder_a, coder_b), categories, documents)
    if p.problem is not None:
        u = p.problem
        return {k: u for k in ("span_f1_exact", "span_f1_exact_macro", "span_f1_overlap",
                               "span_f1_overlap_macro")} | {
            "span_f1_exact_per_category": {c: u for c in p.categories},
            "span_f1_overlap_per_category": {c: u for c in p.categories}}
    K = len(p.categories)
    counts = sum(_f1_all(p, 0, 1, K)[0])
    return _f1_summary(counts, p.categories)
