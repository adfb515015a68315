"""Text for the terminal: names and titles from a project or a file can hold control characters
and escape sequences (a title "\\x1b]0;pwned\\x07" retitles the terminal, "\\x1b[2J" clears it,
U+202E turns the rest of the line around). The CLI writes through ``SafeText``, which shows them
escaped as ``\\u001b`` (also a valid escape inside a JSON string, so ``--format json`` output keeps
its values). Binary output (a file written to stdout) goes to ``sys.stdout.buffer``, untouched."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, bidirectional embeddings/overrides/isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def neutralise(text: str) -> str:
    """``text`` with every unsafe character replaced by its ``\\uXXXX`` escape."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeText:
    """A text stream that neutralises what is written to it; everything else is the stream's."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(neutralise(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
