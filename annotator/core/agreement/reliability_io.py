"""Reliability data in: the CSV layout of ReCal and the KALPHA macro. (The report goes out through
``annotator.core.agreement.report``.)"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

from annotator.core.agreement.reliability_data import MAX_CODERS, MAX_VALUES, ReliabilityData, check_size
from annotator.core.documents.readers import read_regular_file
from annotator.core.errors import ReadError, ValidationError, brief

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
        raw = read_regular_file(path, MAX_BYTES)  # a FIFO is refused, not waited on
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

