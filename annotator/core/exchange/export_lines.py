"""An export file in the layout Annotator writes (header fields, then one list item per line;
export_file.write_stream) read whole, a line at a time; any other layout, or anything invalid,
gives None. Reading for import and merge is export_read's (a stream, any layout); this stays as
the plain reference for the layout (export_file._read_lines, tests/core/test_exchange.py)."""

from __future__ import annotations

import re
from typing import Any, BinaryIO

from annotator.core.files import strict_json

_LINE_KEY = re.compile(rb'"([a-z]+)":(.*)')


def read_lines(source: BinaryIO) -> dict[str, Any] | None:
    """The export read from ``source`` (a binary handle at the file's start) a line at a time, or
    None when the file is laid out in any other way or is not valid."""
    data: dict[str, Any] = {}
    try:
        lines = iter(source)
        if next(lines, b"").removeprefix(b"\xef\xbb\xbf") != b"{\n":
            return None
        closing = False
        for line in lines:
            if closing or not line.endswith(b"\n"):
                return None
            if line == b"}\n":
                closing = True
                continue
            match = _LINE_KEY.fullmatch(line[:-1])
            if match is None or match.group(1).decode() in data:
                return None
            key, rest = match.group(1).decode(), match.group(2)
            if rest in (b"[]", b"[],"):
                data[key], more = [], rest.endswith(b",")
            elif rest == b"[":
                items = []
                for item in lines:
                    # "]" comes only after an item without a comma (an empty list is "[]"):
                    # here it would close a list after a trailing comma, which JSON forbids.
                    if item in (b"]\n", b"],\n"):
                        return None
                    if not item.endswith(b",\n"):
                        if not item.endswith(b"\n"):
                            return None
                        items.append(strict_json(item))
                        item = next(lines, b"")
                        if item not in (b"]\n", b"],\n"):
                            return None
                        more = item == b"],\n"
                        break
                    items.append(strict_json(item[:-2]))
                else:
                    return None
                data[key] = items
            else:
                more = rest.endswith(b",")
                data[key] = strict_json(rest[:-1] if more else rest)
            if not more:
                closing_next = next(lines, b"")
                if closing_next != b"}\n" or next(lines, b"") != b"":
                    return None
                return data
    except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError: let the full parse say it
        return None
    return None
