"""Exporting a REFI-QDA project (.qdpx; issue 17, points 1 and 2): ``annotator export PROJECT -o
study.qdpx`` writes project.qde (valid against the standard's Project.xsd, ../shared/refi-qda) and
sources/<guid>.txt; positions are counted under the receiving tool's rule over the text as
written; the output is deterministic; texts XML cannot hold stop the export with one line; and
what the format has no place for is listed with counts, nothing when nothing is lost."""

from __future__ import annotations

import re
import sqlite3
import uuid
import zipfile
from dataclasses import replace

import pytest
from lxml import etree

from annotator.cli import main
from annotator.core.agreement.adjudication import adjudication_units
from annotator.core.errors import ValidationError
from annotator.core.exchange.export_file import Scope
from annotator.core.exchange.qdpx.positions import MAXQDA, NVIVO, STANDARD, UnitMap
from annotator.core.exchange.qdpx.write import write_qdpx
from annotator.core.project.gold import GoldSpan
from annotator.core.schema.files import export_schema, schema_qdc
from annotator.core.schema.templates import create_project
from tests.conftest import SHARED, shared

REFI = SHARED / "refi-qda"
Q = "{urn:QDA-XML:project:1.0}"
TEXT = "Hello 😀 world,\na “quoted” claim 𝄞.\n\nThird line with 😀😀 twice."
HOSTILE = 'Tom & "Jerry" <b>bold</b> \'x\' ]]> &amp;'


@pytest.fixture(scope="module")
def project_xsd():
    return etree.XMLSchema(etree.parse(str(shared(REFI / "Project.xsd"))))


@pytest.fixture
def study(tmp_path):
    """Two documents (astral characters, line ends), two coders, names and notes full of XML's
    special characters."""
    with create_project(tmp_path / "study.annotator", name=f"Study {HOSTILE}") as project:
        one = project.add_document(f"One {HOSTILE}", TEXT).document
        two = project.add_document("Two", "Short text.\nSecond line.").document
        alice, bob = project.add_annotator(f"alice {HOSTILE}"), project.add_annotator("bob")
        claim = project.categories()[0]
        sub = project.add_category(f"Sub {HOSTILE}", parent_id=claim.id, description=f"Guide {HOSTILE}\nline 2")
        anns = [project.add_annotation(one.id, claim.id, alice.id, 6, 7, note=f"emoji {HOSTILE}"),
                project.add_annotation(one.id, sub.id, bob.id, 8, 20),  # across the first line end
                project.add_annotation(one.id, claim.id, bob.id, 32, 33),  # 𝄞, after a line end
                project.add_annotation(one.id, sub.id, alice.id, 52, len(TEXT)),  # to the end: 😀😀 twice.
                project.add_annotation(two.id, claim.id, alice.id, 0, 5)]
        yield project, (one, two), (alice, bob), anns


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def qde(path) -> etree._Element:
    return etree.fromstring(members(path)["project.qde"])


def test_project_qde_validates_against_project_xsd(study, tmp_path, project_xsd):
    # Project.xsd: ProjectType is a sequence Users, CodeBook, Variables, Cases, Sources, ... (child
    # order fixed); UserType, CodeType, TextSourceType, PlainTextSelectionType and CodingType
    # require guid (and name, isCodable, startPosition, endPosition, CodeRef where declared so).
    project = study[0]
    write_qdpx(project, tmp_path / "s.qdpx")
    root = qde(tmp_path / "s.qdpx")
    assert project_xsd.validate(root), project_xsd.error_log.last_error
    assert [child.tag for child in root] == [f"{Q}Users", f"{Q}CodeBook", f"{Q}Sources"]
    assert root.get("name") == f"Study {HOSTILE}"  # escaped on the way out, read back as it was


