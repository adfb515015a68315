"""Item-level agreement on reliability data: units × coders, missing values allowed.

Reliability data is a matrix with one row per unit (the thing coded: an item, a sentence, a document)
and one column per coder. A cell holds the value that coder gave that unit, or ``None`` / NaN when the
coder did not code it. Values may be any hashable (nominal categories) or numbers (needed for the
ordinal, interval and ratio levels of Krippendorff's alpha).

Terms used in the formulas below:

- ``m_u``: the number of values unit *u* received (coders who coded it);
- a unit is *pairable* when ``m_u >= 2``; only pairable units carry information about agreement;
- ``n_uc``: the number of coders who gave unit *u* the value *c*.

Two kinds of "no answer", kept apart on purpose:

- :class:`~annotator.core.agreement.common.Undefined` (returned): the input is valid but the measure has
  no value for it, e.g. only one category occurs (0/0), no unit was coded by two coders, Cohen's kappa
  asked of three coders, Fleiss' kappa on units with different numbers of ratings.
- :class:`~annotator.core.errors.ValidationError` (raised): the request itself is wrong and the caller
  must change it: an unknown level, a level that does not fit the values (interval or ratio on
  strings, ratio on negative numbers), rows of different lengths, duplicate coder names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.gwet import LEVEL_WEIGHTS, gwet, gwet_ac1_per_category, value_and_ci95
from annotator.core.agreement.reliability_data import (
    MAX_ORDINAL_BOOTSTRAP_WORK,
    Level,
    ReliabilityData,
    as_data,
    check_level,
    unique_rows,
)
from annotator.core.errors import ValidationError, quoted

Result = float | Undefined


# ---------------------------------------------------------------------------------------------------
# Percent agreement and the two-coder measures


def percent_agreement(data) -> Result:
    """Observed agreement, as a proportion (0..1): the mean over pairable units of the share of
    agreeing coder pairs in the unit.

    ``A = (1/N') Σ_u [Σ_c n_uc (n_uc − 1)] / [m_u (m_u − 1)]`` over the N' units with ``m_u ≥ 2``.

    Every pairable unit weighs the same, whatever its number of coders; units coded by fewer than two
    coders are left out. With two coders this is the share of units both coded on which they agree
    (Cohen's ``p_o``); with the same number of coders on every unit it is Fleiss' ``P̄``. Values
    agree only when equal (nominal), whatever the level."""
    d = as_data(data)
    counts = d.counts
    m = counts.sum(axis=1)
    keep = m >= 2
    if not keep.any():
        return Undefined("no unit was coded by two or more coders")
    c, m = counts[keep].astype(np.float64), m[keep].astype(np.float64)
    return float(np.mean((c * (c - 1)).sum(axis=1) / (m * (m - 1))))


def _two_coders(d: ReliabilityData, measure: str) -> tuple[np.ndarray, np.ndarray] | Undefined:
    if d.n_coders != 2:
        return Undefined(f"{measure} is for two coders; the data have {d.n_coders} "
                         "(select a pair of coders, or use Fleiss' kappa or Krippendorff's alpha)")
    both = (d.codes[:, 0] >= 0) & (d.codes[:, 1] >= 0)
    if not both.any():
        return Undefined("no unit was coded by both coders")
    return d.codes[both, 0], d.codes[both, 1]


def _two_coder_table(d: ReliabilityData, measure: str):
    pair = _two_coders(d, measure)
    if isinstance(pair, Undefined):
        return pair
    a, b = pair
    v = len(d.values)
    p1 = np.bincount(a, minlength=v) / len(a)
    p2 = np.bincount(b, minlength=v) / len(b)
    return float(np.mean(a == b)), p1, p2


def _chance_corrected(p_o: float, p_e: float, measure: str) -> Result:
    if p_e >= 1.0 - 1e-12:
        return Undefined(f"{measure}: only one category occurs, so chance agreement is 1 and the measure is 0/0")
    return float((p_o - p_e) / (1.0 - p_e))


def cohen_kappa(data) -> Result:
    """Cohen's kappa (Cohen 1960), two coders, on the units both coded.

    ``κ = (p_o − p_e) / (1 − p_e)`` with ``p_o`` the share of those units with equal values and
    ``p_e = Σ_c p_1c · p_2c``, ``p_jc`` being coder j's share of value c (each coder's own
    distribution: chance is two independent coders with their own preferences)."""
    d = as_data(data)
    table = _two_coder_table(d, "Cohen's kappa")
    if isinstance(table, Undefined):
        return table
    p_o, p1, p2 = table
    return _chance_corrected(p_o, float(p1 @ p2), "Cohen's kappa")


def scott_pi(data) -> Result:
    """Scott's pi (Scott 1955), two coders, on the units both coded.

    ``π = (p_o − p_e) / (1 − p_e)`` with ``p_e = Σ_c ((p_1c + p_2c) / 2)²``: chance uses the pooled
    distribution of both coders (the coders are taken as interchangeable)."""
    d = as_data(data)
    table = _two_coder_table(d, "Scott's pi")
    if isinstance(table, Undefined):
        return table
    p_o, p1, p2 = table
    pooled = (p1 + p2) / 2
    return _chance_corrected(p_o, float(pooled @ pooled), "Scott's pi")


def bennett_s(data, q: int | None = None) -> Result:
    """Bennett, Alpert & Goldstein's S (1954), also Brennan & Prediger's kappa_n (1981): two coders,
    on the units both coded.

    ``S = (p_o − 1/q) / (1 − 1/q)``: chance is a uniform choice among q categories. By default
    q is the number of distinct values observed anywhere in the data (every coder, every unit, as
    nltk's ``AnnotationTask.S`` does); pass ``q`` when the coding scheme has categories nobody used.
    Undefined when q < 2."""
    d = as_data(data)
    if q is None:
        q = len(d.values)
    elif q < len(d.values):
        raise ValidationError(f"q = {q} categories, but the data hold {len(d.values)} different values")
    pair = _two_coders(d, "Bennett's S")
    if isinstance(pair, Undefined):
        return pair
    if q < 2:
        return Undefined("Bennett's S: only one category (q = 1), so chance agreement is 1 and S is 0/0")
    a, b = pair
    return _chance_corrected(float(np.mean(a == b)), 1.0 / q, "Bennett's S")


# ---------------------------------------------------------------------------------------------------
# Fleiss' kappa


def _fleiss_counts(d: ReliabilityData) -> np.ndarray | Undefined:
    counts = d.counts
    m = counts.sum(axis=1)
    counts, m = counts[m > 0], m[m > 0]  # units nobody coded carry nothing
    if len(m) == 0:
        return Undefined("no unit was coded")
    if m.min() != m.max():
        return Undefined(f"Fleiss' kappa needs the same number of ratings on every unit; units here have "
                         f"between {m.min()} and {m.max()} (use Krippendorff's alpha, which allows missing values)")
    if m[0] < 2:
        return Undefined("Fleiss' kappa needs at least two ratings per unit")
    return counts


def fleiss_kappa(data) -> Result:
    """Fleiss' kappa (Fleiss 1971): any number of coders, each unit rated by the same number m ≥ 2
    of them (not necessarily the same coders). Units nobody coded are ignored; otherwise a different
    number of ratings on some unit makes it Undefined.

    ``P_u = (Σ_c n_uc² − m) / (m (m − 1))``, ``P̄ = mean_u P_u``, ``p_c = Σ_u n_uc / (N m)``,
    ``P_e = Σ_c p_c²``, ``κ = (P̄ − P_e) / (1 − P_e)``."""
    d = as_data(data)
    counts = _fleiss_counts(d)
    if isinstance(counts, Undefined):
        return counts
    c = counts.astype(np.float64)
    m = c[0].sum()
    p_bar = float(np.mean(((c * c).sum(axis=1) - m) / (m * (m - 1))))
    p = c.sum(axis=0) / c.sum()
    return _chance_corrected(p_bar, float(p @ p), "Fleiss' kappa")


def fleiss_kappa_per_category(data) -> dict[Any, Result]:
    """Fleiss' kappa of each category against the rest (Fleiss 1971, eq. for κ_j):

    ``κ_c = 1 − Σ_u n_uc (m − n_uc) / (N m (m − 1) p_c (1 − p_c))``, which equals Fleiss' kappa on
    the data recoded to "c" / "not c". Undefined for a category every rating used (or none)."""
    d = as_data(data)
    counts = _fleiss_counts(d)
    if isinstance(counts, Undefined):
        return {value: counts for value in d.values}
    c = counts.astype(np.float64)
    n_units, m = c.shape[0], c[0].sum()
    result: dict[Any, Result] = {}
    for j, value in enumerate(d.values):
        p = c[:, j].sum() / (n_units * m)
        if p <= 0 or p >= 1:
            result[value] = Undefined(f"category {quoted(value)} is {'every' if p >= 1 else 'no'} rating, "
                                      "so 'category versus the rest' has one category only")
            continue
        disagreement = float((c[:, j] * (m - c[:, j])).sum())
        result[value] = float(1.0 - disagreement / (n_units * m * (m - 1) * p * (1 - p)))
    return result


# ---------------------------------------------------------------------------------------------------
# Krippendorff's alpha


def _distances(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """δ²_ck between the values, per level (Krippendorff 2011, section E)."""
    if level == "nominal":
        return 1.0 - np.eye(len(values))
    if level == "ordinal":  # (Σ_{g=c..k} n_g − (n_c + n_k)/2)², values in rank order
        cum = np.cumsum(n_c)
        lo = np.minimum.outer(np.arange(len(values)), np.arange(len(values)))
        hi = np.maximum.outer(np.arange(len(values)), np.arange(len(values)))
        between = cum[hi] - cum[lo] + n_c[lo]
        return (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2
    if level == "interval":
        return np.subtract.outer(values, values) ** 2
    total = np.add.outer(values, values)  # ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total != 0, np.subtract.outer(values, values) / np.where(total != 0, total, 1), 0.0)
    return ratio ** 2


def _pairable(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = counts.sum(axis=1)
    keep = m >= 2
    return counts[keep], m[keep]


def _alpha_from_counts(counts: np.ndarray, values: np.ndarray, level: str) -> Result:
    counts, m = _pairable(counts)
    if len(m) == 0:
        return Undefined("no unit was coded by two or more coders")
    c = counts.astype(np.float64)
    w = 1.0 / (m - 1.0)
    n_c = c.sum(axis=0)
    n = n_c.sum()
    if np.count_nonzero(n_c) < 2:
        return Undefined("only one value occurs among the pairable values, so expected disagreement is 0 "
                         "and alpha is 0/0")
    # coincidence matrix o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1)
    o = (c * w[:, None]).T @ c - np.diag(w @ c)
    delta = _distances(level, values, n_c)
    d_o = float((o * delta).sum())
    d_e = float((np.outer(n_c, n_c) * delta).sum()) / (n - 1.0)
    if d_e <= 0:
        return Undefined("expected disagreement is 0, so alpha is 0/0")
    return float(1.0 - d_o / d_e)


def krippendorff_alpha(data, level: Level = "nominal") -> Result:
    """Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"), any
    number of coders, missing values allowed, at the nominal, ordinal, interval or ratio level.

    From the coincidence matrix of the pairable values (units with m_u ≥ 2; the rest are ignored)
    ``o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1)``, with marginals ``n_c = Σ_k o_ck`` and
    ``n = Σ_c n_c``:

    ``α = 1 − D_o / D_e = 1 − (n − 1) Σ_c Σ_k o_ck δ²_ck / Σ_c Σ_k n_c n_k δ²_ck``

    with the difference function δ² of the level: nominal ``[c ≠ k]``; ordinal
    ``(Σ_{g=c..k} n_g − (n_c + n_k)/2)²`` (ranks of the numeric values); interval ``(c − k)²``;
    ratio ``((c − k)/(c + k))²``. Ordinal, interval and ratio need numbers (ratio: ≥ 0), else
    ValidationError. Undefined when no unit is pairable or only one value occurs."""
    d = as_data(data)
    check_level(d, level)
    values = np.asarray(d.values, dtype=np.float64) if d.numeric else np.arange(len(d.values), dtype=np.float64)
    return _alpha_from_counts(d.counts, values, level)


def krippendorff_alpha_per_category(data) -> dict[Any, Result]:
    """Alpha of each value against the rest: the data recoded to "c" / "not c" (missing stays
    missing), at the nominal level, whatever the level of the whole."""
    d = as_data(data)
    counts = d.counts
    m = counts.sum(axis=1)
    two = np.arange(2, dtype=np.float64)
    result: dict[Any, Result] = {}
    for j, value in enumerate(d.values):
        binary = np.stack([counts[:, j], m - counts[:, j]], axis=1)
        alpha = _alpha_from_counts(binary, two, "nominal")
        if isinstance(alpha, Undefined) and "one value" in alpha.reason:
            alpha = Undefined(f"category {quoted(value)} is {'every' if binary[m >= 2, 1].sum() == 0 else 'no'} "
                              "pairable value, so 'category versus the rest' has one category only")
        result[value] = alpha
    return result


@dataclass(frozen=True)
class BootstrapInterval:
    """A percentile bootstrap interval for alpha."""

    low: float
    high: float
    resamples: int  # resamples with a defined alpha (those with one value only are left out)
    seed: int | None
    confidence: float


def krippendorff_alpha_bootstrap(data, level: Level = "nominal", *, resamples: int = 1000,
                                 seed: int | None = None, confidence: float = 0.95) -> BootstrapInterval | Undefined:
    """A percentile bootstrap interval for Krippendorff's alpha, resampling units.

    Method: the N' pairable units (m_u ≥ 2) are drawn N' times with replacement, alpha is computed on
    each resample, and the interval is the (1 − confidence)/2 and (1 + confidence)/2 quantiles of those
    alphas. Units, not single values or pairs, are resampled because the values within a unit are not
    independent (they describe the same unit); this is the nonparametric case bootstrap recommended
    for alpha by Zapf et al. (2016, BMC Medical Research Methodology 16:93). It is not Hayes &
    Krippendorff's (2007) KALPHA bootstrap, which draws pairs of values from the coincidence matrix
    and gives somewhat different intervals, especially for small samples.

    Fast and exact: units with the same counts vector (n_u1..n_uV) are interchangeable, so a
    resample is a multinomial draw of how often each distinct pattern occurs, and alpha follows from
    pattern totals. Resamples in which only one value occurs have no alpha and are left out
    (``resamples`` in the result says how many were used). ``seed`` makes the interval repeatable."""
    if resamples < 1:
        raise ValidationError("resamples must be 1 or more")
    if not 0 < confidence < 1:
        raise ValidationError("confidence must be between 0 and 1")
    d = as_data(data)
    check_level(d, level)
    point = krippendorff_alpha(d, level)
    if isinstance(point, Undefined):
        return point
    counts, m = _pairable(d.counts)
    patterns, frequency = unique_rows(counts)
    c = patterns.astype(np.float64)
    w = 1.0 / (c.sum(axis=1) - 1.0)
    values = np.asarray(d.values, dtype=np.float64) if d.numeric else np.arange(len(d.values), dtype=np.float64)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(len(m), frequency / frequency.sum(), size=resamples).astype(np.float64)
    n_c = draws @ c  # resamples × values
    n = n_c.sum(axis=1)
    # per pattern: Σ_ck n_uc n_uk δ_ck / (m_u − 1) (the diagonal of δ is 0, so o's correction term drops)
    # (x @ delta * x).sum(axis=1) is einsum("pc,ck,pk->p", x, delta, x) through BLAS: far faster
    if level == "ordinal":
        work = resamples * len(c) * len(values) ** 2
        if work > MAX_ORDINAL_BOOTSTRAP_WORK:
            return Undefined(f"the ordinal bootstrap would take {work:.1e} steps ({resamples} resamples × "
                             f"{len(c)} patterns × {len(values)}² values; the limit is "
                             f"{MAX_ORDINAL_BOOTSTRAP_WORK:.0e}); ask for fewer resamples")
        alphas = np.empty(resamples)
        for i in range(resamples):
            delta = _distances(level, values, n_c[i])
            d_o = draws[i] @ (((c @ delta) * c).sum(axis=1) * w)
            d_e = n_c[i] @ delta @ n_c[i] / (n[i] - 1.0)
            alphas[i] = 1.0 - d_o / d_e if d_e > 0 else np.nan
    else:
        delta = _distances(level, values, c.sum(axis=0))
        per_pattern = ((c @ delta) * c).sum(axis=1) * w
        d_o = draws @ per_pattern
        d_e = ((n_c @ delta) * n_c).sum(axis=1) / (n - 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            alphas = np.where(d_e > 0, 1.0 - d_o / np.where(d_e > 0, d_e, 1.0), np.nan)
    alphas = alphas[np.isfinite(alphas)]
    if len(alphas) == 0:
        return Undefined("no bootstrap resample has more than one value")
    low, high = np.quantile(alphas, [(1 - confidence) / 2, (1 + confidence) / 2])
    return BootstrapInterval(low=float(low), high=float(high), resamples=len(alphas), seed=seed,
                             confidence=confidence)


# ---------------------------------------------------------------------------------------------------
# Everything at once


MEASURES = ("percent_agreement", "cohen_kappa", "scott_pi", "bennett_s", "fleiss_kappa", "krippendorff_alpha",
            "gwet_ac1", "gwet_ac2")


@dataclass(frozen=True)
class ReliabilityReport:
    """Every item-level measure on one data set. A measure that does not apply is an Undefined."""

    level: str
    coders: tuple[str, ...]
    units: int
    pairable_units: int
    values: tuple
    measures: dict[str, Result]
    alpha_ci95: BootstrapInterval | Undefined
    per_category: dict[Any, dict[str, Result]]
    gwet_ci95: dict[str, tuple[float, float] | Undefined] = field(default_factory=dict)  # Gwet's se, t interval


def reliability_report(data, level: Level = "nominal", *, resamples: int = 1000,
                       seed: int | None = None) -> ReliabilityReport:
    """All measures: percent agreement, Cohen's kappa, Scott's pi and Bennett's S (two coders only:
    Undefined with a reason otherwise), Fleiss' kappa, Krippendorff's alpha at ``level`` with its
    bootstrap 95% interval, Gwet's AC1 and AC2 (AC2's weights by ``level``: annotator.core.agreement.gwet)
    with Gwet's 95% intervals, and per category alpha, Fleiss' kappa and AC1 (category versus the rest)."""
    d = as_data(data)
    check_level(d, level)
    measures: dict[str, Result] = {
        "percent_agreement": percent_agreement(d),
        "cohen_kappa": cohen_kappa(d),
        "scott_pi": scott_pi(d),
        "bennett_s": bennett_s(d),
        "fleiss_kappa": fleiss_kappa(d),
        "krippendorff_alpha": krippendorff_alpha(d, level),
    }
    gwet_ci95 = {}
    for name, weights in (("gwet_ac1", "identity"), ("gwet_ac2", LEVEL_WEIGHTS[level])):
        measures[name], gwet_ci95[name] = value_and_ci95(gwet(d, weights))
    ci = (krippendorff_alpha_bootstrap(d, level, resamples=resamples, seed=seed)
          if not isinstance(measures["krippendorff_alpha"], Undefined)
          else Undefined("Krippendorff's alpha is undefined, so it has no interval"))
    alphas = krippendorff_alpha_per_category(d)
    kappas = fleiss_kappa_per_category(d)
    ac1s = gwet_ac1_per_category(d)
    per_category = {v: {"krippendorff_alpha": alphas[v], "fleiss_kappa": kappas[v], "gwet_ac1": ac1s[v]}
                    for v in d.values}
    return ReliabilityReport(level=level, coders=d.coders, units=d.n_units,
                             pairable_units=int(((d.codes >= 0).sum(axis=1) >= 2).sum()), values=d.values,
                             measures=measures, alpha_ci95=ci, per_category=per_category, gwet_ci95=gwet_ci95)
