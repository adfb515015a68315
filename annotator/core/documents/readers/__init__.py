"""Read files of the supported formats into texts ready to become documents.

``read_file`` turns one file into one or more ``ExtractedText``: one per file for the
single-text formats (or one per part when asked to split), one per row for CSV/TSV/JSONL.
Every failure is a ``ReadError`` whose message gives the reason without the path.

This module is the registry: the extensions, the size limits and which reader takes which file.
The readers live beside it: html.py, office.py (.docx, .pdf), tabular.py (.csv, .tsv, .jsonl);
plain text is decoded by core/documents/decoding.py. To add a format, write its reader there and
add its extension to SUPPORTED_EXTENSIONS and to ``read_file`` (and docs/import.md).
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.documents.decoding import decode_bytes, split_on_blank_lines, split_on_regex
from annotator.core.documents.readers.common import ExtractedText, ImportOptions, refuse_nul
from annotator.core.documents.readers.html import html_text
from annotator.core.documents.readers.office import (
    MAX_DOCX_PARAGRAPHS,
    MAX_DOCX_TAGS,
    MAX_DOCX_XML_BYTES,
    docx_text,
    pdf_text,
)
from annotator.core.documents.readers.tabular import read_csv, read_jsonl
from annotator.core.errors import ReadError, ValidationError
from annotator.core.files import MiB, read_bounded
from annotator.core.text import normalise

__all__ = ["MAX_DOCX_BYTES", "MAX_DOCX_PARAGRAPHS", "MAX_DOCX_TAGS", "MAX_DOCX_XML_BYTES", "MAX_FILE_BYTES",
           "MAX_HTML_BYTES", "MiB", "SUPPORTED_EXTENSIONS", "ExtractedText", "ImportOptions", "read_file"]


SUPPORTED_EXTENSIONS: tuple[str, ...] = (
    ".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".csv", ".tsv", ".jsonl",
)

# Limits, checked before the heavy work (docs/import.md, "Limits"). Every reader is linear in its
# input, so a file within them is read in seconds.
MAX_FILE_BYTES = 256 * MiB  # .txt .md .csv .tsv .jsonl .pdf, as stored on disk
MAX_HTML_BYTES = 64 * MiB  # .html .htm
MAX_DOCX_BYTES = 64 * MiB  # the .docx (zip) file


def read_file(path: Path, options: ImportOptions = ImportOptions()) -> list[ExtractedText]:
    """Read ``path`` into one or more texts; raise ReadError (or ValidationError for
    contradictory options) with a reason that does not include the path. A text holding U+0000
    is refused whatever the format (``refuse_nul``)."""
    return refuse_nul(_read_file(path, options))


def _read_file(path: Path, options: ImportOptions) -> list[ExtractedText]:
    path = Path(path)
    extension = path.suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        shown = f"'{extension}'" if extension else "(no extension)"
        raise ReadError(
            f"unsupported file type {shown} (supported: {', '.join(SUPPORTED_EXTENSIONS)})"
        )
    if options.split_blank_lines is not None and options.split_regex is not None:
        raise ValidationError("choose one of --split-on-blank-lines and --split-regex")
    limit = {".html": MAX_HTML_BYTES, ".htm": MAX_HTML_BYTES, ".docx": MAX_DOCX_BYTES}.get(extension,
                                                                                            MAX_FILE_BYTES)
    data = read_bounded(path, limit)

    if extension in (".csv", ".tsv"):
        return read_csv(path, data, options, "\t" if extension == ".tsv" else None)
    if extension == ".jsonl":
        return read_jsonl(path, data, options)
    if extension == ".docx":
        text, metadata, encoding = docx_text(data), {}, None
    elif extension == ".pdf":
        text, metadata, encoding = pdf_text(data), {}, None
    elif extension in (".html", ".htm"):
        text, metadata, encoding = html_text(data, options.encoding)
    else:
        text, encoding = decode_bytes(data, options.encoding)
        metadata = {}
    return _single_text(path, normalise(text), metadata, encoding, options)


def _single_text(
    path: Path, text: str, metadata: dict, encoding: str | None, options: ImportOptions
) -> list[ExtractedText]:
    """One text for the whole file, or one per part when the options ask for a split."""
    if not text.strip():
        raise ReadError("no text found")
    if options.split_blank_lines is not None:
        parts = split_on_blank_lines(text, options.split_blank_lines)
    elif options.split_regex is not None:
        parts = split_on_regex(text, options.split_regex)
    else:
        return [ExtractedText(path.name, text, metadata, encoding)]
    return [
        ExtractedText(part.title, part.text, {**metadata, "part": i, "line": part.line}, encoding)
        for i, part in enumerate(parts, start=1)
    ]
