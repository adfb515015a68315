"""Span-level agreement on annotations over texts (Qt-free, numpy).

Plain data in:

* ``texts``: ``{doc_id: length}`` (code points) or ``{doc_id: text}``. With the text, token
  measures use word tokens (maximal runs of non-whitespace, as ``str.split()``); with only the
  length, every character is a token.
* ``spans``: iterable of ``(doc_id, coder, start, end, category)``, ``[start, end)`` in code points.
  A coder's spans may overlap each other. Empty spans (start == end) cover nothing and are
  dropped; exact duplicates (same coder, document, start, end, category) count once.

Measures (each documented in its function and in docs/agreement-spans.md): Krippendorff's
unitizing alpha (1995/2004, the DKPro/INCEpTION variant), the 2016 family uα, |uα and cuα, span F1
(exact and overlap matching), token-level Cohen's kappa and Krippendorff's alpha, and
``span_report`` with all of them overall, per category, per document and per coder pair, a
confusion matrix and the list of disagreements. A measure that does not apply returns
``Undefined(reason)``.

Which documents count: with ``documents=None``, the documents of ``texts`` in which every selected
coder made at least one annotation (of any category); pass ``documents=[...]`` to choose them
yourself (then a coder with no annotation in a listed document is taken to have found nothing
there). Several documents are pooled as one continuum laid end to end, where no unit and no gap
ever crosses a document boundary (so results do not depend on document order).
"""

from __future__ import annotations

import functools
import itertools
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .common import Undefined, is_defined
from .unitizing import (
    alphas_2016,
    coincidences_2016,
    k_cu_alphas_2016,
    u1995_alpha,
    u1995_expected_numerator,
    u1995_gaps,
    u1995_pair_disagreement,
)

__all__ = [
    "prepare",
    "unitizing_alpha",
    "u_alpha_2016",
    "span_f1",
    "token_kappa",
    "token_alpha",
    "span_confusion",
    "span_disagreements",
    "span_report",
    "word_tokens",
]



@functools.cache
def _whitespace() -> np.ndarray:
    """The code points str.isspace() accepts (str.split() separators)."""
    return np.array([c for c in range(sys.maxunicode + 1) if chr(c).isspace()], dtype=np.uint32)


def word_tokens(text: str) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) code-point offsets of the maximal runs of non-whitespace (``str.split()``)."""
    if not text:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    word = ~np.isin(cps, _whitespace())
    edges = np.diff(np.concatenate(([False], word, [False])).astype(np.int8))
    return np.flatnonzero(edges == 1).astype(np.int64), np.flatnonzero(edges == -1).astype(np.int64)


def _merge(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted intervals with every group sharing a position merged (touching ones stay apart)."""
    if starts.size <= 1:
        return starts, ends
    order = np.lexsort((ends, starts))
    s, e = starts[order], ends[order]
    run_end = np.maximum.accumulate(e)
    new = np.concatenate(([True], s[1:] >= run_end[:-1]))
    group = np.cumsum(new) - 1
    ms = s[new]
    me = np.zeros(ms.size, dtype=e.dtype)
    np.maximum.at(me, group, e)
    return ms, me


@dataclass
class _Doc:
    doc_id: object
    n: int
    text: str | None
    # per coder: raw (deduplicated) spans, sorted by (start, end, category index)
    raw: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    # per coder, per category index: merged units (starts, ends)
    merged: list[list[tuple[np.ndarray, np.ndarray]]] = field(default_factory=list)
    _tokens: tuple | None = None

    def tokens(self):
        if self._tokens is None:
            if self.text is not None:
                self._tokens = word_tokens(self.text)
            else:
                t = np.arange(self.n, dtype=np.int64)
                self._tokens = (t, t + 1)
        return self._tokens


@dataclass
class Prepared:
    """Validated, filtered and indexed span data (``prepare``); every measure accepts one."""

    coders: list
    categories: list
    docs: list[_Doc]
    excluded_documents: list
    problem: Undefined | None = None

    @property
    def length(self) -> int:
        return sum(d.n for d in self.docs)


