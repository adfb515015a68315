"""Bootstrap 95% intervals for the span measures, resampling documents (Qt-free, numpy).

Method (docs/agreement-spans.md, "Intervals"): the D documents of the report are drawn D times with
replacement, B times (``resamples``); each measure is recomputed on every resample (a document drawn
twice counts twice, as two documents of the pooled continuum); the interval is the 2.5% and 97.5%
quantiles of those values (the percentile method). Documents, not spans or characters, are
resampled because the spans of one document are not independent (the same coders read the same
text); this is the nonparametric case bootstrap of ``reliability.krippendorff_alpha_bootstrap`` with
the document as the case. Resamples in which a measure is undefined (for example no spans at all
among the documents drawn) are left out, and ``defined_resamples`` says how many were used; a
measure that is undefined on the data has no interval, nor has any measure of a report on one
document. ``seed`` makes the intervals repeatable, and every measure is read on the same resamples.

Fast: a resample is a vector of counts (how many times each document is drawn), and each measure is
computed from per-document statistics that add up, so a resample costs a weighted sum, not new
alignments or coincidences:

* span F1 (``span_f1_exact``, ``span_f1_overlap``): per document and coder pair, the matches and both
  coders' span counts (``matching._f1_counts``);
* uα 2016 (``u_alpha_2016``): of the per-document coincidence statistics (l, f) of
  ``unitizing._u2016_stats``, l's row sums and diagonal and f, summed, and uα from them as
  ``alphas_2016`` computes it;
* unitizing α 1995/2004 (``unitizing_alpha``): per document and category Σ δ², the number of units,
  Σ (2l³ − 3l² + l)/3, Σ l(l − 1) and the length are additive; the expected disagreement's term
  Σ_units l² Σ_{gaps h: l_h ≥ l} (l_h − l + 1) couples units of one document with gaps of another, so
  it is kept as a D × D matrix per category (or, with more documents than unit lengths, as
  histograms over the distinct unit lengths) and a resample's term is wᵀ C w.

Plugging a measure in (gamma, say): a ``Resampled(key, value)`` whose ``value(weights)`` gives the
measure over a multiset of the documents (``weights[d]``: how many times document d is drawn; a
float or an Undefined), optionally with ``batch(W)`` for all resamples at once ((B, D) → (B,), NaN
where undefined); ``Additive(key, stats, combine)`` builds one from per-document statistics
(``stats[d]``, any shape) and ``combine(summed statistics) -> float | Undefined``. ``span_report``
passes its list of them to ``intervals``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.core.agreement.common import Undefined, is_defined
from annotator.core.agreement.reliability import BootstrapInterval
from annotator.core.agreement.spans.matching import _f1
from annotator.core.agreement.spans.prepare import Prepared
from annotator.core.agreement.spans.tokens import _mean_defined
from annotator.core.agreement.unitizing import u1995_alpha
from annotator.core.errors import ValidationError

METHOD = "percentile, resampling documents"


@dataclass(frozen=True)
class Resampled:
    """A measure the bootstrap can recompute over any multiset of the report's documents."""

    key: str
    value: Callable[[np.ndarray], float | Undefined]  # weights (D,) → the measure
    batch: Callable[[np.ndarray], np.ndarray] | None = None  # weights (B, D) → (B,), NaN where undefined

    def values(self, weights: np.ndarray) -> np.ndarray:
        if self.batch is not None:
            return np.asarray(self.batch(weights), dtype=np.float64)
        return np.array([_number(self.value(w)) for w in weights])


def _number(value) -> float:
    return float(value) if is_defined(value) else np.nan


def Additive(key: str, stats: np.ndarray, combine: Callable[[np.ndarray], float | Undefined]) -> Resampled:  # noqa: N802
    """A measure of per-document statistics that add up: ``stats[d]`` (any shape) for document d,
    ``combine`` the measure from their (weighted) sum."""
    stats = np.asarray(stats, dtype=np.float64)
    flat = stats.reshape(stats.shape[0], -1)

    def batch(weights):
        return np.array([_number(combine(row.reshape(stats.shape[1:]))) for row in weights @ flat])

    return Resampled(key, lambda w: combine(np.tensordot(w, stats, axes=1)), batch)


