"""Read files of the supported formats into texts ready to become documents.

``read_file`` turns one file into one or more ``ExtractedText``: one per file for the
single-text formats (or one per part when asked to split), one per row for CSV/TSV/JSONL.
Every failure is a ``ReadError`` whose message gives the reason without the path.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from annotator.core.errors import ReadError, ValidationError
from annotator.core.files import MiB, read_bounded
from annotator.core.text import (
    decode_bytes,
    first_line_title,
    normalise,
    split_on_blank_lines,
    split_on_regex,
)


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


SUPPORTED_EXTENSIONS: tuple[str, ...] = (
    ".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".csv", ".tsv", ".jsonl",
)

# Limits, checked before the heavy work (docs/import.md, "Limits"). Every reader is linear in its
# input, so a file within them is read in seconds.
MAX_FILE_BYTES = 256 * MiB  # .txt .md .csv .tsv .jsonl .pdf, as stored on disk
MAX_HTML_BYTES = 64 * MiB  # .html .htm
MAX_DOCX_BYTES = 64 * MiB  # the .docx (zip) file
MAX_DOCX_XML_BYTES = 128 * MiB  # its word/document.xml, decompressed
MAX_DOCX_PARAGRAPHS = 200_000  # <w:p> elements (a 1,000-page book has about 15,000)
MAX_DOCX_TAGS = 4_000_000  # XML tags of any kind in word/document.xml


def read_file(path: Path, options: ImportOptions = ImportOptions()) -> list[ExtractedText]:
    """Read ``path`` into one or more texts; raise ReadError (or ValidationError for
    contradictory options) with a reason that does not include the path."""
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
        return _read_csv(path, data, options, "\t" if extension == ".tsv" else None)
    if extension == ".jsonl":
        return _read_jsonl(path, data, options)
    if extension == ".docx":
        text, metadata, encoding = _docx_text(data), {}, None
    elif extension == ".pdf":
        text, metadata, encoding = _pdf_text(data), {}, None
    elif extension in (".html", ".htm"):
        text, metadata, encoding = _html_text(data, options.encoding)
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


def _names(names) -> str:
    """Column or field names for a message: at most 10, each cut to 40 characters."""
    names = list(names)
    shown = [name if len(name) <= 40 else name[:39] + "…" for name in names[:10]]
    return ", ".join(shown) + (f", … ({len(names):,} in all)" if len(names) > 10 else "")


def _short(error: BaseException) -> str:
    """A one-line, short description of a library exception."""
    if isinstance(error, KeyError) and error.args:
        reason = str(error.args[0])
    else:
        reason = str(error)
    reason = reason.strip().splitlines()[0] if reason.strip() else type(error).__name__
    return reason if len(reason) <= 120 else reason[:119] + "…"


# --- HTML -------------------------------------------------------------------------------

_HTML_SKIP = frozenset({"script", "style", "noscript", "template"})
_HEAD_CONTENT = frozenset(
    {"title", "meta", "link", "base", "script", "style", "noscript", "template"}
)
_LINE_BLOCKS = frozenset({
    "div", "li", "tr", "header", "footer", "main", "nav", "aside", "figcaption",
    "dl", "dt", "dd", "form", "address",
})
_PARAGRAPH_BLOCKS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table",
    "section", "article", "figure", "hr",
})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace: NBSP is not collapsed
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML page, one output line per rendered line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, bool]] = []  # (line, is verbatim <pre> text)
        self.current: list[str] = []  # the pieces of the line being built, none empty
        self.current_pre = False
        self.want_blank = False
        self.skip_depth = 0
        self.in_head = False
        self.pre_depth = 0
        self.pre_just_opened = False
        self.cells_in_row = 0
        self.title: list[str] | None = None
        self.titles: list[str] = []

    # line building

    def _end_line(self, force: bool = False) -> None:
        line = "".join(self.current)
        line = line if self.current_pre else line.strip(" ")
        if line or force:
            if self.want_blank and self.lines:
                self.lines.append(("", False))
            self.want_blank = False
            self.lines.append((line, self.current_pre))
        self.current = []
        self.current_pre = False

    def _add(self, data: str) -> None:
        if data:
            self.current.append(data)

    def _paragraph_break(self) -> None:
        self._end_line()
        self.want_blank = True

    # parser callbacks

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.in_head and tag not in _HEAD_CONTENT:
            self.in_head = False  # an optional </head> was left out
        if tag == "title":
            self.title = []
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag in _HTML_SKIP:
            self.skip_depth += 1
        if self._skipping():
            return
        if tag == "br":
            self._end_line(force=True)
        elif tag in _PARAGRAPH_BLOCKS:
            self._paragraph_break()
        elif tag in _LINE_BLOCKS:
            self._end_line()
        if tag == "pre":
            self.pre_depth += 1
            self.pre_just_opened = True
        elif tag == "tr":
            self.cells_in_row = 0
        elif tag in ("td", "th"):
            if self.cells_in_row:
                while self.current and not self.current[-1].rstrip(" "):
                    self.current.pop()  # each piece is popped once: linear
                if self.current:
                    self.current[-1] = self.current[-1].rstrip(" ")
                self.current.append("\t")
            self.cells_in_row += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.title is not None:
            self.titles.append("".join(self.title))
            self.title = None
        if tag == "head":
            self.in_head = False
            return
        if tag in _HTML_SKIP:
            self.skip_depth = max(self.skip_depth - 1, 0)
            return
        if self._skipping():
            return
        if tag in _PARAGRAPH_BLOCKS:
            self._paragraph_break()
        elif tag in _LINE_BLOCKS:
            self._end_line()
        if tag == "pre":
            self.pre_depth = max(self.pre_depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.title is not None:
            self.title.append(data)
            return
        if self._skipping():
            return
        if self.pre_depth:
            if self.pre_just_opened and data.startswith(("\r\n", "\n", "\r")):
                data = data[2:] if data.startswith("\r\n") else data[1:]
            self.pre_just_opened = False
            pieces = re.split(r"\r\n|\r|\n", data)
            self._add(pieces[0])
            self.current_pre = True
            for piece in pieces[1:]:
                self._end_line(force=True)
                self._add(piece)
                self.current_pre = True
            return
        data = _HTML_SPACE.sub(" ", data)
        if data.startswith(" ") and (not self.current or self.current[-1][-1] in " \t"):
            data = data[1:]
        self._add(data)

    def _skipping(self) -> bool:
        return self.in_head or self.skip_depth > 0

    def text(self) -> str:
        """The collected text, with at most one blank line in a row and none at the ends."""
        self._end_line()
        out: list[str] = []
        for line, verbatim in self.lines:
            if not line and not verbatim and (not out or not out[-1]):
                continue
            out.append(line)
        while out and not out[-1].strip():
            out.pop()
        start = next((i for i, line in enumerate(out) if line.strip()), len(out))
        return "\n".join(out[start:])  # not out.pop(0) in a loop: that is quadratic


def _html_encoding(data: bytes) -> str | None:
    """The charset a BOM-less page declares in a <meta> tag, as a Python codec name."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    match = _META_CHARSET.search(data[:2048])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a page readable as ASCII is not UTF-16 (as browsers do)
    if name in ("iso8859-1", "ascii"):
        return "cp1252"  # what browsers use for these labels
    return name