def prepare(texts: Mapping, spans: Iterable, coders: Sequence | None = None,
            categories: Sequence | None = None, documents: Sequence | None = None) -> Prepared:
    """Validate and index the plain data once, for several measures.

    Raises ValueError on a span that names an unknown document or lies outside its text, or on a
    ``documents`` entry missing from ``texts``. Undefined situations (fewer than two coders, no
    common document) are recorded in ``Prepared.problem`` and make every measure Undefined."""
    lengths, raw_texts = {}, {}
    for doc, value in texts.items():
        if isinstance(value, str):
            lengths[doc], raw_texts[doc] = len(value), value
        else:
            lengths[doc] = int(value)
    rows: dict = {}
    seen_coders, seen_cats = {}, {}
    for row in spans:
        doc, coder, start, end, cat = row
        if doc not in lengths:
            raise ValueError(f"span {row!r}: unknown document {doc!r}")
        start, end = int(start), int(end)
        if not (0 <= start <= end <= lengths[doc]):
            raise ValueError(f"span {row!r}: [{start}, {end}) is outside the document "
                             f"(length {lengths[doc]}) or ends before it starts")
        seen_coders.setdefault(coder, None)
        seen_cats.setdefault(cat, None)
        if start < end:
            rows.setdefault((doc, coder), set()).add((start, end, cat))
    coder_list = list(coders) if coders is not None else sorted(seen_coders, key=str)
    cat_list = list(categories) if categories is not None else sorted(seen_cats, key=str)
    cat_index = {c: k for k, c in enumerate(cat_list)}
    if documents is not None:
        for d in documents:
            if d not in lengths:
                raise ValueError(f"unknown document {d!r}")
        doc_ids = list(dict.fromkeys(documents))
        excluded = []
    else:
        doc_ids, excluded = [], []
        for d in lengths:
            (doc_ids if all((d, c) in rows for c in coder_list) else excluded).append(d)
    problem = None
    if len(coder_list) < 2:
        problem = Undefined("fewer than two coders")
    elif not doc_ids:
        problem = Undefined("the coders share no documents (no document annotated by every coder)")
    docs = []
    K = len(cat_list)
    for d in doc_ids:
        doc = _Doc(d, lengths[d], raw_texts.get(d))
        for c in coder_list:
            items = sorted((s, e, cat_index[k]) for s, e, k in rows.get((d, c), ()) if k in cat_index)
            arr = np.array(items, dtype=np.int64).reshape(-1, 3)
            s, e, k = arr[:, 0], arr[:, 1], arr[:, 2]
            doc.raw.append((s, e, k))
            doc.merged.append([_merge(s[k == ki], e[k == ki]) for ki in range(K)])
        docs.append(doc)
    if problem is None and not any(d.raw[i][0].size for d in docs for i in range(len(coder_list))):
        problem = Undefined("nothing annotated")
    return Prepared(coder_list, cat_list, docs, excluded, problem)


def _pair(coder_a, coder_b):
    if (coder_a is None) != (coder_b is None):
        raise ValueError("give both coder_a and coder_b, or neither (then the first two coders)")
    return None if coder_a is None else [coder_a, coder_b]


def _prep(data, spans=None, coders=None, categories=None, documents=None) -> Prepared:
    if isinstance(data, Prepared):
        return data
    return prepare(data, spans, coders, categories, documents)


# --------------------------------------------------------------------------------------------
# Krippendorff's unitizing alpha, 1995/2004
# --------------------------------------------------------------------------------------------


def _u1995_doc_stats(p: Prepared, doc: _Doc):
    """Per category: (Σ δ² over coder pairs, unit lengths, gap lengths) for one document."""
    m = len(p.coders)
    out = []
    for ci in range(len(p.categories)):
        units = [doc.merged[i][ci] for i in range(m)]
        d_sum = 0.0
        for i in range(m):
            for j in range(i + 1, m):
                d_sum += u1995_pair_disagreement(*units[i], *units[j])
        lens = np.concatenate([e - s for s, e in units]).astype(np.float64)
        gaps = np.concatenate([u1995_gaps(s, e, doc.n) for s, e in units])
        out.append((d_sum, lens, gaps))
    return out