def test_users_codebook_sources_selections_and_codings_hold_the_project(study, tmp_path):
    project, (one, two), (alice, bob), anns = study
    project.update_annotation(anns[1].id, end=21, by=bob.id)
    write_qdpx(project, tmp_path / "s.qdpx")
    root = qde(tmp_path / "s.qdpx")
    assert {(u.get("guid"), u.get("name")) for u in root.iter(f"{Q}User")} == {(alice.id, alice.name),
                                                                               (bob.id, bob.name)}
    # the CodeBook is the one the .qdc export builds, in the project's namespace
    qdc = etree.fromstring(schema_qdc(export_schema(project)))
    codes = [(c.get("guid"), c.get("name"), c.get("color"), c.findtext("{*}Description"))
             for c in qdc.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert [(c.get("guid"), c.get("name"), c.get("color"), c.findtext(f"{Q}Description"))
            for c in root.iter(f"{Q}Code")] == codes
    selections = {s.get("guid"): s for s in root.iter(f"{Q}PlainTextSelection")}
    assert set(selections) == {a.id for a in anns}
    first = selections[anns[0].id]
    assert first.get("creatingUser") == alice.id and first.get("creationDateTime") == (
        anns[0].created.removesuffix("+00:00") + "Z")
    assert first.get("modifyingUser") is None and first.get("modifiedDateTime") is None  # never changed
    changed = selections[anns[1].id]
    assert changed.get("modifyingUser") == bob.id and changed.get("modifiedDateTime") == (
        project.annotation(anns[1].id).modified.removesuffix("+00:00") + "Z") != changed.get("creationDateTime")
    assert first.findtext(f"{Q}Description") == f"emoji {HOSTILE}"  # the note
    [coding] = first.findall(f"{Q}Coding")
    assert coding.find(f"{Q}CodeRef").get("targetGUID") == anns[0].category_id
    assert coding.get("guid") == str(uuid.uuid5(uuid.NAMESPACE_URL, "annotator-coding:" + anns[0].id))
    assert (coding.get("creatingUser"), coding.get("creationDateTime")) == (alice.id, first.get("creationDateTime"))
    assert changed.find(f"{Q}Description") is None  # no note, no Description
    assert first.get("name") == "😀" and changed.get("name") == "world, a “quo"  # the quote, a line end as a space


def test_each_document_is_a_source_file_referenced_as_internal(study, tmp_path):
    # REFI-QDA 1.5, section 9: "Internal files are stored within the sources subfolder of the .qdpx
    # file. Internal files are identified ... by the URL naming scheme 'internal://'"
    project, (one, two), _, _ = study
    write_qdpx(project, tmp_path / "s.qdpx")
    files = members(tmp_path / "s.qdpx")
    assert set(files) == {"project.qde", f"sources/{one.id}.txt", f"sources/{two.id}.txt"}
    sources = {s.get("guid"): s for s in qde(tmp_path / "s.qdpx").iter(f"{Q}TextSource")}
    assert sources[one.id].get("plainTextPath") == f"internal://{one.id}.txt"
    assert sources[one.id].get("name") == f"One {HOSTILE}"
    assert files[f"sources/{one.id}.txt"].decode("utf-8") == TEXT  # UTF-8, no BOM, LF as stored


@pytest.mark.parametrize("tool, rule, line_ends", [
    ("standard", STANDARD, "lf"), ("standard", replace(STANDARD, crlf=2), "crlf"), ("nvivo", NVIVO, None),
    ("nvivo", NVIVO, "lf"), ("maxqda", MAXQDA, "lf"), ("maxqda", MAXQDA, "crlf")])
def test_positions_read_back_through_the_written_text_give_the_offsets(study, tmp_path, tool, rule, line_ends):
    project, (one, _), _, anns = study
    written = write_qdpx(project, tmp_path / "s.qdpx", positions=tool, line_ends=line_ends)
    raw = members(tmp_path / "s.qdpx")[f"sources/{one.id}.txt"].decode("utf-8")
    assert written.line_ends == (line_ends or ("crlf" if tool == "nvivo" else "lf"))
    assert ("\r\n" in raw) == (written.line_ends == "crlf")
    assert written.rule == rule
    units = UnitMap(raw, rule)
    selections = {s.get("guid"): s for s in qde(tmp_path / "s.qdpx").iter(f"{Q}PlainTextSelection")}
    for ann in anns[:4]:
        got = selections[ann.id]
        assert (units.to_offset(int(got.get("startPosition"))), units.to_offset(int(got.get("endPosition")))) \
            == (ann.start, ann.end)


def test_positions_counted_by_hand(study, tmp_path):
    # REFI-QDA 1.5, 10.2: "Selections in a text file are defined by the first and the last character
    # (Unicode codepoint) in the file. The first codepoint in the file has the number 0 (zero)."
    # 𝄞 (one code point, two UTF-16 units) is at code point 32: "Hello 😀 world,\n" is 15, then 17.
    project, _, _, anns = study
    found = {}
    for tool, line_ends in (("standard", "lf"), ("standard", "crlf"), ("nvivo", "crlf"), ("maxqda", "lf")):
        write_qdpx(project, tmp_path / f"{tool}.qdpx", positions=tool, line_ends=line_ends)
        [got] = [s for s in qde(tmp_path / f"{tool}.qdpx").iter(f"{Q}PlainTextSelection")
                 if s.get("guid") == anns[2].id]
        found[tool, line_ends] = (int(got.get("startPosition")), int(got.get("endPosition")))
    assert found == {("standard", "lf"): (32, 33),
                     ("standard", "crlf"): (33, 34),  # the CR before it is a code point of the file
                     ("nvivo", "crlf"): (34, 36),  # 😀 is 2 units, CR LF 2, 𝄞 2
                     ("maxqda", "lf"): (33, 34)}  # one extra for the line end before it


def test_exporting_twice_gives_the_same_bytes(study, tmp_path):
    project = study[0]
    write_qdpx(project, tmp_path / "a.qdpx", positions="nvivo")
    write_qdpx(project, tmp_path / "b.qdpx", positions="nvivo")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.qdpx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}  # not the export's time


