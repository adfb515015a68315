"""Each coder against the gold standard: how close each coder came to what the adjudicator decided,
and what the adjudicator changed of each coder's work (docs/adjudication.md#coders-against-gold).

The measures are the span measures of ``spans``, computed for the pair (coder, gold) as for two
coders: span F1 exact and overlap (``span_f1``), Krippendorff's unitizing alpha of the coder and the
gold (``unitizing_alpha``), and token Cohen's kappa (``token_kappa``), overall and per category.

Which documents count, per coder: the documents that hold a gold layer (a gold annotation or a
decision: a document where everything was rejected has no gold span but does count) and that the
coder worked on (an annotation there, or a status); with ``done_only``, those the coder marked
done. A coder who worked on a document and left it empty found nothing there.

What the adjudicator changed: the coder's spans and the gold's of each document are grouped where
they overlap (the groups of ``units.document_units``, on the two layers), and each group where the two differ is
one change, of one of these kinds:

* ``"boundary"``: the same categories, other boundaries;
* ``"category"``: the same boundaries, other categories;
* ``"boundary and category"``: both differ;
* ``"rejected"``: the coder marked something, the gold has nothing there (with decisions known,
  only where a decision covers it: a group no decision covers is not adjudicated yet, is not a
  change, and is counted in ``open``), or the gold kept only some of the coder's spans there;
* ``"missed"``: the gold has spans where the coder marked nothing, or the coder's spans and more.

Each change names the decisions that cover it (their kind, who decided, the reason).

``against_gold_as_dict``, ``against_gold_json`` and ``against_gold_csv`` write the result as users
see it, with names instead of ids (``annotator agreement --against-gold --format json|csv`` and the
dashboard's Export give the same bytes). The JSON::

    {"gold": "Gold standard", "coders": [names], "documents": count holding gold,
     "per_coder": [{"coder": name, "documents": count used, measure: number | null,
                    "per_category": {name: {measure: number | null}},
                    "changes": [{"document": id, "title", "start", "end", "change",
                                 "coder": [{"start", "end", "category"}], "gold": [...same],
                                 "quote": text | null,
                                 "decisions": [{"kind", "decided_by", "reason"}]}],
                    "open": count}],
     "notes": [why each null is null, and the places not adjudicated yet]}

The CSV has one row per number and one per change, told apart by ``record``: ``coder, record
(measure or change), category, measure, value, note, document, start, end, change, coder_version,
gold_version, quote, decision, reason`` (a measure row leaves the change's cells empty and the
other way round; ``category`` is empty for the overall values). Text cells get
``files.csv_cell``'s formula guard unless ``raw``.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.report import as_json, split
from annotator.core.agreement.sources import AgreementData, GoldDecision
from annotator.core.agreement.spans import prepare, span_f1, token_kappa, unitizing_alpha
from annotator.core.agreement.units import UnitSpan, _groups
from annotator.core.errors import ValidationError
from annotator.core.files import csv_text
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME

MEASURES = ("span_f1_exact", "span_f1_overlap", "unitizing_alpha", "token_kappa")
CHANGES = ("boundary", "category", "boundary and category", "rejected", "missed")
NO_GOLD = ("these sources hold no gold standard: adjudicate first (Tools → Adjudicate…, "
           "or 'annotator adjudicate')")


@dataclass(frozen=True)
class Change:
    """One place where the gold differs from a coder: spans are (start, end, category id)."""

    coder: str
    document: str
    start: int
    end: int
    change: str  # one of CHANGES
    coder_spans: tuple[tuple[int, int, str], ...]
    gold_spans: tuple[tuple[int, int, str], ...]
    decisions: tuple[GoldDecision, ...]


def against_gold(data: AgreementData, coders: Sequence[str] | None = None, categories: Sequence[str] | None = None,
                 documents: Sequence[str] | None = None, done_only: bool = False) -> dict[str, Any]:
    """Every coder against the gold layer of ``data``. ``coders`` (ids; default every coder who
    annotated), ``categories`` (default all), ``documents`` (default all holding gold).

    Returns ``{"coders", "categories", "documents": [holding gold], "per_coder": [{"coder",
    "documents": [used], measure: value, "per_category": {category: {measure: value}},
    "changes": [Change], "open": count}]}``, each measure a float or an Undefined.
    ValidationError when the data holds no gold layer or no coder."""
    if not data.has_gold:
        raise ValidationError(NO_GOLD)
    coders = list(coders) if coders is not None else data.coders_who_annotated()
    if not coders:
        raise ValidationError("no coder to compare with the gold standard: these sources hold only the gold layer")
    categories = list(categories) if categories is not None else list(data.categories)
    held = {g[0] for g in data.gold} | {d.document for d in data.decisions}
    wanted = set(documents) if documents is not None else None
    gold_docs = [d for d in data.texts if d in held and (wanted is None or d in wanted)]
    texts = data.token_texts()
    spans = list(data.spans) + [(d, GOLD_ID, s, e, c) for d, s, e, c in data.gold]
    worked = {(s[0], s[1]) for s in data.spans}
    per_coder = []
    for coder in coders:
        if done_only:
            docs = [d for d in gold_docs if data.statuses.get((d, coder)) == "done"]
        else:
            docs = [d for d in gold_docs if (d, coder) in worked or (d, coder) in data.statuses]
        per_coder.append(_one_coder(data, texts, spans, coder, categories, docs))
    return {"coders": coders, "categories": categories, "documents": gold_docs, "per_coder": per_coder}


def _one_coder(data: AgreementData, texts, spans, coder: str, categories: list[str], docs: list[str]) -> dict:
    if docs:
        p = prepare(texts, spans, coders=[coder, GOLD_ID], categories=categories, documents=docs)
        f1, alpha, kappa = span_f1(p), unitizing_alpha(p), token_kappa(p)
    else:
        none = Undefined("the coder worked on no document that holds gold")
        f1 = {"span_f1_exact": none, "span_f1_overlap": none,
              "span_f1_exact_per_category": dict.fromkeys(categories, none),
              "span_f1_overlap_per_category": dict.fromkeys(categories, none)}
        alpha = kappa = {"overall": none, "per_category": dict.fromkeys(categories, none)}
    changes, open_units = changes_for(data, coder, docs, set(categories))
    return {
        "coder": coder, "documents": docs,
        "span_f1_exact": f1["span_f1_exact"], "span_f1_overlap": f1["span_f1_overlap"],
        "unitizing_alpha": alpha["overall"], "token_kappa": kappa["overall"],
        "per_category": {c: {"span_f1_exact": f1["span_f1_exact_per_category"][c],
                             "span_f1_overlap": f1["span_f1_overlap_per_category"][c],
                             "unitizing_alpha": alpha["per_category"][c],
                             "token_kappa": kappa["per_category"][c]} for c in categories},
        "changes": changes, "open": open_units,
    }


def changes_for(data: AgreementData, coder: str, documents: Sequence[str],
                categories: set[str] | None = None) -> tuple[list[Change], int]:
    """What the gold changed of ``coder``'s spans in ``documents`` (see the module's docstring),
    in document and position order, and how many of the coder's groups no decision covers yet."""
    rows: dict[str, list] = {}
    for (doc, who, start, end, cat) in data.spans:
        if who == coder and (categories is None or cat in categories):
            rows.setdefault(doc, []).append((coder, start, end, cat))
    for (doc, start, end, cat) in data.gold:
        if categories is None or cat in categories:
            rows.setdefault(doc, []).append((GOLD_ID, start, end, cat))
    decided: dict[str, list[GoldDecision]] = {}
    for decision in data.decisions:
        decided.setdefault(decision.document, []).append(decision)
    out, open_units = [], 0
    for doc in documents:
        spans = sorted({UnitSpan(*row) for row in rows.get(doc, ()) if row[1] < row[2]}, key=UnitSpan.sort_key)
        covering_in = _covering(decided.get(doc, []))
        for group in _groups(spans) if spans else ():  # the groups of document_units, without their ids
            start, end = group[0].start, max(s.end for s in group)
            mine = tuple(sorted({(s.start, s.end, s.category) for s in group if s.coder == coder}))
            gold = tuple(sorted({(s.start, s.end, s.category) for s in group if s.coder == GOLD_ID}))
            if mine == gold:
                continue
            covering = covering_in(start, end)
            if not gold and data.decisions and not covering:
                open_units += 1  # not adjudicated yet
                continue
            out.append(Change(coder, doc, start, end, _kind(mine, gold), mine, gold, covering))
    return out, open_units


