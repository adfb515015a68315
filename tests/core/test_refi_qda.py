"""REFI-QDA codebooks against the standard's own schema and other tools' files (issue 13, point 6):
every .qdc Annotator writes validates against Codebook.xsd (QDA-XML 1.0, ../shared/refi-qda), an
empty schema included; codebooks in the draft namespace ATLAS.ti names are read; texts XML cannot
hold are refused when stored, so no file we write is ill-formed; and the codebook inside a REFI-QDA
project (.qdpx, or its project.qde) is read, saying what it is."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest
from lxml import etree

from annotator.cli import main
from annotator.core.errors import SchemaFileError, ValidationError
from annotator.core.schema.apply import import_schema
from annotator.core.schema.files import EMPTY_CODEBOOK_GUID, read_schema, schema_qdc, write_schema
from annotator.core.schema.templates import create_project
from tests.conftest import SHARED, shared

REFI = SHARED / "refi-qda"


@pytest.fixture(scope="module")
def codebook_xsd():
    return etree.XMLSchema(etree.parse(str(shared(REFI / "Codebook.xsd"))))


@pytest.fixture(scope="module")
def project_xsd():
    return etree.XMLSchema(etree.parse(str(shared(REFI / "Project.xsd"))))


def valid(schema: etree.XMLSchema, raw: bytes) -> None:
    document = etree.fromstring(raw)  # strict: an ill-formed file fails here
    assert schema.validate(document), schema.error_log.last_error


def test_a_written_codebook_validates_against_codebook_xsd(project, tmp_path, codebook_xsd):
    claim = project.categories()[0]
    sub = project.add_category('Numbers & <stats> "quoted"', parent_id=claim.id, colour="#123abc",
                               description="Line one\nline 'two'\ttabbed 😀 \u200b")
    project.add_category("Enthusiasm / buy-in", parent_id=sub.id)
    write_schema(project, tmp_path / "s.qdc")
    valid(codebook_xsd, (tmp_path / "s.qdc").read_bytes())


def test_an_empty_schema_writes_a_valid_codebook_that_reads_back_empty(tmp_path, codebook_xsd):
    # Codebook.xsd: <xsd:complexType name="CodesType"><xsd:sequence><xsd:element name="Code"
    # type="CodeType" maxOccurs="unbounded"/> (minOccurs is 1 by default): <Codes> holds at least one
    # <Code>, and CodeBookType's sequence requires <Codes>.
    with create_project(tmp_path / "empty.annotator", template=None) as empty:
        assert write_schema(empty, tmp_path / "empty.qdc") == 0
        raw = (tmp_path / "empty.qdc").read_bytes()
        valid(codebook_xsd, raw)
        assert f'guid="{EMPTY_CODEBOOK_GUID}" name="(no categories)" isCodable="false"'.encode() in raw
        assert read_schema(tmp_path / "empty.qdc")["categories"] == []
        with create_project(tmp_path / "other.annotator") as other:
            before = [c.name for c in other.categories()]
            summary = import_schema(other, tmp_path / "empty.qdc")
            assert (summary.added, summary.updated) == ([], []) and [c.name for c in other.categories()] == before


@pytest.mark.parametrize("name", ["qualcoder-3.8.2-codebook.qdc", "taguette-1.4.1-codebook.qdc",
                                  "requal-atlasti-23.4.0-valid.qdc", "refi-qda-1.5-annexA-example1.qdc"])
def test_codebooks_other_tools_wrote_are_read(project, name):
    assert read_schema(shared(REFI / name))["categories"]


def test_a_codebook_in_the_0_4_namespace_atlas_ti_names_is_read(tmp_path, project):
    real = shared(REFI / "requal-atlasti-23.4.0-valid.qdc").read_text("utf-8")
    assert "urn:QDA-XML:codebook:0:4" in real  # its schemaLocation; some ATLAS.ti files use it as xmlns
    path = tmp_path / "atlas.qdc"
    path.write_text(real.replace('xmlns="urn:QDA-XML:codebook:1.0"', 'xmlns="urn:QDA-XML:codebook:0:4"'), "utf-8")
    summary = import_schema(project, path)
    assert summary.added == ["code1"]
    assert project.category("1ff58b12-6f6f-4b0c-8be5-bbdc91f55294").description == "description"


NOT_XML = ["\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff", "\x01", "\x0b", "\x1f"]


@pytest.mark.parametrize("bad", NOT_XML, ids=[f"U+{ord(c):04X}" for c in NOT_XML])
def test_texts_xml_cannot_hold_are_refused_when_stored(project, bad):
    # XML 1.0, 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    # ("... avoid ... noncharacters"); so U+FFFE, U+FFFF and C0 controls cannot be in a .qdc at all.
    cat = project.categories()[0]  # (inside the text: white space at an end is trimmed, not refused)
    doc = project.add_document("Doc", "some text").document
    alice = project.add_annotator("alice")
    attempts = [
        lambda: project.add_category(f"Na{bad}me"),
        lambda: project.update_category(cat.id, name=f"Na{bad}me"),
        lambda: project.update_category(cat.id, description=f"Guide{bad}line"),
        lambda: project.add_annotator(f"bo{bad}b"),
        lambda: project.add_annotation(doc.id, cat.id, alice.id, 0, 4, note=f"no{bad}te"),
        lambda: project.update_category(cat.id, attributes=[{"name": f"a{bad}b", "type": "text"}]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "\n" not in str(refused.value) and ("control characters" in str(refused.value)
                                                   or f"U+{ord(bad):04X}" in str(refused.value))


def test_a_project_name_from_a_file_name_loses_them(tmp_path):
    with create_project(tmp_path / "p.annotator", name="Study \ufffe one\x01") as project:
        assert project.info().name == "Study  one "


def test_a_name_stored_before_the_rule_is_named_when_a_codebook_is_written(project, tmp_path):
    cat = project.categories()[0]
    with sqlite3.connect(project.path) as db:
        db.execute("UPDATE categories SET name = ? WHERE id = ?", ("Old\ufffe", cat.id))
    with pytest.raises(ValidationError, match=r"^category 'Old\\ufffe' holds U\+FFFE, which XML cannot hold"):
        write_schema(project, tmp_path / "s.qdc")
    assert not (tmp_path / "s.qdc").exists()
    with pytest.raises(ValidationError, match="U\\+FFFF"):
        schema_qdc({"categories": [{"id": "x", "name": "ok", "description": "bad \uffff", "children": []}]})


PROJECT_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Bike lanes" origin="NVivo 12.6">
  <Users><User guid="0a1b2c3d-0000-4000-8000-000000000001" name="ana"/></Users>
  <CodeBook><Codes>
    <Code guid="0a1b2c3d-0000-4000-8000-0000000000aa" name="Claims" isCodable="false" color="#0072B2">
      <Description>Statements</Description>
      <Code guid="0a1b2c3d-0000-4000-8000-0000000000ab" name="Fact" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources><TextSource guid="0a1b2c3d-0000-4000-8000-0000000000c1" name="a.txt" plainTextPath="relative://a.txt">
    <PlainTextSelection guid="0a1b2c3d-0000-4000-8000-0000000000d1" startPosition="0" endPosition="3">
      <Coding guid="0a1b2c3d-0000-4000-8000-0000000000e1">
        <CodeRef targetGUID="0a1b2c3d-0000-4000-8000-0000000000ab"/></Coding>
    </PlainTextSelection></TextSource></Sources>
</Project>
"""


