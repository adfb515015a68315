"""Where two or more coders differ: the confusion matrix of two coders and the list of stretches
where the coders' coverage differs."""

from __future__ import annotations

import numpy as np

from annotator.core.agreement.spans.matching import (
    _doc_blocks,
    _f1_all,
    _matching_from,
    _overlap_pairs,
    _pooled_side,
)
from annotator.core.agreement.spans.prepare import Prepared, _Doc, _pair, _prep
from annotator.core.agreement.unitizing import sorted_unique

# --------------------------------------------------------------------------------------------
# Confusion and disagreements
# --------------------------------------------------------------------------------------------


def _confusion_doc(doc: _Doc, a: int, b: int, K: int, same_pairs) -> np.ndarray:
    conf = np.zeros((K + 1, K + 1), dtype=np.int64)
    ra, rb = doc.raw[a], doc.raw[b]
    used_a, used_b = np.zeros(ra[0].size, bool), np.zeros(rb[0].size, bool)
    for i, j in same_pairs:
        conf[ra[2][i], rb[2][j]] += 1
        used_a[i] = used_b[j] = True
    rows, cols = np.flatnonzero(~used_a), np.flatnonzero(~used_b)
    if rows.size and cols.size:
        for i, j in _matching_from(_overlap_pairs(ra, rb, False), rows, cols):
            conf[ra[2][rows[i]], rb[2][cols[j]]] += 1
            used_a[rows[i]] = used_b[cols[j]] = True
    np.add.at(conf, (ra[2][~used_a], K), 1)
    np.add.at(conf, (K, rb[2][~used_b]), 1)
    return conf


def span_confusion(texts, spans=None, coder_a=None, coder_b=None, categories=None, documents=None) -> dict:
    """Category × category counts of overlapping spans of two coders, plus "none".

    Spans are paired one to one: first a maximum matching of same-category overlapping spans
    (the diagonal; the same pairs as overlap F1), then a maximum matching among the spans still
    unpaired that overlap with a different category (off-diagonal); a span left unpaired goes to
    the "none" column (coder A) or row (coder B). Rows: coder A's category; columns: coder B's.
    Returns {"coders": [a, b], "labels": [..categories, None], "matrix": [[int]]}."""
    p = _prep(texts, spans, _pair(coder_a, coder_b), categories, documents)
    return _confusion(p, 0, 1)


def _confusion(p: Prepared, a: int, b: int, same=None) -> dict:
    """The confusion matrix of coders a and b; ``same``: their same-category matching from
    ``_f1_all`` (found here when not given)."""
    K = len(p.categories)
    conf = np.zeros((K + 1, K + 1), dtype=np.int64)
    if p.problem is None:
        conf = _confusion_all(p, a, b, K, same if same is not None else _f1_all(p, a, b, K)[1])
    return {"coders": [p.coders[a], p.coders[b]] if len(p.coders) > max(a, b) else list(p.coders),
            "labels": list(p.categories) + [None], "matrix": conf.tolist()}


def _confusion_all(p: Prepared, a: int, b: int, K: int, same) -> np.ndarray:
    """``Σ _confusion_doc`` over the documents, on the pooled spans a block of documents at a time
    (the same-category pairs ``same`` first, then a maximum matching of the spans still unpaired:
    as in ``_f1_all``, a block's graph is the union of its documents' graphs, so the pairs are the
    per-document ones)."""
    pool = p.pool
    ua, ub = pool.coders[a], pool.coders[b]
    ka, kb = pool.raw[ua][3], pool.raw[ub][3]
    conf = np.zeros((K + 1, K + 1), dtype=np.int64)
    used_a, used_b = np.zeros(ka.size, bool), np.zeros(kb.size, bool)
    left, right = same
    np.add.at(conf, (ka[left], kb[right]), 1)
    used_a[left] = used_b[right] = True
    ba, bb = pool.raw_bounds[ua], pool.raw_bounds[ub]
    for n0, n1 in _doc_blocks(ba, bb, len(p.docs)):
        a0, a1, b0, b1 = ba[n0], ba[n1], bb[n0], bb[n1]
        rows, cols = np.flatnonzero(~used_a[a0:a1]), np.flatnonzero(~used_b[b0:b1])
        if rows.size and cols.size:
            pairs = _overlap_pairs(_pooled_side(pool, ua, a0, a1), _pooled_side(pool, ub, b0, b1), False)
            found = _matching_from(pairs, rows, cols)
            if found:
                ij = np.array(found, dtype=np.int64)
                i, j = rows[ij[:, 0]] + a0, cols[ij[:, 1]] + b0
                np.add.at(conf, (ka[i], kb[j]), 1)
                used_a[i] = used_b[j] = True
    np.add.at(conf, (ka[~used_a], K), 1)
    np.add.at(conf, (K, kb[~used_b]), 1)
    return conf


