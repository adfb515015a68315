"""The unitizing alphas on prepared span data: Krippendorff's 1995/2004 uα and the 2016 family
(uα, |uα, cuα), overall, per category and per document. The coefficients themselves (δ², the
coincidences) are in ``annotator.core.agreement.unitizing``; this module lays the documents out
as continua and feeds them in."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.core.agreement.common import Undefined, is_defined
from annotator.core.agreement.spans.prepare import Prepared, _Doc, _prep
from annotator.core.agreement.unitizing import (
    alphas_2016,
    alphas_2016_from_margins,
    coincidences_2016_by_part,
    k_cu_alphas_2016,
    k_cu_alphas_2016_from_margins,
    margins_2016_by_part,
    sorted_unique,
    u1995_alpha,
    u1995_expected_numerator,
    u1995_gaps,
    u1995_pair_disagreement,
    u1995_pair_disagreement_by_part,
)
from annotator.core.errors import quoted

# --------------------------------------------------------------------------------------------
# Krippendorff's unitizing alpha, 1995/2004
# --------------------------------------------------------------------------------------------


def _u1995_doc_stats(p: Prepared, doc: _Doc, d_sums=None):
    """Per category: (Σ δ² over coder pairs, unit lengths, gap lengths) for one document
    (``d_sums``: the Σ δ² of each category, if already known)."""
    m = len(p.coders)
    out = []
    for ci in range(len(p.categories)):
        units = [doc.merged[i][ci] for i in range(m)]
        if d_sums is None:
            d_sum = 0.0
            for i in range(m):
                for j in range(i + 1, m):
                    d_sum += u1995_pair_disagreement(*units[i], *units[j])
        else:
            d_sum = d_sums[ci]
        lens = np.concatenate([e - s for s, e in units]).astype(np.float64)
        gaps = np.concatenate([u1995_gaps(s, e, doc.n) for s, e in units])
        out.append((d_sum, lens, gaps))
    return out


def _u1995_all_doc_stats(p: Prepared) -> list:
    """``[_u1995_doc_stats(p, doc) for doc in p.docs]``, with every document's Σ δ² of a category
    and coder pair found in one pass over all documents laid end to end (the same sums of whole
    numbers, so the same figures: ``u1995_pair_disagreement_by_part``)."""
    m, D, offsets = len(p.coders), len(p.docs), np.cumsum([0] + [d.n for d in p.docs])[:-1].tolist()
    d_sums = np.zeros((D, len(p.categories)))
    for ci in range(len(p.categories)):
        pooled = []
        for i in range(m):
            units = [d.merged[i][ci] for d in p.docs]
            pooled.append((np.concatenate([s + off for (s, _), off in zip(units, offsets)] + [np.zeros(0, np.int64)]),
                           np.concatenate([e + off for (_, e), off in zip(units, offsets)] + [np.zeros(0, np.int64)]),
                           np.repeat(np.arange(D), [s.size for s, _ in units])))
        for i in range(m):
            for j in range(i + 1, m):
                d_sums[:, ci] += u1995_pair_disagreement_by_part(*pooled[i], *pooled[j], D)
    return [_u1995_doc_stats(p, doc, d_sums[n].tolist()) for n, doc in enumerate(p.docs)]


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
            per[cat] = Undefined(f"no units of category {quoted(cat)}")
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


def _partition(doc: _Doc, i: int, cats: Sequence[int], edges: np.ndarray | None = None):
    """Coder i's partition of the document into segments: boundaries at every start and end of
    the coder's (merged) units of the categories ``cats`` (and at ``edges``, default 0); a
    segment's value is the bitmask of the categories covering it (0 = gap)."""
    pieces = [doc.merged[i][k] for k in cats]
    first = np.array([0], np.int64) if edges is None else edges
    pts = sorted_unique(np.concatenate([first] + [x for s, e in pieces for x in (s, e)]))
    pts = pts[pts < doc.n] if doc.n > 0 else pts[:0]
    code = np.zeros(pts.size, dtype=object if len(cats) > 62 else np.int64)
    for bit, (s, e) in enumerate(pieces):
        if s.size:
            idx = np.searchsorted(e, pts, side="right")
            inside = (idx < s.size) & (s[np.minimum(idx, s.size - 1)] <= pts)
            code = code + inside.astype(code.dtype) * (1 << bit)
    return pts, code


# Up to this many values (the gap, the categories and the combined values of overlapping units of
# one coder) the 2016 statistics keep the full V × V coincidence matrix; beyond, only its margins
# (``margins_2016_by_part``): with many categories the combined values grow with the spans (7,207 at
# 40 categories and 20,000 spans per coder: 3.5 minutes and 2.4 GB with the matrix).
DENSE_VALUES = 256


