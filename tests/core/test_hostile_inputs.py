"""Hostile inputs (issue 10, points 7 and 8): each is answered fast, with one plain line.

The files are built here, small: each one took seconds to minutes (or hung) before the fix. A
wall-clock cap is only a hang guard, far above what the fixed code needs (milliseconds)."""

import io
import os
import threading
import time
import zipfile

import pytest

from annotator.core.agreement.reliability_io import read_reliability_csv
from annotator.core.documents import readers
from annotator.core.documents.readers import ImportOptions, office, read_file, tabular
from annotator.core.errors import AnnotatorError, ReadError, ValidationError

HANG_GUARD_S = 5.0


def timed(function, *args):
    started = time.perf_counter()
    try:
        result = function(*args)
    except AnnotatorError as error:
        result = error
    seconds = time.perf_counter() - started
    assert seconds < HANG_GUARD_S, f"took {seconds:.1f} s"
    return result


def message(function, *args) -> str:
    error = timed(function, *args)
    assert isinstance(error, AnnotatorError), error
    text = str(error)
    assert "\n" not in text and len(text) < 300
    return text


# --- CSV delimiter ----------------------------------------------------------------------------


def test_a_csv_that_made_csv_sniffer_backtrack_for_minutes_is_read_at_once(tmp_path):
    # csv.Sniffer's doubled-quote regex is O(n^4) here: 0.4 KB took about 20 s, 1 KB many minutes
    path = tmp_path / "hostile.csv"
    path.write_text('text,b\na,"b",' + '"' * 400 + "b\n")
    assert message(read_file, path).startswith("line 2: ")
    path.write_text('text,b\n"a ""quoted"" text",' + '"' * 400 + "\n")  # valid: an even run of quotes
    [item] = timed(read_file, path)
    assert (item.text, item.metadata["b"]) == ('a "quoted" text', '"' * 199)


@pytest.mark.parametrize("content, delimiter", [
    ("text,b\nx,1\ny,2\n", ","),
    ("text;b\nx;1\n", ";"),
    ("text|b\nx|1\n", "|"),
    ("text\tb\nx\t1\n", "\t"),
    ('text;b\n"a, b, c";1\n"d, e";2\n', ";"),  # commas inside quotes do not count
    ('text,note\n"x; y; z",a\n"p; q",b\n', ","),
    ("text\nHello; there\n", ","),  # no delimiter in the header: one column
    ("a,b;c\n1,2;3\n4,5;6\n7,8;9\n", ","),  # a tie: the comma comes first
    ("a;b,c\n1;2\n3;4\n", ";"),  # the delimiter that agrees with the header on most rows
])
def test_delimiter_choice(content, delimiter):
    assert tabular._sniff_delimiter(content) == delimiter


# --- HTML -------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [
    "<a " * 20_000,  # html.parser rescans the rest for each unclosed tag: 19 s before
    "<!--" * 40_000,  # 9 s before
    "<pre>" + "\n" * 1_000_000 + "x</pre>",  # list.pop(0) per leading blank line
])
def test_html_that_was_quadratic_is_read_fast(tmp_path, page):
    path = tmp_path / "hostile.html"
    path.write_text(page)
    result = timed(read_file, path)
    assert isinstance(result, (list, ReadError))


def test_unclosable_markup_is_kept_as_text(tmp_path):
    path = tmp_path / "p.html"
    path.write_text("<p>one</p>two < three <b and <!-- four")
    [item] = read_file(path)
    assert item.text == "one\n\ntwo < three <b and <!-- four"


# --- DOCX -------------------------------------------------------------------------------------


def docx_with_body(body: bytes) -> bytes:
    import docx

    plain = io.BytesIO()
    docx.Document().save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                head, rest = data.split(b"<w:body>", 1)
                data = head + b"<w:body>" + body + b"</w:body>" + rest.split(b"</w:body>", 1)[1]
            target.writestr(item, data)
    return out.getvalue()


def test_docx_with_too_many_paragraphs_is_refused_before_parsing(tmp_path):
    path = tmp_path / "many.docx"  # 2,000,000 paragraphs took 55 s and 1.2 GB before
    path.write_bytes(docx_with_body(b"<w:p/>" * (readers.MAX_DOCX_PARAGRAPHS + 1)))
    assert message(read_file, path) == "the .docx has 200,001 paragraphs; up to 200,000 are read"


def test_docx_with_too_much_xml_is_refused_on_its_declared_size(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "MAX_DOCX_XML_BYTES", 1024 * 1024)
    path = tmp_path / "big.docx"  # a 1.6 MB .docx held 512 MiB of text
    path.write_bytes(docx_with_body(b"<w:p><w:r><w:t>" + b"a" * 2_000_000 + b"</w:t></w:r></w:p>"))
    assert message(read_file, path) == "the .docx holds 2 MiB of document XML; up to 1 MiB are read"


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", readers.MiB)
    path = tmp_path / "big.txt"
    path.write_text("x" * (readers.MiB * 3 // 2))
    assert message(read_file, path) == "the file is 1.5 MiB; files of this kind are read up to 1 MiB"


# --- FIFOs: refused at once, never waited on -------------------------------------------------


def returns_at_once(function, fifo):
    """Call function(fifo) in a thread; if it blocks on the FIFO, unblock it and fail."""
    outcome = []

    def call():
        try:
            outcome.append(function(fifo))
        except Exception as error:  # handed back to the test
            outcome.append(error)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(HANG_GUARD_S)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY))  # let the blocked reader see end of file
        thread.join()
        pytest.fail(f"{function.__name__} waited on the FIFO")
    return outcome[0]


