"""Token-level Cohen's kappa, Krippendorff's alpha and Gwet's AC1: each token × category is covered or not."""

from __future__ import annotations

import itertools

import numpy as np

from annotator.core.agreement.common import Undefined, is_defined
from annotator.core.agreement.spans.prepare import Prepared, _Doc, _pair, _prep

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


TOKENS_PER_BLOCK = 1 << 18  # documents are taken together until they hold this many tokens


def _token_tables(p: Prepared, m: int, K: int) -> tuple[np.ndarray, np.ndarray]:
    """``_token_counts(_covered(doc, m, K))`` of every document (pair tables: documents × pairs ×
    K × 4, alpha counts: documents × K × 3), found a block of documents at a time on the pooled
    continuum (``Prepared.pool``): one binary search per coder and category for the whole block,
    not one per document. The counts are whole numbers, so each is exactly the per-document figure
    (a unit and a token of different documents never share a position). Each document's tokens are
    made, used and dropped here (2,000 documents' token offsets are 90 MB).

    A token is covered when some unit [s, e) has s < its end and e > its start (as in
    ``_covered``); the units of one coder and category are sorted and disjoint, so each covers a
    run of consecutive tokens, found by two binary searches of the unit in the tokens (a few
    hundred thousand searches, not one per token: 6 million at 2,000 documents), and the counts
    come from the runs (``_block_counts``)."""
    pool, D = p.pool, len(p.docs)
    pairs_idx = list(itertools.combinations(range(m), 2))
    tok_pairs = np.zeros((D, len(pairs_idx), K, 4))
    tok_alpha = np.zeros((D, K, 3))
    n0 = 0
    while n0 < D:
        starts, ends, counts, n1, total = [], [], [], n0, 0
        while n1 < D and (n1 == n0 or total < TOKENS_PER_BLOCK):
            ts, te = p.docs[n1].tokens()
            p.docs[n1]._tokens = None
            off = int(pool.offsets[n1])
            starts.append(ts + off)
            ends.append(te + off)
            counts.append(ts.size)
            total += ts.size
            n1 += 1
        ts, te = np.concatenate(starts), np.concatenate(ends)
        del starts, ends
        counts = np.array(counts)
        _block_counts(p, m, K, n0, n1, ts, te, counts, pairs_idx, tok_pairs, tok_alpha)
        n0 = n1
    return tok_pairs, tok_alpha


def _block_counts(p, m, K, n0, n1, ts, te, counts, pairs_idx, tok_pairs, tok_alpha):
    """The counts of documents n0 .. n1 − 1 (their tokens ``ts``, ``te`` pooled, ``counts`` per
    document) without a coder × category × token array: each coder's covered tokens of a category
    are a few runs of consecutive tokens (``_runs``), and every count follows from how many tokens
    each coder covers (n1) and each pair covers together (n11): n10 = n1_a − n11, n01 = n1_b − n11,
    Σ r = Σ n1, Σ r² = Σ n1 + 2 Σ n11 (r: the coders covering a token), so Σ r (m − r) = m Σ r − Σ r².
    Whole numbers throughout: the same figures as counting token by token."""
    nb = n1 - n0
    runs = [[_runs(p, p.pool.coders[i], k, n0, n1, ts, te) for k in range(K)] for i in range(m)]
    n1s = np.zeros((m, nb, K), dtype=np.int64)
    for i in range(m):
        for k in range(K):
            x, y, d = runs[i][k]
            n1s[i, :, k] = np.bincount(d - n0, weights=y - x, minlength=nb)
    T = counts.astype(np.int64)[:, None]
    both_sum = np.zeros((nb, K), dtype=np.int64)
    for q, (a, b) in enumerate(pairs_idx):
        n11 = np.zeros((nb, K), dtype=np.int64)
        for k in range(K):
            n11[:, k] = _together(runs[a][k], runs[b][k], n0, nb)
        na, nb_ = n1s[a], n1s[b]
        tok_pairs[n0:n1, q] = np.stack([n11, na - n11, nb_ - n11, T - na - nb_ + n11], axis=2)
        both_sum += n11
    r_sum = n1s.sum(0)
    tok_alpha[n0:n1, :, 0] = r_sum
    tok_alpha[n0:n1, :, 1] = (m * r_sum - (r_sum + 2 * both_sum)) / (m - 1)
    tok_alpha[n0:n1, :, 2] = (m * T).astype(np.float64)


