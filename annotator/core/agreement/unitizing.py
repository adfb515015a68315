"""Krippendorff's unitizing alphas, on plain arrays (Qt-free, numpy).

Two generations of the coefficient live here; the spans package turns annotations into the
arrays they take.

* The 1995/2004 coefficient uα (Krippendorff 1995, "On the reliability of unitizing continuous
  data", Sociological Methodology 25:47-76; Content Analysis, 2nd ed. 2004, ch. 12), the variant
  DKPro Agreement's ``KrippendorffAlphaUnitizingAgreement`` and INCEpTION compute: one category at a
  time, each coder's continuum split into units of that category and gaps, a squared-distance
  between overlapping segments, and an expected disagreement over all possible unitizations.
  Functions: ``u1995_pair_disagreement``, ``u1995_expected_numerator``, ``u1995_alpha``.

* The 2016 family (Krippendorff, Mathet, Bouvry & Widlöcher, "On the reliability of unitizing
  textual continua: Further developments", Quality & Quantity 50, 2016): coincidence matrices of
  lengths of intersecting segments. Functions: ``coincidences_2016``, ``alphas_2016``,
  ``k_cu_alphas_2016``, and the same coefficients from the margins of the coincidence matrix only
  (``margins_2016_by_part``, ``alphas_2016_from_margins``, ``k_cu_alphas_2016_from_margins``),
  for when the values (combined categories) are too many for a V × V matrix.

Everything here works on one document (a continuum [0, n)) at a time and returns additive
statistics, so several documents pool by adding them up (spans/unitizing.py).
"""

from __future__ import annotations

import numpy as np

from annotator.core.agreement.common import Undefined

__all__ = [
    "u1995_pair_disagreement",
    "u1995_gaps",
    "u1995_expected_numerator",
    "u1995_alpha",
    "coincidences_2016",
    "coincidences_2016_by_part",
    "margins_2016_by_part",
    "alphas_2016_from_margins",
    "k_cu_alphas_2016_from_margins",
    "sorted_unique",
    "alphas_2016",
    "k_cu_alphas_2016",
]


# --------------------------------------------------------------------------------------------
# Krippendorff 1995 / 2004 (the DKPro / INCEpTION variant)
# --------------------------------------------------------------------------------------------


def _overlap_ranges(s1, e1, s2, e2):
    """For sorted, non-overlapping intervals: for each interval of side 1 the index range
    [lo, hi) of the side-2 intervals sharing at least one position with it."""
    lo = np.searchsorted(e2, s1, side="right")  # first side-2 interval ending after s1
    hi = np.searchsorted(s2, e1, side="left")  # side-2 intervals starting before e1
    return lo, np.maximum(hi, lo)


def u1995_pair_disagreement(s1, e1, s2, e2) -> float:
    """Σ δ² over the intersecting segments of two coders, one category, one continuum.

    Both coders' units are given as sorted, non-overlapping [start, end) arrays; the rest of
    the continuum is their gaps. Krippendorff's (2004, ch. 12) distance between a segment g of
    coder i and a segment h of coder j that intersect:

        both units:                 δ² = (b_g − b_h)² + (e_g − e_h)²
        g a unit inside a gap h:    δ² = l_g²
        h a unit inside a gap g:    δ² = l_h²
        otherwise (gap vs gap, a unit only partly in a gap): 0

    A unit lies inside a gap of the other coder exactly when it shares no position with any of
    the other coder's units, which is what is counted here."""
    s1 = np.asarray(s1, dtype=np.float64)
    e1 = np.asarray(e1, dtype=np.float64)
    s2 = np.asarray(s2, dtype=np.float64)
    e2 = np.asarray(e2, dtype=np.float64)
    total = 0.0
    lo, hi = _overlap_ranges(s1, e1, s2, e2)
    cnt = hi - lo
    total += float(np.sum(((e1 - s1) ** 2)[cnt == 0]))
    if cnt.sum():
        i = np.repeat(np.arange(len(s1)), cnt)
        first = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
        j = np.arange(len(i)) + first
        total += float(np.sum((s1[i] - s2[j]) ** 2 + (e1[i] - e2[j]) ** 2))
    lo2, hi2 = _overlap_ranges(s2, e2, s1, e1)
    total += float(np.sum(((e2 - s2) ** 2)[(hi2 - lo2) == 0]))
    return total


