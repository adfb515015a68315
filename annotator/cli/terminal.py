"""Text for the terminal: names and titles from a project or a file can hold control characters
and escape sequences (a title "\\x1b]0;pwned\\x07" retitles the terminal, "\\x1b[2J" clears it,
U+202E turns the rest of the line around). The CLI writes through ``SafeText``, which shows them
escaped as ``\\u001b`` (also a valid escape inside a JSON string, so ``--format json`` output keeps
its values). Binary output (a file written to stdout) goes to ``sys.stdout.buffer``, untouched.

A reader may stop early (``annotator export P -o - | head -1``): ``EarlyClose`` then drops the rest
of the output instead of raising BrokenPipeError, so the command finishes and exits with its own
status, printing nothing more."""

from __future__ import annotations

import io
import os
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


class EarlyClose:
    """A stream (text, or binary as its ``buffer``) that survives its reader closing the pipe: the
    first BrokenPipeError points the file descriptor at os.devnull, so this write, every later
    one and the interpreter's last flush go nowhere, and ``closed_early`` becomes true (for the
    stream and its buffer alike)."""

    def __init__(self, stream, state: dict | None = None) -> None:
        self._stream = stream
        self._state = {"closed": False} if state is None else state

    @property
    def closed_early(self) -> bool:
        return self._state["closed"]

    @property
    def buffer(self) -> EarlyClose:
        return EarlyClose(self._stream.buffer, self._state)

    def write(self, data):
        if self._state["closed"]:
            return len(data)
        try:
            done = self._stream.write(data)
            while done is not None and done < len(data):  # an unbuffered binary stream (python -u) may
                done += self._stream.write(data[done:])    # write part; the rest meets the closed pipe
            return len(data)
        except BrokenPipeError:
            self._close()
            return len(data)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._close()

    def _close(self) -> None:
        self._state["closed"] = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self._stream.fileno())
            finally:
                os.close(devnull)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass  # a stream without a descriptor: the flag alone drops what follows

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
