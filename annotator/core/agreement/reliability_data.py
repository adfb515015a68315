"""Reliability data: a units × coders matrix in coded form (``ReliabilityData``), built from rows or a
numpy array, with the work limits and the checks that a level of measurement fits the values. The
measures on it are in ``annotator.core.agreement.reliability``."""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np

from annotator.core.errors import ValidationError, quoted

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

# Work limits, checked before the heavy work (docs/agreement.md, "Limits"): the measures are linear in
# units × coders, but the distance matrices are values × values.
MAX_VALUES = 1_000  # distinct values
MAX_CODERS = 10_000
MAX_COUNT_CELLS = 50_000_000  # units × distinct values (the n_uc table)
MAX_ORDINAL_BOOTSTRAP_WORK = 2_000_000_000  # resamples × distinct count patterns × values²


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, np.floating) and bool(np.isnan(value)))


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


@dataclass(frozen=True, eq=False)
class ReliabilityData:
    """Reliability data in coded form.

    ``codes[u, j]`` is the index into ``values`` of the value coder *j* gave unit *u*, or -1 if
    missing. ``values`` holds each distinct value once, in ascending order when they are all numbers
    (``numeric`` is then True), otherwise sorted when they can be, else in order of first appearance.
    Build one with :meth:`from_rows` (any sequence of rows, or a 2-D numpy array)."""

    codes: np.ndarray
    values: tuple
    coders: tuple[str, ...]
    numeric: bool

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[Any]] | np.ndarray,
                  coders: Sequence[str] | None = None) -> ReliabilityData:
        """Units × coders: one row per unit, one cell per coder; None or NaN is a missing value."""
        if isinstance(rows, ReliabilityData):
            return rows
        if isinstance(rows, np.ndarray) and rows.dtype.kind in "iuf":
            if rows.ndim != 2:
                raise ValidationError(f"reliability data must be a units × coders matrix, got {rows.ndim} dimension(s)")
            codes, values = _codes_from_numeric_array(rows)
            return cls._make(codes, tuple(values.tolist()), coders, numeric=True)
        table = [list(row) for row in rows]
        width = len(coders) if coders is not None else (len(table[0]) if table else 0)
        index: dict[Hashable, int] = {}
        codes = np.full((len(table), width), -1, dtype=np.int64)
        for u, row in enumerate(table):
            if len(row) != width:
                raise ValidationError(f"unit {u + 1} has {len(row)} value(s); expected one per coder ({width})")
            for j, value in enumerate(row):
                if _is_missing(value):
                    continue
                if isinstance(value, np.generic):
                    value = value.item()
                try:
                    code = index.setdefault(value, len(index))
                except TypeError:
                    raise ValidationError(f"unit {u + 1}, coder {j + 1}: {value!r} cannot be a category "
                                          "(it is not hashable)") from None
                codes[u, j] = code
        found = list(index)
        numeric = bool(found) and all(_is_number(v) for v in found)
        try:
            order = sorted(range(len(found)), key=lambda i: found[i])
        except TypeError:  # mixed types with no order: keep first appearance
            order = list(range(len(found)))
        remap = np.empty(len(found), dtype=np.int64)
        remap[order] = np.arange(len(found))
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)] if len(found) else codes, -1)
        return cls._make(codes, tuple(found[i] for i in order), coders, numeric=numeric)

    @classmethod
    def _make(cls, codes: np.ndarray, values: tuple, coders: Sequence[str] | None, numeric: bool) -> ReliabilityData:
        names = tuple(str(c) for c in coders) if coders is not None else tuple(
            f"coder {j + 1}" for j in range(codes.shape[1]))
        if len(names) != codes.shape[1]:
            raise ValidationError(f"{len(names)} coder name(s) for {codes.shape[1]} column(s)")
        if len(set(names)) != len(names):
            duplicate = next(n for n in names if names.count(n) > 1)
            raise ValidationError(f"coder {quoted(duplicate)} appears twice")
        return cls(codes=codes, values=values, coders=names, numeric=numeric)

    @property
    def n_units(self) -> int:
        return self.codes.shape[0]

    @property
    def n_coders(self) -> int:
        return self.codes.shape[1]

    @cached_property
    def counts(self) -> np.ndarray:
        """``n_uc``: units × values, how many coders gave unit u value c."""
        n, v = self.codes.shape[0], len(self.values)
        rows = np.broadcast_to(np.arange(n, dtype=np.int64)[:, None] * v, self.codes.shape)
        valid = self.codes >= 0
        flat = np.bincount((rows + self.codes)[valid], minlength=n * v)
        return flat.reshape(n, v)

    def select(self, *coders: str) -> ReliabilityData:
        """The same units with only these coders (by name), e.g. a pair for Cohen's kappa."""
        try:
            columns = [self.coders.index(c) for c in coders]
        except ValueError:
            unknown = next(c for c in coders if c not in self.coders)
            raise ValidationError(f"no coder {quoted(unknown)} (coders: {', '.join(self.coders)})") from None
        return ReliabilityData(codes=self.codes[:, columns], values=self.values,
                               coders=tuple(coders), numeric=self.numeric)