def u1995_pair_disagreement_by_part(s1, e1, part1, s2, e2, part2, parts: int) -> np.ndarray:
    """``u1995_pair_disagreement`` of several continua laid end to end at once: the units of
    both coders tagged with the continuum (``part1``, ``part2``: 0 to ``parts`` − 1) they lie in,
    none crossing from one into the next; returns Σ δ² of each continuum. A unit's δ² goes to
    its own continuum (two units only meet inside one). With whole-number offsets every sum is
    of whole numbers, so each is exactly the one-continuum figure."""
    s1, e1, s2, e2 = (np.asarray(a, dtype=np.float64) for a in (s1, e1, s2, e2))
    lo, hi = _overlap_ranges(s1, e1, s2, e2)
    alone1, alone2 = hi == lo, np.equal(*_overlap_ranges(s2, e2, s1, e1)[::-1])
    out = np.zeros(parts)
    out += np.bincount(part1[alone1], weights=((e1 - s1) ** 2)[alone1], minlength=parts)
    out += np.bincount(part2[alone2], weights=((e2 - s2) ** 2)[alone2], minlength=parts)
    cnt = hi - lo
    if cnt.sum():
        i = np.repeat(np.arange(len(s1)), cnt)
        j = np.arange(len(i)) + np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
        out += np.bincount(part1[i], weights=(s1[i] - s2[j]) ** 2 + (e1[i] - e2[j]) ** 2, minlength=parts)
    return out


def u1995_gaps(starts, ends, n: int) -> np.ndarray:
    """Lengths (> 0) of the gaps between one coder's sorted, non-overlapping units in [0, n)."""
    prev_end = np.concatenate(([0], np.asarray(ends, dtype=np.int64)))
    next_start = np.concatenate((np.asarray(starts, dtype=np.int64), [n]))
    g = next_start - prev_end
    return g[g > 0]


def u1995_expected_numerator(unit_lengths, gap_lengths) -> float:
    """Σ_units [ (N_c − 1)(2l³ − 3l² + l)/3 + l² Σ_{gaps h, l_h ≥ l} (l_h − l + 1) ].

    The numerator of Krippendorff's (2004) expected disagreement for one category; N_c is the
    number of units of that category over all coders, the gap sum runs over every coder's gaps."""
    lu = np.asarray(unit_lengths, dtype=np.float64)
    if lu.size == 0:
        return 0.0
    gaps = np.sort(np.asarray(gap_lengths, dtype=np.float64))
    n_c = lu.size
    first = (n_c - 1) * (2 * lu**3 - 3 * lu**2 + lu) / 3.0
    suffix = np.concatenate((np.cumsum(gaps[::-1])[::-1], [0.0]))  # suffix[k] = Σ gaps[k:]
    k = np.searchsorted(gaps, lu, side="left")
    count = gaps.size - k
    fits = suffix[k] - (lu - 1.0) * count  # Σ_{h ≥ l} (l_h − l + 1)
    return float(np.sum(first + lu**2 * fits))


def u1995_alpha(d_observed_sum: float, expected_numerator: float, unit_lengths_sq_sum: float,
                m: int, length: int):
    """(D_O, D_E) of Krippendorff's uα for one category, from the pieces above.

        D_O = 2 Σ_{i<j} Σ_g Σ_h δ²(ig, jh) / (m (m − 1) L²)
        D_E = (2 / L) · expected_numerator / (m L (m L − 1) − Σ_units l (l − 1))

    m coders, L the length of the continuum. Returns (D_O, D_E) or Undefined."""
    if m < 2:
        return Undefined("fewer than two coders")
    if length <= 0:
        return Undefined("the continuum is empty")
    mL = m * length
    d_o = 2.0 * d_observed_sum / (m * (m - 1) * float(length) ** 2)
    denom = mL * (mL - 1.0) - unit_lengths_sq_sum
    if denom <= 0:
        return Undefined("the units cover the whole continuum: no gaps to compare with")
    d_e = (2.0 / length) * expected_numerator / denom
    return d_o, d_e