def _covering(decisions: list[GoldDecision]):
    """A function of (start, end): the decisions whose extent overlaps it, in order of start."""
    decisions = sorted(decisions, key=lambda d: (d.start, d.end))
    starts = [d.start for d in decisions]
    reach = list(itertools.accumulate((d.end for d in decisions), max))  # the furthest end so far

    def covering(start: int, end: int) -> tuple[GoldDecision, ...]:
        found, k = [], bisect.bisect_left(starts, end) - 1  # every decision from k down starts before end
        while k >= 0 and reach[k] > start:
            if decisions[k].end > start:
                found.append(decisions[k])
            k -= 1
        return tuple(reversed(found))

    return covering


def _kind(mine: tuple, gold: tuple) -> str:
    if set(gold) < set(mine):  # nothing in the gold, or fewer of the coder's own spans
        return "rejected"
    if set(mine) < set(gold):
        return "missed"
    if {(s, e) for s, e, _ in mine} == {(s, e) for s, e, _ in gold}:
        return "category"
    if sorted(c for _, _, c in mine) == sorted(c for _, _, c in gold):
        return "boundary"
    return "boundary and category"


# -- as users see it -------------------------------------------------------------------------------


def version_text(spans, data: AgreementData) -> str:
    """"Opinion 10–25; Claim 30–40" for spans (start, end, category id); "" for none."""
    return "; ".join(f"{data.categories.get(c, c)} {s:,}–{e:,}" for s, e, c in spans)


