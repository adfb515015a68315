"""Gwet's AC1 and AC2 on reliability data: any number of coders, missing values allowed.

As defined in Gwet, *Handbook of Inter-Rater Reliability*, 4th ed. (2014), and computed the same way
as irrCAC's ``CAC.gwet()`` (the reference the tests compare against). With ``n_uk`` the number of
coders who gave unit *u* value *k*, ``r_u`` the number of values unit *u* received, *q* the number
of distinct values in the data and ``w_kl`` the weights (identity for AC1):

- ``n*_uk = Σ_l w_kl n_ul`` (the weighted count of ratings that agree with k);
- ``p_a = (1/n₂) Σ_{u: r_u ≥ 2} Σ_k n_uk (n*_uk − 1) / (r_u (r_u − 1))``: observed agreement, over the
  n₂ units with two or more values;
- ``π_k = (1/n₁) Σ_{u: r_u ≥ 1} n_uk / r_u``: the share of value k, over the n₁ units with at least one
  value, so **a unit coded by one coder counts in the chance term** (not in ``p_a``): this is where
  AC1 differs from Krippendorff's alpha, which ignores such units altogether;
- ``p_e = T_w Σ_k π_k (1 − π_k) / (q (q − 1))`` with ``T_w = Σ_kl w_kl`` (``T_w = q`` for AC1);
- ``AC = (p_a − p_e) / (1 − p_e)``.

AC2's weights (Gwet 2014; as irrCAC's ``weights`` module defines them), on the distinct values x_1 < … < x_q:
ordinal ``1 − C(|k − l| + 1, 2) / C(q, 2)`` (ranks only), quadratic ``1 − ((x_k − x_l)/(x_max − x_min))²``
and ratio ``1 − ((x_k − x_l)/(x_k + x_l))² / ((x_max − x_min)/(x_max + x_min))²``. Annotator's levels
pick them: nominal → identity (AC2 = AC1), ordinal → ordinal, interval → quadratic, ratio → ratio.

The paradox AC1 was made for: when every rating falls in one category (q = 1), ``p_e`` is 0/0 and
kappa and alpha are undefined; AC1 (and AC2) is then 1, as in irrCAC (which sets ``p_e`` just below
1 so that ``(p_a − p_e)/(1 − p_e) = 1``). Two choices of ours where irrCAC has no value: AC2 with one
value is 1 too (irrCAC's weights divide by zero there), and ratio weights allow the value 0 (with
``0/0`` taken as 0 between two zeros; irrCAC refuses a category 0).

The standard error is Gwet's linearised variance estimator for many raters (Gwet 2008, BJMSP 61;
the handbook), in the form irrCAC computes it, with no finite-population correction, and the 95%
interval is ``AC ± t_{0.975, n₁−1} · se``, its upper end capped at 1 (as irrCAC does). q is the number
of values the data (the chosen coders) hold, as irrCAC's default. Everything is numpy on the units ×
values count table, its equal rows grouped: linear in units × coders.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.reliability_data import (
    Level,
    ReliabilityData,
    as_data,
    check_level,
    unique_rows,
)
from annotator.core.errors import ValidationError

Result = float | Undefined

WEIGHTS: tuple[str, ...] = ("identity", "ordinal", "quadratic", "ratio")
LEVEL_WEIGHTS: dict[str, str] = {"nominal": "identity", "ordinal": "ordinal", "interval": "quadratic",
                                 "ratio": "ratio"}
_WEIGHT_LEVEL = {w: level for level, w in LEVEL_WEIGHTS.items()}
ONE_CATEGORY = "every rating falls in one category, so AC is 1 (Gwet's convention) with no sampling variance"


def gwet_weights(kind: str, values) -> np.ndarray:
    """Gwet's q × q agreement weights of ``kind`` (identity, ordinal, quadratic or ratio) for the
    distinct ``values`` in ascending order (numbers, except for identity). 1 on the diagonal."""
    q = len(values)
    if kind == "identity":
        return np.eye(q)
    if kind not in WEIGHTS:
        raise ValidationError(f"unknown weights {kind!r}; choose one of {', '.join(WEIGHTS)}")
    if q < 2:
        return np.ones((q, q))
    if kind == "ordinal":
        rank = np.arange(q, dtype=np.float64)
        m = np.abs(np.subtract.outer(rank, rank)) + 1.0
        return 1.0 - (m * (m - 1.0) / 2.0) / (q * (q - 1.0) / 2.0)
    x = np.asarray(values, dtype=np.float64)
    lo, hi = x[0], x[-1]
    if kind == "quadratic":
        return 1.0 - (np.subtract.outer(x, x) / (hi - lo)) ** 2
    total = np.add.outer(x, x)  # ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(total > 0, np.subtract.outer(x, x) / np.where(total > 0, total, 1.0), 0.0)
    return 1.0 - r ** 2 / ((hi - lo) / (hi + lo)) ** 2


@dataclass(frozen=True)
class GwetResult:
    """AC1 or AC2 with its parts: ``p_a``, ``p_e``, the units used and Gwet's standard error and
    95% interval (Undefined when there is no variance to estimate)."""

    value: float
    pa: float
    pe: float
    weights: str
    units: int  # n₁: units with at least one value (they count in the chance term)
    pairable_units: int  # n₂: units with two or more values (they count in p_a)
    se: float | Undefined
    ci95: tuple[float, float] | Undefined


def gwet_from_counts(counts: np.ndarray, w: np.ndarray, weights: str = "custom") -> GwetResult | Undefined:
    """AC from a units × values count table ``n_uk`` and a q × q weight matrix (see the module)."""
    # Every sum below is over units of a function of the unit's counts: group equal rows (a few hundred
    # patterns for a million units with 5 coders) and weight each by how often it occurs.
    patterns, often = unique_rows(np.asarray(counts))
    rated = patterns.sum(axis=1) > 0  # units nobody coded count nowhere
    patterns, often = patterns[rated], often[rated]
    if len(often) == 0:
        return Undefined("no unit was coded")
    c, f = patterns.astype(np.float64), often.astype(np.float64)
    r = c.sum(axis=1)
    n1, q = int(often.sum()), c.shape[1]
    two = r >= 2
    n2 = int(often[two].sum())
    if n2 == 0:
        return Undefined("no unit was coded by two or more coders")
    if q < 2:
        return GwetResult(1.0, 1.0, 1.0, weights, n1, n2, Undefined(ONE_CATEGORY), Undefined(ONE_CATEGORY))
    agree = (c * (c @ w.T - 1.0)).sum(axis=1)  # Σ_k n_uk (n*_uk − 1)
    pa_u = np.where(two, agree / np.where(two, r * (r - 1.0), 1.0), 0.0)
    pa = float(f @ pa_u) / n2
    share = c / r[:, None]
    pi = (f @ share) / n1
    scale = float(w.sum()) / (q * (q - 1.0))
    pe = scale * float(pi @ (1.0 - pi))
    if pe >= 1.0 - 1e-12:
        return Undefined("chance agreement is 1, so AC is 0/0")
    ac = (pa - pe) / (1.0 - pe)
    se, ci = _variance(ac, pa_u, two, share, f, pi, pe, scale, n1, n2)
    return GwetResult(float(ac), pa, pe, weights, n1, n2, se, ci)


def _variance(ac, pa_u, two, share, f, pi, pe, scale, n1, n2):
    """Gwet's linearised variance of AC (irrCAC ``CAC.gwet``): per unit
    ``ac_u = (n₁/n₂)(p_a,u − p_e [r_u ≥ 2])/(1 − p_e)``, ``p_e,u = scale Σ_k (n_uk/r_u)(1 − π_k)``,
    ``ac*_u = ac_u − 2 (1 − AC)(p_e,u − p_e)/(1 − p_e)``, ``var = Σ (ac*_u − AC)² / (n₁ (n₁ − 1))``
    (here per pattern of counts, ``f`` units each)."""
    if n1 < 2:
        return (Undefined("one unit only, so AC has no sampling variance"),) * 2
    ac_u = (n1 / n2) * (pa_u - pe * two) / (1.0 - pe)
    pe_u = scale * (share @ (1.0 - pi))
    ac_x = ac_u - 2.0 * (1.0 - ac) * (pe_u - pe) / (1.0 - pe)
    se = math.sqrt(float(f @ (ac_x - ac) ** 2) / (n1 * (n1 - 1.0)))
    half = t_quantile(0.975, n1 - 1) * se
    return se, (float(ac - half), float(min(1.0, ac + half)))


def gwet(data, weights: str = "identity") -> GwetResult | Undefined:
    """AC1 (``weights="identity"``) or AC2 with Gwet's ordinal, quadratic or ratio weights on the
    distinct values of the data; ValidationError when the weights need numbers the data do not hold
    (ordinal and quadratic: numbers; ratio: numbers ≥ 0)."""
    if weights not in WEIGHTS:
        raise ValidationError(f"unknown weights {weights!r}; choose one of {', '.join(WEIGHTS)}")
    d = as_data(data)
    check_level(d, _WEIGHT_LEVEL[weights])
    counts = d.counts
    used = counts.sum(axis=0) > 0  # q counts the values these coders used (a selection may hold others)
    values = tuple(v for v, u in zip(d.values, used, strict=True) if u)
    return gwet_from_counts(counts[:, used], gwet_weights(weights, values), weights)


def _value(result: GwetResult | Undefined) -> Result:
    return result if isinstance(result, Undefined) else result.value


def value_and_ci95(result: GwetResult | Undefined) -> tuple[Result, tuple[float, float] | Undefined]:
    """(AC, its 95% interval) of a ``gwet`` result; the reason twice when AC is undefined."""
    if isinstance(result, Undefined):
        return result, Undefined(f"no AC, so no interval: {result.reason}")
    return result.value, result.ci95


def gwet_ac1(data) -> Result:
    """Gwet's AC1 (nominal: values agree only when equal); 1 when every rating is one category."""
    return _value(gwet(data, "identity"))