def _unclosable_as_text(text: str) -> str:
    """The page with each ``<`` after its last ``>`` written as ``&lt;``.

    Every tag, comment and declaration ends with ``>``, so those can never be closed; html.parser
    (before Python 3.13.4 and 3.12.11) reads them as text too, but rescans the rest of the page for
    each one: quadratic (``"<a " * 40_000`` took 77 s). Escaped, they are plain text at once."""
    end = text.rfind(">") + 1
    tail = text[end:]
    return text[:end] + tail.replace("<", "&lt;") if "<" in tail else text


def _html_text(data: bytes, encoding: str | None) -> tuple[str, dict, str]:
    """Decode a page and extract its visible text; metadata holds its <title>."""
    declared = None if encoding else _html_encoding(data)
    if declared:
        try:
            text, used = decode_bytes(data, declared)
        except ReadError:
            text, used = decode_bytes(data)  # the declaration was wrong: detect instead
    else:
        text, used = decode_bytes(data, encoding)
    parser = _TextExtractor()
    try:
        parser.feed(_unclosable_as_text(text))
        parser.close()
    except Exception as error:  # html.parser is lenient; this is a last resort
        raise ReadError(f"cannot parse the HTML ({_short(error)})") from None
    metadata = {}
    title = " ".join(" ".join(parser.titles).split())
    if title:
        metadata["html_title"] = title
    return parser.text(), metadata, used


