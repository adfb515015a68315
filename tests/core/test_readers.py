"""Tests for annotator.core.documents.readers: every supported format, its failures and splitting."""

import codecs
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from annotator.core.documents.readers import (
    SUPPORTED_EXTENSIONS,
    ExtractedText,
    ImportOptions,
    read_file,
)
from annotator.core.errors import ReadError, ValidationError
from annotator.core.text import normalise

SENTENCE = "The quick brown fox jumps over the lazy dog."


def read(path: Path, **options) -> list[ExtractedText]:
    """read_file plus the invariants every returned text must satisfy."""
    texts = read_file(path, ImportOptions(**options))
    assert texts
    for item in texts:
        assert item.text == normalise(item.text)
        assert "\r" not in item.text
        assert item.text.strip()
        json.dumps(item.metadata)  # JSON-serialisable
    return texts


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def error_of(path: Path, **options) -> str:
    with pytest.raises(ReadError) as error:
        read_file(path, ImportOptions(**options))
    return str(error.value)


# --- dispatch and plain text ------------------------------------------------------------


def test_supported_extensions():
    assert SUPPORTED_EXTENSIONS == (
        ".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".csv", ".tsv", ".jsonl",
    )


def test_unsupported_extension(tmp_path):
    message = error_of(write(tmp_path, "notes.xyz", "hello"))
    assert message.startswith("unsupported file type '.xyz' (supported: .txt, .md, ")
    assert ".jsonl" in message
    assert str(tmp_path) not in message


def test_missing_file_is_a_read_error(tmp_path):
    message = error_of(tmp_path / "gone.txt")
    assert message.startswith("cannot read the file")
    assert "gone.txt" not in message


def test_txt_special_characters_survive(tmp_path):
    raw = "Caf\u00e9\u00a0“quoted” ‘single’ 😀 trailing  \r\nCRLF\rlone CR\u2029para\ttab\u2028ls\n"
    [item] = read(write(tmp_path, "notes.txt", raw))
    assert item == ExtractedText(
        title="notes.txt",
        text="Caf\u00e9\u00a0“quoted” ‘single’ 😀 trailing  \nCRLF\nlone CR\npara\ttab\u2028ls\n",
        metadata={},
        encoding="utf-8",
    )


def test_md_and_upper_case_extension(tmp_path):
    [md] = read(write(tmp_path, "a.md", "# Title\n\ntext"))
    assert (md.text, md.encoding) == ("# Title\n\ntext", "utf-8")
    [upper] = read(write(tmp_path, "B.TXT", "hello"))
    assert (upper.title, upper.text) == ("B.TXT", "hello")
    [markdown] = read(write(tmp_path, "c.markdown", "x"))
    assert markdown.text == "x"


def test_txt_utf8_bom_is_dropped(tmp_path):
    [item] = read(write(tmp_path, "bom.txt", codecs.BOM_UTF8 + "héllo".encode()))
    assert (item.text, item.encoding) == ("héllo", "utf-8 (BOM)")