def gwet_ac2(data, level: Level = "nominal") -> Result:
    """Gwet's AC2 with the weights of ``level``: nominal → identity (AC2 = AC1), ordinal → ordinal,
    interval → quadratic, ratio → ratio weights."""
    d = as_data(data)
    check_level(d, level)
    return _value(gwet(d, LEVEL_WEIGHTS[level]))


def gwet_ac1_per_category(data: Any) -> dict[Any, Result]:
    """AC1 of each value against the rest: the data recoded to "c" / "not c" (missing stays missing),
    with q = 2 whether or not "not c" occurs (so a category every coder always gave has AC1 = 1, as
    Gwet's convention gives for one category)."""
    d: ReliabilityData = as_data(data)
    counts = d.counts
    r = counts.sum(axis=1)
    eye = np.eye(2)
    return {value: _value(gwet_from_counts(np.stack([counts[:, j], r - counts[:, j]], axis=1), eye, "identity"))
            for j, value in enumerate(d.values)}


# -- Student's t quantile (numpy has none; scipy is not a dependency) --------------------------------


def _t_within(t: float, df: int) -> float:
    """P(|T| ≤ t) for Student's t with an integer ``df``, exactly: the finite series of Abramowitz &
    Stegun (1964) 26.7.3 in θ = atan(t / √df)."""
    theta = math.atan(t / math.sqrt(df))
    s, c2 = math.sin(theta), math.cos(theta) ** 2
    if df % 2 == 0:  # sin θ Σ_{j<df/2} (1·3···(2j−1))/(2·4···2j) cos^{2j} θ
        j = np.arange(1, df // 2, dtype=np.float64)
        terms = np.cumprod((2 * j - 1) / (2 * j) * c2)
        return s * (1.0 + float(terms.sum()))
    if df == 1:
        return 2.0 * theta / math.pi
    j = np.arange(1, (df - 1) // 2, dtype=np.float64)  # (2/π)(θ + sin θ cos θ Σ (2·4···2j)/(3·5···(2j+1)) cos^{2j} θ)
    terms = np.cumprod(2 * j / (2 * j + 1) * c2)
    return 2.0 / math.pi * (theta + s * math.cos(theta) * (1.0 + float(terms.sum())))


def _normal_quantile(p: float) -> float:
    z = 0.0
    for _ in range(50):  # Newton on Φ(z) = (1 + erf(z/√2)) / 2
        step = (0.5 * (1.0 + math.erf(z / math.sqrt(2.0))) - p) / (math.exp(-z * z / 2.0) / math.sqrt(2.0 * math.pi))
        z -= step
        if abs(step) < 1e-15:
            break
    return z


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile for 0.5 ≤ p < 1 and an integer ``df`` ≥ 1: bisection on the exact
    distribution function up to 2,000 degrees of freedom, beyond that the Cornish–Fisher expansion
    of Abramowitz & Stegun 26.7.5 (its next term is below 1e-15 there)."""
    if df > 2000:
        z, v = _normal_quantile(p), float(df)
        g = ((z ** 3 + z) / 4, (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96,
             (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384,
             (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160)
        return z + sum(gi / v ** (i + 1) for i, gi in enumerate(g))
    target = 2.0 * p - 1.0
    lo, hi = 0.0, 1.0
    while _t_within(hi, df) < target:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if _t_within(mid, df) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-14 * hi:
            break
    return (lo + hi) / 2.0
