"""The span report for a choice of coders, documents, categories and confusion pair, one way for the
command line (``annotator agreement SOURCE...``) and the dashboard (Tools → Agreement).

Which documents count does not depend on the categories chosen: unless the documents are named (or
``done_only`` keeps those every coder marked done), a document counts when every chosen coder
annotated it (an annotation of any category, before the categories are narrowed) or marked it done
(``counted_documents``). So a run on one category compares the same documents as the full report, and
its numbers for that category are the full report's (docs/agreement-spans.md, "Input and the report").
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.agreement.sources import AgreementData, narrow, only_done, pick_categories
from annotator.core.errors import ValidationError
from annotator.core.text import pick


def counted_documents(data: AgreementData, coders: Sequence[str]) -> tuple[list[str], list[str]]:
    """(counted, left out): the documents of ``data`` (in its order) where every one of ``coders``
    made an annotation of any category or marked the document done, and the others."""
    annotated = data.annotated_pairs()
    counted, left_out = [], []
    for doc in data.texts:
        ok = all((doc, c) in annotated or data.statuses.get((doc, c)) == "done" for c in coders)
        (counted if ok else left_out).append(doc)
    return counted, left_out


def pick_pair(data: AgreementData, wanted: Sequence[str] | None, coders: Sequence[str]) -> tuple[str, str] | None:
    """The confusion pair ``--pair A,B`` stands for (names or ids): two different coders among
    ``coders``; None when ``wanted`` is None (the first two). ValidationError otherwise."""
    if wanted is None:
        return None
    names = ", ".join(data.annotators.get(c, c) for c in coders)
    refused = ValidationError(f"--pair needs two different coders of the report ({names}); got {', '.join(wanted)}")
    try:
        chosen = pick("annotator", wanted, data.annotators) or []
    except ValidationError:
        raise refused from None
    if len(wanted) != 2 or len(chosen) != 2 or any(c not in coders for c in chosen):
        raise refused
    return chosen[0], chosen[1]


def chosen_span_report(data: AgreementData, coders: Sequence[str], *, documents: Sequence[str] | None = None,
                       categories: Sequence[str] | None = None, done_only: bool = False,
                       pair: tuple[str, str] | None = None, every_confusion: bool = False,
                       resamples: int = 0, seed: int | None = None, gamma: bool = True) -> tuple[dict, AgreementData]:
    """``span_report`` on ``data`` for ``coders`` (ids), and the data it used (for the names).

    ``documents`` (ids): compare these, a coder without annotations there having found nothing;
    default: ``counted_documents``, decided before ``categories`` (ids, paths or unambiguous names)
    narrow the spans. ``done_only``: only the documents every coder marked done (ValidationError when
    none is). ``pair``: the coders of the confusion matrix (default the first two);
    ``every_confusion``: one matrix per pair as well. ``resamples`` > 0: bootstrap 95% intervals
    (``seed`` makes them repeatable). ``gamma=False`` leaves γ out (its best alignments are most of
    the report's time on a large corpus)."""
    from annotator.core.agreement.spans import span_report

    coders = list(coders)
    if documents is not None:
        data = narrow(data, documents=list(documents))
    if done_only:
        data = only_done(data, coders)
    if documents is not None or done_only:
        counted, left_out = list(data.texts), []
    else:
        counted, left_out = counted_documents(data, coders)
    cat_ids = pick_categories(data, list(categories) if categories is not None else None)
    if cat_ids is not None:
        data = narrow(data, categories=cat_ids)
    kwargs = {"resamples": resamples, "seed": seed} if resamples else {}
    report = span_report(data.token_texts(), data.spans, coders=coders, categories=list(data.categories),
                         documents=counted, confusion_pair=pair, every_confusion=every_confusion, gamma=gamma,
                         **kwargs)
    report["documents_excluded"] = left_out
    return report, data
