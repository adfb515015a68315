"""Reliability data in (the CSV layout of ReCal and the KALPHA macro) and the item-level report out
(``reliability_as_dict``, ``reliability_json``, ``reliability_csv``), with the measure catalogue and
output rules of ``annotator.core.agreement.report``."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

from annotator.core.agreement.reliability import MEASURES as RELIABILITY_KEYS
from annotator.core.agreement.reliability import BootstrapInterval, ReliabilityReport
from annotator.core.agreement.reliability_data import MAX_CODERS, MAX_VALUES, ReliabilityData, check_size
from annotator.core.agreement.report import as_json, split
from annotator.core.errors import ReadError, ValidationError, brief
from annotator.core.files import csv_text, read_bounded

_INT = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
MAX_BYTES = 512 * 1024 * 1024
MAX_DIGITS = 300  # digits of a number's integer part (a float holds about 308)


def read_reliability_csv(path: str | Path) -> ReliabilityData:
    """Read a reliability-data CSV: a header row of coder names, then one row per unit with one cell per
    coder; an empty (or blank) cell is a missing value. Blank lines are skipped.

    When every non-empty cell is a number (``3``, ``-1``, ``2.5``, ``1e3``) the values are numbers
    (``1`` and ``1.0`` are then the same value); otherwise every value is the cell's text (stripped),
    compared exactly. Raises ValidationError naming the file and the line for anything malformed."""
    path = Path(path)
    try:
        raw = read_bounded(path, MAX_BYTES)  # a FIFO is refused, not waited on
    except ReadError as exc:
        raise ValidationError(f"{path}: {exc}") from None
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
    lines: list[int] = []  # the line where each row ends
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
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise ValidationError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None
    if header is None:
        raise ValidationError(f"{path}: empty; expected a header row of coder names, then one row per unit")
    if len(header) < 2:
        raise ValidationError(f"{path}: line 1: agreement needs at least two coders (columns); the header names "
                              f"{len(header)}")
    if len(header) > MAX_CODERS:
        raise ValidationError(f"{path}: line 1: the header names {len(header):,} coders; agreement is computed "
                              f"for up to {MAX_CODERS:,}")
    seen: set[str] = set()
    for j, name in enumerate(header):
        if not name:
            raise ValidationError(f"{path}: line 1: coder {j + 1} has no name")
        if name in seen:  # a set: header.index() here was quadratic (200,000 names took minutes)
            raise ValidationError(f"{path}: line 1: coder {brief(name)} appears twice")
        seen.add(name)
    if not rows:
        raise ValidationError(f"{path}: no units: the header is the only row")
    cells = [cell for row in rows for cell in row if cell]
    distinct = len(set(cells))
    if distinct > MAX_VALUES:  # before any work that grows with values × values
        raise ValidationError(f"{path}: {distinct:,} different values; agreement is computed on up to "
                              f"{MAX_VALUES:,} (categories or distinct numbers)")
    if cells and all(_NUMBER.fullmatch(cell) for cell in cells):
        table: list[list[Any]] = [[_number(cell, path, lines[u]) if cell else None for cell in row]
                                  for u, row in enumerate(rows)]
    else:
        table = [[cell if cell else None for cell in row] for row in rows]
    try:
        data = ReliabilityData.from_rows(table, coders=header)
        check_size(data)
    except ValidationError as exc:
        raise ValidationError(f"{path}: {exc}") from None
    return data


def _number(text: str, path: Path, line: int) -> int | float:
    if len(text.lstrip("+-").split(".")[0].split("e")[0].split("E")[0]) > MAX_DIGITS:
        raise ValidationError(f"{path}: line {line}: a number of more than {MAX_DIGITS} digits "
                              f"({brief(text)})")
    value = int(text) if _INT.fullmatch(text) else float(text)
    if isinstance(value, float) and math.isinf(value):
        raise ValidationError(f"{path}: line {line}: {brief(text)} is too large for a number (it overflows to "
                              "infinity)")
    return value


# -- the item-level (reliability) report -----------------------------------------------------------


def value_key(value: Any) -> str:
    """How a value is written as a JSON key or a table cell: numbers without a needless ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def reliability_as_dict(report: ReliabilityReport, *, resamples: int, seed: int | None) -> dict[str, Any]:
    """The report as JSON-ready data: the measures (None where undefined), ``krippendorff_alpha_ci95``
    as [low, high], ``per_category`` keyed by value, and ``notes`` with each reason (per-category
    reasons shared by several categories are given once)."""
    notes: list[str] = []

    def number(value, name: str):
        value, reason = split(value)
        if reason:
            notes.append(f"{name}: {reason}")
        return value

    out: dict[str, Any] = {"level": report.level, "coders": list(report.coders), "units": report.units,
                           "pairable_units": report.pairable_units}
    for name in RELIABILITY_KEYS:
        out[name] = number(report.measures[name], name)
    ci = report.alpha_ci95
    if isinstance(ci, BootstrapInterval):
        out["krippendorff_alpha_ci95"] = [ci.low, ci.high]
        out["bootstrap"] = {"method": "percentile, resampling units", "resamples": resamples,
                            "defined_resamples": ci.resamples, "seed": seed}
    else:
        out["krippendorff_alpha_ci95"] = number(ci, "krippendorff_alpha_ci95")
    for name, interval in report.gwet_ci95.items():  # Gwet's standard error, t interval (agreement/gwet.py)
        out[f"{name}_ci95"] = list(interval) if isinstance(interval, tuple) else number(interval, f"{name}_ci95")
    per_category: dict[str, dict[str, float | None]] = {}
    reasons: dict[tuple[str, str], list[str]] = {}
    for value, measures in report.per_category.items():
        key = value_key(value)
        per_category[key] = {}
        for name, result in measures.items():
            per_category[key][name], reason = split(result)
            if reason:
                reasons.setdefault((name, reason), []).append(key)
    out["per_category"] = per_category
    for (name, reason), keys in reasons.items():
        which = "every category" if len(keys) == len(per_category) > 1 else ", ".join(keys)
        notes.append(f"per_category {name} ({which}): {reason}")
    out["notes"] = notes
    return out


def reliability_json(report: ReliabilityReport, *, resamples: int, seed: int | None) -> str:
    return as_json(reliability_as_dict(report, resamples=resamples, seed=seed))


def reliability_csv(report: ReliabilityReport, *, resamples: int, seed: int | None, raw: bool = False) -> str:
    """One row per number: measure, category (empty for the overall ones), value; then the notes."""
    result = reliability_as_dict(report, resamples=resamples, seed=seed)
    ci = result["krippendorff_alpha_ci95"] or (None, None)
    rows: list[list[Any]] = [["measure", "category", "value"]]
    rows += [[name, "", result[name]] for name in RELIABILITY_KEYS]
    rows += [["krippendorff_alpha_ci95_low", "", ci[0]], ["krippendorff_alpha_ci95_high", "", ci[1]]]
    for name in report.gwet_ci95:
        low, high = result[f"{name}_ci95"] or (None, None)
        rows += [[f"{name}_ci95_low", "", low], [f"{name}_ci95_high", "", high]]
    rows += [[name, key, value] for key, measures in result["per_category"].items() for name, value in measures.items()]
    rows += [["note", "", note] for note in result["notes"]]
    return csv_text(rows, raw)
