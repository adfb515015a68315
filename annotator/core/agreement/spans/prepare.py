"""Span data made ready for the measures: validated, filtered to the coders, categories and
documents asked for, deduplicated, merged per coder and category, and tokenised (``prepare``).
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import operator
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.core.agreement.common import Undefined


@functools.cache
def _whitespace() -> np.ndarray:
    """Per code point: does str.isspace() accept it (the str.split() separators). Found by the
    regular expression ``\\s``, which for str patterns tests each character with the same function
    as str.isspace (Py_UNICODE_ISSPACE), over a string of every code point: 30 ms, against 0.1 s for
    a Python loop over the 1.1 million."""
    every = np.arange(sys.maxunicode + 1, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    table[[m.start() for m in re.finditer(r"\s", every)]] = True
    return table


def word_tokens(text: str) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) code-point offsets of the maximal runs of non-whitespace (``str.split()``)."""
    if not text:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    edges = np.diff(np.concatenate(([True], _whitespace()[cps], [True])).view(np.int8))
    return np.flatnonzero(edges == -1).astype(np.int64), np.flatnonzero(edges == 1).astype(np.int64)


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


class _Pool:
    """Every document's spans in a few arrays, documents laid end to end (for the measures that
    work on all documents at once; ``_Doc.raw`` and ``_Doc.merged`` are views into them).

    ``offsets``: each document's start on the pooled continuum (documents + 1 entries).
    ``raw[u]`` = (document, start, end, category) of coder u's deduplicated spans, sorted by
    document, start, end, category; ``raw_bounds[u]``: where each document's begin (+ the end).
    ``merged[u][k]`` = (document, start, end) of coder u's merged units of category k, sorted;
    ``merged_bounds[u][k]`` likewise. Positions are the documents' own (add ``offsets`` to pool).
    ``coders[i]``: the ``u`` of the report's coder i (a coder listed twice shares one)."""

    __slots__ = ("offsets", "raw", "raw_bounds", "merged", "merged_bounds", "coders")

    @classmethod
    def build(cls, lengths: list, cu, dn, s, e, k, n_coders: int, n_cats: int) -> _Pool:
        self = cls()
        D = len(lengths)
        self.offsets = np.concatenate(([0], np.cumsum(np.array(lengths, dtype=np.int64)))).astype(np.int64)
        width = max(lengths, default=0) + 1
        group = cu * D + dn  # coder-major, then document
        if (n_coders * D + 1) * width * width * max(n_cats, 1) < 2**62:
            key = np.sort(((group * width + s) * width + e) * n_cats + k)
            key = key[np.concatenate(([True], key[1:] != key[:-1]))] if key.size else key
            key, k = np.divmod(key, n_cats) if n_cats else (key, key)
            key, e = np.divmod(key, width)
            group, s = np.divmod(key, width)
        else:  # too wide for one integer key: sort by the columns
            order = np.lexsort((k, e, s, group))
            group, s, e, k = group[order], s[order], e[order], k[order]
            new = np.ones(group.size, dtype=bool)
            if group.size:
                new[1:] = (group[1:] != group[:-1]) | (s[1:] != s[:-1]) | (e[1:] != e[:-1]) | (k[1:] != k[:-1])
            group, s, e, k = group[new], s[new], e[new], k[new]
        cuts = np.searchsorted(group, np.arange(n_coders + 1) * D)
        doc = group - np.repeat(np.arange(n_coders, dtype=np.int64) * D, np.diff(cuts))
        self.raw, self.raw_bounds = [], []
        for u in range(n_coders):
            a, z = cuts[u], cuts[u + 1]
            self.raw.append((doc[a:z], s[a:z], e[a:z], k[a:z]))
            self.raw_bounds.append(np.searchsorted(doc[a:z], np.arange(D + 1)).tolist())
        self.merged, self.merged_bounds = [], []
        # merged units: stably regrouped by (coder, category, document), start and end order kept
        unit = (group // D * n_cats + k) * D + doc if n_cats else group
        order = np.argsort(unit, kind="stable")
        unit, us, ue = unit[order], s[order], e[order]
        new_group = np.ones(unit.size, dtype=bool)
        new_group[1:] = unit[1:] != unit[:-1]
        lift = (np.cumsum(new_group) - 1) * width  # each group above the one before: one running max
        run_end = np.maximum.accumulate(ue + lift) if ue.size else ue
        new = new_group.copy()
        new[1:] |= us[1:] + lift[1:] >= run_end[:-1]
        first = np.flatnonzero(new)
        last = np.append(first[1:], unit.size) - 1 if first.size else first
        m_unit, ms, me = unit[first], us[first], run_end[last] - lift[last]
        ucuts = np.searchsorted(m_unit, np.arange(n_coders * n_cats + 1) * D)
        for u in range(n_coders):
            per_cat, per_bounds = [], []
            for c in range(n_cats):
                a, z = ucuts[u * n_cats + c], ucuts[u * n_cats + c + 1]
                md = m_unit[a:z] - (u * n_cats + c) * D
                per_cat.append((md, ms[a:z], me[a:z]))
                per_bounds.append(np.searchsorted(md, np.arange(D + 1)).tolist())
            self.merged.append(per_cat)
            self.merged_bounds.append(per_bounds)
        return self

    def raw_of(self, u: int, n: int):
        a, z = self.raw_bounds[u][n], self.raw_bounds[u][n + 1]
        _, s, e, k = self.raw[u]
        return s[a:z], e[a:z], k[a:z]

    def merged_of(self, u: int, n: int):
        out = []
        for (_, s, e), b in zip(self.merged[u], self.merged_bounds[u]):
            out.append((s[b[n]:b[n + 1]], e[b[n]:b[n + 1]]))
        return out


@dataclass
class Prepared:
    """Validated, filtered and indexed span data (``prepare``); every measure accepts one."""

    coders: list
    categories: list
    docs: list[_Doc]
    excluded_documents: list
    problem: Undefined | None = None
    pool: _Pool | None = None  # the same spans, every document at once (``prepare`` fills it)

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
    doc_pos = {d: n for n, d in enumerate(lengths)}
    di, coder_id, start, end, cat_id, seen_coders, seen_cats = _columns(
        spans, doc_pos, np.array(list(lengths.values()), dtype=np.int64))
    coder_list = list(coders) if coders is not None else sorted(seen_coders, key=str)
    cat_list = list(categories) if categories is not None else sorted(seen_cats, key=str)
    cat_index = {c: k for k, c in enumerate(cat_list)}
    unique_coders = {c: u for u, c in enumerate(dict.fromkeys(coder_list))}  # a coder listed twice: one set of spans
    ci = _lookup(unique_coders, list(seen_coders))[coder_id] if seen_coders else coder_id
    nonempty = start < end
    annotated = np.zeros((len(lengths), len(unique_coders)), dtype=bool)  # a non-empty span, of any category
    some = nonempty & (ci >= 0)
    annotated[di[some], ci[some]] = True
    if documents is not None:
        for d in documents:
            if d not in lengths:
                raise ValueError(f"unknown document {d!r}")
        doc_ids = list(dict.fromkeys(documents))
        excluded = []
    else:
        doc_ids, excluded = [], []
        every = annotated.all(axis=1) if coder_list else np.ones(len(lengths), dtype=bool)
        for d, ok in zip(lengths, every.tolist()):
            (doc_ids if ok else excluded).append(d)
    problem = None
    if len(coder_list) < 2:
        problem = Undefined("fewer than two coders")
    elif not doc_ids:
        problem = Undefined("the coders share no documents (no document annotated by every coder)")
    ki = _lookup(cat_index, list(seen_cats))[cat_id] if seen_cats else cat_id
    sel = np.full(len(lengths), -1, np.int64)
    sel[[doc_pos[d] for d in doc_ids]] = np.arange(len(doc_ids))
    keep = some & (ki >= 0)
    keep &= sel[di] >= 0
    pool = _Pool.build([lengths[d] for d in doc_ids], ci[keep], sel[di[keep]], start[keep], end[keep], ki[keep],
                       len(unique_coders), len(cat_list))
    docs = [_Doc(d, lengths[d], raw_texts.get(d)) for d in doc_ids]
    uses = [unique_coders[c] for c in coder_list]
    for n, doc in enumerate(docs):
        doc.raw = [pool.raw_of(u, n) for u in uses]
        doc.merged = [pool.merged_of(u, n) for u in uses]
    pool.coders = uses
    if problem is None and not any(d.raw[i][0].size for d in docs for i in range(len(coder_list))):
        problem = Undefined("nothing annotated")
    _give_back_freed_memory()
    return Prepared(coder_list, cat_list, docs, excluded, problem, pool)


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None (another C library, another system)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


def _give_back_freed_memory() -> None:
    """Return to the system the heap memory freed by the work arrays of ``prepare``: glibc keeps
    freed memory that lies below memory still in use (here the prepared arrays, made last) in the
    process (about 65 MB at 3 coders x 2,000 documents, and 60 MB more after the 2016 statistics,
    which ``span_report`` gives back too), counted in every later peak. A no-op without glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _lookup(index: dict, column) -> np.ndarray:
    """Each value's position in ``index`` (−1 when absent)."""
    return np.fromiter(map(index.get, column, itertools.repeat(-1)), dtype=np.int64, count=len(column))


ROWS_PER_CHUNK = 1 << 16  # the spans are read this many rows at a time (no column of a million objects)


def _columns(spans: Iterable, doc_pos: dict, lengths: np.ndarray):
    """The spans as columns, validated: (document position, coder id, starts, ends, category id,
    the coders and categories in order of first appearance, as dicts {value: id}). The quick way
    reads whole columns of a chunk of rows; on anything unusual (a row not of five items,
    positions that are not plain integers, an unknown document, a span outside its text) the rows
    are read one at a time as before, which raises the same error at the first bad row."""
    rows = spans if isinstance(spans, (list, tuple)) else list(spans)
    seen_coders: dict = {}
    seen_cats: dict = {}
    out: list = [[] for _ in range(5)]
    try:
        for c0 in range(0, len(rows), ROWS_PER_CHUNK):
            chunk = rows[c0:c0 + ROWS_PER_CHUNK]
            if set(map(len, chunk)) != {5}:
                raise _UnusualError
            parts = [list(map(operator.itemgetter(j), chunk)) for j in range(5)]
            di = _lookup(doc_pos, parts[0])
            start, end = np.array(parts[2]), np.array(parts[3])
            if start.dtype.kind not in "iu" or end.dtype.kind not in "iu":
                raise _UnusualError
            start, end = start.astype(np.int64), end.astype(np.int64)
            if (di < 0).any() or (start < 0).any() or (start > end).any() or (end > lengths[di]).any():
                raise _UnusualError
            for col, value in zip(out, (di, _ids(seen_coders, parts[1]), start, end, _ids(seen_cats, parts[4]))):
                col.append(value)
    except (_UnusualError, TypeError, OverflowError):
        return _columns_one_by_one(rows, doc_pos, lengths)
    empty = np.zeros(0, np.int64)
    return (*(np.concatenate(col + [empty]) for col in out), seen_coders, seen_cats)


def _ids(seen: dict, column: list) -> np.ndarray:
    """Each value's id in ``seen`` (in order of first appearance; new values are added)."""
    for value in dict.fromkeys(column):
        if value not in seen:
            seen[value] = len(seen)
    return _lookup(seen, column)


class _UnusualError(Exception):
    pass


def _columns_one_by_one(rows, doc_pos: dict, lengths: np.ndarray):
    di, coder_col, start_col, end_col, cat_col = [], [], [], [], []
    for row in rows:
        doc, coder, start, end, cat = row
        if doc not in doc_pos:
            raise ValueError(f"span {row!r}: unknown document {doc!r}")
        start, end = int(start), int(end)
        n = int(lengths[doc_pos[doc]])
        if not (0 <= start <= end <= n):
            raise ValueError(f"span {row!r}: [{start}, {end}) is outside the document "
                             f"(length {n}) or ends before it starts")
        di.append(doc_pos[doc])
        coder_col.append(coder)
        start_col.append(start)
        end_col.append(end)
        cat_col.append(cat)
    as_array = lambda x: np.array(x, dtype=np.int64).reshape(-1)  # noqa: E731
    seen_coders: dict = {}
    seen_cats: dict = {}
    return (as_array(di), _ids(seen_coders, coder_col), as_array(start_col), as_array(end_col),
            _ids(seen_cats, cat_col), seen_coders, seen_cats)


def _pair(coder_a, coder_b):
    if (coder_a is None) != (coder_b is None):
        raise ValueError("give both coder_a and coder_b, or neither (then the first two coders)")
    return None if coder_a is None else [coder_a, coder_b]


def _prep(data, spans=None, coders=None, categories=None, documents=None) -> Prepared:
    if isinstance(data, Prepared):
        return data
    return prepare(data, spans, coders, categories, documents)