# --- DOCX and PDF -----------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    """Paragraphs as lines and table rows as tab-separated lines, in document order."""
    import docx
    from docx.table import Table

    _check_docx_size(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend("\t".join(cell.text for cell in row.cells) for row in block.rows)
            else:
                lines.append(block.text)
    except Exception as error:  # BadZipFile, KeyError, lxml and python-docx errors
        reason = "not a zip archive" if type(error).__name__ == "BadZipFile" else _short(error)
        raise ReadError(f"not a valid .docx file ({reason})") from None
    return "\n".join(lines)


def _check_docx_size(data: bytes) -> None:
    """Refuse a .docx whose word/document.xml would be too big to parse (checked on the zip's
    declared size, then on the bytes actually decompressed, read with a cap)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                info = archive.getinfo("word/document.xml")
            except KeyError:
                return  # python-docx explains what is missing
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise ReadError(f"the .docx holds {info.file_size / MiB:.0f} MiB of document XML; "
                                f"up to {MAX_DOCX_XML_BYTES // MiB} MiB are read")
            with archive.open(info) as member:
                xml = member.read(MAX_DOCX_XML_BYTES + 1)
    except ReadError:
        raise
    except Exception:  # a damaged archive (BadZipFile, zlib.error, EOFError, ...): python-docx gives the reason
        return
    if len(xml) > MAX_DOCX_XML_BYTES:
        raise ReadError(f"the .docx holds more than {MAX_DOCX_XML_BYTES // MiB} MiB of document XML")
    paragraphs = xml.count(b"<w:p>") + xml.count(b"<w:p ") + xml.count(b"<w:p/>")
    if paragraphs > MAX_DOCX_PARAGRAPHS:
        raise ReadError(f"the .docx has {paragraphs:,} paragraphs; up to {MAX_DOCX_PARAGRAPHS:,} are read")
    if xml.count(b"<") > MAX_DOCX_TAGS:
        raise ReadError(f"the .docx has more than {MAX_DOCX_TAGS:,} XML tags")


def _pdf_text(data: bytes) -> str:
    """The text layer of every page, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)  # damaged files make pypdf log many warnings
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                decrypted = reader.decrypt("")  # enough for owner-password-only files
            except DependencyError:
                raise ReadError(
                    "the PDF is AES-encrypted and reading it needs the Python package "
                    "'cryptography', which is not installed"
                ) from None
            except Exception:
                decrypted = 0
            if not decrypted:
                raise ReadError("the PDF is encrypted and needs a password")
        pages = [(page.extract_text() or "").rstrip() for page in reader.pages]
    except ReadError:
        raise
    except Exception as error:  # pypdf errors, and what damaged files make it raise
        raise ReadError(f"not a valid PDF ({_short(error)})") from None
    finally:
        logger.setLevel(level)
    text = "\n\n".join(pages)
    if not text.strip():
        raise ReadError("the PDF has no text layer (a scanned image?); run OCR on it first")
    return text


# --- CSV, TSV and JSONL -----------------------------------------------------------------


def _row_title(value: object, text: str) -> str:
    """A title cell's value on one line, or the text's first line when it is empty."""
    title = " ".join(str(value).split()) if value is not None else ""
    return title or first_line_title(text)


def _read_csv(
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
            raise ReadError(f"no column '{name}' (columns: {_names(header)}); use {option}")
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


def _read_jsonl(path: Path, data: bytes, options: ImportOptions) -> list[ExtractedText]:
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
        fields = _names(record)
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