def _u1995(p: Prepared, docs, stats=None) -> dict:
    """{"overall", "per_category"} for these documents (``stats``: their _u1995_doc_stats)."""
    m, L = len(p.coders), sum(d.n for d in docs)
    if stats is None:
        stats = [_u1995_doc_stats(p, d) for d in docs]
    per, dos, des = {}, [], []
    for ci, cat in enumerate(p.categories):
        d_sum = sum(st[ci][0] for st in stats)
        lens = np.concatenate([st[ci][1] for st in stats]) if stats else np.zeros(0)
        gaps = np.concatenate([st[ci][2] for st in stats]) if stats else np.zeros(0)
        if lens.size == 0:
            per[cat] = Undefined(f"no units of category {cat!r}")
            continue
        r = u1995_alpha(d_sum, u1995_expected_numerator(lens, gaps), float(np.sum(lens * (lens - 1))), m, L)
        if not is_defined(r):
            per[cat] = r
            continue
        d_o, d_e = r
        dos.append(d_o)
        des.append(d_e)
        per[cat] = float(1 - d_o / d_e) if d_e > 0 else Undefined("no expected disagreement")
    overall = (float(1 - np.mean(dos) / np.mean(des)) if des and np.mean(des) > 0
               else Undefined("nothing annotated"))
    return {"overall": overall, "per_category": per}


def unitizing_alpha(texts, spans=None, coders=None, categories=None, documents=None) -> dict:
    """Krippendorff's unitizing alpha uα (1995; Content Analysis 2004, ch. 12), per category and
    overall — the variant of DKPro Agreement's KrippendorffAlphaUnitizingAgreement (INCEpTION).

    Unit of analysis: the continuum of code points of the pooled documents (length L), one
    category c at a time: each coder's continuum is cut into units of c and gaps.

        uα_c = 1 − D_O(c) / D_E(c)
        D_O(c) = 2 / (m (m − 1) L²) · Σ_{i<j} Σ_g Σ_h δ²(ig, jh)        (see unitizing.py for δ²)
        D_E(c) = (2/L) Σ_units [ (N_c − 1)(2l³ − 3l² + l)/3 + l² Σ_{gaps h: l_h ≥ l}(l_h − l + 1) ]
                 / ( m L (m L − 1) − Σ_units l (l − 1) )
        overall uα = 1 − mean_c D_O(c) / mean_c D_E(c)      (over categories that occur)

    Overlapping spans of one coder and category are merged into one unit (the coefficient needs
    non-overlapping units); spans of different categories may overlap (each category is its own
    continuum). Documents are laid end to end; a gap ends at a document boundary.

    Returns {"overall": float | Undefined, "per_category": {category: float | Undefined}}."""
    p = _prep(texts, spans, coders, categories, documents)
    if p.problem is not None:
        return {"overall": p.problem, "per_category": {c: p.problem for c in p.categories}}
    return _u1995(p, p.docs)


# --------------------------------------------------------------------------------------------
# Krippendorff, Mathet, Bouvry & Widlöcher 2016
# --------------------------------------------------------------------------------------------


def _partition(doc: _Doc, i: int, cats: Sequence[int]):
    """Coder i's partition of the document into segments: boundaries at every start and end of
    the coder's (merged) units of the categories ``cats``; a segment's value is the bitmask of
    the categories covering it (0 = gap)."""
    pieces = [doc.merged[i][k] for k in cats]
    pts = np.unique(np.concatenate([np.array([0], np.int64)] + [x for s, e in pieces for x in (s, e)]))
    pts = pts[pts < doc.n] if doc.n > 0 else pts[:0]
    code = np.zeros(pts.size, dtype=object if len(cats) > 62 else np.int64)
    for bit, (s, e) in enumerate(pieces):
        if s.size:
            idx = np.searchsorted(e, pts, side="right")
            inside = (idx < s.size) & (s[np.minimum(idx, s.size - 1)] <= pts)
            code = code + inside.astype(code.dtype) * (1 << bit)
    return pts, code


