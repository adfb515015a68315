"""HTML pages (.html, .htm): the visible text, one line per rendered line, and the <title>."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from annotator.core.documents.decoding import decode_bytes
from annotator.core.documents.readers.common import short_error
from annotator.core.errors import ReadError

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


def html_text(data: bytes, encoding: str | None) -> tuple[str, dict, str]:
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
        raise ReadError(f"cannot parse the HTML ({short_error(error)})") from None
    metadata = {}
    title = " ".join(" ".join(parser.titles).split())
    if title:
        metadata["html_title"] = title
    return parser.text(), metadata, used
