"""``span_report``: every span measure at once, overall, per category, per document and per coder
pair, with the confusion matrix and the disagreements, sharing the per-document work. (How the
report is written out, as JSON, CSV or HTML, is ``annotator.core.agreement.report``.)"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable

import numpy as np

from annotator.core.agreement.common import Undefined, is_defined
from annotator.core.agreement.spans.bootstrap import (
    METHOD,
    f1_resampled,
    gamma_resampled,
    intervals,
    u1995_resampled,
    u2016_resampled,
)
from annotator.core.agreement.spans.confusion import _confusion, _disagreements_all
from annotator.core.agreement.spans.gamma import KEYS as GAMMA_KEYS
from annotator.core.agreement.spans.gamma import add_gamma, gamma_from_document_stats
from annotator.core.agreement.spans.matching import _f1_all, _f1_summary
from annotator.core.agreement.spans.prepare import _give_back_freed_memory, prepare
from annotator.core.agreement.spans.tokens import (
    _ac1_binary,
    _alpha_binary,
    _kappa,
    _mean_defined,
    _token_tables,
)
from annotator.core.agreement.spans.unitizing import _u1995, _u1995_all_doc_stats, _u2016

# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------

MEASURES = ("unitizing_alpha", "u_alpha_2016", "binary_u_alpha_2016", "cu_alpha_2016",
            "span_f1_exact", "span_f1_overlap", "token_kappa", "token_alpha", "token_ac1") + GAMMA_KEYS
INTERVAL_MEASURES = ("unitizing_alpha", "u_alpha_2016", "span_f1_exact", "span_f1_overlap",
                     "gamma", "gamma_cat")  # bootstrap 95% intervals


def span_report(texts, spans, coders=None, categories=None, documents=None, *,
                confusion_pair: tuple | None = None, every_confusion: bool = False,
                resamples: int = 0, seed: int | None = None, gamma: bool | dict = True) -> dict:
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
         "confusions": [{"coders": [a, b], ...} for every coder pair]  (with ``every_confusion``),
         "disagreements": [{"document", "start", "end", "coders": {coder: category | None}}]}

    measure ∈ unitizing_alpha, u_alpha_2016, binary_u_alpha_2016, cu_alpha_2016 (two coders),
    span_f1_exact, span_f1_overlap, token_kappa, token_alpha, token_ac1; each a float or Undefined.
    With more than two coders, span F1 and token kappa (pairwise by nature) are the mean over
    coder pairs (Light's approach); Undefined if any pair's value is.

    ``confusion_pair`` (two coders, default the first two) chooses the pair of ``confusion``;
    ``every_confusion`` adds ``confusions``, one matrix per coder pair (the dashboard's picker).

    ``resamples`` > 0: bootstrap 95% intervals, resampling documents (``spans.bootstrap``), as
    ``overall[f"{measure}_ci95"]`` (a ``BootstrapInterval`` or Undefined) for each of
    ``INTERVAL_MEASURES``, and ``"bootstrap": {"method", "resamples", "seed", "defined_resamples":
    {measure: count}}``; ``seed`` makes them repeatable."""
    paused = gc.isenabled()
    gc.disable()  # a million small objects at 2,000 documents: cyclic collections half-way took 0.9 s of 8
    try:
        report = _span_report(texts, spans, coders, categories, documents, confusion_pair, every_confusion,
                              resamples, seed, gamma)
    finally:
        if paused:
            gc.enable()
    return report


def _span_report(texts, spans, coders, categories, documents, confusion_pair, every_confusion=False,
                 resamples=0, seed=None, gamma=True) -> dict:
    p = prepare(texts, spans, coders, categories, documents)
    report, resampled = _measures(p, confusion_pair, every_confusion, gamma, keep=bool(resamples))
    if resamples:
        overall = report["overall"]
        found = intervals(resampled(), overall, len(p.docs), resamples=resamples, seed=seed)
        for key in INTERVAL_MEASURES:
            overall[f"{key}_ci95"] = found.get(key, p.problem if p.problem is not None else Undefined("not computed"))
        report["bootstrap"] = {"method": METHOD, "resamples": resamples, "seed": seed,
                               "defined_resamples": {k: v.resamples for k, v in found.items() if is_defined(v)}}
    return report


