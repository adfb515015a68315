"""The best alignment of Mathet, Widlöcher & Métivier's γ (Computational Linguistics 41(3), 2015),
found exactly, without a linear-programming library (Qt-free, numpy).

Definitions (the paper, sections 4.1–4.4, as pygamma-agreement 0.5.9 implements them)
--------------------------------------------------------------------------------------
A *continuum* holds, for each of n ≥ 2 coders, a list of units ``[start, end)`` with a category.
The dissimilarity of two units of different coders is

    d(u, v) = Δ∅ · (α · d_pos(u, v) + β · d_cat(u, v)),
    d_pos(u, v) = ((|s_u − s_v| + |e_u − e_v|) / ((e_u − s_u) + (e_v − s_v)))²,
    d_cat(u, v) = 0 when the categories agree, 1 otherwise (or ``cat_matrix[k_u, k_v]``),

and the dissimilarity of a unit with the empty unit ∅, and of ∅ with ∅, is Δ∅ (the positional
and categorical parts carry the factor Δ∅ as in the paper's d_pos-sporadic and in
pygamma-agreement's ``CombinedCategoricalDissimilarity``). A *unitary alignment* (a tuple) holds one
unit or ∅ per coder, not all ∅; its disorder is the mean of d over its C = n(n−1)/2 coder pairs.
An *alignment* is a set of tuples in which every unit appears exactly once; its disorder is the
sum of its tuples' disorders divided by the mean number of units per coder. The best alignment
is one of least disorder; its disorder is γ's observed disorder.

With m real units in a tuple T and S(T) the sum of d over its real pairs,

    δ(T) = (S(T) + (C − m(m−1)/2) · Δ∅) / C = Δ∅ + (S(T) − m(m−1)/2 · Δ∅) / C.       (1)

Pruning, proved (every bound keeps all optimal alignments)
----------------------------------------------------------
Lemma 1 (split-off). Let T hold m ≥ 2 real units and v one of them. Replacing T by T∖{v} and the
singleton {v} changes the total by Δ∅ − Σ_{w∈T∖v} (d(v, w) − Δ∅) / C, by (1). So if
Σ_{w∈T∖v} d(v, w) > (C + m − 1) · Δ∅ the replacement is strictly better, and no optimal alignment
contains T. The candidates kept satisfy Σ_{w∈T∖v} d(v, w) ≤ (C + m − 1) · Δ∅ for every v ∈ T.

Lemma 2 (pair bound). d ≥ 0, so Σ_{w∈T∖v} d(v, w) ≥ d(u, v) for any u ∈ T∖v, and m ≤ n. A pair with
d(u, v) > B = (C + n − 1) · Δ∅ therefore lies in no tuple of an optimal alignment (Lemma 1): the
candidate tuples are the cliques of the graph whose edges are the pairs of different coders with
d ≤ B. (For two coders B = 2Δ∅, the cost of leaving both units unaligned; for three coders
B = 5Δ∅: a pair farther apart than 2Δ∅ can still be worth aligning through a third unit close to
both, so the two-coder bound alone would be wrong.)

Lemma 3 (singletons). A tuple with δ(T) > m · Δ∅ is beaten by its m singletons (each costs Δ∅);
the candidates kept have δ(T) ≤ m · Δ∅ (pygamma-agreement keeps δ(T) ≤ n · Δ∅, a weaker bound).

Independent components. Every tuple of an optimal alignment is a kept candidate. Join two units
when some kept candidate with two or more units holds both; a candidate lies inside one connected
component, so an alignment is optimal iff its restriction to every component is, and each
component is solved on its own.

The exact solver per component
------------------------------
A dynamic programme over the component's units in a fixed order (by midpoint, length, coder): at the
first unit not yet covered, choose one of the candidates whose first unit it is and whose other
units are still free. The state is the set of later units already covered (a bit mask). Every
alignment of the component is produced exactly once (its tuple holding the first uncovered unit
is chosen there), so the least total over the states is the optimum: an exact shortest path, not
a heuristic. The number of states is bounded by the subsets of units a tuple can reach ahead of
the current one, small when units of one coder do not pile up on each other; the problem is
NP-hard for three coders or more (three-dimensional assignment), so no exact method is polynomial
in the worst case, and a pathological pile of mutually close units is slow rather than wrong
(three coders each putting 20 long spans, all overlapping, on 150 characters: seconds to a
minute). Bounds from the dual of the set-partitioning LP (``_Duals``) prune the search: the LP is
nearly always tight on real and random continua, and then the search is short.
The tests check the optimum against an exact MILP (scipy's HiGHS) on many random continua.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

_EPS = 1e-9  # relative slack on the pruning bounds: keeping a few extra candidates is always safe
TINY = 8  # components this small go to a plain exact DP, without bounds
SMALL = 16  # components this small go to the exact DP without improving the bounds first
BEAM = 8  # states kept per step by the first, heuristic pass of the component solver
# How much work one best alignment may take before it gives up (``TooCostlyError``): candidate tuples,
# and steps of the exact search (a state times its options; about 13 million a second). On the
# benchmark's corpus (3 coders, ~94 spans each per document, and its random continua) one
# alignment took 228,264 steps at most (median 19,699); a pile of mutually overlapping units of
# three coders or more, where the problem's NP-hardness shows, takes far more: 3 coders x 10 spans
# all overlapping on 150 characters 109 million steps (8.4 s), x 14 spans 1.7 billion (223 s).
MAX_CANDIDATES = 500_000
MAX_STEPS = 10_000_000


class TooCostlyError(ValueError):
    """The exact best alignment would take more than the budget (MAX_CANDIDATES, MAX_STEPS)."""


@dataclass(frozen=True)
class Params:
    """γ's dissimilarity: d = Δ∅ · (α · d_pos + β · d_cat). Defaults α = β = Δ∅ = 1, as
    pygamma-agreement's ``CombinedCategoricalDissimilarity``. ``cat_matrix`` (K × K, symmetric,
    zero diagonal, values in [0, 1]) replaces the nominal 0/1 categorical dissimilarity."""

    alpha: float = 1.0
    beta: float = 1.0
    delta_empty: float = 1.0
    cat_matrix: np.ndarray | None = None

    def check(self) -> None:
        for name in ("alpha", "beta", "delta_empty"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise ValueError(f"gamma: {name} must be a finite number ≥ 0, not {value!r}")
        if not self.delta_empty > 0:
            raise ValueError("gamma: delta_empty must be greater than 0")


@dataclass
class Alignment:
    """A best alignment: ``tuples[t, i]`` the index of coder i's unit in tuple t, or −1 for ∅;
    ``costs[t]`` its disorder δ; ``total`` their sum; ``units`` the number of units of each coder."""

    tuples: np.ndarray
    costs: np.ndarray
    total: float
    units: np.ndarray

    @property
    def mean_units(self) -> float:
        return float(self.units.sum()) / len(self.units)

    @property
    def disorder(self) -> float:
        """Σ δ over the tuples / the mean number of units per coder (0 for an empty continuum)."""
        n_bar = self.mean_units
        return self.total / n_bar if n_bar else 0.0


def pair_dissimilarity(a, b, params: Params) -> np.ndarray:
    """d(u, v) for every unit u of ``a`` and v of ``b``, each ``(starts, ends, categories)``."""
    sa, ea, ka = (np.asarray(x) for x in a)
    sb, eb, kb = (np.asarray(x) for x in b)
    sa, ea, sb, eb = (np.asarray(x, dtype=np.float64) for x in (sa, ea, sb, eb))
    num = np.abs(sa[:, None] - sb[None, :]) + np.abs(ea[:, None] - eb[None, :])
    den = (ea - sa)[:, None] + (eb - sb)[None, :]
    pos = (num / den) ** 2
    if params.cat_matrix is None:
        cat = (ka[:, None] != kb[None, :]).astype(np.float64)
    else:
        cat = np.asarray(params.cat_matrix, dtype=np.float64)[ka[:, None], kb[None, :]]
    return params.delta_empty * (params.alpha * pos + params.beta * cat)


def _d_pairs(ca, cb, ia: np.ndarray, ib: np.ndarray, params: Params) -> np.ndarray:
    """d for the unit pairs (ca's ia[j], cb's ib[j]), elementwise."""
    sa, ea = ca[0][ia].astype(np.float64), ca[1][ia].astype(np.float64)
    sb, eb = cb[0][ib].astype(np.float64), cb[1][ib].astype(np.float64)
    pos = ((np.abs(sa - sb) + np.abs(ea - eb)) / ((ea - sa) + (eb - sb))) ** 2
    ka, kb = ca[2][ia], cb[2][ib]
    if params.cat_matrix is None:
        cat = (ka != kb).astype(np.float64)
    else:
        cat = np.asarray(params.cat_matrix, dtype=np.float64)[ka, kb]
    return params.delta_empty * (params.alpha * pos + params.beta * cat)


def _neighbours(ca, cb, params: Params, bound: float) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (u of ca, v of cb) with d(u, v) ≤ bound, as CSR (indptr over ca's units,
    cb's unit indices), without the |ca| × |cb| matrix: d ≥ Δ∅ · α · r² with
    r = (|Δstart| + |Δend|) / (l_u + l_v) ≥ |Δstart| / (l_u + l_v), so only the v whose start lies
    within √(bound / (Δ∅ α)) · (l_u + the longest l_v) of u's start can qualify (all v if α = 0)."""
    na, nb = ca[0].size, cb[0].size
    if not na or not nb:
        return np.zeros(na + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(cb[0], kind="stable")
    sb = cb[0][order].astype(np.float64)
    su, lu = ca[0].astype(np.float64), (ca[1] - ca[0]).astype(np.float64)
    if params.alpha > 0:
        reach = np.sqrt(bound / (params.delta_empty * params.alpha)) * (lu + float((cb[1] - cb[0]).max()))
        lo = np.searchsorted(sb, su - reach, "left")
        hi = np.searchsorted(sb, su + reach, "right")
    else:
        lo, hi = np.zeros(na, dtype=np.int64), np.full(na, nb, dtype=np.int64)
    counts = hi - lo
    ia = np.repeat(np.arange(na), counts)
    starts = np.repeat(lo - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    ib = order[np.arange(ia.size) + starts]
    ok = _d_pairs(ca, cb, ia, ib, params) <= bound
    ia, ib = ia[ok], ib[ok]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(ia, minlength=na))))
    return indptr, ib