def _u2016_stats(p: Prepared, cats: Sequence[int], want_cu: bool):
    """Per-document (l, f, w) of coincidences_2016 and the values: ``uniq[v]`` is the bitmask
    (over ``cats``) of value v, 0 (the gap) first."""
    m = len(p.coders)
    parts = [[_partition(doc, i, cats) for i in range(m)] for doc in p.docs]
    codes = [c for dp in parts for _, c in dp]
    allc = np.concatenate(codes + [np.zeros(1, dtype=codes[0].dtype if codes else np.int64)])
    uniq = np.unique(allc)  # 0 (gap) sorts first
    V = uniq.size
    stats = []
    for doc, dp in zip(p.docs, parts):
        if doc.n == 0:
            stats.append((np.zeros((V, V)), np.zeros(V), np.zeros(V)))
            continue
        part = [(s, np.searchsorted(uniq, c).astype(np.int64)) for s, c in dp]
        stats.append(coincidences_2016(doc.n, part, V, cu=want_cu))
    return stats, uniq


def _sum_stats(stats):
    l = sum(s[0] for s in stats)
    f = sum(s[1] for s in stats)
    w = sum(s[2] for s in stats)
    return l, f, w


def u_alpha_2016(texts, spans=None, coders=None, categories=None, documents=None) -> dict:
    """The 2016 family (Krippendorff, Mathet, Bouvry & Widlöcher, Quality & Quantity 50, 2016):
    uα, |uα and cuα overall, and uα (= |uα) per category.

    Unit of analysis: lengths of intersections of segments. Each coder's pooled continuum is one
    partition into segments: units (value: the category) and gaps (value ∅). With o_ck the
    summed lengths of intersections of a c-segment of one coder with a k-segment of another,
    over ordered coder pairs, divided by m − 1 (so o.. = m L):

        e_ck = o.. (o_c. o_.k − δ_ck Σ_{segments valued c} f(l)) / (o..² − Σ_all f(l)),
               f(l) = l² for a unit, l for a gap
        uα  = 1 − (o.. − Σ_c o_cc) / (o.. − Σ_c e_cc)            (nominal, gaps are a value)
        |uα = 1 − (o_∅. − o_∅∅) / (e_∅. − e_∅∅)                 (units versus gaps)
        cuα = the same over the intersections of units only (two coders; see alphas_2016)

    Per category k: uα and |uα are the same coefficients on the continuum of units of k versus
    everything else (our reduction; with one kind of unit they coincide). cuα per category is
    (k)cuα (two coders; see ``k_cu_alphas_2016``): on cuα's matrices, the observed disagreement
    rate in column k against the expected one, 1 − (e'_.k / o'_.k)(o'_.k − o'_kk)/(e'_.k − e'_kk),
    for the value "k alone" (stretches where a coder's k overlaps another category of the same
    coder are values of their own).

    Overlaps: the paper needs a partition per coder. Overlapping spans of one category are
    merged; where one coder's units of different categories overlap, the coder's continuum is
    cut at every unit boundary and an overlapped stretch gets the combined value (e.g. {A, B}),
    a value of its own. Documents are laid end to end; no segment crosses a document boundary.

    Returns {"u_alpha", "binary_u_alpha", "cu_alpha", "per_category": {cat: {"u_alpha",
    "binary_u_alpha", "cu_alpha"}}}."""
    p = _prep(texts, spans, coders, categories, documents)
    return _u2016(p)