@pytest.mark.parametrize(
    "data, encoding",
    [
        (codecs.BOM_UTF16_LE + "Hi “there” 😀\r\nline".encode("utf-16-le"), "utf-16-le (BOM)"),
        (codecs.BOM_UTF16_BE + "Hi “there” 😀\r\nline".encode("utf-16-be"), "utf-16-be (BOM)"),
        ("Hi “there” 😀\r\nline".encode("utf-16-le"), "utf-16-le"),
        ("Hi “there” 😀\r\nline".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_txt_utf16(tmp_path, data, encoding):
    [item] = read(write(tmp_path, "u16.txt", data))
    assert (item.text, item.encoding) == ("Hi “there” 😀\nline", encoding)


def test_txt_cp1252(tmp_path):
    [item] = read(write(tmp_path, "old.txt", "café “quoted”\r\n".encode("cp1252")))
    assert (item.text, item.encoding) == ("café “quoted”\n", "cp1252")


def test_txt_undecodable(tmp_path):
    message = error_of(write(tmp_path, "bad.txt", b"abc\x81\x8d"))
    assert message == (
        "cannot decode: byte 0x81 at offset 3 is neither UTF-8 nor cp1252; pass --encoding"
    )


def test_txt_binary(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    assert error_of(write(tmp_path, "image.txt", png)) == "looks like binary data, not text"


def test_txt_empty_and_blank(tmp_path):
    assert error_of(write(tmp_path, "empty.txt", b"")) == "file is empty"
    assert error_of(write(tmp_path, "blank.txt", " \r\n\t\n")) == "no text found"
    assert error_of(write(tmp_path, "bom-only.txt", codecs.BOM_UTF8)) == "no text found"


def test_txt_encoding_override(tmp_path):
    path = write(tmp_path, "latin.txt", "café “x”".encode("cp1252"))
    [item] = read(path, encoding="latin-1")
    assert (item.text, item.encoding) == ("caf\u00e9 \x93x\x94", "latin-1")
    assert error_of(path, encoding="utf-8") == "cannot decode as utf-8: byte 0xe9 at offset 3"
    assert error_of(path, encoding="klingon") == "unknown encoding 'klingon'"


# --- splitting --------------------------------------------------------------------------


def test_split_on_blank_lines(tmp_path):
    path = write(tmp_path, "posts.txt", "First post\r\nbody  \r\n\r\n\r\nSecond post\r\n\r\nmore\r\n")
    texts = read(path, split_blank_lines=2)
    assert texts == [
        ExtractedText("First post", "First post\nbody  ", {"part": 1, "line": 1}, "utf-8"),
        ExtractedText("Second post", "Second post\n\nmore", {"part": 2, "line": 5}, "utf-8"),
    ]


def test_split_on_regex(tmp_path):
    path = write(tmp_path, "book.md", "Intro\n# One\ntext 1\n# Two\ntext 2")
    texts = read(path, split_regex=r"^# ")
    assert [(t.title, t.text, t.metadata) for t in texts] == [
        ("Intro", "Intro", {"part": 1, "line": 1}),
        ("# One", "# One\ntext 1", {"part": 2, "line": 2}),
        ("# Two", "# Two\ntext 2", {"part": 3, "line": 4}),
    ]


def test_split_options_conflict_and_validation(tmp_path):
    path = write(tmp_path, "a.txt", "text")
    with pytest.raises(ValidationError, match="choose one of --split-on-blank-lines and --split-regex"):
        read_file(path, ImportOptions(split_blank_lines=1, split_regex="x"))
    with pytest.raises(ValidationError, match=r"^invalid --split-regex '\[': "):
        read_file(path, ImportOptions(split_regex="["))
    with pytest.raises(ValidationError):
        read_file(path, ImportOptions(split_blank_lines=0))


# --- HTML -------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>  The   page title </title>
  <style>body { color: red; }</style>
  <script>var ignored = "head script";</script>
</head>
<body>
  <script>document.write("body script");</script>
  <noscript>enable JS</noscript>
  <template><p>template text</p></template>
  <h1>Main   heading</h1>
  <p>First
     paragraph with <b>bold</b> and <i>italic</i> text &amp; entities: &lt;tag&gt; &#8220;q&#8221;&nbsp;x</p>
  <p>Line one<br>Line two<br/>Line three</p>
  <pre>
  indented   code
    more  code
</pre>
  <ul><li>item one</li><li>item <em>two</em></li></ul>
  <table>
    <tr><th>Name</th><th> Value </th></tr>
    <tr><td>a</td><td>1</td></tr>
  </table>
  <div>div one</div><div>div two</div>
  <p></p><p></p>
  <p>Last 😀</p>
</body>
</html>
"""


def test_html_visible_text(tmp_path):
    [item] = read(write(tmp_path, "page.html", PAGE))
    assert item.title == "page.html"
    assert item.metadata == {"html_title": "The page title"}
    assert item.encoding == "utf-8"
    assert item.text == (
        "Main heading\n"
        "\n"
        "First paragraph with bold and italic text & entities: <tag> “q”\u00a0x\n"
        "\n"
        "Line one\nLine two\nLine three\n"
        "\n"
        "  indented   code\n    more  code\n"
        "\n"
        "item one\nitem two\n"
        "\n"
        "Name\tValue\na\t1\n"
        "\n"
        "div one\ndiv two\n"
        "\n"
        "Last 😀"
    )


def test_html_meta_charset_windows_1252(tmp_path):
    data = (
        b'<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head>'
        b"<body><p>\x93Quoted\x94 caf\xe9 \x80</p></body></html>"
    )
    [item] = read(write(tmp_path, "old.htm", data))
    assert item.text == "“Quoted” café €"
    assert item.metadata == {"html_title": "Café"}
    assert item.encoding == "cp1252"


def test_html_http_equiv_charset_and_override(tmp_path):
    data = (
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">'
        b"</head><body><p>\xa4 price</p></body></html>"
    )
    path = write(tmp_path, "euro.html", data)
    [item] = read(path)
    assert (item.text, item.encoding) == ("€ price", "iso8859-15")
    [latin] = read(path, encoding="latin-1")
    assert (latin.text, latin.encoding) == ("\u00a4 price", "latin-1")
    assert latin.metadata == {}


def test_html_without_charset_is_detected(tmp_path):
    [item] = read(write(tmp_path, "plain.html", "<p>naïve</p>\r\n<p>two</p>".encode("utf-8")))
    assert (item.text, item.encoding) == ("naïve\n\ntwo", "utf-8")
    [bom] = read(write(tmp_path, "bom.html", codecs.BOM_UTF16_LE + "<p>x é</p>".encode("utf-16-le")))
    assert (bom.text, bom.encoding) == ("x é", "utf-16-le (BOM)")


def test_html_without_closing_head(tmp_path):
    [item] = read(write(tmp_path, "a.html", "<html><head><title>T</title><p>Body text</p>"))
    assert item.text == "Body text"
    assert item.metadata == {"html_title": "T"}


def test_html_without_visible_text(tmp_path):
    path = write(tmp_path, "empty.html", "<html><head><title>Only</title></head><body><script>x</script></body></html>")
    assert error_of(path) == "no text found"


def test_html_split_keeps_title_metadata(tmp_path):
    path = write(tmp_path, "s.html", "<title>T</title><h2>A</h2><p>a</p><h2>B</h2><p>b</p>")
    texts = read(path, split_regex="^[AB]$")
    assert [(t.title, t.text, t.metadata) for t in texts] == [
        ("A", "A\n\na", {"html_title": "T", "part": 1, "line": 1}),
        ("B", "B\n\nb", {"html_title": "T", "part": 2, "line": 5}),
    ]


# --- DOCX -------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_in_order(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Report “title”", level=1)
    document.add_paragraph("First paragraph 😀 with trailing space ")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["a", "b", "c"], ["1", "", "3"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("After\u00a0the table")
    path = tmp_path / "report.docx"
    document.save(str(path))
    [item] = read(path)
    assert item == ExtractedText(
        title="report.docx",
        text="Report “title”\nFirst paragraph 😀 with trailing space \na\tb\tc\n1\t\t3\nAfter\u00a0the table",
        metadata={},
        encoding=None,
    )


def test_docx_split(tmp_path):
    import docx

    document = docx.Document()
    for line in ["Part one", "text", "", "", "Part two", "more"]:
        document.add_paragraph(line)
    path = tmp_path / "parts.docx"
    document.save(str(path))
    texts = read(path, split_blank_lines=2)
    assert [(t.title, t.text, t.metadata["line"]) for t in texts] == [
        ("Part one", "Part one\ntext", 1),
        ("Part two", "Part two\nmore", 5),
    ]


def test_docx_empty(tmp_path):
    import docx

    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    assert error_of(path) == "no text found"


def test_docx_corrupt(tmp_path):
    random_bytes = write(tmp_path, "random.docx", os.urandom(64) + b"not a zip")
    assert error_of(random_bytes) == "not a valid .docx file (not a zip archive)"

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    other_zip = write(tmp_path, "other.docx", buffer.getvalue())
    assert error_of(other_zip) == (
        "not a valid .docx file (There is no item named '[Content_Types].xml' in the archive)"
    )
    assert error_of(write(tmp_path, "zero.docx", b"")) == "not a valid .docx file (not a zip archive)"


# --- PDF --------------------------------------------------------------------------------


def make_text_pdf(path: Path, pages: list[str]) -> None:
    """Write a PDF with real text on each page, through Qt's PDF writer."""
    from PySide6.QtGui import QPainter, QPdfWriter
    from PySide6.QtWidgets import QApplication

    # A QApplication (not a QGuiApplication), so pytest-qt's widget tests can share it.
    app = QApplication.instance() or QApplication([])
    assert app is not None
    writer = QPdfWriter(str(path))
    painter = QPainter(writer)
    for number, text in enumerate(pages):
        if number:
            writer.newPage()
        painter.drawText(300, 600, text)
    painter.end()


def words(text: str) -> str:
    # Qt's PDF font maps the space glyph to U+0009 in its ToUnicode table, so pypdf
    # (correctly) reports tabs between the words Qt drew.
    return " ".join(text.split())


def test_pdf_text(tmp_path):
    path = tmp_path / "doc.pdf"
    make_text_pdf(path, [SENTENCE, "Second page."])
    [item] = read(path)
    assert (item.title, item.metadata, item.encoding) == ("doc.pdf", {}, None)
    first, second = item.text.split("\n\n")
    assert words(first) == SENTENCE
    assert words(second) == "Second page."


def test_pdf_without_text_layer(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    writer.write(str(path))
    assert error_of(path) == "the PDF has no text layer (a scanned image?); run OCR on it first"


def test_pdf_encrypted_with_user_password(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    writer.write(str(path))
    assert error_of(path) == "the PDF is encrypted and needs a password"


def make_owner_only_pdf(tmp_path: Path, algorithm: str) -> Path:
    """A PDF with text, encrypted with an owner password and an empty user password."""
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    make_text_pdf(plain, [SENTENCE])
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)
    path = tmp_path / "owner.pdf"
    writer.write(str(path))
    assert PdfReader(str(path)).is_encrypted
    return path


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_encrypted_with_owner_password_only(tmp_path, algorithm):
    [item] = read(make_owner_only_pdf(tmp_path, algorithm))
    assert words(item.text) == SENTENCE


def test_pdf_aes_without_pycryptodome_is_explained(tmp_path, monkeypatch):
    import pypdf
    from pypdf.errors import DependencyError

    path = make_owner_only_pdf(tmp_path, "RC4-128")

    def no_aes(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pypdf.PdfReader, "decrypt", no_aes)
    assert error_of(path) == (
        "the PDF is AES-encrypted and reading it needs the Python package "
        "'pycryptodome', which is not installed"
    )


def test_pdf_damaged(tmp_path):
    message = error_of(write(tmp_path, "broken.pdf", b"%PDF-1.4 garbage"))
    # the reason in brackets is pypdf's own wording, which varies between versions
    assert message.startswith("not a valid PDF (") and message.endswith(")")
    assert "\n" not in message
    assert error_of(write(tmp_path, "empty.pdf", b"")).startswith("not a valid PDF (")

    good = tmp_path / "good.pdf"
    make_text_pdf(good, [SENTENCE])
    truncated = write(tmp_path, "truncated.pdf", good.read_bytes()[:300])
    assert error_of(truncated).startswith("not a valid PDF (")


# --- CSV and TSV ------------------------------------------------------------------------


def test_csv_rows(tmp_path):
    data = (
        "id,text,author\r\n"
        '1,"First text, with comma",Ann\r\n'
        '2,"Multi-line\r\ncell with ""quotes""\r\n",Bob\r\n'
        "\r\n"
        "3,Third 😀 \u00a0,\r\n"
        "4,short\r\n"
    )
    texts = read(write(tmp_path, "rows.csv", data))
    assert texts == [
        ExtractedText("First text, with comma", "First text, with comma",
                      {"id": "1", "author": "Ann", "line": 2}, "utf-8"),
        ExtractedText("Multi-line", 'Multi-line\ncell with "quotes"\n',
                      {"id": "2", "author": "Bob", "line": 3}, "utf-8"),
        ExtractedText("Third 😀", "Third 😀 \u00a0", {"id": "3", "author": "", "line": 7}, "utf-8"),
        ExtractedText("short", "short", {"id": "4", "author": "", "line": 8}, "utf-8"),
    ]


def test_csv_title_column_and_fields(tmp_path):
    data = "title,body,tag\nMy  title,the body,x\n,untitled body\n"
    path = write(tmp_path, "t.csv", data)
    texts = read(path, text_field="body")
    assert [(t.title, t.text, t.metadata) for t in texts] == [
        ("My title", "the body", {"tag": "x", "line": 2}),
        ("untitled body", "untitled body", {"tag": "", "line": 3}),
    ]
    texts = read(path, text_field="body", title_field="tag")
    assert [(t.title, t.metadata) for t in texts] == [
        ("x", {"title": "My  title", "line": 2}),
        ("untitled body", {"title": "", "line": 3}),
    ]


def test_csv_semicolon_delimiter(tmp_path):
    data = 'id;text;note\n1;"Hello, world; again";a,b\n2;Plain text;c\n'
    texts = read(write(tmp_path, "semi.csv", data))
    assert [(t.text, t.metadata) for t in texts] == [
        ("Hello, world; again", {"id": "1", "note": "a,b", "line": 2}),
        ("Plain text", {"id": "2", "note": "c", "line": 3}),
    ]


def test_csv_single_column(tmp_path):
    texts = read(write(tmp_path, "one.csv", "text\nHello; there\nBye\n"))
    assert [t.text for t in texts] == ["Hello; there", "Bye"]


def test_tsv(tmp_path):
    texts = read(write(tmp_path, "t.tsv", "text\tlang\nBonjour, le monde\tfr\n"))
    assert [(t.text, t.metadata) for t in texts] == [("Bonjour, le monde", {"lang": "fr", "line": 2})]


def test_csv_cp1252_and_bom(tmp_path):
    [item] = read(write(tmp_path, "w.csv", "text\n“café”\n".encode("cp1252")))
    assert (item.text, item.encoding) == ("“café”", "cp1252")
    [bom] = read(write(tmp_path, "b.csv", codecs.BOM_UTF8 + b"text,x\nhi,1\n"))
    assert (bom.text, bom.metadata) == ("hi", {"x": "1", "line": 2})
    [forced] = read(write(tmp_path, "f.csv", codecs.BOM_UTF8 + b"text,x\nhi,1\n"), encoding="utf-8")
    assert (forced.text, forced.metadata, forced.encoding) == ("hi", {"x": "1", "line": 2}, "utf-8")


def test_csv_empty_header_names(tmp_path):
    [item] = read(write(tmp_path, "h.csv", "text,,x\nhello,a,b\n"))
    assert item.metadata == {"column 2": "a", "x": "b", "line": 2}


def test_csv_too_many_fields(tmp_path):
    path = write(tmp_path, "wide.csv", "id,text\n1,ok\n2,bad,extra\n")
    assert error_of(path) == "line 3: 3 fields, but the header has 2"


def test_csv_unterminated_quote(tmp_path):
    path = write(tmp_path, "quote.csv", 'id,text\n1,ok\n2,"never closed\n3,more\n')
    assert error_of(path) == "line 3: unexpected end of data"


def test_csv_bad_quote(tmp_path):
    path = write(tmp_path, "q.csv", 'id,text\n1,"x"y\n')
    message = error_of(path)
    assert message.startswith("line 2: ")
    assert "expected after" in message


def test_csv_missing_columns(tmp_path):
    path = write(tmp_path, "cols.csv", "a,b,c\n1,2,3\n")
    assert error_of(path) == "no column 'text' (columns: a, b, c); use --text-field"
    assert error_of(path, text_field="body") == "no column 'body' (columns: a, b, c); use --text-field"
    assert error_of(path, text_field="a", title_field="t") == (
        "no column 't' (columns: a, b, c); use --title-field"
    )


def test_csv_empty_text_and_no_rows(tmp_path):
    assert error_of(write(tmp_path, "e.csv", "id,text\n1,ok\n2,  \n")) == (
        "line 3: empty text in column 'text'"
    )
    assert error_of(write(tmp_path, "h.csv", "id,text\n")) == "no rows"
    assert error_of(write(tmp_path, "z.csv", b"")) == "file is empty"


def test_csv_fewer_fields_are_empty(tmp_path):
    texts = read(write(tmp_path, "short.csv", "text,id,x\nok,1\nbody\n"))
    assert [t.metadata for t in texts] == [{"id": "1", "x": "", "line": 2}, {"id": "", "x": "", "line": 3}]


def test_csv_ignores_split_options(tmp_path):
    texts = read(write(tmp_path, "s.csv", 'text\n"a\n\n\nb"\n'), split_blank_lines=1)
    assert [t.text for t in texts] == ["a\n\n\nb"]


# --- JSONL ------------------------------------------------------------------------------


def test_jsonl_records(tmp_path):
    lines = [
        json.dumps({"text": "First\r\ntext 😀", "title": "T1", "n": 1, "tags": ["a"], "x": None}),
        "",
        json.dumps({"text": "Second\u2029para", "id": "b"}, ensure_ascii=False),
        "   ",
        json.dumps({"text": "Third", "title": 42}),
    ]
    texts = read(write(tmp_path, "r.jsonl", "\n".join(lines) + "\n"))
    assert texts == [
        ExtractedText("T1", "First\ntext 😀", {"n": 1, "tags": ["a"], "x": None, "line": 1}, "utf-8"),
        ExtractedText("Second", "Second\npara", {"id": "b", "line": 3}, "utf-8"),
        ExtractedText("42", "Third", {"line": 5}, "utf-8"),
    ]


def test_jsonl_fields_options(tmp_path):
    path = write(tmp_path, "f.jsonl", '{"body": "b1", "name": "N"}\n{"body": "b2", "name": ""}\n')
    texts = read(path, text_field="body", title_field="name")
    assert [(t.title, t.text, t.metadata) for t in texts] == [
        ("N", "b1", {"line": 1}),
        ("b2", "b2", {"line": 2}),
    ]


def test_jsonl_line_separator_inside_string(tmp_path):
    [item] = read(write(tmp_path, "ls.jsonl", '{"text": "a\u2028b"}\r\n'))
    assert item.text == "a\u2028b"


def test_jsonl_invalid_json(tmp_path):
    path = write(tmp_path, "bad.jsonl", '{"text": "ok"}\n\n{"text": "broken"\n')
    assert error_of(path) == "line 3: invalid JSON (Expecting ',' delimiter at column 18)"


def test_jsonl_not_an_object(tmp_path):
    path = write(tmp_path, "arr.jsonl", '{"text": "ok"}\n["text"]\n')
    assert error_of(path) == "line 2: expected a JSON object"


def test_jsonl_field_errors(tmp_path):
    missing = write(tmp_path, "m.jsonl", '{"text": "ok"}\n{"body": "x", "id": 2}\n')
    assert error_of(missing) == "line 2: no field 'text' (fields: body, id); use --text-field"
    assert error_of(write(tmp_path, "n.jsonl", '{"text": 5}\n')) == "line 1: field 'text' is not a string"
    assert error_of(write(tmp_path, "e.jsonl", '{"text": " \\n "}\n')) == "line 1: empty text in field 'text'"
    assert error_of(write(tmp_path, "t.jsonl", '{"text": "x"}\n'), title_field="name") == (
        "line 1: no field 'name' (fields: text); use --title-field"
    )
    assert error_of(write(tmp_path, "blank.jsonl", "\n  \n")) == "no rows"


def test_html_pre_and_br_boundaries(tmp_path):
    html = "<body>before<pre>  x  \n\n\n y</pre>after <br> next&nbsp;<br><br>end &#x1F600;</body>"
    [item] = read(write(tmp_path, "pre.html", html))
    assert item.text == "before\n\n  x  \n\n\n y\n\nafter\nnext\u00a0\n\nend 😀"
