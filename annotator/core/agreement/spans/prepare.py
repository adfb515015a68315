"""Span data made ready for the measures: validated, filtered to the coders, categories and
documents asked for, deduplicated, merged per coder and category, and tokenised (``prepare``).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.agreement.common import Undefined


@functools.cache
def _whitespace() -> np.ndarray:
    """The code points str.isspace() accepts (str.split() separators)."""
    return np.array([c for c in range(sys.maxunicode + 1) if chr(c).isspace()], dtype=np.uint32)


def word_tokens(text: str) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) code-point offsets of the maximal runs of non-whitespace (``str.split()``)."""
    if not text:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    word = ~np.isin(cps, _whitespace())
    edges = np.diff(np.concatenate(([False], word, [False])).astype(np.int8))
    return np.flatnonzero(edges == 1).astype(np.int64), np.flatnonzero(edges == -1).astype(np.int64)


def _merge(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted intervals with every group sharing a position merged (touching ones stay apart)."""
    if starts.size <= 1:
        return starts, ends
    order = np.lexsort((ends, starts))
    s, e = starts[order], ends[order]
    run_end = np.maximum.accumulate(e)
    new = np.concatenate(([True], s[1:] >= run_end[:-1]))
    group = np.cumsum(new) - 1
    ms = s[new]
    me = np.zeros(ms.size, dtype=e.dtype)
    np.maximum.at(me, group, e)
    return ms, me


@dataclass
class _Doc:
    doc_id: object
    n: int
    text: str | None
    # per coder: raw (deduplicated) spans, sorted by (start, end, category index)
    raw: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    # per coder, per category index: merged units (starts, ends)
    merged: list[list[tuple[np.ndarray, np.ndarray]]] = field(default_factory=list)
    _tokens: tuple | None = None

    def tokens(self):
        if self._tokens is None:
            if self.text is not None:
                self._tokens = word_tokens(self.text)
            else:
                t = np.arange(self.n, dtype=np.int64)
                self._tokens = (t, t + 1)
        return self._tokens


@dataclass
class Prepared:
    """Validated, filtered and indexed span data (``prepare``); every measure accepts one."""

    coders: list
    categories: list
    docs: list[_Doc]
    excluded_documents: list
    problem: Undefined | None = None

    @property
    def length(self) -> int:
        return sum(d.n for d in self.docs)


def prepare(texts: Mapping, spans: Iterable, coders: Sequence | None = None,
            categories: Sequence | None = None, documents: Sequence | None = None) -> Prepared:
    """Validate and index the plain data once, for several measures.

    Raises ValueError on a span that names an unknown document or lies outside its text, or on a
    ``documents`` entry missing from ``texts``. Undefined situations (fewer than two coders, no
    common document) are recorded in ``Prepared.problem`` and make every measure Undefined."""
    lengths, raw_texts = {}, {}
    for doc, value in texts.items():
        if isinstance(value, str):
            lengths[doc], raw_texts[doc] = len(value), value
        else:
            lengths[doc] = int(value)
    rows: dict = {}
    seen_coders, seen_cats = {}, {}
    for row in spans:
        doc, coder, start, end, cat = row
        if doc not in lengths:
            raise ValueError(f"span {row!r}: unknown document {doc!r}")
        start, end = int(start), int(end)
        if not (0 <= start <= end <= lengths[doc]):
            raise ValueError(f"span {row!r}: [{start}, {end}) is outside the document "
                             f"(length {lengths[doc]}) or ends before it starts")
        seen_coders.setdefault(coder, None)
        seen_cats.setdefault(cat, None)
        if start < end:
            rows.setdefault((doc, coder), set()).add((start, end, cat))
    coder_list = list(coders) if coders is not None else sorted(seen_coders, key=str)
    cat_list = list(categories) if categories is not None else sorted(seen_cats, key=str)
    cat_index = {c: k for k, c in enumerate(cat_list)}
    if documents is not None:
        for d in documents:
            if d not in lengths:
                raise ValueError(f"unknown document {d!r}")
        doc_ids = list(dict.fromkeys(documents))
        excluded = []
    else:
        doc_ids, excluded = [], []
        for d in lengths:
            (doc_ids if all((d, c) in rows for c in coder_list) else excluded).append(d)
    problem = None
    if len(coder_list) < 2:
        problem = Undefined("fewer than two coders")
    elif not doc_ids:
        problem = Undefined("the coders share no documents (no document annotated by every coder)")
    docs = []
    K = len(cat_list)
    for d in doc_ids:
        doc = _Doc(d, lengths[d], raw_texts.get(d))
        for c in coder_list:
            items = sorted((s, e, cat_index[k]) for s, e, k in rows.get((d, c), ()) if k in cat_index)
            arr = np.array(items, dtype=np.int64).reshape(-1, 3)
            s, e, k = arr[:, 0], arr[:, 1], arr[:, 2]
            doc.raw.append((s, e, k))
            doc.merged.append([_merge(s[k == ki], e[k == ki]) for ki in range(K)])
        docs.append(doc)
    if problem is None and not any(d.raw[i][0].size for d in docs for i in range(len(coder_list))):
        problem = Undefined("nothing annotated")
    return Prepared(coder_list, cat_list, docs, excluded, problem)


def _pair(coder_a, coder_b):
    if (coder_a is None) != (coder_b is None):
        raise ValueError("give both coder_a and coder_b, or neither (then the first two coders)")
    return None if coder_a is None else [coder_a, coder_b]


def _prep(data, spans=None, coders=None, categories=None, documents=None) -> Prepared:
    if isinstance(data, Prepared):
        return data
    return prepare(data, spans, coders, categories, documents)