def _u2016(p: Prepared, per_document: bool = False) -> dict:
    m = len(p.coders)
    if p.problem is not None:
        und = p.problem
        res = {"u_alpha": und, "binary_u_alpha": und, "cu_alpha": und,
               "per_category": {c: {"u_alpha": und, "binary_u_alpha": und, "cu_alpha": und}
                                for c in p.categories}}
        if per_document:
            res["per_document"] = [dict(u_alpha=und, binary_u_alpha=und, cu_alpha=und) for _ in p.docs]
        return res
    two = m == 2
    stats, uniq = _u2016_stats(p, range(len(p.categories)), want_cu=two)
    total_stats = _sum_stats(stats)
    res = alphas_2016(*total_stats, m, want_cu=two)
    if two:  # (k)cuα of the value "category k alone" (bitmask 1 << k; combined values are others)
        k_cu = k_cu_alphas_2016(total_stats[0], total_stats[2], m)
        value_of = {int(code): v for v, code in enumerate(uniq.tolist())}
    if not two:
        res["cu_alpha"] = Undefined("cuα is computed for two coders only")
    if per_document:
        docs = []
        for st in stats:
            r = alphas_2016(*st, m, want_cu=two)
            if not two:
                r["cu_alpha"] = res["cu_alpha"]
            docs.append(r)
        res["per_document"] = docs
    per = {}
    for ci, cat in enumerate(p.categories):
        st, _ = _u2016_stats(p, [ci], want_cu=False)
        r = alphas_2016(*_sum_stats(st), m, want_cu=False)
        if not is_defined(r["u_alpha"]) and r["u_alpha"].reason == "nothing annotated":
            r = {k: Undefined(f"no units of category {cat!r}") for k in ("u_alpha", "binary_u_alpha", "cu_alpha")}
        elif not two:
            r["cu_alpha"] = Undefined("cuα is computed for two coders only")
        elif (1 << ci) in value_of:
            r["cu_alpha"] = k_cu[value_of[1 << ci] - 1]
        else:
            r["cu_alpha"] = Undefined(f"category {cat!r} never occurs alone (always overlapped by "
                                      "another category of the same coder)")
        per[cat] = r
    res["per_category"] = per
    return res


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


# --------------------------------------------------------------------------------------------
# Token-level kappa and alpha
# --------------------------------------------------------------------------------------------


def _covered(doc: _Doc, m: int, K: int) -> np.ndarray:
    """(m, K, T) bool: does coder i's units of category k cover any character of token t."""
    ts, te = doc.tokens()
    out = np.zeros((m, K, ts.size), dtype=bool)
    for i in range(m):
        for k in range(K):
            s, e = doc.merged[i][k]
            if s.size and ts.size:
                idx = np.searchsorted(e, ts, side="right")
                ok = idx < s.size
                out[i, k] = ok & (s[np.minimum(idx, s.size - 1)] < te)
    return out


def _token_counts(cov: np.ndarray):
    """Additive counts per category: pair tables (pairs, K, 4) = n11, n10, n01, n00 and alpha
    counts (K, 3) = n1 (covered values), o01 (disagreeing pairs / (m − 1)), N (values)."""
    m, K, T = cov.shape
    pairs = []
    for a, b in itertools.combinations(range(m), 2):
        ca, cb = cov[a], cov[b]
        n11 = (ca & cb).sum(1)
        n10 = (ca & ~cb).sum(1)
        n01 = (~ca & cb).sum(1)
        pairs.append(np.stack([n11, n10, n01, T - n11 - n10 - n01], axis=1))
    r = cov.sum(0).astype(np.float64)  # (K, T): coders covering
    alpha = np.stack([r.sum(1), (r * (m - r)).sum(1) / (m - 1), np.full(K, float(m * T))], axis=1)
    return np.array(pairs, dtype=np.float64).reshape(-1, K, 4), alpha


def _kappa(t) -> float | Undefined:
    n11, n10, n01, n00 = t
    n = n11 + n10 + n01 + n00
    if n == 0:
        return Undefined("no tokens")
    pa, pb = (n11 + n10) / n, (n11 + n01) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe >= 1 - 1e-15:
        return Undefined("only one value occurs (no token covered, or every token covered)")
    return float(((n11 + n00) / n - pe) / (1 - pe))