def resample_weights(documents: int, resamples: int, seed: int | None) -> np.ndarray:
    """(resamples, documents) counts: how many times each document is drawn in each resample."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(documents, np.full(documents, 1.0 / documents), size=resamples).astype(np.float64)


def intervals(measures: Sequence[Resampled], points: dict, documents: int, *, resamples: int = 1000,
              seed: int | None = None, confidence: float = 0.95) -> dict:
    """``{key: BootstrapInterval | Undefined}`` for each measure, from ``resamples`` resamples of the
    ``documents`` documents (the same resamples for every measure). ``points``: each measure's value
    on the data (an undefined one has no interval)."""
    if resamples < 1:
        raise ValidationError("resamples must be 1 or more")
    if not 0 < confidence < 1:
        raise ValidationError("confidence must be between 0 and 1")
    out: dict = {}
    weights = None
    for m in measures:
        point = points.get(m.key, Undefined("not computed"))
        if not is_defined(point):
            out[m.key] = Undefined(f"{m.key} is undefined, so it has no interval")
            continue
        if documents < 2:
            out[m.key] = Undefined("one document: resampling documents needs two or more")
            continue
        if weights is None:
            weights = resample_weights(documents, resamples, seed)
        values = m.values(weights)
        values = values[np.isfinite(values)]
        if values.size == 0:
            out[m.key] = Undefined(f"{m.key} is undefined on every bootstrap resample of the documents")
            continue
        low, high = np.quantile(values, [(1 - confidence) / 2, (1 + confidence) / 2])
        out[m.key] = BootstrapInterval(low=float(low), high=float(high), resamples=int(values.size), seed=seed,
                                       confidence=confidence)
    return out


# -- the span measures ----------------------------------------------------------------------------


def f1_resampled(f1_counts: np.ndarray) -> list[Resampled]:
    """Span F1 exact and overlap (the mean over coder pairs, as ``span_report``) from
    ``f1_counts`` (documents × pairs × (exact, overlap, |A|, |B|) × categories)."""
    per_doc = f1_counts.sum(axis=3)  # documents × pairs × 4, summed over categories (micro F1)

    def combine(row: int):
        return lambda s: _mean_defined([_f1(s[q, row], s[q, 2], s[q, 3]) for q in range(s.shape[0])], "coder pairs")

    return [Additive("span_f1_exact", per_doc, combine(0)), Additive("span_f1_overlap", per_doc, combine(1))]


def u2016_resampled(p: Prepared, document_stats=None) -> Resampled:
    """uα (2016) over all categories, from the per-document coincidence statistics: of each
    document's l (V × V), f and w only what uα reads, l's row sums and diagonal and f (so a resample
    is a sum over 3V numbers, not V²), and uα from their sums as ``unitizing.alphas_2016`` gives it.
    ``document_stats``: those (l, f, w) if known (``_u2016(p, per_document=True)["document_stats"]``),
    else computed here."""
    from annotator.core.agreement.spans.unitizing import _u2016_stats

    m = len(p.coders)
    if document_stats is None:
        document_stats, _ = _u2016_stats(p, range(len(p.categories)), want_cu=False)
    l, f = document_stats[0], document_stats[1]
    stats = np.concatenate([l.sum(axis=2), np.diagonal(l, axis1=1, axis2=2), f], axis=1)
    V = f.shape[1]

    def batch(weights):
        s = weights @ stats
        return _u_alpha_2016(s[:, :V] / (m - 1), s[:, V:2 * V] / (m - 1), s[:, 2 * V:])

    return Resampled("u_alpha_2016", lambda w: _number_or_undefined(batch(w[None, :])[0]), batch)


def _u_alpha_2016(margin: np.ndarray, diagonal: np.ndarray, f: np.ndarray) -> np.ndarray:
    """uα of ``alphas_2016`` for each row: o's row sums (``margin``) and diagonal, and f (value 0 the
    gap); NaN where alphas_2016 gives Undefined. e_cc = o.. (o_c.² − f_c) / (o..² − Σ f) there, so
    uα = 1 − (o.. − Σ o_cc) / (o.. − Σ e_cc)."""
    total = margin.sum(axis=1)
    denom = total**2 - f.sum(axis=1)
    ok = (total > 0) & (denom > 0)
    safe = np.where(ok, denom, 1.0)
    e_diag = total[:, None] * (margin**2 - f) / safe[:, None]
    d_o = total - diagonal.sum(axis=1)
    d_e = total - e_diag.sum(axis=1)
    ok &= (margin[:, 1:].sum(axis=1) > 0) & (d_e > 1e-12 * total)
    return np.where(ok, 1.0 - d_o / np.where(ok, d_e, 1.0), np.nan)


def _p(lengths: np.ndarray) -> np.ndarray:
    return (2 * lengths**3 - 3 * lengths**2 + lengths) / 3.0


def u1995_resampled(p: Prepared, doc_stats: list) -> Resampled:
    """Unitizing α (1995/2004) overall from ``_u1995_all_doc_stats``' per document and category
    (Σ δ², unit lengths, gap lengths): the same arithmetic as ``spans.unitizing._u1995`` and
    ``unitizing.u1995_expected_numerator`` on a resample (module docstring)."""
    m, D, K = len(p.coders), len(p.docs), len(p.categories)
    n = np.array([d.n for d in p.docs], dtype=np.float64)
    d_sum = np.array([[st[k][0] for k in range(K)] for st in doc_stats], dtype=np.float64).reshape(D, K)
    units, first, lsq = (np.zeros((D, K)) for _ in range(3))
    cross = []  # per category: (A, S), the cross term being Σ_j (wA)_j (wS)_j, or (C = A Sᵀ, None): wᵀ C w
    for k in range(K):
        lens = np.concatenate([np.asarray(st[k][1], dtype=np.float64) for st in doc_stats] + [np.zeros(0)])
        ld = np.repeat(np.arange(D), [np.size(st[k][1]) for st in doc_stats])
        gaps = np.concatenate([np.asarray(st[k][2], dtype=np.float64) for st in doc_stats] + [np.zeros(0)])
        gd = np.repeat(np.arange(D), [np.size(st[k][2]) for st in doc_stats])
        units[:, k] = np.bincount(ld, minlength=D)
        first[:, k] = np.bincount(ld, _p(lens), minlength=D)
        lsq[:, k] = np.bincount(ld, lens * (lens - 1), minlength=D)
        distinct = np.unique(lens)
        J = distinct.size
        # A[d, j]: Σ l² over document d's units of length distinct[j]
        A = np.bincount(ld * J + np.searchsorted(distinct, lens), lens**2, minlength=D * J).reshape(D, J)
        # S[d, j]: Σ over document d's gaps h with l_h ≥ distinct[j] of (l_h − distinct[j] + 1), from the
        # gaps sorted by (document, length): suffix sums, and one search per (document, length)
        M = float(max(gaps.max(initial=0), distinct.max(initial=0)) + 2)
        key = gd * M + gaps
        order = np.argsort(key, kind="stable")
        key, g = key[order], gaps[order]
        suffix = np.concatenate((np.cumsum(g[::-1])[::-1], [0.0]))
        end = np.searchsorted(key, (np.arange(D) + 1) * M, side="left")[:, None]
        at = np.searchsorted(key, (np.arange(D)[:, None] * M + distinct[None, :]).ravel(), side="left").reshape(D, J)
        S = (suffix[at] - suffix[end]) - (distinct[None, :] - 1.0) * (end - at)
        # (einsum, not BLAS: at this size waking BLAS threads on a busy machine cost more than the product)
        cross.append((A, S) if J < D else (np.einsum("dj,ej->de", A, S), None))

    def batch(weights: np.ndarray) -> np.ndarray:
        B = weights.shape[0]
        L = weights @ n
        dos, des = np.full((B, K), np.nan), np.full((B, K), np.nan)
        ds, nu, fi, lq = weights @ d_sum, weights @ units, weights @ first, weights @ lsq
        for k in range(K):
            a, s = cross[k]
            term = ((weights @ a) * (weights @ s)).sum(1) if s is not None else ((weights @ a) * weights).sum(1)
            numerator = (nu[:, k] - 1) * fi[:, k] + term
            for b in range(B):
                if nu[b, k] == 0:
                    continue  # no units of this category among the documents drawn
                r = u1995_alpha(ds[b, k], numerator[b], lq[b, k], m, L[b])
                if is_defined(r):
                    dos[b, k], des[b, k] = r
        # overall: 1 − mean D_O / mean D_E over the categories that occur (``_u1995``)
        used = np.isfinite(des)
        count = np.maximum(used.sum(1), 1)
        mean_do, mean_de = np.where(used, dos, 0).sum(1) / count, np.where(used, des, 0).sum(1) / count
        return np.where(used.any(1) & (mean_de > 0), 1 - mean_do / np.where(mean_de > 0, mean_de, 1), np.nan)

    return Resampled("unitizing_alpha", lambda w: _number_or_undefined(batch(w[None, :])[0]), batch)


def _number_or_undefined(value: float):
    return float(value) if np.isfinite(value) else Undefined("nothing annotated")


def gamma_resampled(stats, from_document_stats: Callable,
                    keys: Sequence[str] = ("gamma", "gamma_cat")) -> list[Resampled]:
    """γ and γ-cat over resamples of the documents, for the gamma branch (spans/gamma.py) to plug in:
    ``stats`` its ``GammaStats`` (per-document observed disorders and γ-cat sums, the corpus's
    expected disorders), ``from_document_stats`` its ``gamma_from_document_stats(stats, weights)``,
    which gives ``{"gamma", "gamma_cat", ...}`` over a multiset of the documents. (The expected
    disorder stays the corpus's on each resample, as that function documents.) Wiring, in
    ``span_report``: ``resampled()`` adds ``*gamma_resampled(stats, gamma_from_document_stats)`` and
    ``INTERVAL_MEASURES`` names "gamma" and "gamma_cat"."""
    results: dict = {}  # γ and γ-cat of a resample come from one call

    def value(key):
        def of(weights):
            token = weights.tobytes()
            if token not in results:
                results[token] = from_document_stats(stats, weights)
            return results[token][key]
        return of

    return [Resampled(key, value(key)) for key in keys]