def test_a_fifo_is_refused_by_every_file_reader(tmp_path):
    from annotator.core.exchange.export_file import read_export
    from annotator.core.schema.files import read_schema

    for name, function, kind in [
        ("in.txt", read_file, ReadError),
        ("export.json", read_export, AnnotatorError),
        ("schema.qdc", read_schema, AnnotatorError),
        ("data.csv", read_reliability_csv, ValidationError),
    ]:
        fifo = tmp_path / name
        os.mkfifo(fifo)
        error = returns_at_once(function, fifo)
        assert isinstance(error, kind) and "not a regular file" in str(error), (name, error)


# --- Reliability CSV --------------------------------------------------------------------------


def reliability_message(tmp_path, content: str) -> str:
    path = tmp_path / "data.csv"
    path.write_text(content)
    text = message(read_reliability_csv, path)
    assert text.startswith(f"{path}: ")
    return text[len(str(path)) + 2:]


def test_reliability_values_over_the_limit_are_refused_before_the_work(tmp_path):
    rows = "".join(f"v{i},w{i}\n" for i in range(600))  # 1,200 values: 593 MB at 2,000 before
    assert reliability_message(tmp_path, "a,b\n" + rows) == (
        "1,200 different values; agreement is computed on up to 1,000 (categories or distinct numbers)")


def test_reliability_header_over_the_limit_is_refused(tmp_path):
    names = ",".join(f"c{i}" for i in range(10_001))  # 200,000 names took 284 s before
    assert reliability_message(tmp_path, names + "\n" + ",".join("1" * 10_001) + "\n") == (
        "line 1: the header names 10,001 coders; agreement is computed for up to 10,000")


def test_reliability_duplicate_coder_in_a_long_header_is_found(tmp_path):
    names = ",".join([f"c{i}" for i in range(5000)] + ["c7"])
    assert reliability_message(tmp_path, names + "\n" + ",".join("1" * 5001) + "\n") == (
        "line 1: coder 'c7' appears twice")


def test_reliability_numbers_too_long_or_infinite(tmp_path):
    assert reliability_message(tmp_path, "a,b\n1,2\n" + "9" * 5000 + ",1\n").startswith(
        "line 3: a number of more than 300 digits ('99999")
    assert reliability_message(tmp_path, "a,b\n1e999,1\n2,3\n") == (
        "line 2: '1e999' is too large for a number (it overflows to infinity)")


def test_ordinal_bootstrap_over_its_work_budget_is_undefined_not_slow():
    from annotator.core.agreement.common import Undefined
    from annotator.core.agreement.reliability import krippendorff_alpha, krippendorff_alpha_bootstrap

    rows = [[i, i + i % 2] for i in range(600)]  # 600 ordinal values: minutes before
    result = timed(krippendorff_alpha_bootstrap, rows, "ordinal")
    assert isinstance(result, Undefined) and "ask for fewer resamples" in result.reason
    assert isinstance(krippendorff_alpha(rows, "ordinal"), float)


# --- REFI-QDA codebook ------------------------------------------------------------------------


def test_qdc_with_an_unknown_encoding_is_one_line(tmp_path):
    from annotator.core.schema.files import read_schema

    path = tmp_path / "codes.qdc"
    path.write_bytes(b'<?xml version="1.0" encoding="x-made-up"?>\n<CodeBook/>')
    assert message(read_schema, path) == f"{path}: cannot decode the XML (unknown encoding: x-made-up)"


# --- Broken files of every kind: a reason, never "unexpected error" --------------------------


def broken_files() -> dict[str, bytes]:
    good_docx = docx_with_body(b"<w:p><w:r><w:t>hello</w:t></w:r></w:p>")
    junk = bytes(range(256)) * 8
    return {
        "empty": b"", "nul": b"\0" * 100, "junk": junk, "zip-magic": b"PK\x03\x04" + junk,
        "pdf-magic": b"%PDF-1.7\n" + junk, "truncated-zip": good_docx[: len(good_docx) // 2],
        "huge-line": b"x" * 2_000_000, "quotes": b'"' * 5000, "angles": b"<" * 100_000,
    }


@pytest.mark.parametrize("extension", [".txt", ".md", ".html", ".docx", ".pdf", ".csv", ".tsv", ".jsonl"])
def test_broken_files_never_give_an_unexpected_error(tmp_path, extension):
    from annotator.core.documents.importing import import_paths
    from annotator.core.schema.templates import create_project

    for name, data in broken_files().items():
        (tmp_path / f"{name}{extension}").write_bytes(data)
    with create_project(tmp_path / "p.annotator") as project:
        started = time.perf_counter()
        report = import_paths(project, sorted(tmp_path.glob(f"*{extension}")), ImportOptions())
        assert time.perf_counter() - started < 4 * HANG_GUARD_S
    for result in report.files:
        assert not (result.error or "").startswith("unexpected error"), (result.path.name, result.error)
        assert "\n" not in (result.error or "") and len(result.error or "") < 300