def _disagreements_doc(doc: _Doc, p: Prepared, shared: dict | None = None) -> list[dict]:
    """The disagreements of one document. Entries where the coders hold the same values share one
    ``coders`` dict (from ``shared``, kept across documents by the caller): a report lists hundreds
    of thousands of them with a few hundred distinct ones, so the report is read-only data."""
    m, K = len(p.coders), len(p.categories)
    pts = np.unique(np.concatenate([np.array([0, doc.n], np.int64)] + [x for i in range(m) for x in doc.raw[i][:2]]))
    if pts.size < 2:
        return []
    starts = pts[:-1]
    codes = np.zeros((m, starts.size), dtype=object if K > 62 else np.int64)
    for i in range(m):
        for k in range(K):
            s, e = doc.merged[i][k]
            if s.size:
                idx = np.searchsorted(e, starts, side="right")
                inside = (idx < s.size) & (s[np.minimum(idx, s.size - 1)] <= starts)
                codes[i] = codes[i] + inside.astype(codes.dtype) * (1 << k)
    differ = np.flatnonzero((codes != codes[0]).any(axis=0))
    if not differ.size:
        return []
    # A differing stretch joins the entry before it when it follows that entry's last stretch
    # directly and every coder holds the same values in both.
    same_as_prev = (codes[:, differ[1:]] == codes[:, differ[1:] - 1]).all(axis=0) & (differ[1:] == differ[:-1] + 1)
    new = np.concatenate(([True], ~same_as_prev))
    first = differ[new]
    last = differ[np.flatnonzero(np.concatenate((new[1:], [True])))]
    shared = {} if shared is None else shared
    values = list(map(tuple, codes[:, first].T.tolist()))
    for key in set(values).difference(shared):
        shared[key] = {c: _decode(p, K, v) for c, v in zip(p.coders, key)}
    return [{"document": doc.doc_id, "start": start, "end": end, "coders": shared[key]}
            for start, end, key in zip(starts[first].tolist(), pts[1:][last].tolist(), values)]


def _disagreements_all(p: Prepared, shared: dict | None = None) -> list[dict]:
    """``[d for doc in p.docs for d in _disagreements_doc(doc, p, shared)]``, found for all documents
    at once on the pooled continuum (``Prepared.pool``) when the categories fit in a bitmask of one
    integer (at most 62, like ``_disagreements_doc``'s own integer codes).

    The same stretches: the points are every document's (its start, its end, its coders' span
    starts and ends), each shifted by the document's offset; a unit covers a point when it starts
    at or before it and ends after it, so each unit covers a run of consecutive points, found by two
    binary searches (units of different documents share no position). A stretch joins the entry
    before it only within one document."""
    K, pool = len(p.categories), p.pool
    shared = {} if shared is None else shared
    if pool is None or K > 62 or not p.docs:
        return [d for doc in p.docs for d in _disagreements_doc(doc, p, shared)]
    # The positions of a report's hundreds of thousands of entries are a few thousand distinct
    # numbers: each entry refers to one shared int object per value (56 bytes less an entry).
    W = max(d.n for d in p.docs) + 1
    same_int = list(range(W)) if W <= sum(pool.raw[u][0].size for u in pool.coders) else None
    out: list = []
    by_int: dict = {}  # the coders' values of an entry as one integer -> their dict (m × K ≤ 62)
    bounds = [pool.raw_bounds[u] for u in pool.coders]
    n0, D = 0, len(p.docs)
    while n0 < D:  # a block of documents at a time: the work arrays stay small
        n1 = n0 + 1
        while n1 < D and sum(b[n1] - b[n0] for b in bounds) < CHUNK:
            n1 += 1
        _disagreements_block(p, n0, n1, shared, same_int, out, by_int)
        n0 = n1
    return out


