"""Span-level agreement on annotations over texts (Qt-free, numpy).

Plain data in:

* ``texts``: ``{doc_id: length}`` (code points) or ``{doc_id: text}``. With the text, token
  measures use word tokens (maximal runs of non-whitespace, as ``str.split()``); with only the
  length, every character is a token.
* ``spans``: iterable of ``(doc_id, coder, start, end, category)``, ``[start, end)`` in code points.
  A coder's spans may overlap each other. Empty spans (start == end) cover nothing and are
  dropped; exact duplicates (same coder, document, start, end, category) count once.

Measures (each documented in its function and in docs/agreement-spans.md): Krippendorff's
unitizing alpha (1995/2004, the DKPro/INCEpTION variant), the 2016 family uα, |uα and cuα, span F1
(exact and overlap matching), token-level Cohen's kappa and Krippendorff's alpha, and
``span_report`` with all of them overall, per category, per document and per coder pair, a
confusion matrix and the list of disagreements. A measure that does not apply returns
``Undefined(reason)``.

Which documents count: with ``documents=None``, the documents of ``texts`` in which every selected
coder made at least one annotation (of any category); pass ``documents=[...]`` to choose them
yourself (then a coder with no annotation in a listed document is taken to have found nothing
there). Several documents are pooled as one continuum laid end to end, where no unit and no gap
ever crosses a document boundary (so results do not depend on document order).

Modules, in the order the work flows: ``prepare`` (validate and index the plain data once),
``unitizing`` (the unitizing alphas), ``matching`` (span F1), ``tokens`` (token kappa and alpha),
``confusion`` (the confusion matrix and the disagreements) and ``report`` (``span_report``).
"""

from __future__ import annotations

from annotator.core.agreement.spans.confusion import span_confusion, span_disagreements
from annotator.core.agreement.spans.matching import span_f1
from annotator.core.agreement.spans.prepare import Prepared, prepare, word_tokens
from annotator.core.agreement.spans.report import MEASURES, span_report
from annotator.core.agreement.spans.tokens import token_ac1, token_alpha, token_kappa
from annotator.core.agreement.spans.unitizing import u_alpha_2016, unitizing_alpha

__all__ = [
    "MEASURES",
    "Prepared",
    "prepare",
    "unitizing_alpha",
    "u_alpha_2016",
    "span_f1",
    "token_kappa",
    "token_alpha",
    "token_ac1",
    "span_confusion",
    "span_disagreements",
    "span_report",
    "word_tokens",
]