def _u2016_stats(p: Prepared, cats: Sequence[int], want_cu: bool):
    """Per-document (l, f, w) of coincidences_2016, as arrays over the documents (l: documents
    × V × V), and the values: ``uniq[v]`` is the bitmask (over ``cats``) of value v, 0 (the gap)
    first. One pass over the documents laid end to end, each coder's partition cut at every
    document's start (``coincidences_2016_by_part``): each document's figures are its own.
    With more than ``DENSE_VALUES`` values: the statistics of ``margins_2016_by_part`` instead,
    each document's on its own values (``_Compressed``); the flag says which."""
    m, D = len(p.coders), len(p.docs)
    offsets = np.cumsum([0] + [d.n for d in p.docs])
    starts, empty = offsets[:-1], np.zeros(0, np.int64)
    pooled = _Doc("pooled", int(offsets[-1]), None)
    shifts = starts.tolist()
    for i in range(m):
        pooled.merged.append([tuple(np.concatenate([d.merged[i][k][side] + off for d, off in zip(p.docs, shifts)]
                                                   + [empty]) for side in (0, 1)) for k in cats])
    parts = [_partition(pooled, i, range(len(cats)), starts) for i in range(m)]
    codes = [c for _, c in parts]
    allc = np.concatenate(codes + [np.zeros(1, dtype=codes[0].dtype if codes else np.int64)])
    uniq = np.unique(allc) if allc.dtype == object else sorted_unique(allc)  # 0 (the gap) first
    V = uniq.size
    part = [(s, np.searchsorted(uniq, c).astype(np.int64)) for s, c in parts]
    dense = V <= DENSE_VALUES
    if dense:
        block = max(1, (1 << 18) // (V * V))  # documents per pass, so that l has at most 2**18 cells
    else:
        block = max(1, (1 << 18) // V)  # so that each of d, r, g, f, w has at most 2**18 cells
    out = []
    if dense:  # filled a block at a time (not a list of blocks and then their concatenation: twice the memory)
        full = (np.zeros((D, V, V)), np.zeros((D, V)), np.zeros((D, V)))
    for b0 in range(0, D, block):
        b1 = min(D, b0 + block)
        lo, hi = int(starts[b0]), int(offsets[b1])
        if hi == lo:
            shapes = [(b1 - b0, V, V), (b1 - b0, V), (b1 - b0, V)] if dense else [(b1 - b0, V)] * 5
            found = tuple(np.zeros(sh) for sh in shapes)
        else:
            cut = [(np.searchsorted(s, lo), np.searchsorted(s, hi)) for s, _ in part]
            pieces = [(s[a:z] - lo, v[a:z]) for (s, v), (a, z) in zip(part, cut)]
            stats = coincidences_2016_by_part if dense else margins_2016_by_part
            found = stats(hi - lo, pieces, V, starts[b0:b1] - lo, cu=want_cu)
        if dense:
            for whole, piece in zip(full, found):
                whole[b0:b1] = piece
        else:
            out.append(_compress(found))
    if dense:
        return full, uniq, dense
    return _Compressed([doc for o in out for doc in o[0]], sum(o[1] for o in out)), uniq, dense


class _Compressed:
    """The margins' statistics of every document (``margins_2016_by_part``) without documents × V
    cells: ``docs`` holds each document's (d, r, g, f, w) on the values that occur in it (and the
    gap, value 0: the coefficients read it), ``total`` their sums over documents (sums of whole
    numbers, exact in any order). A value absent from a document adds only zeros to its sums."""

    def __init__(self, docs: list, total: np.ndarray):
        self.docs, self.total = docs, total


def _compress(block):
    """(per-document tuples on their own values, the block's total as a 5 × V array)."""
    arr = np.stack(block)  # 5 × documents × V
    keep = arr.any(axis=0)
    keep[:, 0] = True
    return [tuple(arr[:, n, keep[n]]) for n in range(arr.shape[1])], arr.sum(axis=1)


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
    stats, uniq, dense = _u2016_stats(p, range(len(p.categories)), want_cu=two)
    if dense:
        total_stats = tuple(a.sum(0) for a in stats)  # sums of whole numbers: exact in any order
        per_doc_stats = zip(*stats)
    else:
        total_stats, per_doc_stats = tuple(stats.total), stats.docs
    alphas = alphas_2016 if dense else alphas_2016_from_margins
    res = alphas(*total_stats, m, want_cu=two)
    if two:  # (k)cuα of the value "category k alone" (bitmask 1 << k; combined values are others)
        if dense:
            k_cu = k_cu_alphas_2016(total_stats[0], total_stats[2], m)
        else:
            d, r, g, _, w = total_stats
            k_cu = k_cu_alphas_2016_from_margins(d, r, g, w, m)
        value_of = {int(code): v for v, code in enumerate(uniq.tolist())}
    if not two:
        res["cu_alpha"] = Undefined("cuα is computed for two coders only")
    if per_document:
        docs = []
        for st in per_doc_stats:
            r = alphas(*st, m, want_cu=two)
            if not two:
                r["cu_alpha"] = res["cu_alpha"]
            docs.append(r)
        res["per_document"] = docs
        res["document_stats"] = stats  # (l, f, w) per document, for the bootstrap (spans/bootstrap.py)
    per = {}
    for ci, cat in enumerate(p.categories):
        cat_stats, _, cat_dense = _u2016_stats(p, [ci], want_cu=False)  # V ≤ 2: dense
        if cat_dense:
            r = alphas_2016(*(a.sum(0) for a in cat_stats), m, want_cu=False)
        else:
            r = alphas_2016_from_margins(*cat_stats.total, m, want_cu=False)
        if not is_defined(r["u_alpha"]) and r["u_alpha"].reason == "nothing annotated":
            r = {k: Undefined(f"no units of category {quoted(cat)}") for k in ("u_alpha", "binary_u_alpha", "cu_alpha")}
        elif not two:
            r["cu_alpha"] = Undefined("cuα is computed for two coders only")
        elif (1 << ci) in value_of:
            r["cu_alpha"] = k_cu[value_of[1 << ci] - 1]
        else:
            r["cu_alpha"] = Undefined(f"category {quoted(cat)} never occurs alone (always overlapped by "
                                      "another category of the same coder)")
        per[cat] = r
    res["per_category"] = per
    return res