def _disagreements_block(p: Prepared, n0: int, n1: int, shared: dict, same_int, out: list, by_int: dict) -> None:
    """``_disagreements_all`` of documents n0 .. n1 − 1, appended to ``out``."""
    m, K, pool = len(p.coders), len(p.categories), p.pool
    offsets = pool.offsets
    pieces = [offsets[n0:n1 + 1]]
    for u in pool.coders:
        dn, s, e, _ = pool.raw[u]
        a, z = pool.raw_bounds[u][n0], pool.raw_bounds[u][n1]
        shift = offsets[dn[a:z]]
        pieces += [s[a:z] + shift, e[a:z] + shift]
    pts = sorted_unique(np.concatenate(pieces))
    if pts.size < 2:
        return
    starts = pts[:-1]
    codes = np.zeros((m, starts.size), dtype=np.int64)
    for i, u in enumerate(pool.coders):
        for k in range(K):
            md, ms, me = pool.merged[u][k]
            a, z = pool.merged_bounds[u][k][n0], pool.merged_bounds[u][k][n1]
            if z > a:
                shift = offsets[md[a:z]]
                lo = np.searchsorted(starts, ms[a:z] + shift, side="left")
                hi = np.searchsorted(starts, me[a:z] + shift, side="left")
                depth = np.bincount(lo, minlength=starts.size + 1) - np.bincount(hi, minlength=starts.size + 1)
                codes[i] += (np.cumsum(depth[:-1]) > 0).astype(np.int64) << k
    differ = np.flatnonzero((codes != codes[0]).any(axis=0))
    if not differ.size:
        return
    doc_of = np.searchsorted(offsets, starts[differ], side="right") - 1  # the document each stretch is in
    same_as_prev = ((codes[:, differ[1:]] == codes[:, differ[1:] - 1]).all(axis=0) & (differ[1:] == differ[:-1] + 1)
                    & (doc_of[1:] == doc_of[:-1]))
    new = np.concatenate(([True], ~same_as_prev))
    first = differ[new]
    last = differ[np.flatnonzero(np.concatenate((new[1:], [True])))]
    doc_first = doc_of[new]
    shift = offsets[doc_first]
    values = codes[:, first]
    if m * K <= 62:  # one integer per entry: the distinct ones found by a sort
        key = np.zeros(first.size, dtype=np.int64)
        for i in range(m):
            key |= values[i] << (i * K)
        distinct = sorted_unique(key)
        which = np.searchsorted(distinct, key).tolist()
        mask = (1 << K) - 1
        coders_of = []
        for v in distinct.tolist():
            found = by_int.get(v)
            if found is None:
                found = by_int[v] = _shared(p, K, shared, tuple(v >> (i * K) & mask for i in range(m)))
            coders_of.append(found)
        coders = list(map(coders_of.__getitem__, which))
    else:
        coders = [_shared(p, K, shared, key) for key in map(tuple, values.T.tolist())]
    s_l, e_l = (starts[first] - shift).tolist(), (pts[1:][last] - shift).tolist()
    if same_int is not None:
        s_l, e_l = list(map(same_int.__getitem__, s_l)), list(map(same_int.__getitem__, e_l))
    doc_ids = [d.doc_id for d in p.docs[n0:n1]]
    out += [{"document": d, "start": a, "end": z, "coders": c}
            for d, a, z, c in zip(map(doc_ids.__getitem__, (doc_first - n0).tolist()), s_l, e_l, coders)]


CHUNK = 1 << 15  # raw spans (all coders) per block of documents


def _shared(p: Prepared, K: int, shared: dict, key: tuple) -> dict:
    found = shared.get(key)
    if found is None:
        found = shared[key] = {c: _decode(p, K, v) for c, v in zip(p.coders, key)}
    return found


def _decode(p: Prepared, K: int, v: int):
    """A coder's value in a disagreement: None, a category, or the list of the categories there."""
    cats = [p.categories[k] for k in range(K) if v >> k & 1]
    return None if not cats else cats[0] if len(cats) == 1 else cats


def span_disagreements(texts, spans=None, coders=None, categories=None, documents=None) -> list[dict]:
    """Maximal stretches where the coders' coverage differs: [{"document", "start", "end",
    "coders": {coder: category | None | [categories] when several overlap there}}], in document
    and position order. Text no coder annotated is never listed."""
    p = _prep(texts, spans, coders, categories, documents)
    if p.problem is not None:
        return []
    return _disagreements_all(p)
