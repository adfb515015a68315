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
A dynamic programme over the component's units in a fixed order (by start, end, coder): at the
first unit not yet covered, choose one of the candidates whose first unit it is and whose other
units are still free. The state is the set of later units already covered (a bit mask). Every
alignment of the component is produced exactly once (its tuple holding the first uncovered unit
is chosen there), so the least total over the states is the optimum: an exact shortest path, not
a heuristic. The number of states is bounded by the subsets of units a tuple can reach ahead of
the current one, small when units of one coder do not pile up on each other; the problem is
NP-hard for three coders or more (three-dimensional assignment), so no exact method is polynomial
in the worst case, and a pathological pile of mutually close units is slow rather than wrong.
The tests check the optimum against an exact MILP (scipy's HiGHS) on many random continua.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS = 1e-9  # relative slack on the pruning bounds: keeping a few extra candidates is always safe


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


def _candidates(coders: list, params: Params):
    """The kept candidate tuples (Lemmas 1–3): a list of (members, cost) with members a tuple of
    (coder, unit index) pairs, coders ascending; singletons included."""
    n = len(coders)
    C = n * (n - 1) // 2
    de = params.delta_empty
    bound = (C + n - 1) * de * (1 + _EPS)
    D, nbr = {}, {}
    for a in range(n):
        for b in range(a + 1, n):
            if coders[a][0].size and coders[b][0].size:
                d = pair_dissimilarity(coders[a], coders[b], params)
                D[a, b] = d
                rows, cols = np.nonzero(d <= bound)
                nb = [[] for _ in range(coders[a][0].size)]
                for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                    nb[r].append(c)
                nbr[a, b] = [set(x) for x in nb]
    out = []
    for a in range(n):
        for u in range(coders[a][0].size):
            out.append((((a, u),), de))
    # cliques with two or more units, grown coder by coder from their first coder's unit
    def grow(members, pair_sums, next_coder):
        for c in range(next_coder, n):
            if not coders[c][0].size:
                continue
            pool = None
            for (a, u) in members:
                s = nbr.get((a, c))
                cand = s[u] if s is not None else set()
                pool = cand if pool is None else pool & cand
                if not pool:
                    break
            if not pool:
                continue
            for w in sorted(pool):
                dw = [D[a, c][u, w] for (a, u) in members]
                new_members = members + ((c, w),)
                new_sums = [ps + d for ps, d in zip(pair_sums, dw, strict=True)] + [sum(dw)]
                yield new_members, new_sums
                yield from grow(new_members, new_sums, c + 1)

    for a in range(n):
        for u in range(coders[a][0].size):
            for members, sums in grow(((a, u),), [0.0], a + 1):
                m = len(members)
                limit = (C + m - 1) * de * (1 + _EPS)
                if max(sums) > limit:
                    continue  # Lemma 1
                S = sum(sums) / 2
                cost = de + (S - m * (m - 1) / 2 * de) / C
                if cost > m * de * (1 + _EPS):
                    continue  # Lemma 3
                out.append((members, cost))
    return out


def _solve_component(units: list, tuples: list) -> tuple[float, list]:
    """The exact DP of the module docstring on one component: ``units`` in processing order,
    ``tuples`` a list of (positions in ``units``, cost). Returns (least total, chosen tuple ids)."""
    k = len(units)
    by_first = [[] for _ in range(k)]
    for t, (pos, cost) in enumerate(tuples):
        first = min(pos)
        mask = 0
        for q in pos:
            if q != first:
                mask |= 1 << q
        by_first[first].append((mask, cost, t))
    layer = {0: 0.0}
    back = []
    for i in range(k):
        bit = 1 << i
        new: dict = {}
        step: dict = {}
        options = by_first[i]
        for mask, cost in layer.items():
            if mask & bit:
                nm = mask ^ bit
                if nm not in new or cost < new[nm]:
                    new[nm], step[nm] = cost, (mask, -1)
                continue
            for omask, c, t in options:
                if omask & mask:
                    continue
                nm = (mask | omask) & ~bit
                total = cost + c
                if nm not in new or total < new[nm]:
                    new[nm], step[nm] = total, (mask, t)
        layer = new
        back.append(step)
    chosen, mask = [], 0
    for i in range(k - 1, -1, -1):
        prev, t = back[i][mask]
        if t >= 0:
            chosen.append(t)
        mask = prev
    return layer[0], chosen


def best_alignment(coders: list, params: Params = Params()) -> Alignment:
    """The best alignment of a continuum, exactly: ``coders[i] = (starts, ends, categories)``
    (numpy arrays, any order; every unit with end > start). Pruned candidates, independent
    components, one exact DP per component (module docstring)."""
    n = len(coders)
    if n < 2:
        raise ValueError("gamma: an alignment needs two coders or more")
    coders = [tuple(np.asarray(x) for x in c) for c in coders]
    sizes = np.array([c[0].size for c in coders], dtype=np.int64)
    cands = _candidates(coders, params)
    # units: global id = offset[coder] + index
    offset = np.concatenate(([0], np.cumsum(sizes)))
    N = int(offset[-1])
    parent = list(range(N))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    gid_tuples = []
    for members, cost in cands:
        g = [int(offset[a]) + u for a, u in members]
        gid_tuples.append((g, cost))
        for x in g[1:]:
            ra, rb = find(g[0]), find(x)
            if ra != rb:
                parent[rb] = ra
    comp_units: dict = {}
    for x in range(N):
        comp_units.setdefault(find(x), []).append(x)
    comp_tuples: dict = {}
    for t, (g, _cost) in enumerate(gid_tuples):
        comp_tuples.setdefault(find(g[0]), []).append(t)
    starts = np.concatenate([c[0] for c in coders]).astype(np.float64) if N else np.zeros(0)
    ends = np.concatenate([c[1] for c in coders]).astype(np.float64) if N else np.zeros(0)
    coder_of = np.repeat(np.arange(n), sizes)
    chosen_all, total = [], 0.0
    for root, members in comp_units.items():
        tids = comp_tuples[root]
        if len(members) == 1:
            chosen_all.append(tids[0])
            total += gid_tuples[tids[0]][1]
            continue
        members.sort(key=lambda x: (starts[x], ends[x], coder_of[x]))
        where = {x: q for q, x in enumerate(members)}
        local = [([where[x] for x in gid_tuples[t][0]], gid_tuples[t][1]) for t in tids]
        best, chosen = _solve_component(members, local)
        total += best
        chosen_all.extend(tids[c] for c in chosen)
    chosen_all.sort()
    table = np.full((len(chosen_all), n), -1, dtype=np.int64)
    costs = np.zeros(len(chosen_all))
    for r, t in enumerate(chosen_all):
        members, cost = cands[t]
        for a, u in members:
            table[r, a] = u
        costs[r] = cost
    return Alignment(table, costs, float(costs.sum()) if costs.size else 0.0, sizes)


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
