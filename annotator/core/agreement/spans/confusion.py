"""Where two or more coders differ: the confusion matrix of two coders and the list of stretches
where the coders' coverage differs."""

from __future__ import annotations

import numpy as np

from annotator.core.agreement.spans.matching import _f1_counts, _matching_from, _overlap_pairs
from annotator.core.agreement.spans.prepare import Prepared, _Doc, _pair, _prep

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


def _confusion(p: Prepared, a: int, b: int, pairs_by_doc=None) -> dict:
    K = len(p.categories)
    conf = np.zeros((K + 1, K + 1), dtype=np.int64)
    if p.problem is None:
        for n, doc in enumerate(p.docs):
            same = pairs_by_doc[n] if pairs_by_doc is not None else _f1_counts(doc, a, b, K)[1]
            conf += _confusion_doc(doc, a, b, K, same)
    return {"coders": [p.coders[a], p.coders[b]] if len(p.coders) > max(a, b) else list(p.coders),
            "labels": list(p.categories) + [None], "matrix": conf.tolist()}


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
    shared: dict = {}
    return [d for doc in p.docs for d in _disagreements_doc(doc, p, shared)]