def qdpx(path, member="project.qde", content=PROJECT_QDE):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
        archive.writestr("sources/a.txt", "One two three")
    return path


def test_the_codebook_of_a_qdpx_is_read_and_the_report_says_so(project, tmp_path, project_xsd):
    valid(project_xsd, PROJECT_QDE.encode())  # the fixture is a real REFI-QDA project
    summary = import_schema(project, qdpx(tmp_path / "study.qdpx"))
    assert summary.added == ["Claims", "Claims / Fact"]
    assert summary.lines()[0] == ("read the codebook of the REFI-QDA project 'Bike lanes' (project.qde inside "
                                  "the .qdpx); only its codes are read, not its documents or codings")
    assert project.category("0a1b2c3d-0000-4000-8000-0000000000aa").description == "Statements"
    # ATLAS.ti names the file after the project
    assert read_schema(qdpx(tmp_path / "atlas.qdpx", "Bike lanes.qde"))["source"].startswith(
        "the codebook of the REFI-QDA project 'Bike lanes' (Bike lanes.qde inside the .qdpx)")
    assert len(read_schema(qdpx(tmp_path / "renamed.zip"))["categories"]) == 1  # a zip by its first bytes


def test_a_project_qde_is_read_and_says_what_it_is(project, tmp_path, capsys):
    (tmp_path / "project.qde").write_text(PROJECT_QDE, "utf-8")
    assert main(["schema", "import", str(project.path), str(tmp_path / "project.qde")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("read the codebook of the REFI-QDA project 'Bike lanes' (project.qde, a project file)")
    assert "categories: 2 added" in out


@pytest.mark.parametrize("make, message", [
    (lambda p: qdpx(p, member="notes.txt"), "a zip file without a project.qde, so not a REFI-QDA project"),
    (lambda p: p.write_bytes(b"PK\x03\x04 broken"), "not a readable REFI-QDA project"),
    (lambda p: qdpx(p, content=PROJECT_QDE.replace("<CodeBook>", "<X>").replace("</CodeBook>", "</X>")),
     "a REFI-QDA project without a <CodeBook>"),
    (lambda p: qdpx(p, content='<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>'),
     r"holds a <CodeBook>, not a REFI-QDA <Project>"),
])
def test_a_qdpx_that_is_not_one_is_refused_in_one_line(project, tmp_path, make, message):
    path = tmp_path / "bad.qdpx"
    make(path)
    with pytest.raises(SchemaFileError, match=f"^{path}.*: .*{message}") as refused:
        import_schema(project, path)
    assert "\n" not in str(refused.value)