# --------------------------------------------------------------------------------------------
# Krippendorff, Mathet, Bouvry & Widlöcher 2016
# --------------------------------------------------------------------------------------------


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` by a sort (numpy 2's hash-based unique took 0.14 s for a million
    offsets, ten times the sort)."""
    out = np.sort(values)
    return out[np.concatenate(([True], out[1:] != out[:-1]))] if out.size else out


def coincidences_2016(n: int, partitions, n_values: int, cu: bool = True):
    """Additive statistics of the 2016 coefficients for one continuum [0, n).

    ``partitions`` holds, for each coder, ``(seg_starts, seg_values)``: the coder's partition of
    [0, n) into consecutive segments (sorted starts, the first 0), value 0 for a gap and
    1..n_values−1 for the kinds of unit. Returns ``(l, f, w)``:

    * ``l[c, k]`` = Σ_i Σ_{j≠i} Σ_g Σ_h |s_ig ∩ s_jh| for segments valued c and k (ordered coder
      pairs; not yet divided by m − 1): the observed coincidences of lengths.
    * ``f[c]`` = Σ over every coder's segments valued c of l² for units and of l for gaps.
    * ``w[c]`` = Σ_i Σ_{j≠i} Σ_{units g of i valued c} (length of g covered by j's units)²,
      the correction cuα applies to its expected coincidences (not divided by m − 1), only when
      ``cu`` is true."""
    l, f, w = coincidences_2016_by_part(n, partitions, n_values, [0], cu)
    return l[0], f[0], w[0]


def _elements_2016(n: int, partitions, n_values: int, part_starts):
    """What both ``coincidences_2016_by_part`` and ``margins_2016_by_part`` start from: the
    elementary stretches between consecutive boundaries of any coder (their part × V offset and
    width), and per coder the segment and value of each stretch, each segment's part × V + value,
    and f (see ``coincidences_2016``)."""
    V, P = n_values, len(part_starts)
    part_starts = np.asarray(part_starts, dtype=np.int64)
    bounds = sorted_unique(np.concatenate([np.asarray(p[0], dtype=np.int64) for p in partitions] + [[n]]))
    elem_start = bounds[:-1]
    width = np.diff(bounds).astype(np.float64)
    elem_part = (np.searchsorted(part_starts, elem_start, side="right") - 1) * V
    seg_idx, seg_part, vals, f = [], [], [], np.zeros(P * V)
    for starts, values in partitions:
        starts = np.asarray(starts, dtype=np.int64)
        values = np.asarray(values, dtype=np.int64)
        idx = np.searchsorted(starts, elem_start, side="right") - 1
        seg_idx.append(idx)
        vals.append(values[idx])
        seg_part.append((np.searchsorted(part_starts, starts, side="right") - 1) * V + values)
        lengths = np.diff(np.concatenate((starts, [n]))).astype(np.float64)
        f += np.bincount(seg_part[-1], weights=np.where(values == 0, lengths, lengths**2), minlength=P * V)
    return elem_part, width, seg_idx, seg_part, vals, f


def coincidences_2016_by_part(n: int, partitions, n_values: int, part_starts, cu: bool = True):
    """``coincidences_2016`` of several continua laid end to end as [0, n), each starting at
    its ``part_starts`` (sorted; an empty one shares the next one's start), in one pass:
    ``(l, f, w)`` with a first axis over the parts. Every coder's partition must start a
    segment at each part's start, so no segment crosses from one part into the next.
    Memory: parts × V × V (``margins_2016_by_part`` is the same without the V × V matrix)."""
    m, V, P = len(partitions), n_values, len(part_starts)
    elem_part, width, seg_idx, seg_part, vals, f = _elements_2016(n, partitions, n_values, part_starts)
    l = np.zeros(P * V * V)
    w = np.zeros(P * V)
    for i in range(m):
        for j in range(m):
            if i == j:
                continue
            l += np.bincount((elem_part + vals[i]) * V + vals[j], weights=width, minlength=P * V * V)
            if cu:
                both = width * ((vals[i] != 0) & (vals[j] != 0))
                covered = np.bincount(seg_idx[i], weights=both, minlength=len(partitions[i][0]))
                w += np.bincount(seg_part[i], weights=covered**2, minlength=P * V)
    return l.reshape(P, V, V), f.reshape(P, V), w.reshape(P, V)


def margins_2016_by_part(n: int, partitions, n_values: int, part_starts, cu: bool = True):
    """What the 2016 coefficients take from ``coincidences_2016_by_part``'s l, without l:
    ``(d, r, g, f, w)``, each parts × V, with d[c] = l[c, c], r[c] = Σ_k l[c, k] (l is symmetric:
    ordered coder pairs), g[c] = l[c, ∅]; f and w as there. Memory and time O(m² (stretches +
    parts × V)) instead of parts × V × V: with many categories one coder's overlapping units make
    thousands of combined values (7,207 for 40 categories at 20,000 spans per coder, where l was
    400 MB per copy). ``alphas_2016_from_margins`` and ``k_cu_alphas_2016_from_margins`` take them."""
    m, V, P = len(partitions), n_values, len(part_starts)
    elem_part, width, seg_idx, seg_part, vals, f = _elements_2016(n, partitions, n_values, part_starts)
    d, r, g, w = (np.zeros(P * V) for _ in range(4))
    for i in range(m):
        at = elem_part + vals[i]
        r += (m - 1) * np.bincount(at, weights=width, minlength=P * V)
        for j in range(m):
            if i == j:
                continue
            d += np.bincount(at, weights=width * (vals[i] == vals[j]), minlength=P * V)
            g += np.bincount(at, weights=width * (vals[j] == 0), minlength=P * V)
            if cu:
                both = width * ((vals[i] != 0) & (vals[j] != 0))
                covered = np.bincount(seg_idx[i], weights=both, minlength=len(partitions[i][0]))
                w += np.bincount(seg_part[i], weights=covered**2, minlength=P * V)
    return tuple(a.reshape(P, V) for a in (d, r, g, f, w))


def alphas_2016(l, f, w, m: int, want_cu: bool = True) -> dict:
    """uα, |uα and cuα (nominal) from the statistics of ``coincidences_2016`` (summed over
    documents). Value 0 is the gap.

    Observed coincidences (eq. 1 of the paper, as reconstructed, see docs/agreement-spans.md):
        o_ck = l_ck / (m − 1),   o.. = m L
    Expected coincidences (segments are indivisible: a unit's positions all carry one value, so
    pairs inside one unit (l² of them) are excluded; a gap is l independent positions):
        e_ck = o.. (o_c. o_.k − δ_ck f_c) / (o..² − Σ_c f_c)
    uα  = 1 − (o.. − Σ_c o_cc) / (o.. − Σ_c e_cc)
    |uα = 1 − (o_∅. − o_∅∅) / (e_∅. − e_∅∅)        (any unit versus gap)
    cuα = 1 − (o'.. − Σ_c o'_cc) / (o'.. − Σ_c e'_cc), over valued units only (c, k ≠ ∅):
        o'_ck = o_ck,  e'_ck = o'.. (o'_c. o'_.k − δ_ck w_c/(m − 1)) / (o'..² − Σ_c w_c/(m − 1))
    uα and |uα reproduce Krippendorff (2019), Figure 12.11 (tests). cuα's w is the same in every
    source for two coders; for more, the sources differ and none reproduces the book, so the spans
    package reports cuα for two coders only (docs/agreement-spans.md).
    """
    out = {}
    if m < 2:
        reason = Undefined("fewer than two coders")
        return {"u_alpha": reason, "binary_u_alpha": reason, "cu_alpha": reason}
    o = np.asarray(l, dtype=np.float64) / (m - 1)
    f = np.asarray(f, dtype=np.float64)
    total = o.sum()
    margin = o.sum(axis=1)
    denom = total**2 - f.sum()
    if total <= 0 or denom <= 0:
        und = Undefined("nothing to compare: the continuum is empty")
        return {"u_alpha": und, "binary_u_alpha": und, "cu_alpha": und}
    e = total * (np.outer(margin, margin) - np.diag(f)) / denom
    d_o = total - np.trace(o)
    d_e = total - np.trace(e)
    if margin[1:].sum() <= 0:
        out["u_alpha"] = Undefined("nothing annotated")
    elif d_e <= 1e-12 * total:
        out["u_alpha"] = Undefined("no expected disagreement (one value only)")
    else:
        out["u_alpha"] = float(1.0 - d_o / d_e)
    b_o = margin[0] - o[0, 0]
    b_e = e[0].sum() - e[0, 0]
    out["binary_u_alpha"] = _binary_u_alpha(margin, b_o, b_e, total)
    if want_cu:
        out["cu_alpha"] = _cu_alpha(o[1:, 1:], np.asarray(w, dtype=np.float64)[1:] / (m - 1))
    return out


def _cu_matrices(o, w):
    """(o', e') of cuα: the observed coincidences among intersecting valued units and their
    expected coincidences, or Undefined. ``o`` and ``w`` are already divided by m − 1."""
    total = o.sum()
    if total <= 0:
        return Undefined("no two coders' units intersect")
    margin = o.sum(axis=1)
    denom = total**2 - w.sum()
    if denom <= 0:
        return Undefined("no expected disagreement among intersecting units")
    return o, total * (np.outer(margin, margin) - np.diag(w)) / denom


def _binary_u_alpha(margin, b_o: float, b_e: float, total: float):
    """|uα from the unit-or-gap disagreements (observed ``b_o``, expected ``b_e``), or why not."""
    if margin[1:].sum() <= 0:
        return Undefined("nothing annotated")
    if margin[0] <= 0:
        return Undefined("no gaps: every position is inside a unit")
    if b_e <= 1e-12 * total:
        return Undefined("no expected disagreement between units and gaps")
    return float(1.0 - b_o / b_e)


def _cu_alpha(o, w):
    if o.sum() > 0 and (o.sum(axis=1) > 0).sum() < 2:
        return Undefined("only one category occurs among intersecting units")
    r = _cu_matrices(o, w)
    if not isinstance(r, tuple):
        return r
    o, e = r
    total = o.sum()
    d_o = total - np.trace(o)
    d_e = total - np.trace(e)
    if d_e <= 1e-12 * total:
        return Undefined("no expected disagreement among intersecting units")
    return float(1.0 - d_o / d_e)


def k_cu_alphas_2016(l, w, m: int) -> list:
    """(k)cuα, nominal, for every kind of unit k (values 1..V−1; value 0, the gap, is left out),
    from the statistics of ``coincidences_2016`` (summed over documents).

    On the matrices of cuα (o' the observed coincidences among intersecting units, e' their
    expected coincidences, see ``alphas_2016``), the observed disagreement rate in column k is set
    against the expected one:

        (k)cuα = 1 − (e'_.k / o'_.k) · (o'_.k − o'_kk) / (e'_.k − e'_kk)

    as the two third-party implementations we compared define it (a Python implementation of the
    2016 paper, which cites its eq. 13b; the R package quallmer's ``reliability_alpha_u``, which
    cites eq. 38 of Krippendorff 2019); neither source text was seen. e'_.k differs from o'_.k
    because of the w correction, hence the factor. Undefined when
    no unit of k intersects another coder's unit, or when column k has no expected disagreement.
    Meant for two coders: for more, the sources disagree on w (docs/agreement-spans.md)."""
    V = np.asarray(l).shape[0]
    if m < 2:
        return [Undefined("fewer than two coders")] * (V - 1)
    o = np.asarray(l, dtype=np.float64)[1:, 1:] / (m - 1)
    r = _cu_matrices(o, np.asarray(w, dtype=np.float64)[1:] / (m - 1))
    if not isinstance(r, tuple):
        return [r] * (V - 1)
    o, e = r
    out = []
    for k in range(V - 1):
        o_k, e_k = o[:, k].sum(), e[:, k].sum()
        if o_k <= 0:
            out.append(Undefined("no unit of this kind intersects another coder's unit"))
            continue
        d_e = e_k - e[k, k]
        if d_e <= 1e-12 * o.sum():
            out.append(Undefined("no expected disagreement for this kind of unit"))
            continue
        out.append(float(1.0 - (e_k / o_k) * (o_k - o[k, k]) / d_e))
    return out


# The same coefficients from margins_2016_by_part: every term they use is a diagonal entry, a row
# sum or the gap column of l (e is an outer product of margins minus a diagonal), so O(V).


def _from_margins(d, r, g, m: int):
    o_d, margin, o_g = (np.asarray(a, dtype=np.float64) / (m - 1) for a in (d, r, g))
    return o_d, margin, o_g


def alphas_2016_from_margins(d, r, g, f, w, m: int, want_cu: bool = True) -> dict:
    """``alphas_2016`` from ``margins_2016_by_part``'s statistics (summed over documents): the
    same formulas, with trace(e) = o.. Σ_c (o_c.² − f_c) / (o..² − Σ f) and the rest likewise
    from margins. Equal to ``alphas_2016`` on the full l up to rounding (the sums are grouped
    differently; tests compare them)."""
    if m < 2:
        reason = Undefined("fewer than two coders")
        return {"u_alpha": reason, "binary_u_alpha": reason, "cu_alpha": reason}
    o_d, margin, o_g = _from_margins(d, r, g, m)
    f = np.asarray(f, dtype=np.float64)
    total = margin.sum()
    denom = total**2 - f.sum()
    if total <= 0 or denom <= 0:
        und = Undefined("nothing to compare: the continuum is empty")
        return {"u_alpha": und, "binary_u_alpha": und, "cu_alpha": und}
    out = {}
    d_o = total - o_d.sum()
    d_e = total - (total * (margin * margin - f) / denom).sum()
    if margin[1:].sum() <= 0:
        out["u_alpha"] = Undefined("nothing annotated")
    elif d_e <= 1e-12 * total:
        out["u_alpha"] = Undefined("no expected disagreement (one value only)")
    else:
        out["u_alpha"] = float(1.0 - d_o / d_e)
    b_o = margin[0] - o_d[0]
    b_e = total * (margin[0] * total - f[0]) / denom - total * (margin[0] ** 2 - f[0]) / denom
    out["binary_u_alpha"] = _binary_u_alpha(margin, b_o, b_e, total)
    if want_cu:
        out["cu_alpha"] = _cu_alpha_from_margins(o_d, margin, o_g, np.asarray(w, dtype=np.float64) / (m - 1))
    return out


def _cu_margins(o_d, margin, o_g, w):
    """(diagonal of o', margins of o', o'.., e'_cc, the denominator) of cuα from the margins (the
    units-only matrix o' = o[1:, 1:]: its margins are o_c. − o_c∅), or Undefined."""
    diag, marg, w = o_d[1:], margin[1:] - o_g[1:], w[1:]
    total = marg.sum()
    if total <= 0:
        return Undefined("no two coders' units intersect")
    denom = total**2 - w.sum()
    if denom <= 0:
        return Undefined("no expected disagreement among intersecting units")
    return diag, marg, total, total * (marg * marg - w) / denom, denom, w


def _cu_alpha_from_margins(o_d, margin, o_g, w):
    marg = margin[1:] - o_g[1:]
    if marg.sum() > 0 and (marg > 0).sum() < 2:
        return Undefined("only one category occurs among intersecting units")
    c = _cu_margins(o_d, margin, o_g, w)
    if not isinstance(c, tuple):
        return c
    diag, _, total, e_diag, _, _ = c
    d_o = total - diag.sum()
    d_e = total - e_diag.sum()
    if d_e <= 1e-12 * total:
        return Undefined("no expected disagreement among intersecting units")
    return float(1.0 - d_o / d_e)


def k_cu_alphas_2016_from_margins(d, r, g, w, m: int) -> list:
    """``k_cu_alphas_2016`` from ``margins_2016_by_part``'s statistics (summed over documents):
    o'_.k is o'_k. (o' is symmetric) and e'_.k = o'.. (o'_k. o'.. − w_k) / (o'..² − Σ w)."""
    V = np.asarray(d).shape[0]
    if m < 2:
        return [Undefined("fewer than two coders")] * (V - 1)
    o_d, margin, o_g = _from_margins(d, r, g, m)
    c = _cu_margins(o_d, margin, o_g, np.asarray(w, dtype=np.float64) / (m - 1))
    if not isinstance(c, tuple):
        return [c] * (V - 1)
    diag, marg, total, e_diag, denom, w = c
    out = []
    for o_k, o_kk, e_kk, w_k in zip(marg.tolist(), diag.tolist(), e_diag.tolist(), w.tolist()):
        if o_k <= 0:
            out.append(Undefined("no unit of this kind intersects another coder's unit"))
            continue
        e_k = total * (o_k * total - w_k) / denom
        d_e = e_k - e_kk
        if d_e <= 1e-12 * total:
            out.append(Undefined("no expected disagreement for this kind of unit"))
            continue
        out.append(float(1.0 - (e_k / o_k) * (o_k - o_kk) / d_e))
    return out
