"""Turning file bytes into text and a text into parts: encoding detection and splitting.

Every part produced by a split is an exact substring of the text it was split from, so offsets
into a part are offsets into the text (``line`` says where it starts).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from annotator.core.errors import ReadError, ValidationError

# Checked in this order: a UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8", "utf-8 (BOM)"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le (BOM)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le (BOM)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be (BOM)"),
)

# Control bytes that plain text may contain: \t \n \v \f \r and ESC.
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")


def _decode_error(name: str, data: bytes, offset: int) -> ReadError:
    return ReadError(f"cannot decode as {name}: byte 0x{data[offset]:02x} at offset {offset}")


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode file bytes to text; return ``(text, name of the encoding used)``.

    With ``encoding`` the data is decoded strictly with it. Without, the encoding is
    detected: a BOM, then BOM-less UTF-16, then (after rejecting binary data) UTF-8 and
    finally cp1252. The text is returned un-normalised but never starts with a BOM that
    identified the encoding.
    """
    if not data:
        raise ReadError("file is empty")
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise ReadError(f"unknown encoding '{encoding}'") from None
        except UnicodeDecodeError as error:
            raise _decode_error(encoding, data, error.start) from None

    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), label
            except UnicodeDecodeError as error:
                if codec.startswith("utf-32"):
                    continue  # FF FE 00 00 may be a UTF-16 LE BOM followed by U+0000
                raise _decode_error(codec, data, len(bom) + error.start) from None

    utf16 = _guess_utf16(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: the NUL bytes make it binary below

    head = data[:8192]
    controls = sum(
        1 for byte in head if (byte < 0x20 or byte == 0x7F) and byte not in _TEXT_CONTROLS
    )
    if b"\x00" in data or controls > len(head) / 10:
        raise ReadError("looks like binary data, not text")

    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise ReadError(
            f"cannot decode: byte 0x{data[error.start]:02x} at offset {error.start} "
            "is neither UTF-8 nor cp1252; pass --encoding"
        ) from None


def _guess_utf16(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' if the NUL bytes look like BOM-less UTF-16, else None."""
    if len(data) < 4 or len(data) % 2:
        return None
    nuls = data.count(0)
    if nuls < 0.3 * len(data):
        return None
    odd = data[1::2].count(0)
    if odd >= 0.9 * nuls:
        return "utf-16-le"
    if nuls - odd >= 0.9 * nuls:
        return "utf-16-be"
    return None


@dataclass(frozen=True)
class Part:
    """A piece of a split text: ``line`` is the 1-based line number of its first line."""

    title: str
    text: str
    line: int


def first_line_title(text: str, max_chars: int = 120) -> str:
    """The first non-blank line, stripped; longer than ``max_chars`` it is cut at a word
    boundary and ends with "…" (``max_chars`` characters at most). "" if there is none."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) <= max_chars:
            return line
        limit = max(max_chars - 1, 1)
        cut = line[:limit]
        if not line[limit].isspace():
            word_start = re.search(r"\s\S*$", cut)  # the word that runs past the limit
            if word_start and word_start.start() > 0:
                cut = cut[: word_start.start()]
        return cut.rstrip() + "…"
    return ""


def _is_blank(line: str) -> bool:
    return not line.strip()


def _parts(lines: list[str], segments: list[tuple[int, int]]) -> list[Part]:
    """Turn ``[start, end)`` line ranges into Parts, trimming blank lines at both ends."""
    parts = []
    for start, end in segments:
        while start < end and _is_blank(lines[start]):
            start += 1
        while end > start and _is_blank(lines[end - 1]):
            end -= 1
        if start < end:
            text = "\n".join(lines[start:end])
            parts.append(Part(title=first_line_title(text), text=text, line=start + 1))
    return parts


def split_on_blank_lines(text: str, n: int) -> list[Part]:
    """Split where ``n`` or more consecutive blank (empty or whitespace-only) lines occur."""
    if n < 1:
        raise ValidationError(f"--split-on-blank-lines needs a number of at least 1, not {n}")
    lines = text.split("\n")
    segments = []
    start = 0
    blank_run = 0
    for index, line in enumerate(lines):
        if _is_blank(line):
            blank_run += 1
            continue
        if blank_run >= n:
            segments.append((start, index))
            start = index
        blank_run = 0
    segments.append((start, len(lines)))
    return _parts(lines, segments)


def split_on_regex(text: str, pattern: str) -> list[Part]:
    """Start a new part at each line where ``re.search(pattern, line)`` matches."""
    try:
        regex = re.compile(pattern)
    except re.error as error:
        raise ValidationError(f"invalid --split-regex '{pattern}': {error}") from None
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if regex.search(line)]
    bounds = [0, *starts, len(lines)]
    segments = [(a, b) for a, b in zip(bounds, bounds[1:]) if a < b]
    return _parts(lines, segments)
