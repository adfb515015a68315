"""Span F1: exact matching, and overlap matching as a maximum one-to-one bipartite matching."""

from __future__ import annotations

import numpy as np

from annotator.core.agreement.common import Undefined, is_defined
from annotator.core.agreement.spans.prepare import _Doc, _pair, _prep

# --------------------------------------------------------------------------------------------
# Span F1
# --------------------------------------------------------------------------------------------


def _max_matching(adj: list[list[int]], n_right: int) -> list[int]:
    """Maximum-cardinality bipartite matching (augmenting paths, Kuhn); returns match_left."""
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
        parent_r = {}  # right vertex -> left vertex it was reached from
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
        while v >= 0:  # flip the path
            u = parent_r[v]
            nxt = match_l[u]
            match_l[u], match_r[v] = v, u
            v = nxt
    return match_l


def _overlap_pairs(a, b, same_category: bool):
    sa, ea, ka = a
    sb, eb, kb = b
    if sa.size == 0 or sb.size == 0:
        return np.zeros((sa.size, sb.size), dtype=bool)
    ov = (sa[:, None] < eb[None, :]) & (sb[None, :] < ea[:, None])
    if same_category:
        ov &= ka[:, None] == kb[None, :]
    return ov


def _matching_from(ov: np.ndarray, rows=None, cols=None):
    if rows is not None:
        ov = ov[np.ix_(rows, cols)]
    if not ov.any():
        return []
    ii, jj = np.nonzero(ov)
    adj = [[] for _ in range(ov.shape[0])]
    for i, j in zip(ii.tolist(), jj.tolist()):
        adj[i].append(j)
    ml = _max_matching(adj, ov.shape[1])
    return [(i, j) for i, j in enumerate(ml) if j >= 0]


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
    counts = sum(_f1_counts(d, 0, 1, K)[0] for d in p.docs)
    return _f1_summary(counts, p.categories)
