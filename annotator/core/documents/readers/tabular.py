"""Tabular files: one text per row of a .csv or .tsv (the first row names the columns) or per line
of a .jsonl."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from annotator.core.documents.decoding import decode_bytes, first_line_title
from annotator.core.documents.readers.common import ExtractedText, ImportOptions, field_names
from annotator.core.errors import ReadError
from annotator.core.text import normalise


def _row_title(value: object, text: str) -> str:
    """A title cell's value on one line, or the text's first line when it is empty."""
    title = " ".join(str(value).split()) if value is not None else ""
    return title or first_line_title(text)


def read_csv(
    path: Path, data: bytes, options: ImportOptions, delimiter: str | None
) -> list[ExtractedText]:
    """One text per data row; the first row names the columns."""
    content, encoding = decode_bytes(data, options.encoding)
    content = content.removeprefix("\ufeff")
    if delimiter is None:
        delimiter = _sniff_delimiter(content)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))  # long texts in one cell
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)

    rows = []  # (line where the row starts, fields)
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ReadError(f"line {line}: {error}") from None
        if row:  # an empty line
            rows.append((line, row))
    if not rows:
        raise ReadError("no rows")
    header = [name.strip() or f"column {i}" for i, name in enumerate(rows[0][1], start=1)]
    text_field = options.text_field or "text"
    title_field = options.title_field or ("title" if "title" in header else None)
    for name, option in ((text_field, "--text-field"), (title_field, "--title-field")):
        if name is not None and name not in header:
            raise ReadError(f"no column '{name}' (columns: {field_names(header)}); use {option}")
    if len(rows) == 1:
        raise ReadError("no rows")

    texts = []
    for line, row in rows[1:]:
        if len(row) > len(header):
            raise ReadError(f"line {line}: {len(row)} fields, but the header has {len(header)}")
        values = dict(zip(header, row + [""] * (len(header) - len(row))))
        text = normalise(values[text_field])
        if not text.strip():
            raise ReadError(f"line {line}: empty text in column '{text_field}'")
        title = _row_title(values[title_field] if title_field else None, text)
        metadata = {k: v for k, v in values.items() if k not in (text_field, title_field)}
        metadata["line"] = line
        texts.append(ExtractedText(title, text, metadata, encoding))
    return texts


_DELIMITERS = ",\t;|"  # the candidates, in the order ties are broken
_CSV_TOKEN = re.compile(r'["\n,\t;|]')
SNIFF_LINES = 50  # _sniff_delimiter looks at this many records (and at most 64 KB)


def _sniff_delimiter(content: str) -> str:
    """The delimiter among , tab ; | that the header row holds and that occurs the same number of
    times (outside double quotes) in the most of the first records; a comma when none does.

    One pass over at most 64 KB: linear whatever the input (csv.Sniffer's regular expressions
    backtrack for minutes on a few hundred quotes)."""
    counts: list[dict[str, int]] = [dict.fromkeys(_DELIMITERS, 0)]
    quoted = False
    for match in _CSV_TOKEN.finditer(content, 0, 65536):
        char = match.group()
        if char == '"':
            quoted = not quoted  # a doubled "" inside quotes toggles twice
        elif quoted:
            continue
        elif char == "\n":
            if len(counts) == SNIFF_LINES:
                break
            counts.append(dict.fromkeys(_DELIMITERS, 0))
        else:
            counts[-1][char] += 1
    if len(counts) > 1 and not any(counts[-1].values()):
        counts.pop()  # the text ended with a newline, or stopped in the middle of a record
    header = counts[0]

    def agreeing(delimiter: str) -> int:
        return sum(1 for record in counts if record[delimiter] == header[delimiter])

    found = [d for d in _DELIMITERS if header[d]]
    return max(found, key=agreeing) if found else ","


def read_jsonl(path: Path, data: bytes, options: ImportOptions) -> list[ExtractedText]:
    """One text per line holding a JSON object; blank lines are skipped."""
    content, encoding = decode_bytes(data, options.encoding)
    content = content.removeprefix("\ufeff")
    text_field = options.text_field or "text"
    texts = []
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ReadError(
                f"line {number}: invalid JSON ({error.msg} at column {error.colno})"
            ) from None
        if not isinstance(record, dict):
            raise ReadError(f"line {number}: expected a JSON object")
        fields = field_names(record)
        if text_field not in record:
            raise ReadError(
                f"line {number}: no field '{text_field}' (fields: {fields}); use --text-field"
            )
        if not isinstance(record[text_field], str):
            raise ReadError(f"line {number}: field '{text_field}' is not a string")
        text = normalise(record[text_field])
        if not text.strip():
            raise ReadError(f"line {number}: empty text in field '{text_field}'")
        title_field = options.title_field
        if title_field is not None and title_field not in record:
            raise ReadError(
                f"line {number}: no field '{title_field}' (fields: {fields}); use --title-field"
            )
        if title_field is None and "title" in record:
            title_field = "title"
        title = _row_title(record[title_field] if title_field else None, text)
        metadata = {k: v for k, v in record.items() if k not in (text_field, title_field)}
        metadata["line"] = number
        texts.append(ExtractedText(title, text, metadata, encoding))
    if not texts:
        raise ReadError("no rows")
    return texts