def _codes_from_numeric_array(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    valid = ~np.isnan(array) if array.dtype.kind == "f" else np.ones(array.shape, dtype=bool)
    present = array[valid]
    codes = np.full(array.shape, -1, dtype=np.int64)
    if present.size == 0:
        return codes, present
    lo, hi = present.min(), present.max()
    if np.isfinite(lo) and np.isfinite(hi) and hi - lo < 1_000_000 and (
            array.dtype.kind in "iu" or bool(np.all(present == np.floor(present)))):
        # whole numbers in a modest range (the usual category codes): count instead of sorting
        offset = (present - lo).astype(np.int64)
        used = np.bincount(offset) > 0
        values = np.flatnonzero(used).astype(array.dtype) + lo
        codes[valid] = (np.cumsum(used) - 1)[offset]
        return codes, values
    values = np.unique(present)
    codes[valid] = np.searchsorted(values, present)
    return codes, values


def unique_rows(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a non-negative integer matrix (a count table) and how often each occurs:
    units with the same counts are interchangeable in the measures built on sums over units."""
    base = int(counts.max(initial=0)) + 1
    if counts.shape[1] * math.log2(base) < 62:  # each row as one integer: a 1-D unique is much faster
        weights = base ** np.arange(counts.shape[1], dtype=np.int64)
        keys, first, frequency = np.unique(counts @ weights, return_index=True, return_counts=True)
        return counts[first], frequency
    return np.unique(counts, axis=0, return_counts=True)


def as_data(data) -> ReliabilityData:
    """Accept a :class:`ReliabilityData`, a sequence of rows or a units × coders numpy array."""
    return data if isinstance(data, ReliabilityData) else ReliabilityData.from_rows(data)


def check_size(d: ReliabilityData) -> None:
    """ValidationError when the data exceed the work limits (MAX_VALUES, MAX_CODERS, MAX_COUNT_CELLS)."""
    if len(d.values) > MAX_VALUES:
        raise ValidationError(f"the data hold {len(d.values):,} different values; agreement is computed on up to "
                              f"{MAX_VALUES:,} (categories or distinct numbers)")
    if d.n_coders > MAX_CODERS:
        raise ValidationError(f"the data name {d.n_coders:,} coders; agreement is computed for up to {MAX_CODERS:,}")
    if d.n_units * len(d.values) > MAX_COUNT_CELLS:
        raise ValidationError(f"{d.n_units:,} units × {len(d.values):,} different values is more than "
                              f"{MAX_COUNT_CELLS:,}; use fewer units or values")


def check_level(d: ReliabilityData, level: str) -> None:
    """ValidationError unless ``level`` is a known level that fits the values, and the data fit the limits."""
    if level not in LEVELS:
        raise ValidationError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    check_size(d)
    if level == "nominal" or not d.values:
        return
    if not d.numeric:
        example = next(v for v in d.values if not _is_number(v))
        raise ValidationError(f"the {level} level needs numbers, but the data hold {example!r}; "
                              "use the nominal level for categories")
    if level == "ratio" and d.values[0] < 0:
        raise ValidationError(f"the ratio level needs values of 0 or more (a ratio scale has a true zero); "
                              f"the data hold {d.values[0]!r}")
