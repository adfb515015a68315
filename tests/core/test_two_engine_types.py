"""Issue 19, T1 and T2 on SQLite: the JSON columns' PostgreSQL variant leaves a new file's schema
as it was (the file format does not change), the sort keys order as their tuples do (as strings on
SQLite, as UTF-8 bytes on a server), and every document reader refuses U+0000 with one reason."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.documents import readers
from annotator.core.documents.readers import ImportOptions, read_file
from annotator.core.errors import QdpxError, ReadError, ValidationError
from annotator.core.storage import db
from annotator.core.text import check_value, collation_key, mend_value, sort_key
from tests.old_formats import drop_format_6

FIXTURES = Path(__file__).parent.parent / "fixtures"
SCHEMA = FIXTURES / "format6-sqlite-schema.txt"
SCHEMA_5 = FIXTURES / "format5-sqlite-schema.txt"


def schema_of(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()
    return "".join(f"{row!r}\n" for row in rows)


def test_a_new_file_has_the_schema_it_had_before_the_jsonb_variant(tmp_path):
    # format5-sqlite-schema.txt is sqlite_master of a new project made by main before T1 (commit
    # 74584fc); format 6 only adds the version columns, so taking them away gives it back exactly.
    engine = db.create_database(tmp_path / "new.annotator")
    engine.dispose()
    assert schema_of(tmp_path / "new.annotator") == SCHEMA.read_text(encoding="utf-8")
    assert "JSON NOT NULL" in SCHEMA.read_text(encoding="utf-8")
    conn = sqlite3.connect(tmp_path / "new.annotator")
    drop_format_6(conn.execute)
    conn.commit()
    conn.close()
    assert schema_of(tmp_path / "new.annotator") == SCHEMA_5.read_text(encoding="utf-8")


def _sign(a, b) -> int:
    return (a > b) - (a < b)


# Texts as a project holds them: any code point but U+0000 and lone surrogates; combining marks,
# letters that fold ("ß", "İ", "ﬁ"), astral ones and control characters are drawn often.
TEXTS = st.text(st.one_of(
    st.characters(exclude_characters="\x00", exclude_categories=("Cs",)),
    st.sampled_from("aAeE\u0301\u0308éÉßẞİıﬁ\x01\t\n 😀𐌰"),
), max_size=12)


@settings(max_examples=3000, deadline=None)
@given(TEXTS, TEXTS)
def test_sort_keys_order_as_their_tuples_as_strings_and_as_utf8_bytes(a, b):
    expected = _sign(collation_key(a), collation_key(b))
    assert _sign(sort_key(a), sort_key(b)) == expected  # SQLite: BINARY, the UTF-8 bytes' order
    assert _sign(sort_key(a).encode(), sort_key(b).encode()) == expected  # PostgreSQL: bytea


def test_sort_key_examples():
    names = ["Opinion", "évidence", "Evidence", "e\u0301vidence", "ev", "e", "", "Zoë", "zoe", "ß", "ss"]
    assert sorted(names, key=sort_key) == sorted(names, key=collation_key)
    assert sort_key("évidence") < sort_key("Opinion")


def test_a_nul_in_a_json_value_is_refused_and_mended():
    with pytest.raises(ValidationError, match=r"metadata 'a'\[1\]: a NUL character \(U\+0000\)"):
        check_value({"a": ["ok", "x\x00y"]}, "metadata")
    with pytest.raises(ValidationError, match="U\\+0000"):
        check_value({"k\x00": 1}, "metadata")
    warnings: list[str] = []
    assert mend_value({"a": "x\x00y"}, "metadata", warnings.append) == {"a": "x\ufffdy"}
    assert warnings == ["metadata 'a': U+0000 replaced by U+FFFD"]


NUL = "holds NUL characters (U+0000), which a project cannot store; is this a binary file?"


def error_of(path: Path, **options) -> str:
    with pytest.raises(ReadError) as error:
        read_file(path, ImportOptions(**options))
    return str(error.value)


@pytest.mark.parametrize(("name", "data", "options", "reason"), [
    ("given.txt", b"first\nsec\x00ond", {"encoding": "utf-8"}, f"line 2 of the text {NUL}"),
    ("given.md", b"\x00", {"encoding": "latin-1"}, f"line 1 of the text {NUL}"),
    ("page.html", b"<p>one</p><p>t\x00wo</p>", {"encoding": "utf-8"}, f"line 3 of the text {NUL}"),
    ("rows.csv", b"text,x\nfine,1\nbad\x00,2\n", {"encoding": "utf-8"}, f"line 1 of text 2 {NUL}"),
    ("rows.tsv", b"text\tx\nfine\ta\x00\n", {"encoding": "utf-8"}, f"its metadata {NUL}"),
    ("rows.jsonl", b'{"text": "ok"}\n{"text": "a\\u0000b"}\n', {}, f"line 1 of text 2 {NUL}"),
    ("meta.jsonl", b'{"text": "ok", "who": {"k": "\\u0000"}}\n', {}, f"its metadata {NUL}"),
    ("title.jsonl", b'{"text": "ok", "title": "a\\u0000"}\n', {}, f"its title {NUL}"),
])
def test_every_reader_refuses_nul_with_one_reason(tmp_path, name, data, options, reason):
    path = tmp_path / name
    path.write_bytes(data)
    assert error_of(path, **options) == reason


def test_without_an_encoding_nul_bytes_are_binary_data(tmp_path):
    for name in ("bytes.txt", "bytes.html", "bytes.csv"):
        (tmp_path / name).write_bytes(b"text\nsome\x00thing\n")
        assert error_of(tmp_path / name) == "looks like binary data, not text"


def test_a_docx_cannot_carry_nul(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("MARK")
    path = tmp_path / "nul.docx"
    document.save(path)
    import zipfile
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members["word/document.xml"] = members["word/document.xml"].replace(b"MARK", b"MA&#0;RK")
    with zipfile.ZipFile(path, "w") as target:
        for member, content in members.items():
            target.writestr(member, content)
    assert error_of(path).startswith("not a valid .docx file (")  # XML 1.0 has no U+0000 at all


def test_a_pdf_text_layer_with_nul_is_refused(tmp_path, monkeypatch):
    # pypdf gives whatever a font's ToUnicode map says, U+0000 included: the check is the registry's.
    monkeypatch.setattr(readers, "pdf_text", lambda data: "page one\npage\x00two")
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    assert error_of(path) == f"line 2 of the text {NUL}"


def test_a_qdpx_source_or_note_with_nul_is_refused_naming_the_package_and_member(tmp_path):
    # REFI-QDA sources and notes are text files decoded as a text file is (NUL bytes: binary data);
    # the project.qde is XML 1.0, which cannot carry U+0000 at all (not even as &#0;).
    from annotator.core.exchange.qdpx.apply import import_qdpx
    from annotator.core.schema.templates import create_project
    from tests.core.qdpx_fixtures import CLAIM, Sel, Src, vendor_package

    with create_project(tmp_path / "p.annotator") as project:
        for sources, reason in (
                ([Src("Interview", "one\x00two\n", [])],
                 r": its sources/[-0-9a-f]+\.txt: looks like binary data, not text"),
                ([Src("Interview", "one two\n", [Sel("two", CLAIM, description="a\x00b")])],
                 r" \(project\.qde\): not well-formed XML at line \d+, column \d+")):
            path = vendor_package(tmp_path, "qualcoder", sources)
            with pytest.raises(QdpxError, match=f"^{re.escape(str(path))}{reason}"):
                import_qdpx(project, path)
        assert project.documents() == []
