"""γ, γ-cat and γ-k on prepared span data (Qt-free, numpy): Mathet, Widlöcher & Métivier,
Computational Linguistics 41(3), 2015, for γ; Mathet, CL 43(3), 2017, for γ-cat and γ-k, as
pygamma-agreement 0.5.9 computes them.

γ = 1 − D_o / D_e. D_o is the disorder of the best alignment (``gamma_align``, exact); D_e, the
expected disorder, is the mean disorder of the best alignments of random continua
(``gamma_sampler``: statistical sampler, precision-driven stopping rule, seeded).

γ-cat and γ-k (pygamma's ``Alignment.gamma_k_disorder``, after Mathet 2017, section 4.2.5): over the
tuples of an alignment and their coder pairs, an aligned pair of units u, v with m real units in
the tuple adds d_cat(u, v) · w to a numerator and w to a denominator, with
w = max(0, 1 − α · d_pos(u, v) · Δ∅) / (m − 1) (the categorical disagreement, weighted by how well
the two units agree in position and by the size of the tuple); a pair of a unit and ∅ adds Δ∅²
and Δ∅ (pygamma's treatment of unaligned units). The disorder is numerator / denominator (0 when
the numerator is 0); γ-cat = 1 − observed / expected, the expected over the random continua's best
alignments. γ-k counts only the pairs in which at least one unit has category k.

Where pygamma returns a number by convention and Annotator says the measure does not apply: no
two units aligned at all (γ-cat), or none of category k (γ-k) — pygamma gives 1 — and an expected
disorder of 0. A random continuum with no pair to count has disorder 1.0 (no pair considered) or
0.0 (only pairs with ∅), as in pygamma, so the expected values follow its conventions.

Several documents: one continuum per document, never aligned across documents, so the observed
disorder of the corpus is Σ (per-document Σ δ) / Σ (per-document mean units per coder), and the
γ-cat numerators and denominators add up over documents. The expected disorder is estimated once
for the corpus, with the sampler fitted to all documents' statistics and document-sized random
continua; the per-document γ compares a document's observed disorder with that corpus-wide
expected disorder (the chance level of these coders' annotation habits), which also makes
``gamma_from_document_stats`` cheap for the bootstrap over documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.spans.gamma_align import Alignment, Params, TooCostlyError, best_alignment
from annotator.core.agreement.spans.gamma_sampler import (
    MAX_SAMPLES,
    MIN_SAMPLES,
    PRECISION,
    SamplerStats,
    sample_until_precise,
)
from annotator.core.agreement.spans.prepare import Prepared

SEED = 2015
KEYS = ("gamma", "gamma_cat", "gamma_k")  # the span report's keys (spans.MEASURES)


def cat_stats(coders: list, alignment: Alignment, params: Params, n_categories: int) -> np.ndarray:
    """γ-cat's sums of one alignment: row 0 for γ-cat, row 1 + k for γ-k of category k; columns
    (numerator, denominator, pairs considered, aligned pairs)."""
    out = np.zeros((1 + n_categories, 4))
    table = alignment.tuples
    if not table.size:
        return out
    n = table.shape[1]
    m = (table >= 0).sum(1)
    base = np.where(m >= 2, 1.0 / np.maximum(m - 1, 1), 0.0)
    de = params.delta_empty
    K = n_categories
    cm = None if params.cat_matrix is None else np.asarray(params.cat_matrix, dtype=np.float64)
    for a in range(n):
        for b in range(a + 1, n):
            ia, ib = table[:, a], table[:, b]
            ra, rb = ia >= 0, ib >= 0
            both_empty = int((~ra & ~rb).sum())
            out[0, 2] += both_empty
            # one unit and ∅
            for r, idx, c in ((ra & ~rb, ia, a), (rb & ~ra, ib, b)):
                cnt = int(r.sum())
                if cnt:
                    out[0] += (cnt * de * de, cnt * de, cnt, 0)
                    kk = np.bincount(coders[c][2][idx[r]], minlength=K)
                    out[1:, 0] += kk * de * de
                    out[1:, 1] += kk * de
                    out[1:, 2] += kk
            real = ra & rb
            if not real.any():
                continue
            ua, ub = ia[real], ib[real]
            sa, ea, ka = (np.asarray(x)[ua] for x in coders[a])
            sb, eb, kb = (np.asarray(x)[ub] for x in coders[b])
            sa, ea, sb, eb = (np.asarray(x, dtype=np.float64) for x in (sa, ea, sb, eb))
            pos = ((np.abs(sa - sb) + np.abs(ea - eb)) / ((ea - sa) + (eb - sb))) ** 2 * de
            w = base[real] * np.maximum(0.0, 1.0 - params.alpha * pos)
            dcat = (ka != kb).astype(np.float64) if cm is None else cm[ka, kb]
            num = dcat * de * w
            cnt = int(real.sum())
            out[0] += (num.sum(), w.sum(), cnt, cnt)
            same = ka == kb
            for col, vals in ((0, num), (1, w), (2, np.ones(cnt)), (3, np.ones(cnt))):
                out[1:, col] += (np.bincount(ka, vals, K) + np.bincount(kb, vals, K)
                                 - np.bincount(ka[same], vals[same], K))
    return out


def cat_disorder(row) -> float:
    """pygamma's ``gamma_k_disorder`` from a row of ``cat_stats`` (its conventions included)."""
    num, den, considered, aligned = row
    if not aligned:
        return 0.0 if considered else 1.0
    return 0.0 if num == 0 else float(num) / float(den)