def _alpha_binary(c) -> float | Undefined:
    n1, o01, n = c
    n0 = n - n1
    if n1 == 0 or n0 == 0:
        return Undefined("only one value occurs (no token covered, or every token covered)")
    return float(1 - (n - 1) * o01 / (n0 * n1))


def _mean_defined(values, what):
    bad = [v for v in values if not is_defined(v)]
    if bad:
        return bad[0]
    return float(np.mean(values)) if values else Undefined(f"no {what}")


def token_kappa(texts, spans=None, coder_a=None, coder_b=None, categories=None, documents=None) -> dict:
    """Token-level Cohen's kappa between two coders, per category and overall.

    Unit of analysis: a token (a whitespace-separated word when ``texts`` gives the text, a code
    point when it gives only the length) × a category; its value for a coder is 1 when any
    character of the token is covered by the coder's spans of that category, else 0.
        κ = (p_o − p_e) / (1 − p_e),  p_e = p_A(1) p_B(1) + p_A(0) p_B(0)
    Overall: the same on all (token, category) items pooled. Unannotated text counts (value 0).
    Overlapping spans are harmless (coverage is a union).

    Returns {"overall": ..., "per_category": {...}}."""
    p = _prep(texts, spans, _pair(coder_a, coder_b), categories, documents)
    if p.problem is not None:
        return {"overall": p.problem, "per_category": {c: p.problem for c in p.categories}}
    K = len(p.categories)
    tab = sum(_token_counts(_covered(d, 2, K))[0][0] for d in p.docs)
    return {"overall": _kappa(tab.sum(0)), "per_category": {c: _kappa(tab[k]) for k, c in enumerate(p.categories)}}


def token_alpha(texts, spans=None, coders=None, categories=None, documents=None) -> dict:
    """Token-level Krippendorff's alpha (nominal, binary), any number of coders, per category and
    overall. Units and values as in ``token_kappa``; every coder codes every token (no missing).
        α = 1 − (n − 1) o_01 / (n_0 n_1),  o_01 = Σ_tokens r (m − r) / (m − 1)
    with r the number of coders covering the token, n = m × tokens, n_1 = Σ r, n_0 = n − n_1.
    Overall: all (token, category) items pooled."""
    p = _prep(texts, spans, coders, categories, documents)
    if p.problem is not None:
        return {"overall": p.problem, "per_category": {c: p.problem for c in p.categories}}
    K = len(p.categories)
    cnt = sum(_token_counts(_covered(d, len(p.coders), K))[1] for d in p.docs)
    return {"overall": _alpha_binary(cnt.sum(0)),
            "per_category": {c: _alpha_binary(cnt[k]) for k, c in enumerate(p.categories)}}


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


def _disagreements_doc(doc: _Doc, p: Prepared) -> list[dict]:
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
    differ = (codes != codes[0]).any(axis=0)
    if not differ.any():
        return []
    same_as_prev = np.concatenate(([False], (codes[:, 1:] == codes[:, :-1]).all(axis=0)))
    out = []
    run_start = None
    ends = pts[1:]
    names: dict = {}

    def decode(v):
        if v not in names:
            cats = [p.categories[k] for k in range(K) if v >> k & 1]
            names[v] = None if not cats else cats[0] if len(cats) == 1 else cats
        return names[v]

    idxs = np.flatnonzero(differ)
    for pos in idxs.tolist():
        if run_start is not None and same_as_prev[pos] and out and out[-1]["end"] == int(starts[pos]):
            out[-1]["end"] = int(ends[pos])
            continue
        run_start = pos
        who = {c: decode(int(codes[i, pos])) for i, c in enumerate(p.coders)}
        out.append({"document": doc.doc_id, "start": int(starts[pos]), "end": int(ends[pos]), "coders": who})
    return out


def span_disagreements(texts, spans=None, coders=None, categories=None, documents=None) -> list[dict]:
    """Maximal stretches where the coders' coverage differs: [{"document", "start", "end",
    "coders": {coder: category | None | [categories] when several overlap there}}], in document
    and position order. Text no coder annotated is never listed."""
    p = _prep(texts, spans, coders, categories, documents)
    if p.problem is not None:
        return []
    return [d for doc in p.docs for d in _disagreements_doc(doc, p)]


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------