def test_a_scope_exports_only_its_documents_and_coders(study, tmp_path, project_xsd):
    project, (one, two), (alice, bob), anns = study
    report = write_qdpx(project, tmp_path / "s.qdpx", Scope(documents=frozenset({two.id}),
                                                             annotators=frozenset({alice.id})))
    root = qde(tmp_path / "s.qdpx")
    assert project_xsd.validate(root), project_xsd.error_log.last_error
    assert [s.get("guid") for s in root.iter(f"{Q}TextSource")] == [two.id]
    assert [s.get("guid") for s in root.iter(f"{Q}PlainTextSelection")] == [anns[4].id]
    assert report.counts() == {"annotations": 1, "documents": 1, "annotators": 1}


@pytest.mark.parametrize("table, column, value, named", [
    ("documents", "title", "Bad\x0btitle", "the document 'Bad\\x0btitle' holds U+000B"),
    ("annotations", "note", "bad\x01note", "holds U+0001, which XML cannot hold; edit the note"),
    ("annotators", "name", "bo\x1fb", "the coder 'bo\\x1fb' holds U+001F"),
    ("categories", "name", "Old\ufffe", "category 'Old\\ufffe' holds U+FFFE"),
])
def test_a_text_xml_cannot_hold_stops_the_export_in_one_line(study, tmp_path, capsys, table, column, value, named):
    # XML 1.0, 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF];
    # such a text (stored before they were refused) is refused, never written as invalid XML.
    project, _, (alice, _), anns = study
    row = {"documents": study[1][0].id, "annotations": anns[0].id, "annotators": alice.id,
           "categories": anns[0].category_id}[table]
    with sqlite3.connect(project.path) as db:
        db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, row))
    target = tmp_path / "s.qdpx"
    target.write_bytes(b"the old file")
    with pytest.raises(ValidationError, match=re.escape(named)) as refused:
        write_qdpx(project, target)
    assert "\n" not in str(refused.value) and ".qdpx" in str(refused.value)
    assert target.read_bytes() == b"the old file" and [p.name for p in tmp_path.iterdir()
                                                       if p.name.startswith(".s.qdpx")] == []
    assert main(["export", str(project.path), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "which XML cannot hold" in err and "Traceback" not in err


def test_the_command_names_what_the_qdpx_cannot_hold_with_counts(study, tmp_path, capsys):
    project, (one, two), (alice, bob), anns = study
    lea = project.add_annotator("lea")
    project.update_category(anns[0].category_id, attributes=[{"name": "verdict", "type": "text"}])
    project.update_annotation(anns[0].id, attributes={"verdict": "true"}, by=alice.id)
    project.update_annotation(anns[2].id, attributes={"verdict": "false"}, by=bob.id)
    project.set_setting("blind_coding", True)
    project.add_document("Three", "From a file.", source="interviews/three.txt", metadata={"site": "Leeds"})
    first = adjudication_units(project)[0]
    project.decide(first.document, unit_id=first.id, start=first.start, end=first.end, kind="accepted",
                   spans=[GoldSpan(first.start, first.end, anns[0].category_id)], sources=[anns[0].id], by=lea.id)
    statuses = len(project.export_rows().statuses)
    shortcuts = sum(bool(c.shortcut) for c in project.categories())
    assert main(["export", str(project.path), "-o", str(tmp_path / "s.qdpx")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("exported 6 annotation(s) on 3 document(s) by 4 annotator(s) to ")
    assert out.splitlines()[1] == (
        "not in the .qdpx (the format has no place for them): 3 annotations' attribute values, "  # gold's too
        f"{statuses} document statuses, 1 gold decision, 1 document's metadata, 1 document's source file name, "
        f"{shortcuts} category shortcuts, 1 category's attribute definitions, 1 project setting (blind_coding)")


def test_nothing_is_listed_when_nothing_is_lost(tmp_path, capsys):
    with create_project(tmp_path / "plain.annotator", template=None) as project:
        doc = project.add_document("Doc", "Plain text.").document
        cat = project.add_category("Code")
        coder = project.add_annotator("ana")
        project.add_annotation(doc.id, cat.id, coder.id, 0, 5, note="a note travels")
    with sqlite3.connect(tmp_path / "plain.annotator") as db:
        db.execute("DELETE FROM document_status")  # as after an import, which sets no status
    assert main(["export", str(tmp_path / "plain.annotator"), "-o", str(tmp_path / "s.qdpx")]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "not in the .qdpx" not in out
    assert "(qdpx; positions for any tool (the REFI-QDA standard): code points" in out


def test_the_options_and_the_exit_codes_of_the_command(study, tmp_path, capsys):
    path = str(study[0].path)
    assert main(["export", path, "-o", str(tmp_path / "n.qdpx"), "--qdpx-positions", "nvivo"]) == 0
    assert "positions for NVivo: UTF-16 units, CR LF as 2, BOM not counted; line ends CRLF" in capsys.readouterr().out
    assert main(["export", path, "-o", str(tmp_path / "x.bin"), "--format", "qdpx",
                 "--qdpx-positions", "maxqda", "--qdpx-line-ends", "crlf"]) == 0
    assert zipfile.is_zipfile(tmp_path / "x.bin")
    assert main(["export", path, "-o", str(tmp_path / "a.json"), "--qdpx-positions", "nvivo"]) == 2
    assert "apply to the qdpx format only" in capsys.readouterr().err
    assert main(["export", path, "-o", str(tmp_path / "a.qdpx"), "--no-text"]) == 2
    assert main(["export", path, "-o", str(tmp_path / "a.qdpx"), "--qdpx-positions", "atlas"]) == 2
    assert main(["export", str(tmp_path / "missing.annotator"), "-o", str(tmp_path / "a.qdpx")]) == 1
    assert main(["export", path, "-o", path]) == 1  # never over a project


def test_an_empty_project_gives_a_valid_package(tmp_path, project_xsd):
    # Project.xsd: UsersType and SourcesType hold at least one child, so empty lists are left out;
    # CodesType holds at least one Code, so the codebook has the .qdc export's one non-codable code.
    with create_project(tmp_path / "empty.annotator", template=None) as project:
        report = write_qdpx(project, tmp_path / "e.qdpx")
    root = qde(tmp_path / "e.qdpx")
    assert project_xsd.validate(root), project_xsd.error_log.last_error
    assert [child.tag for child in root] == [f"{Q}CodeBook"] and list(members(tmp_path / "e.qdpx")) == ["project.qde"]
    assert report.counts() == {"annotations": 0, "documents": 0, "annotators": 0} and report.lost_line() == ""
