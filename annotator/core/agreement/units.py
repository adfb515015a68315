"""Units of disagreement: the coders' spans of a document grouped where they overlap, and each group
classified, so that adjudication can go through them one by one (docs/agreement-spans.md#units).

A unit is a maximal group of spans connected by character overlap: two spans ``[s1, e1)`` and
``[s2, e2)`` overlap when ``s1 < e2 and s2 < e1`` (touching spans, ``e1 == s2``, do not), and a
chain A–B–C makes one unit even when A and C do not overlap. Two views:

* ``by="any"``: spans are grouped whatever their category (across categories);
* ``by="category"``: spans are grouped within one category; every unit has one category.

Each unit has a kind, given the coders *considered* (say, those who finished the document):

* ``"partial"``: some considered coder marked nothing in the unit;
* ``"category"``: every considered coder is present and the categories differ;
* ``"boundary"``: every considered coder is present, one category, but the spans differ;
* ``"agreement"``: every considered coder has exactly one span, all with the same start, end and
  category.

A coder with two or more spans in one unit (nested, overlapping, or two annotations of the same
stretch) never makes an agreement: such a unit is "partial" if a considered coder is missing, else
"category" if its categories differ, else "boundary"; ``Unit.several`` names those coders.

Deterministic: spans are deduplicated (the same coder, start, end, category and annotation id count
once), empty spans (start == end) and spans of coders not considered are dropped, and the output is
sorted canonically, so the same inputs in any order give equal units. Each unit's ``id`` is a UUID
derived from its document and its spans only (``unit_id``), so a decision can refer to it later.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from annotator.core.agreement.spans.prepare import _merge

KINDS = ("agreement", "boundary", "category", "partial")
VIEWS = ("any", "category")
UNIT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "annotator:agreement:unit")


class UnitSpan(NamedTuple):
    """One coder's span in a document, ``[start, end)`` in code points."""

    coder: str
    start: int
    end: int
    category: str
    annotation_id: str | None = None

    def sort_key(self) -> tuple:
        """(start, end, category, coder, annotation id), a span without an id first."""
        ann = self.annotation_id
        return (self.start, self.end, str(self.category), str(self.coder), ann is not None, str(ann or ""))


@dataclass(frozen=True)
class Unit:
    """A maximal group of overlapping spans in one document (see the module's docstring)."""

    id: str
    document: str
    start: int  # the smallest start of its spans
    end: int  # the largest end of its spans
    spans: tuple[UnitSpan, ...]  # sorted by (start, end, category, coder, annotation id)
    coders: tuple[str, ...]  # the coders who marked something in it, sorted
    missing: tuple[str, ...]  # the considered coders who marked nothing in it, sorted
    several: tuple[str, ...]  # the coders with two or more spans in it, sorted
    categories: tuple[str, ...]  # the categories of its spans, sorted
    kind: str  # one of KINDS
    by: str  # the view it was computed in: "any" or "category"


def unit_id(document: str, spans: Iterable[UnitSpan]) -> str:
    """uuid5 of the document id and the spans sorted canonically, written as compact JSON:
    ``[document, [[coder, start, end, category, annotation_id], ...]]``."""
    return _id(document, sorted(spans, key=UnitSpan.sort_key))


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _id(document: str, ordered: Sequence[UnitSpan]) -> str:
    return str(uuid.uuid5(UNIT_NAMESPACE, _JSON.encode([document, ordered])))  # a NamedTuple is a JSON array


def _kind(spans: Sequence[UnitSpan], considered: Sequence[str]) -> tuple[str, tuple, tuple, tuple]:
    per_coder: dict[str, int] = {}
    for s in spans:
        per_coder[s.coder] = per_coder.get(s.coder, 0) + 1
    coders = tuple(sorted(per_coder, key=str))
    missing = tuple(c for c in considered if c not in per_coder)
    several = tuple(c for c in coders if per_coder[c] > 1)
    categories = tuple(sorted({s.category for s in spans}, key=str))
    if missing:
        kind = "partial"
    elif len(categories) > 1:
        kind = "category"
    elif several or len({(s.start, s.end) for s in spans}) > 1:
        kind = "boundary"
    else:
        kind = "agreement"
    return kind, coders, missing, several


def _groups(spans: list[UnitSpan]) -> list[list[UnitSpan]]:
    """The spans (sorted canonically) cut into maximal overlap-connected groups."""
    starts = np.array([s.start for s in spans], dtype=np.int64)
    ends = np.array([s.end for s in spans], dtype=np.int64)
    unit_starts, _ = _merge(starts, ends)
    which = np.searchsorted(unit_starts, starts, side="right") - 1
    groups: list[list[UnitSpan]] = [[] for _ in range(unit_starts.size)]
    for s, k in zip(spans, which.tolist()):
        groups[k].append(s)
    return groups


def document_units(document: str, spans: Iterable, coders: Iterable[str] | None = None,
                   by: str = "any") -> list[Unit]:
    """The units of one document. ``spans``: ``(coder, start, end, category[, annotation_id])``;
    ``coders``: the coders considered (default: every coder in ``spans``); a considered coder
    with no span makes every unit of the document "partial". Sorted by (start, end, categories, id).

    Raises ValueError on an unknown ``by`` or a span that ends before it starts."""
    if by not in VIEWS:
        raise ValueError(f"by must be one of {', '.join(VIEWS)}, not {by!r}")
    rows = {UnitSpan(*row) for row in spans}
    for s in rows:
        if s.end < s.start:
            raise ValueError(f"span {tuple(s)!r} in {document!r} ends before it starts")
    considered = sorted(set(coders) if coders is not None else {s.coder for s in rows}, key=str)
    wanted = set(considered)
    kept = sorted((s for s in rows if s.start < s.end and s.coder in wanted), key=UnitSpan.sort_key)
    if by == "any":
        groups = _groups(kept) if kept else []
    else:
        groups = [g for cat in sorted({s.category for s in kept}, key=str)
                  for g in _groups([s for s in kept if s.category == cat])]
    units = []
    for group in groups:
        kind, present, missing, several = _kind(group, considered)
        units.append(Unit(_id(document, group), document, min(s.start for s in group),
                          max(s.end for s in group), tuple(group), present, missing, several,
                          tuple(sorted({s.category for s in group}, key=str)), kind, by))
    units.sort(key=lambda u: (u.start, u.end, tuple(map(str, u.categories)), u.id))
    return units


def units(data, coders: Sequence[str] | Mapping[str, Sequence[str]] | Callable | None = None,
          by: str = "any", documents: Iterable[str] | None = None) -> list[Unit]:
    """The units of every document of an ``AgreementData`` (``sources.load_sources``), sorted by
    (document id, start, end, categories, id). ``coders``: the coders considered, the same for every document
    (default: ``data.coders_who_annotated()``), or per document a mapping or a function of the
    document id; ``documents``: which (default: all of ``data.texts``)."""
    per_doc: dict[str, list] = {}
    ids = data.annotation_ids or [None] * len(data.spans)
    for (doc, coder, start, end, cat), ann in zip(data.spans, ids):
        per_doc.setdefault(doc, []).append((coder, start, end, cat, ann))
    if coders is None:
        coders = data.coders_who_annotated()
    if isinstance(coders, Mapping):
        considered = lambda doc: coders.get(doc, ())  # noqa: E731
    elif callable(coders):
        considered = coders
    else:
        considered = lambda doc: coders  # noqa: E731
    doc_ids = sorted(set(documents if documents is not None else data.texts), key=str)
    return [u for doc in doc_ids for u in document_units(doc, per_doc.get(doc, ()), considered(doc), by)]