@dataclass
class GammaStats:
    """Per-document sums for γ, γ-cat and γ-k, and the corpus's expected disorders: everything
    ``gamma_from_document_stats`` needs to give γ over any multiset of the documents."""

    documents: list
    categories: list
    observed: np.ndarray  # [D] Σ δ of the document's best alignment
    mean_units: np.ndarray  # [D] the document's mean number of units per coder
    cats: np.ndarray  # [D, 1 + K, 4] cat_stats of each document's best alignment
    expected: float  # D_e
    expected_cat: np.ndarray  # [1 + K] expected γ-cat (row 0) and γ-k disorders
    n_samples: int
    problem: Undefined | None = None
    params: Params = field(default_factory=Params)


def _documents(p: Prepared) -> list:
    return [[tuple(x for x in doc.raw[i]) for i in range(len(p.coders))] for doc in p.docs]


def gamma_document_stats(p: Prepared, *, alpha: float = 1.0, beta: float = 1.0,
                         delta_empty: float = 1.0, cat_matrix=None, seed: int = SEED,
                         precision: float = PRECISION, min_samples: int = MIN_SAMPLES,
                         max_samples: int = MAX_SAMPLES) -> GammaStats:
    """Best alignments per document and the expected disorders of the corpus (module docstring).
    Raises ValueError on bad parameters."""
    params = Params(alpha, beta, delta_empty, cat_matrix)
    params.check()
    K, D = len(p.categories), len(p.docs)
    empty = GammaStats([d.doc_id for d in p.docs], list(p.categories), np.zeros(D), np.zeros(D),
                       np.zeros((D, 1 + K, 4)), 0.0, np.zeros(1 + K), 0, p.problem, params)
    if p.problem is not None:
        return empty
    docs = _documents(p)
    for n, coders in enumerate(docs):
        try:
            al = best_alignment(coders, params)
        except TooCostlyError as exc:
            empty.problem = Undefined(f"too costly to align exactly in document {p.docs[n].doc_id}: {exc} "
                                      "(many units of several coders overlapping in one place)")
            return empty
        empty.observed[n], empty.mean_units[n] = al.total, al.mean_units
        empty.cats[n] = cat_stats(coders, al, params, K)
    sampler = SamplerStats.fit(docs, K)

    def draw(rng):
        coders = sampler.sample(rng)
        al = best_alignment(coders, params)
        return al.disorder, [cat_disorder(r) for r in cat_stats(coders, al, params, K)]

    rng = np.random.Generator(np.random.PCG64(seed))
    try:
        results = sample_until_precise(draw, rng, precision=precision, min_samples=min_samples,
                                       max_samples=max_samples)
    except TooCostlyError as exc:
        empty.problem = Undefined(f"too costly to align a random continuum exactly: {exc}")
        return empty
    empty.expected = float(np.mean([r[0] for r in results]))
    empty.expected_cat = np.mean(np.array([r[1] for r in results]), axis=0)
    empty.n_samples = len(results)
    return empty