def _runs(p, u: int, k: int, n0: int, n1: int, ts, te):
    """The tokens coder u's units of category k cover in documents n0 .. n1 − 1, as disjoint sorted
    runs [x, y) of token indices (into ``ts``, ``te``) and each run's document. A unit [s, e)
    covers the tokens with start < e and end > s (as ``_covered``): those from the first ending
    after s to the last starting before e. The units are sorted and disjoint, so both ends of
    their runs only grow; a run starting inside the one before is cut to start at its end."""
    pool = p.pool
    md, ms, me = pool.merged[u][k]
    a, z = pool.merged_bounds[u][k][n0], pool.merged_bounds[u][k][n1]
    if z == a or not ts.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    shift = pool.offsets[md[a:z]]
    lo = np.searchsorted(te, ms[a:z] + shift, side="right")
    hi = np.searchsorted(ts, me[a:z] + shift, side="left")
    lo[1:] = np.maximum(lo[1:], hi[:-1])
    keep = hi > lo
    return lo[keep], hi[keep], md[a:z][keep]


def _together(runs_a, runs_b, n0: int, nb: int) -> np.ndarray:
    """Per document of the block: how many tokens both sets of runs cover. With C_B(x) the tokens
    before x that B covers, each run [x, y) of A shares C_B(y) − C_B(x) with B."""
    xa, ya, da = runs_a
    xb, yb, _ = runs_b
    if not xa.size or not xb.size:
        return np.zeros(nb, dtype=np.int64)
    before = np.concatenate(([0], np.cumsum(yb - xb)))

    def covered(x):
        j = np.searchsorted(yb, x, side="right")  # B's runs ending at or before x
        part = np.where(j < xb.size, x - xb[np.minimum(j, xb.size - 1)], 0)
        return before[j] + np.maximum(part, 0)

    return np.bincount(da - n0, weights=covered(ya) - covered(xa), minlength=nb).astype(np.int64)


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
    if n == 0:
        return Undefined("no tokens")
    if n1 == 0 or n0 == 0:
        return Undefined("only one value occurs (no token covered, or every token covered)")
    return float(1 - (n - 1) * o01 / (n0 * n1))


def _ac1_binary(c) -> float | Undefined:
    """Gwet's AC1 from token_alpha's counts (n1, o01, N): every coder codes every token, so
    π = n1 / N, p_a = 1 − 2 o01 / N (the share of agreeing ordered coder pairs) and, with q = 2,
    p_e = 2 π (1 − π). 1 when no token, or every token, is covered (Gwet's convention)."""
    n1, o01, n = c
    if n == 0:
        return Undefined("no tokens")
    pi = n1 / n
    pe = 2.0 * pi * (1.0 - pi)  # at most 1/2
    return float((1.0 - 2.0 * o01 / n - pe) / (1.0 - pe))


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


def token_ac1(texts, spans=None, coders=None, categories=None, documents=None) -> dict:
    """Token-level Gwet's AC1 (binary: covered by the category or not), any number of coders, per
    category and overall; units, values and pooling as in ``token_alpha``. With r of the m coders
    covering a token, ``p_a = mean over tokens of [r (r − 1) + (m − r)(m − r − 1)] / (m (m − 1))``,
    ``π = Σ r / (m × tokens)``, ``p_e = 2 π (1 − π)`` and ``AC1 = (p_a − p_e) / (1 − p_e)``
    (annotator.core.agreement.gwet with q = 2; no value is missing). Unlike kappa and alpha it stays
    defined (1) when no coder used a category, and it does not collapse when a category is rare."""
    p = _prep(texts, spans, coders, categories, documents)
    if p.problem is not None:
        return {"overall": p.problem, "per_category": {c: p.problem for c in p.categories}}
    K = len(p.categories)
    cnt = sum(_token_counts(_covered(d, len(p.coders), K))[1] for d in p.docs)
    return {"overall": _ac1_binary(cnt.sum(0)),
            "per_category": {c: _ac1_binary(cnt[k]) for k, c in enumerate(p.categories)}}