MEASURES = ("unitizing_alpha", "u_alpha_2016", "binary_u_alpha_2016", "cu_alpha_2016",
            "span_f1_exact", "span_f1_overlap", "token_kappa", "token_alpha")


def span_report(texts, spans, coders=None, categories=None, documents=None, *,
                confusion_pair: tuple | None = None) -> dict:
    """Every span measure, overall, per category, per document and per coder pair.

    Returns::

        {"coders": [...], "categories": [...], "documents": [...used...],
         "documents_excluded": [...not annotated by every coder...], "length": L,
         "overall": {measure: value, "span_f1_exact_macro": ..., "span_f1_overlap_macro": ...},
         "per_category": {category: {measure: value}},
         "per_document": {document: {measure: value}},
         "pairs": [{"coders": [a, b], "span_f1_exact", "span_f1_exact_macro", "span_f1_overlap",
                    "span_f1_overlap_macro", "token_kappa",
                    "per_category": {category: {"span_f1_exact", "span_f1_overlap",
                                                "token_kappa"}}}],
         "confusion": {"coders": [a, b], "labels": [..., None], "matrix": [[...]]},
         "disagreements": [{"document", "start", "end", "coders": {coder: category | None}}]}

    measure ∈ unitizing_alpha, u_alpha_2016, binary_u_alpha_2016, cu_alpha_2016 (two coders),
    span_f1_exact, span_f1_overlap, token_kappa, token_alpha; each a float or Undefined.
    With more than two coders, span F1 and token kappa (pairwise by nature) are the mean over
    coder pairs (Light's approach); Undefined if any pair's value is."""
    p = prepare(texts, spans, coders, categories, documents)
    cats, m, K = p.categories, len(p.coders), len(p.categories)
    base = {"coders": list(p.coders), "categories": list(cats), "documents": [d.doc_id for d in p.docs],
            "documents_excluded": p.excluded_documents, "length": p.length}
    if p.problem is not None:
        u = p.problem
        row = {k: u for k in MEASURES}
        return base | {"overall": row | {"span_f1_exact_macro": u, "span_f1_overlap_macro": u},
                       "per_category": {c: dict(row) for c in cats},
                       "per_document": {d.doc_id: dict(row) for d in p.docs},
                       "pairs": [], "confusion": _confusion(p, 0, 1), "disagreements": []}
    pair_idx = list(itertools.combinations(range(m), 2))
    # per document, additive statistics
    f1_counts = np.zeros((len(p.docs), len(pair_idx), 4, K))
    tok_pairs = np.zeros((len(p.docs), len(pair_idx), K, 4))
    tok_alpha = np.zeros((len(p.docs), K, 3))
    ca, cb = confusion_pair if confusion_pair else (p.coders[0], p.coders[1])
    if ca not in p.coders or cb not in p.coders or ca == cb:
        raise ValueError(f"confusion_pair {confusion_pair!r}: two different coders of {p.coders!r}")
    a_idx, b_idx = p.coders.index(ca), p.coders.index(cb)
    confusion_pairs = []
    for n, doc in enumerate(p.docs):
        for q, (a, b) in enumerate(pair_idx):
            cnt, same = _f1_counts(doc, a, b, K)
            f1_counts[n, q] = cnt
            if (a, b) == (a_idx, b_idx):
                confusion_pairs.append(same)
        tp, ta = _token_counts(_covered(doc, m, K))
        tok_pairs[n], tok_alpha[n] = tp, ta
    if (a_idx, b_idx) not in pair_idx:
        confusion_pairs = None
    u95_docs = [_u1995_doc_stats(p, doc) for doc in p.docs]
    u95 = _u1995(p, p.docs, u95_docs)
    u16 = _u2016(p, per_document=True)

    def pair_measures(counts4k, tab_k4):
        s = _f1_summary(counts4k, cats)
        return s, _kappa(tab_k4.sum(0)), [_kappa(tab_k4[k]) for k in range(K)]

    pairs_out, pair_vals = [], []
    f1_tot, tok_tot = f1_counts.sum(0), tok_pairs.sum(0)
    for q, (a, b) in enumerate(pair_idx):
        s, kap, kap_k = pair_measures(f1_tot[q], tok_tot[q])
        pair_vals.append((s, kap, kap_k))
        pairs_out.append({
            "coders": [p.coders[a], p.coders[b]],
            "span_f1_exact": s["span_f1_exact"], "span_f1_exact_macro": s["span_f1_exact_macro"],
            "span_f1_overlap": s["span_f1_overlap"], "span_f1_overlap_macro": s["span_f1_overlap_macro"],
            "token_kappa": kap,
            "per_category": {c: {"span_f1_exact": s["span_f1_exact_per_category"][c],
                                 "span_f1_overlap": s["span_f1_overlap_per_category"][c],
                                 "token_kappa": kap_k[k]} for k, c in enumerate(cats)}})

    def mean_pairs(get):
        return _mean_defined([get(v) for v in pair_vals], "coder pairs")

    ta_tot = tok_alpha.sum(0)
    overall = {
        "unitizing_alpha": u95["overall"],
        "u_alpha_2016": u16["u_alpha"], "binary_u_alpha_2016": u16["binary_u_alpha"],
        "cu_alpha_2016": u16["cu_alpha"],
        "span_f1_exact": mean_pairs(lambda v: v[0]["span_f1_exact"]),
        "span_f1_overlap": mean_pairs(lambda v: v[0]["span_f1_overlap"]),
        "token_kappa": mean_pairs(lambda v: v[1]),
        "token_alpha": _alpha_binary(ta_tot.sum(0)),
        "span_f1_exact_macro": mean_pairs(lambda v: v[0]["span_f1_exact_macro"]),
        "span_f1_overlap_macro": mean_pairs(lambda v: v[0]["span_f1_overlap_macro"]),
    }
    per_category = {}
    for k, c in enumerate(cats):
        per_category[c] = {
            "unitizing_alpha": u95["per_category"][c],
            "u_alpha_2016": u16["per_category"][c]["u_alpha"],
            "binary_u_alpha_2016": u16["per_category"][c]["binary_u_alpha"],
            "cu_alpha_2016": u16["per_category"][c]["cu_alpha"],
            "span_f1_exact": mean_pairs(lambda v: v[0]["span_f1_exact_per_category"][c]),
            "span_f1_overlap": mean_pairs(lambda v: v[0]["span_f1_overlap_per_category"][c]),
            "token_kappa": mean_pairs(lambda v: v[2][k]),
            "token_alpha": _alpha_binary(ta_tot[k]),
        }
    per_document = {}
    for n, doc in enumerate(p.docs):
        d95 = _u1995(p, [doc], [u95_docs[n]])["overall"]
        d16 = u16["per_document"][n]
        dvals = [pair_measures(f1_counts[n, q], tok_pairs[n, q]) for q in range(len(pair_idx))]
        per_document[doc.doc_id] = {
            "unitizing_alpha": d95,
            "u_alpha_2016": d16["u_alpha"], "binary_u_alpha_2016": d16["binary_u_alpha"],
            "cu_alpha_2016": d16["cu_alpha"],
            "span_f1_exact": _mean_defined([v[0]["span_f1_exact"] for v in dvals], "coder pairs"),
            "span_f1_overlap": _mean_defined([v[0]["span_f1_overlap"] for v in dvals], "coder pairs"),
            "token_kappa": _mean_defined([v[1] for v in dvals], "coder pairs"),
            "token_alpha": _alpha_binary(tok_alpha[n].sum(0)),
        }
    return base | {
        "overall": overall, "per_category": per_category, "per_document": per_document,
        "pairs": pairs_out, "confusion": _confusion(p, a_idx, b_idx, confusion_pairs),
        "disagreements": [d for doc in p.docs for d in _disagreements_doc(doc, p)],
    }
