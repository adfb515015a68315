"""The one place that converts between stored offsets (code points) and Qt positions (UTF-16 units).

Python indexes a ``str`` by code point; Qt's QString, QTextCursor and QTextLayout count UTF-16
units, in which every character above U+FFFF (emoji, many CJK extensions, mathematical letters)
takes two. The core stores code points everywhere; the GUI converts here, at the Qt boundary, and
nowhere else. Document texts are normalised at import (line endings are ``\\n``), so each ``\\n``
is exactly one Qt block separator and positions agree otherwise.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Converts positions in one text. Cheap to build (one pass) and O(log n) per conversion;
    a text without astral characters converts by identity."""

    __slots__ = ("_astral", "_astral_qt")

    def __init__(self, text: str) -> None:
        # Code-point indices of the astral characters, and their UTF-16 positions.
        if text.isascii():
            self._astral: list[int] = []
        else:
            self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_qt = [cp + n for n, cp in enumerate(self._astral)]

    def to_qt(self, offset: int) -> int:
        """UTF-16 position of code-point ``offset`` (0 ≤ offset ≤ len(text))."""
        if not self._astral:
            return offset
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        """Code-point offset of UTF-16 ``position``. A position inside a surrogate pair (which Qt's
        cursor never produces) maps to the start of that character."""
        if not self._astral:
            return position
        whole = bisect_right(self._astral_qt, position - 2)  # astral characters ending at or before it
        inside = whole < len(self._astral_qt) and self._astral_qt[whole] == position - 1
        return position - whole - (1 if inside else 0)

    def qt_length(self, start: int, end: int) -> int:
        """UTF-16 length of the code-point span ``[start, end)``."""
        return self.to_qt(end) - self.to_qt(start)


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 units (Qt's ``len``)."""
    return len(text) + len(_ASTRAL.findall(text)) if not text.isascii() else len(text)