def gamma_from_document_stats(stats: GammaStats, weights=None) -> dict:
    """γ, γ-cat and γ-k over a multiset of the documents: ``weights[d]`` how many times document d
    counts (None: each once), so a bootstrap replicate is a vector of counts. The expected
    disorders stay the corpus's (estimated once): an approximation for a replicate, whose own
    chance level would differ a little. Returns ``{"gamma", "gamma_cat", "gamma_k": {category}}``,
    each a float or Undefined."""
    K = len(stats.categories)
    if stats.problem is not None:
        u = stats.problem
        return {"gamma": u, "gamma_cat": u, "gamma_k": {c: u for c in stats.categories}}
    w = np.ones(len(stats.documents)) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (len(stats.documents),):
        raise ValueError("gamma: one weight per document")
    n_bar = float(w @ stats.mean_units)
    if n_bar == 0:
        u = Undefined("nothing annotated in these documents")
        return {"gamma": u, "gamma_cat": u, "gamma_k": {c: u for c in stats.categories}}
    observed = float(w @ stats.observed) / n_bar
    if observed == 0:
        gamma = 1.0
    elif stats.expected <= 0:
        gamma = Undefined("the expected disorder is 0")
    else:
        gamma = float(1.0 - observed / stats.expected)
    sums = np.tensordot(w, stats.cats, axes=1)  # [1 + K, 4]

    def chance_corrected(row, expected, what):
        if not row[2] and not row[3]:
            return Undefined(f"no unit {what}")
        if not row[3]:
            return Undefined(f"no unit {what} was aligned with another coder's unit")
        obs = cat_disorder(row)
        if obs == 0:
            return 1.0
        if expected <= 0:
            return Undefined("the expected categorical disorder is 0")
        return float(1.0 - obs / expected)

    gamma_cat = chance_corrected(sums[0], stats.expected_cat[0], "at all")
    gamma_k = {c: chance_corrected(sums[1 + k], stats.expected_cat[1 + k], "of this category")
               for k, c in enumerate(stats.categories)}
    if K == 0:
        gamma_k = {}
    return {"gamma": gamma, "gamma_cat": gamma_cat, "gamma_k": gamma_k}


def gamma_measures(p: Prepared, *, alpha: float = 1.0, beta: float = 1.0, delta_empty: float = 1.0,
                   cat_matrix=None, seed: int = SEED, precision: float = PRECISION,
                   min_samples: int = MIN_SAMPLES, max_samples: int = MAX_SAMPLES,
                   stats: GammaStats | None = None) -> dict:
    """γ and γ-cat overall and per document, γ-k per category::

        {"overall": {"gamma", "gamma_cat"}, "per_category": {category: {"gamma_k"}},
         "per_document": {doc_id: {"gamma", "gamma_cat"}}, "samples": N}

    (``stats``: reuse ``gamma_document_stats``' result instead of computing it again.)"""
    if stats is None:
        stats = gamma_document_stats(p, alpha=alpha, beta=beta, delta_empty=delta_empty,
                                     cat_matrix=cat_matrix, seed=seed, precision=precision,
                                     min_samples=min_samples, max_samples=max_samples)
    whole = gamma_from_document_stats(stats)
    per_document = {}
    for n, doc_id in enumerate(stats.documents):
        one = np.zeros(len(stats.documents))
        one[n] = 1
        r = gamma_from_document_stats(stats, one)
        per_document[doc_id] = {"gamma": r["gamma"], "gamma_cat": r["gamma_cat"]}
    return {"overall": {"gamma": whole["gamma"], "gamma_cat": whole["gamma_cat"]},
            "per_category": {c: {"gamma_k": v} for c, v in whole["gamma_k"].items()},
            "per_document": per_document, "samples": stats.n_samples}


def add_gamma(p: Prepared, overall: dict, per_category: dict, per_document: dict,
              options: bool | dict = True) -> GammaStats | None:
    """The span report's hook: γ and γ-cat overall and per document, γ-k per category, written
    into the report's rows; each row gets all three keys, the ones that do not apply to its scope
    Undefined with the reason. ``options``: True (defaults), a dict of ``gamma_measures``' keyword
    arguments, or False (not computed). Returns the ``GammaStats`` (for the bootstrap), or None."""
    if options is False:
        off = Undefined("not computed (gamma switched off)")
        for row in (overall, *per_category.values(), *per_document.values()):
            row.update(dict.fromkeys(KEYS, off))
        return None
    opts = {} if options is True else dict(options)
    stats = gamma_document_stats(p, **opts)
    g = gamma_measures(p, stats=stats)
    per_k = Undefined("γ-k is given per category")
    overall.update(g["overall"], gamma_k=per_k)
    whole = Undefined("γ and γ-cat are over all categories together; per category, see γ-k")
    for c, row in per_category.items():
        row.update(gamma=whole, gamma_cat=whole, gamma_k=g["per_category"][c]["gamma_k"])
    for doc_id, row in per_document.items():
        row.update(g["per_document"][doc_id], gamma_k=per_k)
    return stats
