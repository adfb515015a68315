"""Tests for annotator.core.text (normalisation, hashing) and core.documents.decoding (decoding, splitting)."""

import codecs
import hashlib

import pytest

from annotator.core.documents.decoding import (
    Part,
    decode_bytes,
    first_line_title,
    split_on_blank_lines,
    split_on_regex,
)
from annotator.core.errors import ReadError, ValidationError
from annotator.core.text import normalise, sha256_text
from tests.conftest import shared

POSTS = "anti-imperialist-blog-posts-2024.txt"  # in the shared corpus

# Characters that must survive normalisation untouched.
KEEP = "a\u00a0b \u201ccurly\u201d \u2018q\u2019 😀 tab\there  \u2028end  "


# --- normalise and sha256_text ----------------------------------------------------------


def test_normalise_newlines():
    assert normalise("a\r\nb\rc\u2029d\ne") == "a\nb\nc\nd\ne"
    assert normalise("\r\r\n\n") == "\n\n\n"


def test_normalise_drops_one_leading_bom_only():
    assert normalise("\ufeffhello") == "hello"
    assert normalise("\ufeff\ufeffhello") == "\ufeffhello"
    assert normalise("a\ufeffb") == "a\ufeffb"


def test_normalise_keeps_everything_else():
    assert normalise(KEEP) == KEEP
    assert normalise(KEEP + "\r\n" + KEEP) == KEEP + "\n" + KEEP


def test_normalise_is_idempotent():
    text = "\ufeffx\r\ny\rz\u2029 😀\r\n"
    assert normalise(normalise(text)) == normalise(text) == "x\ny\nz\n 😀\n"


def test_sha256_text():
    assert sha256_text("") == hashlib.sha256(b"").hexdigest()
    assert sha256_text("café 😀") == hashlib.sha256("café 😀".encode("utf-8")).hexdigest()
    assert len(sha256_text("x")) == 64


# --- decode_bytes -----------------------------------------------------------------------


def test_decode_utf8():
    assert decode_bytes("café 😀\r\n".encode("utf-8")) == ("café 😀\r\n", "utf-8")


def test_decode_utf8_bom():
    assert decode_bytes(codecs.BOM_UTF8 + "café".encode("utf-8")) == ("café", "utf-8 (BOM)")


@pytest.mark.parametrize(
    "bom, codec, label",
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le (BOM)"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be (BOM)"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le (BOM)"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be (BOM)"),
    ],
)
def test_decode_bom(bom, codec, label):
    text = "Hello “world” 😀\r\nsecond"
    assert decode_bytes(bom + text.encode(codec)) == (text, label)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_without_bom(codec):
    text = "Plain English text, café 😀\nline two"
    assert decode_bytes(text.encode(codec)) == (text, codec)


def test_decode_cp1252():
    data = "café “quoted” – 5€".encode("cp1252")
    assert decode_bytes(data) == ("café “quoted” – 5€", "cp1252")


def test_decode_neither_utf8_nor_cp1252():
    with pytest.raises(ReadError) as error:
        decode_bytes(b"abc\x81\x8d")
    assert str(error.value) == (
        "cannot decode: byte 0x81 at offset 3 is neither UTF-8 nor cp1252; pass --encoding"
    )


def test_decode_empty():
    with pytest.raises(ReadError, match="^file is empty$"):
        decode_bytes(b"")


def test_decode_binary_with_nul():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06"
    with pytest.raises(ReadError, match="^looks like binary data, not text$"):
        decode_bytes(png)


def test_decode_binary_control_characters():
    data = b"text" + b"\x01\x02\x03\x04\x05" * 4 + b" more text here"
    with pytest.raises(ReadError, match="^looks like binary data, not text$"):
        decode_bytes(data)


def test_decode_allows_text_control_characters():
    data = b"a\tb\x0bc\x0cd\x1b[1me\r\n" * 10
    assert decode_bytes(data) == (data.decode("ascii"), "utf-8")


def test_decode_explicit_encoding():
    data = "café".encode("latin-1")
    assert decode_bytes(data, "latin-1") == ("café", "latin-1")
    assert decode_bytes("naïve".encode("utf-8"), "utf-8") == ("naïve", "utf-8")
    # explicit latin-1 decodes bytes that detection rejects
    assert decode_bytes(b"abc\x81", "latin-1") == ("abc\x81", "latin-1")


def test_decode_explicit_encoding_failure_names_offset():
    data = b"x" * 1234 + b"\xff rest"
    with pytest.raises(ReadError) as error:
        decode_bytes(data, "utf-8")
    assert str(error.value) == "cannot decode as utf-8: byte 0xff at offset 1234"


def test_decode_unknown_encoding():
    with pytest.raises(ReadError) as error:
        decode_bytes(b"abc", "no-such-codec")
    assert str(error.value) == "unknown encoding 'no-such-codec'"


def test_decode_bad_utf8_after_bom_reports_file_offset():
    with pytest.raises(ReadError) as error:
        decode_bytes(codecs.BOM_UTF8 + b"ab\xff")
    assert str(error.value) == "cannot decode as utf-8: byte 0xff at offset 5"


