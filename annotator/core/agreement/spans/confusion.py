"""Where two or more coders differ: the confusion matrix of two coders and the list of stretches
where the coders' coverage differs."""

from __future__ import annotations

import numpy as np

from annotator.core.agreement.spans.matching import _f1_counts, _matching_from, _overlap_pairs
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


def _confusion(p: Prepared, a: int, b: int, pairs_by_doc=None) -> dict:
    K = len(p.categories)
    conf = np.zeros((K + 1, K + 1), dtype=np.int64)
    if p.problem is None:
        for n, doc in enumerate(p.docs):
            same = pairs_by_doc[n] if pairs_by_doc is not None else _f1_counts(doc, a, b, K)[1]
            conf += _confusion_doc(doc, a, b, K, same)
    return {"coders": [p.coders[a], p.coders[b]] if len(p.coders) > max(a, b) else list(p.coders),
            "labels": list(p.categories) + [None], "matrix": conf.tolist()}


def _disagreements(p: Prepared) -> list[dict]:
    """The disagreements of every document, in document order, found in one pass over the
    documents laid end to end (a stretch never joins one across a document's start). Entries
    where the coders hold the same values share one ``coders`` dict: a report lists hundreds of
    thousands of them with a few hundred distinct ones, so the report is read-only data."""
    m, K = len(p.coders), len(p.categories)
    offsets = np.cumsum([0] + [d.n for d in p.docs])
    shifts, empty = offsets[:-1].tolist(), np.zeros(0, np.int64)
    pts = sorted_unique(np.concatenate([offsets] + [x + off for d, off in zip(p.docs, shifts)
                                                    for i in range(m) for x in d.raw[i][:2]]))
    starts, ends = pts[:-1], pts[1:]
    codes = np.zeros((m, starts.size), dtype=object if K > 62 else np.int64)
    for i in range(m):
        for k in range(K):
            s = np.concatenate([d.merged[i][k][0] + off for d, off in zip(p.docs, shifts)] + [empty])
            e = np.concatenate([d.merged[i][k][1] + off for d, off in zip(p.docs, shifts)] + [empty])
            if s.size:
                idx = np.searchsorted(e, starts, side="right")
                inside = (idx < s.size) & (s[np.minimum(idx, s.size - 1)] <= starts)
                codes[i] = codes[i] + inside.astype(codes.dtype) * (1 << k)
    differ = np.flatnonzero((codes != codes[0]).any(axis=0))
    if not differ.size:
        return []
    doc_of = np.searchsorted(offsets[:-1], starts[differ], side="right") - 1
    # A differing stretch joins the entry before it when it follows that entry's last stretch
    # directly, in the same document, and every coder holds the same values in both.
    same_as_prev = ((codes[:, differ[1:]] == codes[:, differ[1:] - 1]).all(axis=0)
                    & (differ[1:] == differ[:-1] + 1) & (doc_of[1:] == doc_of[:-1]))
    new = np.concatenate(([True], ~same_as_prev))
    first, docs = differ[new], doc_of[new]
    last = differ[np.flatnonzero(np.concatenate((new[1:], [True])))]
    shared: dict = {}
    values = list(map(tuple, codes[:, first].T.tolist()))
    for key in set(values).difference(shared):
        shared[key] = {c: _decode(p, K, v) for c, v in zip(p.coders, key)}
    base = offsets[docs]
    return [{"document": p.docs[d].doc_id, "start": start, "end": end, "coders": shared[key]}
            for d, start, end, key in zip(docs.tolist(), (starts[first] - base).tolist(), (ends[last] - base).tolist(),
                                          values)]


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
    return _disagreements(p)
