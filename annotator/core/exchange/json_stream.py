"""A JSON file's top-level object read incrementally: its members one by one, and the items of a
chosen list one by one, so that a file of any size is read in memory bounded by its largest item.

The bytes are read in blocks of READ_BYTES and decoded as UTF-8 (a byte-order mark allowed), and
each value is decoded by the json module's C scanner (``raw_decode``) straight from the buffer.
Annotator's own layout (one list item per line, export_file.write_stream) is thus read a line at a
time; any other layout of valid JSON (pretty-printed, minified on one line) reads the same way.
It is as strict as ``files.parse_json`` (NaN and Infinity refused) and its errors say the same, in
the same words, for the same place: ``StreamError`` with the reason that ``parse_json`` gives
("not valid JSON at line 3, column 7: Expecting ',' delimiter"), line and column counted over the
whole file. Own code rather than a library such as ijson: the C scanner does the work, the file's
own layout is one value per line, and the errors must be worded exactly like the full parse's.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

READ_BYTES = 1 << 20
_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's four (RFC 8259 §2)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)  # as files.strict_json
_NEAR_END = 16  # an error this close to the buffer's end may be a value cut by the block boundary


class StreamError(ValueError):
    """The file is not valid JSON (or not UTF-8, or empty); the reason as ``parse_json`` words it."""


class StreamedList:
    """The items of a list member, read as they are iterated (once, before the next member)."""

    def __init__(self, reader: JSONStream):
        self._items = reader._items()

    def __iter__(self) -> Iterator[Any]:
        return self._items


class JSONStream:
    """``members(streamed)`` of the top-level JSON value in ``handle`` (binary, at the start)."""

    def __init__(self, handle: BinaryIO, not_utf8: str = ""):
        self._handle, self._not_utf8 = handle, not_utf8
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._buf, self._pos, self._eof, self._first = "", 0, False, True
        self._lines = 0  # newlines in the text already dropped from the buffer
        self._column = 0  # characters after the last of them
        self._bytes = 0  # bytes read
        self._dropped = 0  # characters dropped from the buffer

    @property
    def position(self) -> int:
        """The characters read so far (a measure of the size of what was read between two calls)."""
        return self._dropped + self._pos

    # -- the buffer ------------------------------------------------------------------------------

    def _more(self, at_least: int = 0) -> bool:
        """Drop the text before the position and read another block (or more, up to ``at_least``
        characters in the buffer); False at the end of the file."""
        if self._eof:
            return False
        gone = self._buf[:self._pos]
        newlines = gone.count("\n")
        self._lines += newlines
        self._column = len(gone) - gone.rfind("\n") - 1 if newlines else self._column + len(gone)
        parts, size = [self._buf[self._pos:]], len(self._buf) - self._pos
        self._dropped += self._pos
        self._buf, self._pos = "", 0
        while not self._eof and (size < at_least or len(parts) == 1):
            block = self._handle.read(READ_BYTES)
            pending = len(self._decoder.getstate()[0])
            try:
                text = self._decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                at = self._bytes - pending + exc.start
                raise StreamError(f"not UTF-8 text (byte {at}){self._not_utf8}") from None
            self._bytes += len(block)
            self._eof = not block
            if self._first and text:
                text, self._first = text.removeprefix("\ufeff"), False
            parts.append(text)
            size += len(text)
        self._buf = "".join(parts)
        return True

    def _skip(self) -> str:
        """Skip white space; the next character, or "" at the end of the file."""
        while True:
            self._pos = _WHITESPACE.match(self._buf, self._pos).end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._more():
                return ""

    def _rest_is_utf8(self) -> None:
        """Before an error is raised: the full parse decodes the whole file first, so a byte that is
        not UTF-8 anywhere in it is the error it reports. Reads the rest without keeping it."""
        while not self._eof:
            block = self._handle.read(READ_BYTES)
            pending = len(self._decoder.getstate()[0])
            try:
                self._decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                at = self._bytes - pending + exc.start
                raise StreamError(f"not UTF-8 text (byte {at}){self._not_utf8}") from None
            self._bytes += len(block)
            self._eof = not block

    def _fail(self, message: str, pos: int | None = None):
        pos = self._pos if pos is None else pos
        at_end = self._eof
        self._rest_is_utf8()
        line = self._lines + self._buf.count("\n", 0, pos) + 1
        last = self._buf.rfind("\n", 0, pos)
        column = pos - last if last >= 0 else self._column + pos + 1
        if at_end and not self._buf[pos:].strip(" \t\n\r"):  # as parse_json(..., truncated=True)
            message = "the file ends too early (truncated?)"
        raise StreamError(f"not valid JSON at line {line}, column {column}: {message}")

    def _value(self) -> Any:
        """The JSON value at the position (after white space), decoded whole."""
        self._skip()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self._buf) - _NEAR_END or exc.msg.startswith("Unterminated string")
                if cut and self._more(2 * (len(self._buf) - self._pos) + READ_BYTES):
                    continue
                self._fail(exc.msg, exc.pos)
            except RecursionError:
                self._rest_is_utf8()
                raise StreamError("JSON nested too deeply") from None
            except ValueError as exc:  # NaN or Infinity, matched whole (a cut one is an error above)
                self._rest_is_utf8()
                raise StreamError(f"not valid JSON: {exc}") from None
            if end == len(self._buf) and self._more(len(self._buf) - self._pos + READ_BYTES):
                continue  # a number (or true, false, null) may go on in the next block
            self._pos = end
            return value

    # -- the structure -----------------------------------------------------------------------------

    def members(self, streamed: frozenset[str] = frozenset()) -> Iterator[tuple[str, Any]]:
        """(key, value) of each member of the top-level object, in file order; a member named in
        ``streamed`` whose value is a list comes as a ``StreamedList``, to be iterated before the
        next member is asked for. A top-level value that is not an object is given as
        ``("", value)``. Ends after checking that nothing but white space follows."""
        first = self._skip()
        if not first:
            if self._bytes and self._handle.seek(0) == 0 and self._handle.read(READ_BYTES).strip():
                self._fail("Expecting value")  # a byte-order mark alone: parse_json's words
            raise StreamError("the file is empty")
        if first != "{":
            value = self._value()
            self._end()
            yield "", value
            return
        self._pos += 1
        if self._skip() == "}":
            self._pos += 1
        else:
            while True:
                if self._skip() != '"':
                    self._fail("Expecting property name enclosed in double quotes")
                key = self._value()
                if self._skip() != ":":
                    self._fail("Expecting ':' delimiter")
                self._pos += 1
                if key in streamed and self._skip() == "[":
                    self._pos += 1
                    items = StreamedList(self)
                    yield key, items
                    for _ in items:  # what the caller left unread
                        pass
                else:
                    yield key, self._value()
                if self._closed("}"):
                    break
        self._end()

    def _closed(self, closing: str) -> bool:
        """After a member or an item: True at ``closing``, False at a comma (both passed)."""
        after = self._skip()
        self._pos += 1
        if after != closing and after != ",":
            self._fail("Expecting ',' delimiter", self._pos - 1)
        return after == closing

    def _items(self) -> Iterator[Any]:
        if self._skip() == "]":
            self._pos += 1
            return
        while True:
            yield self._value()
            if self._closed("]"):
                return

    def _end(self) -> None:
        if self._skip():
            self._fail("Extra data")