# --- first_line_title -------------------------------------------------------------------


def test_first_line_title_first_non_blank_line():
    assert first_line_title("\n  \n\t Title here  \nbody") == "Title here"
    assert first_line_title("") == ""
    assert first_line_title(" \n\t\n") == ""


def test_first_line_title_cuts_at_word_boundary():
    line = "alpha beta gamma delta"
    assert first_line_title(line, max_chars=12) == "alpha beta…"
    assert first_line_title(line, max_chars=11) == "alpha beta…"
    assert first_line_title(line, max_chars=22) == line
    assert len(first_line_title("word " * 100)) <= 120
    assert first_line_title("x" * 200, max_chars=10) == "x" * 9 + "…"


# --- split_on_blank_lines ---------------------------------------------------------------


def test_split_on_one_blank_line():
    text = "\n\nFirst  \nline two \n\n \t\nSecond\n\n"
    assert split_on_blank_lines(text, 1) == [
        Part(title="First", text="First  \nline two ", line=3),
        Part(title="Second", text="Second", line=7),
    ]


def test_split_needs_n_blank_lines():
    text = "A\n\nA2\n\n\nB\n \n\t\nC"
    parts = split_on_blank_lines(text, 2)
    assert [(p.text, p.line) for p in parts] == [("A\n\nA2", 1), ("B", 6), ("C", 9)]
    assert [p.text for p in split_on_blank_lines(text, 3)] == [text]
    parts = split_on_blank_lines("A\n\n\n\nB\n\n\nC", 3)
    assert [(p.text, p.line) for p in parts] == [("A", 1), ("B\n\n\nC", 5)]


def test_split_parts_are_substrings():
    text = "Héllo 😀\u00a0 \n\n\n“quoted”\u2028x  \n\n\n\n"
    parts = split_on_blank_lines(text, 2)
    assert [p.text for p in parts] == ["Héllo 😀\u00a0 ", "“quoted”\u2028x  "]
    for part in parts:
        assert part.text in text


def test_split_blank_text_gives_no_parts():
    assert split_on_blank_lines(" \n\n\t\n", 1) == []
    assert split_on_blank_lines("", 1) == []


@pytest.mark.parametrize("n", [0, -1])
def test_split_blank_lines_rejects_n_below_one(n):
    with pytest.raises(ValidationError):
        split_on_blank_lines("a", n)


def test_split_shared_corpus_into_posts(corpus):
    text = normalise(shared(corpus / POSTS).read_bytes().decode("utf-8"))
    lines = text.split("\n")
    parts = split_on_blank_lines(text, 2)
    assert len(parts) == 7
    # each title is the line after a double blank line (or the file's first line)
    assert parts[0].line == 1
    for part in parts:
        headline = lines[part.line - 1]
        assert part.title == headline.strip()
        assert part.line == 1 or (not lines[part.line - 2].strip() and not lines[part.line - 3].strip())
        assert part.text.startswith(headline)
        assert part.text in text
    assert parts[0].title.startswith("Second Trump assassination attempt")
    assert parts[-1].title.startswith("The U.S. empire fears confrontation with Iran")


# --- split_on_regex ---------------------------------------------------------------------


def test_split_on_regex():
    text = "preface\n\n## One\nbody 1\n\n## Two\nbody 2  \n"
    parts = split_on_regex(text, r"^## ")
    assert parts == [
        Part(title="preface", text="preface", line=1),
        Part(title="## One", text="## One\nbody 1", line=3),
        Part(title="## Two", text="## Two\nbody 2  ", line=6),
    ]


def test_split_on_regex_without_preface_and_no_match():
    assert [p.line for p in split_on_regex("\n \nCHAPTER 1\nx\nCHAPTER 2\ny", "CHAPTER")] == [3, 5]
    assert split_on_regex("just text\nmore", "CHAPTER") == [
        Part(title="just text", text="just text\nmore", line=1)
    ]


def test_split_on_regex_invalid():
    with pytest.raises(ValidationError) as error:
        split_on_regex("text", "(unclosed")
    assert str(error.value).startswith("invalid --split-regex '(unclosed': ")
    assert "missing )" in str(error.value)


@pytest.mark.parametrize("text, span, expected", [
    ("The council’s plan is bold.", (6, 9), "council’s"),  # inside a word: the whole word, apostrophe too
    ("The council’s plan is bold.", (3, 19), "council’s plan"),  # surrounding spaces dropped
    ("Say “maybe” now", (5, 8), "maybe"),  # quotes the coder did not select stay out
    ("Say “maybe” now", (4, 11), "“maybe”"),  # and stay in when selected
    ("emoji 😀 then word", (8, 12), "then"),
    ("ab cd", (2, 3), ""),  # only white space
    ("end.", (1, 4), "end."),
])
def test_snap_to_words(text, span, expected):
    from annotator.core.text import snap_to_words

    start, end = snap_to_words(text, *span)
    assert text[start:end] == expected