def _candidates(coders: list, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """The kept candidate tuples (Lemmas 1–3), singletons included: ``(table, costs)`` with
    ``table[t, i]`` coder i's unit in tuple t or −1 for ∅. Cliques of the pair graph are grown coder
    by coder from their first coder's unit, all rows at once (numpy); no dense matrix of pairs."""
    n = len(coders)
    C = n * (n - 1) // 2
    de = params.delta_empty
    bound = (C + n - 1) * de * (1 + _EPS)
    sizes = [c[0].size for c in coders]
    tables = []
    for a in range(n):
        if not sizes[a]:
            continue
        rows = np.full((sizes[a], n), -1, dtype=np.int64)
        rows[:, a] = np.arange(sizes[a])
        for c in range(a + 1, n):
            if not sizes[c]:
                continue
            indptr, nbr = _neighbours(coders[a], coders[c], params, bound)
            anchor = rows[:, a]
            counts = indptr[anchor + 1] - indptr[anchor]
            if rows.shape[0] + int(counts.sum()) > 4 * MAX_CANDIDATES:  # before the arrays are made
                raise TooCostlyError(f"more than {MAX_CANDIDATES:,} candidate unitary alignments")
            r = np.repeat(np.arange(rows.shape[0]), counts)
            offs = np.repeat(indptr[anchor] - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
            w = nbr[np.arange(r.size) + offs]
            ok = np.ones(r.size, dtype=bool)
            for b in range(a + 1, c):
                real = rows[r, b] >= 0
                sel = np.flatnonzero(real)
                ok[sel] &= _d_pairs(coders[b], coders[c], rows[r[sel], b], w[sel], params) <= bound
            grown = rows[r[ok]]
            grown[:, c] = w[ok]
            rows = np.concatenate((rows, grown))
            if rows.shape[0] > MAX_CANDIDATES:
                raise TooCostlyError(f"more than {MAX_CANDIDATES:,} candidate unitary alignments")
        tables.append(rows)
    table = np.concatenate(tables) if tables else np.zeros((0, n), dtype=np.int64)
    real = table >= 0
    m = real.sum(1)
    per_unit = np.zeros(table.shape, dtype=np.float64)  # Σ_{w∈T∖v} d(v, w) for each v
    pair_d = np.zeros((table.shape[0], C))
    q = 0
    for a in range(n):
        for b in range(a + 1, n):
            both = np.flatnonzero(real[:, a] & real[:, b])
            vals = _d_pairs(coders[a], coders[b], table[both, a], table[both, b], params)
            per_unit[both, a] += vals
            per_unit[both, b] += vals
            pair_d[both, q] = vals
            q += 1
    # summed in sorted order, so a tuple's cost is the same bits whatever the coders' order (ties
    # between alignments are then broken the same way when coders are renamed)
    S = np.sort(pair_d, axis=1).sum(1)
    costs = de + (S - m * (m - 1) / 2 * de) / C
    keep = (per_unit.max(1) <= (C + m - 1) * de * (1 + _EPS))  # Lemma 1
    keep &= costs <= m * de * (1 + _EPS)  # Lemma 3
    keep |= m == 1
    return table[keep], costs[keep]


def _dp(k: int, by_first: list, share: np.ndarray, upper: float, beam: int | None, budget: list | None = None):
    """The DP of the module docstring over ``k`` units. A state (the mask of later units already
    covered) is dropped when its cost plus a lower bound on what is left exceeds ``upper``: the
    units not yet covered each cost at least their ``share`` (the least cost / size of a candidate
    holding them), so the bound is Σ share over the uncovered units from the next one on. With
    ``beam`` only that many states per step are kept (a heuristic, for an upper bound); without,
    the result is exact provided ``upper`` is at least the optimum. ``budget``: ``[steps left]``,
    shared by the searches of one best alignment (``TooCostlyError`` when spent)."""
    suffix = np.concatenate((np.cumsum(share[::-1])[::-1], [0.0])).tolist()
    share = share.tolist()
    slack = upper + 1e-9 * max(1.0, abs(upper))
    layer = {0: (0.0, 0.0)}  # mask -> (cost so far, Σ share of the units in mask)
    back = []
    for i in range(k):
        bit = 1 << i
        new: dict = {}
        step: dict = {}
        options = by_first[i]
        rest = suffix[i + 1]
        if budget is not None:
            budget[0] -= len(layer) * (len(options) + 1)
            if budget[0] < 0:
                raise TooCostlyError(f"more than {MAX_STEPS:,} steps of the exact search")
        for mask, (cost, mshare) in layer.items():
            if mask & bit:
                nm, ns = mask ^ bit, mshare - share[i]
                if nm not in new or cost < new[nm][0]:
                    new[nm], step[nm] = (cost, ns), (mask, -1)
                continue
            for omask, c, t, oshare in options:
                if omask & mask:
                    continue
                total = cost + c
                ns = mshare + oshare
                if total + rest - ns > slack:
                    continue
                nm = mask | omask
                if nm not in new or total < new[nm][0]:
                    new[nm], step[nm] = (total, ns), (mask, t)
        if beam is not None and len(new) > beam:
            new = dict(heapq.nsmallest(beam, new.items(), key=lambda kv: kv[1][0] - kv[1][1]))
        layer = new
        back.append(step)
    if 0 not in layer:
        return None
    chosen, mask = [], 0
    for i in range(k - 1, -1, -1):
        prev, t = back[i][mask]
        if t >= 0:
            chosen.append(t)
        mask = prev
    return layer[0][0], chosen


class _Duals:
    """Lower bounds for one component from the dual of its set-partitioning LP: λ_u per unit
    (any sign) with Σ_{u∈T} λ_u ≤ cost(T) for every candidate T. Then every alignment of any set R
    of the units, being made of candidates inside R, costs at least Σ_{u∈R} λ_u (weak duality),
    the bound both the reduced-cost fixing and the DP's pruning rest on."""

    def __init__(self, k: int, tuples: list):
        self.k = k
        sizes = np.array([len(pos) for pos, _ in tuples])
        self.cost = np.array([c for _, c in tuples])
        self.unit = np.fromiter((q for pos, _ in tuples for q in pos), dtype=np.int64,
                                count=int(sizes.sum()))
        self.tup = np.repeat(np.arange(len(tuples)), sizes)
        order = np.argsort(self.unit, kind="stable")
        bounds = np.searchsorted(self.unit[order], np.arange(k + 1))
        self.holding = [self.tup[order[bounds[u]:bounds[u + 1]]] for u in range(k)]
        lam = np.full(k, np.inf)
        np.minimum.at(lam, self.unit, np.repeat(self.cost / sizes, sizes))
        self.lam = self.feasible(lam)

    def slack(self, lam: np.ndarray) -> np.ndarray:
        return self.cost - np.bincount(self.tup, lam[self.unit], self.cost.size)

    def feasible(self, lam: np.ndarray, passes: int = 2) -> np.ndarray:
        """Each λ_u in turn set to the largest value the others allow (lowered where a candidate
        is violated, raised where all have slack): after the first pass every candidate holds
        (a candidate is fixed when its last unit is set, and later steps never take its slack
        below 0); the second pass only raises."""
        lam = lam.copy()
        slack = self.slack(lam)
        for _ in range(passes):
            for u in range(self.k):
                h = self.holding[u]
                step = slack[h].min()
                if step != 0:
                    lam[u] += step
                    slack[h] -= step
        return lam

    def improve(self, upper: float, iterations: int = 60) -> None:
        """Subgradient ascent on the Lagrangian Σ λ + Σ_T min(0, cost(T) − Σ_{u∈T} λ_u), whose
        maximum is the LP bound, with Polyak steps towards ``upper``; the best point made
        feasible again (``feasible``) replaces λ if its bound is higher."""
        lam = self.lam.copy()
        best, best_lam, theta, stall = -np.inf, lam, 1.0, 0
        for _ in range(iterations):
            rc = self.slack(lam)
            neg = rc < 0
            value = lam.sum() + rc[neg].sum()
            if value > best + 1e-12:
                best, best_lam, stall = value, lam.copy(), 0
            else:
                stall += 1
                if stall >= 10:
                    theta, stall = theta / 2, 0
            g = 1.0 - np.bincount(self.unit, neg[self.tup].astype(np.float64), self.k)
            norm = float(g @ g)
            if norm == 0 or upper - value <= 1e-9 * max(1.0, abs(upper)) or theta < 1e-4:
                break
            lam = lam + theta * (upper - value) / norm * g
        candidate = self.feasible(best_lam)
        if candidate.sum() > self.lam.sum():
            self.lam = candidate


def _options(k: int, tuples: list, keep, lam_l: list) -> list:
    """The DP's choices at each unit: (mask of the other units, cost, tuple id, Σ λ of the others)
    for the kept tuples whose first unit it is, cheapest first."""
    by_first = [[] for _ in range(k)]
    for t in keep:
        pos, cost = tuples[t]
        first = min(pos)
        mask, oshare = 0, 0.0
        for q in pos:
            if q != first:
                mask |= 1 << q
                oshare += lam_l[q]
        by_first[first].append((mask, cost, t, oshare))
    for opts in by_first:
        opts.sort(key=lambda o: (o[1], o[0]))  # cheapest first; ties by the units (not the coders)
    return by_first


def _solve_component(tuples: list, budget: list | None = None) -> tuple[float, list]:
    """The least total over the alignments of one component, exactly, and the tuples chosen:
    ``tuples`` a list of (positions, cost), positions 0..k−1 in processing order, every position
    in some tuple (its singleton at least).

    1. λ (``_Duals``, coordinate ascent): every alignment of the component costs at least
       LB = Σ λ.
    2. A beam pass of the DP (``BEAM`` states per step) gives an alignment of cost UB.
       UB ≤ LB (to rounding) proves it optimal. Otherwise λ is improved (``_Duals.improve``,
       towards the LP bound, which is nearly always the optimum here) and the test repeated.
    3. Otherwise, reduced-cost fixing: an alignment holding T costs at least LB + rc(T), with
       rc(T) = cost(T) − Σ_{u∈T} λ_u ≥ 0, so a T with LB + rc(T) > UB is in no optimal alignment
       and is dropped; the exact DP runs on the rest, bounded by UB."""
    k = 1 + max(max(pos) for pos, _ in tuples)
    if k <= TINY:  # a plain exact DP is cheaper than any bound
        zero = np.zeros(k)
        return _dp(k, _options(k, tuples, range(len(tuples)), [0.0] * k), zero, np.inf, None, budget)
    duals = _Duals(k, tuples)

    lam = duals.lam
    upper, chosen = _dp(k, _options(k, tuples, range(len(tuples)), lam.tolist()), lam, np.inf, BEAM, budget)
    tol = 1e-9 * max(1.0, abs(upper))
    if upper <= lam.sum() + tol:
        return upper, chosen
    if k <= SMALL:
        return _dp(k, _options(k, tuples, range(len(tuples)), lam.tolist()), lam, upper, None, budget)
    duals.improve(upper)
    lam = duals.lam
    lower = float(lam.sum())
    if upper <= lower + tol:
        return upper, chosen
    gap = upper - lower + tol
    keep = np.flatnonzero(duals.slack(lam) <= gap).tolist()
    return _dp(k, _options(k, tuples, keep, lam.tolist()), lam, upper, None, budget)


def best_alignment(coders: list, params: Params = Params()) -> Alignment:
    """The best alignment of a continuum, exactly: ``coders[i] = (starts, ends, categories)``
    (numpy arrays, any order; every unit with end > start). Pruned candidates, independent
    components, one exact search per component (module docstring). Raises ``TooCostlyError`` past the
    work budget (MAX_CANDIDATES, MAX_STEPS) rather than run for minutes."""
    n = len(coders)
    if n < 2:
        raise ValueError("gamma: an alignment needs two coders or more")
    coders = [tuple(np.asarray(x) for x in c) for c in coders]
    sizes = np.array([c[0].size for c in coders], dtype=np.int64)
    table, costs = _candidates(coders, params)
    offset = np.concatenate(([0], np.cumsum(sizes)))
    N = int(offset[-1])
    gid = np.where(table >= 0, table + offset[:-1][None, :], -1)  # global unit ids
    multi = (table >= 0).sum(1) >= 2
    parent = list(range(N))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    rows = [[x for x in row if x >= 0] for row in gid.tolist()]
    for t in np.flatnonzero(multi).tolist():
        g = rows[t]
        r0 = find(g[0])
        for x in g[1:]:
            rx = find(x)
            if rx != r0:
                parent[rx] = r0
    roots = [find(x) for x in range(N)]
    comp_tuples: dict = {}
    for t, g in enumerate(rows):
        comp_tuples.setdefault(roots[g[0]], []).append(t)
    starts = np.concatenate([c[0] for c in coders]).astype(np.float64)
    ends = np.concatenate([c[1] for c in coders]).astype(np.float64)
    cats = np.concatenate([c[2] for c in coders]).astype(np.int64)
    # the processing order: midpoint, length, category, then coder (content first, so that renaming
    # the coders changes the order only between identical units)
    order = np.lexsort((np.repeat(np.arange(n), sizes), cats, ends - starts, starts + ends))
    rank = np.empty(N, dtype=np.int64)
    rank[order] = np.arange(N)
    rank = rank.tolist()
    costs_l = costs.tolist()
    chosen_all = []
    budget = [MAX_STEPS]
    for tids in comp_tuples.values():
        if len(tids) == 1:
            chosen_all.append(tids[0])
            continue
        members = sorted({x for t in tids for x in rows[t]}, key=rank.__getitem__)
        where = {x: q for q, x in enumerate(members)}
        local = [(sorted(where[x] for x in rows[t]), costs_l[t]) for t in tids]
        _best, chosen = _solve_component(local, budget)
        chosen_all.extend(tids[c] for c in chosen)
    chosen_all.sort()
    out_costs = costs[chosen_all]
    return Alignment(table[chosen_all], out_costs, float(out_costs.sum()), sizes)


def tuple_disorder(coders: list, members: dict, params: Params = Params()) -> float:
    """δ of one unitary alignment given as ``{coder index: unit index}`` (the coders left out
    hold ∅): the mean of d over the C coder pairs, Δ∅ for a pair with ∅."""
    n = len(coders)
    C = n * (n - 1) // 2
    total = 0.0
    for a in range(n):
        for b in range(a + 1, n):
            if a in members and b in members:
                ua = tuple(x[[members[a]]] for x in coders[a])
                ub = tuple(x[[members[b]]] for x in coders[b])
                total += float(pair_dissimilarity(ua, ub, params)[0, 0])
            else:
                total += params.delta_empty
    return total / C
