"""What every reader shares: the import options, the text a reader returns, and message helpers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportOptions:
    """How to read files; the fields mirror the import command's options."""

    encoding: str | None = None  # override detection for text-like files
    split_blank_lines: int | None = None  # --split-on-blank-lines N
    split_regex: str | None = None  # --split-regex RE
    text_field: str | None = None  # CSV/JSONL column with the text (default "text")
    title_field: str | None = None  # CSV/JSONL column with the title (default "title" if present)


@dataclass(frozen=True)
class ExtractedText:
    """One text read from a file; ``text`` is normalised and never blank."""

    title: str
    text: str
    metadata: dict  # JSON-serialisable
    encoding: str | None  # encoding used, None for docx/pdf


def field_names(names) -> str:
    """Column or field names for a message: at most 10, each cut to 40 characters."""
    names = list(names)
    shown = [name if len(name) <= 40 else name[:39] + "…" for name in names[:10]]
    return ", ".join(shown) + (f", … ({len(names):,} in all)" if len(names) > 10 else "")


def short_error(error: BaseException) -> str:
    """A one-line, short description of a library exception."""
    if isinstance(error, KeyError) and error.args:
        reason = str(error.args[0])
    else:
        reason = str(error)
    reason = reason.strip().splitlines()[0] if reason.strip() else type(error).__name__
    return reason if len(reason) <= 120 else reason[:119] + "…"
