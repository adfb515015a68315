"""Reliability data in and out: the CSV layout of ReCal and the KALPHA macro, and a report as plain
JSON-ready data (a measure that does not apply is None, and ``notes`` says why)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from annotator.core.agreement.common import Undefined
from annotator.core.agreement.reliability import MEASURES, BootstrapInterval, ReliabilityData, ReliabilityReport
from annotator.core.errors import ValidationError

_INT = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
MAX_BYTES = 512 * 1024 * 1024


def read_reliability_csv(path: str | Path) -> ReliabilityData:
    """Read a reliability-data CSV: a header row of coder names, then one row per unit with one cell per
    coder; an empty (or blank) cell is a missing value. Blank lines are skipped.

    When every non-empty cell is a number (``3``, ``-1``, ``2.5``, ``1e3``) the values are numbers
    (``1`` and ``1.0`` are then the same value); otherwise every value is the cell's text (stripped),
    compared exactly. Raises ValidationError naming the file and the line for anything malformed."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise ValidationError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValidationError(f"{path}: line {line}: not UTF-8 text") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ValidationError(f"{path}: line {line}: a NUL byte (is this a binary file?)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    header: list[str] | None = None
    try:
        for row in reader:
            if not row:  # a blank line
                continue
            if header is None and all(not cell.strip() for cell in row):
                raise ValidationError(f"{path}: line {reader.line_num}: the header row (coder names) is empty")
            if header is None:
                header = [cell.strip() for cell in row]
                continue
            if len(row) != len(header):
                raise ValidationError(f"{path}: line {reader.line_num}: {len(row)} cell(s), but the header names "
                                      f"{len(header)} coder(s)")
            rows.append([cell.strip() for cell in row])
    except csv.Error as exc:
        raise ValidationError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None
    if header is None:
        raise ValidationError(f"{path}: empty; expected a header row of coder names, then one row per unit")
    if len(header) < 2:
        raise ValidationError(f"{path}: line 1: agreement needs at least two coders (columns); the header names "
                              f"{len(header)}")
    for j, name in enumerate(header):
        if not name:
            raise ValidationError(f"{path}: line 1: coder {j + 1} has no name")
        if header.index(name) != j:
            raise ValidationError(f"{path}: line 1: coder {name!r} appears twice")
    if not rows:
        raise ValidationError(f"{path}: no units: the header is the only row")
    cells = [cell for row in rows for cell in row if cell]
    if cells and all(_NUMBER.fullmatch(cell) for cell in cells):
        table: list[list[Any]] = [[_number(cell) if cell else None for cell in row] for row in rows]
    else:
        table = [[cell if cell else None for cell in row] for row in rows]
    return ReliabilityData.from_rows(table, coders=header)


def _number(text: str) -> int | float:
    return int(text) if _INT.fullmatch(text) else float(text)


def value_key(value: Any) -> str:
    """How a value is written as a JSON key or a table cell: numbers without a needless ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number_or_none(value, name: str, notes: list[str]):
    if isinstance(value, Undefined):
        notes.append(f"{name}: {value.reason}")
        return None
    return value


def report_as_dict(report: ReliabilityReport, *, resamples: int, seed: int | None) -> dict[str, Any]:
    """The report as JSON-ready data: the measures (None where undefined), ``krippendorff_alpha_ci95``
    as [low, high], ``per_category`` keyed by value, and ``notes`` with each reason (per-category
    reasons shared by several categories are given once)."""
    notes: list[str] = []
    out: dict[str, Any] = {"level": report.level, "coders": list(report.coders), "units": report.units,
                           "pairable_units": report.pairable_units}
    for name in MEASURES:
        out[name] = _number_or_none(report.measures[name], name, notes)
    ci = report.alpha_ci95
    if isinstance(ci, BootstrapInterval):
        out["krippendorff_alpha_ci95"] = [ci.low, ci.high]
        out["bootstrap"] = {"method": "percentile, resampling units", "resamples": resamples,
                            "defined_resamples": ci.resamples, "seed": seed}
    else:
        out["krippendorff_alpha_ci95"] = _number_or_none(ci, "krippendorff_alpha_ci95", notes)
    per_category: dict[str, dict[str, float | None]] = {}
    reasons: dict[tuple[str, str], list[str]] = {}
    for value, measures in report.per_category.items():
        key = value_key(value)
        per_category[key] = {}
        for name, result in measures.items():
            if isinstance(result, Undefined):
                reasons.setdefault((name, result.reason), []).append(key)
                per_category[key][name] = None
            else:
                per_category[key][name] = result
    out["per_category"] = per_category
    for (name, reason), keys in reasons.items():
        which = "every category" if len(keys) == len(per_category) > 1 else ", ".join(keys)
        notes.append(f"per_category {name} ({which}): {reason}")
    out["notes"] = notes
    return out
