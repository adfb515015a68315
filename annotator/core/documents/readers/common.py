"""What every reader shares: the import options, the text a reader returns, and message helpers."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.errors import ReadError


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


NUL_REASON = "holds NUL characters (U+0000), which a project cannot store; is this a binary file?"


def refuse_nul(texts: list[ExtractedText]) -> list[ExtractedText]:
    """``texts`` unchanged, or ReadError when one holds U+0000 in its text, title or metadata.

    Every reader's result passes here (``read_file``), so every format is refused the same way,
    with one reason: PostgreSQL's text and jsonb cannot hold U+0000 (SQLite can), and a project
    must hold the same on both engines (issue 19, T2). Plain text with NUL bytes is refused
    earlier, as binary data, unless an encoding is given."""
    for number, item in enumerate(texts, start=1):
        where = None
        if "\x00" in item.text:
            line = item.text.count("\n", 0, item.text.index("\x00")) + 1
            where = f"line {line} of the text" if len(texts) == 1 else f"line {line} of text {number}"
        elif "\x00" in item.title:
            where = "its title"
        elif _has_nul(item.metadata):
            where = "its metadata" if len(texts) == 1 else f"the metadata of text {number}"
        if where:
            raise ReadError(f"{where} {NUL_REASON}")
    return texts


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False