def decision_text(decisions, data: AgreementData) -> str:
    """"rejected by bob" (joined with "; " when several decisions cover a change)."""
    return "; ".join(f"{d.kind} by {data.annotators.get(d.decided_by, d.decided_by or '?')}" for d in decisions)


def change_quote(change: Change, data: AgreementData, limit: int = 80) -> str | None:
    """The text of the place of a change, on one line and clipped; None without the text."""
    text = data.contents.get(change.document)
    if text is None:
        return None
    quote = " ".join(text[change.start:change.end].split())
    return quote if len(quote) <= limit else quote[:limit - 1].rstrip() + "…"


def against_gold_as_dict(result: dict[str, Any], data: AgreementData) -> dict[str, Any]:
    """The result of ``against_gold`` as JSON-ready data (the shape in this module's docstring)."""
    coder, category = (lambda c: data.annotators.get(c, c)), (lambda c: data.categories.get(c, c))
    notes = list(data.notes)

    def numbers(values: dict, where: str) -> dict:
        out = {}
        for key in MEASURES:
            out[key], reason = split(values[key])
            if reason:
                notes.append(f"{where}.{key}: {reason}")
        return out

    def spans(items):
        return [{"start": s, "end": e, "category": category(c)} for s, e, c in items]

    per_coder = []
    for row in result["per_coder"]:
        name = coder(row["coder"])
        entry = {"coder": name, "documents": len(row["documents"]), **numbers(row, name)}
        entry["per_category"] = {category(c): numbers(values, f"{name}.{category(c)}")
                                 for c, values in row["per_category"].items()}
        entry["changes"] = [{"document": ch.document, "title": data.documents.get(ch.document, ch.document),
                             "start": ch.start, "end": ch.end, "change": ch.change,
                             "coder": spans(ch.coder_spans), "gold": spans(ch.gold_spans),
                             "quote": change_quote(ch, data),
                             "decisions": [{"kind": d.kind, "decided_by": coder(d.decided_by), "reason": d.reason}
                                           for d in ch.decisions]} for ch in row["changes"]]
        entry["open"] = row["open"]
        if row["open"]:
            notes.append(f"{name}: {row['open']:,} places where only {name} marked something are not "
                         "adjudicated yet (not listed as changes; the measures count them as spans the gold lacks)")
        per_coder.append(entry)
    return {"gold": GOLD_NAME, "coders": [coder(c) for c in result["coders"]],
            "documents": len(result["documents"]), "per_coder": per_coder, "notes": notes}


def against_gold_json(result: dict[str, Any], data: AgreementData) -> str:
    return as_json(against_gold_as_dict(result, data))


CSV_HEADER = ("coder", "record", "category", "measure", "value", "note", "document", "start", "end", "change",
              "coder_version", "gold_version", "quote", "decision", "reason")


def against_gold_csv(result: dict[str, Any], data: AgreementData, raw: bool = False) -> str:
    """One row per number and one per change (the columns in this module's docstring)."""
    rows: list[list[Any]] = [list(CSV_HEADER)]
    for row in result["per_coder"]:
        name = data.annotators.get(row["coder"], row["coder"])
        scopes = [("", row)] + [(data.categories.get(c, c), v) for c, v in row["per_category"].items()]
        for category, values in scopes:
            for key in MEASURES:
                value, reason = split(values[key])
                rows.append([name, "measure", category, key, "" if value is None else value, reason]
                            + [""] * 9)
        for ch in row["changes"]:
            rows.append([name, "change", "", "", "", "", data.documents.get(ch.document, ch.document),
                         ch.start, ch.end, ch.change, version_text(ch.coder_spans, data),
                         version_text(ch.gold_spans, data), change_quote(ch, data) or "",
                         decision_text(ch.decisions, data), " / ".join(d.reason for d in ch.decisions if d.reason)])
    return csv_text(rows, raw)