def _measures(p, confusion_pair, every_confusion, gamma=True, keep=True) -> tuple[dict, Callable[[], list]]:
    """The report's numbers on prepared data, and a function giving the measures the bootstrap can
    resample (``spans.bootstrap.Resampled``); with ``keep`` False that function is not to be called
    (what it reads is freed before the disagreements are listed)."""
    cats, m, K = p.categories, len(p.coders), len(p.categories)
    base = {"coders": list(p.coders), "categories": list(cats), "documents": [d.doc_id for d in p.docs],
            "documents_excluded": p.excluded_documents, "length": p.length}
    if p.problem is not None:
        u = p.problem
        row = {k: u for k in MEASURES}
        return base | {"overall": row | {"span_f1_exact_macro": u, "span_f1_overlap_macro": u},
                       "per_category": {c: dict(row) for c in cats},
                       "per_document": {d.doc_id: dict(row) for d in p.docs},
                       "pairs": [], "confusion": _confusion(p, 0, 1), "disagreements": []} | (
                       {"confusions": []} if every_confusion else {}), list
    pair_idx = list(itertools.combinations(range(m), 2))
    # per document, additive statistics
    f1_counts = np.zeros((len(p.docs), len(pair_idx), 4, K))
    tok_pairs, tok_alpha = _token_tables(p, m, K)
    ca, cb = confusion_pair if confusion_pair else (p.coders[0], p.coders[1])
    if ca not in p.coders or cb not in p.coders or ca == cb:
        raise ValueError(f"confusion_pair {confusion_pair!r}: two different coders of {p.coders!r}")
    a_idx, b_idx = p.coders.index(ca), p.coders.index(cb)
    chosen = pair_idx.index((a_idx, b_idx)) if (a_idx, b_idx) in pair_idx else None
    same_by_pair: list = [None] * len(pair_idx)  # per pair: the same-category matching (``_f1_all``)
    for q, (a, b) in enumerate(pair_idx):
        f1_counts[:, q], same = _f1_all(p, a, b, K)
        if every_confusion or q == chosen:
            same_by_pair[q] = same
    confusion_pairs = same_by_pair[chosen] if chosen is not None else None
    u95_docs = _u1995_all_doc_stats(p)
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
        "token_ac1": _ac1_binary(ta_tot.sum(0)),
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
            "span_f1_exact": mean_pairs(lambda v, c=c: v[0]["span_f1_exact_per_category"][c]),
            "span_f1_overlap": mean_pairs(lambda v, c=c: v[0]["span_f1_overlap_per_category"][c]),
            "token_kappa": mean_pairs(lambda v, k=k: v[2][k]),
            "token_alpha": _alpha_binary(ta_tot[k]),
            "token_ac1": _ac1_binary(ta_tot[k]),
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
            "token_ac1": _ac1_binary(tok_alpha[n].sum(0)),
        }
    g_stats = add_gamma(p, overall, per_category, per_document, gamma)  # γ, γ-cat, γ-k (spans/gamma.py)
    if not keep:  # read only by the bootstrap: freed before the disagreements, the largest part of the report
        u95_docs = u16 = g_stats = None
        _give_back_freed_memory()
    shared: dict = {}  # the coders' values of a disagreement, one dict for each combination

    def resampled():  # what the bootstrap resamples (spans/bootstrap.py), built only when asked for
        return [u1995_resampled(p, u95_docs), u2016_resampled(p, u16.get("document_stats")),
                *f1_resampled(f1_counts),
                *(gamma_resampled(g_stats, gamma_from_document_stats) if g_stats is not None else [])]

    return base | {
        "overall": overall, "per_category": per_category, "per_document": per_document,
        "pairs": pairs_out, "confusion": _confusion(p, a_idx, b_idx, confusion_pairs),
        "disagreements": _disagreements_all(p, shared),
    } | ({"confusions": [_confusion(p, a, b, same_by_pair[q]) for q, (a, b) in enumerate(pair_idx)]}
         if every_confusion else {}), resampled
