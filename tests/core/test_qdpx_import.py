"""Importing REFI-QDA projects (.qdpx) (issue 17, points 3, 4, 5 and 8): fixture packages written
as NVivo, ATLAS.ti, MAXQDA and QualCoder write them (tests/core/qdpx_fixtures.py), and the real
codebooks of ../shared/refi-qda inside a package.

REFI-QDA 1.5, section 10.2: "Selections in a text file are defined by the first and the last
character (Unicode codepoint) in the file. The first codepoint in the file has the number 0
(zero)." Vendors count otherwise (../shared/refi-qda/README.md): the importer finds the rule."""

from __future__ import annotations

import re

import pytest

from annotator.core.exchange.qdpx.apply import import_qdpx
from annotator.core.project.project import Project
from annotator.core.schema.files import read_schema
from annotator.core.schema.templates import create_project
from annotator.core.storage.backups import list_backups
from tests.conftest import SHARED, shared
from tests.core.qdpx_fixtures import (
    ALICE,
    BOB,
    CLAIM,
    CODES,
    EVIDENCE,
    TEXT,
    Sel,
    Src,
    codebook,
    codebook_from_qdc,
    count,
    guid,
    qde,
    vendor_package,
    write_qdpx,
)

REFI = SHARED / "refi-qda"
RULES = {
    "nvivo": "UTF-16 units, CR LF as 2, BOM not counted (as NVivo counts)",
    "atlasti": "code points, CR LF as 1, BOM not counted (the standard)",
    "maxqda": "code points, CR LF as 1, one extra per line end, BOM not counted (as MAXQDA counts)",
    "qualcoder": "code points, CR LF as 1, BOM not counted (the standard)",
}


@pytest.fixture
def empty(tmp_path):
    with create_project(tmp_path / "empty.annotator", template=None) as project:
        yield project


def spans(project: Project) -> list[tuple[str, str, str, str]]:
    """(quote, category, coder, note) of every annotation, in text order."""
    cats = {c.id: c.name for c in project.categories()}
    coders = {a.id: a.name for a in project.annotators()}
    out = []
    for ann in project.annotations():
        text = project.document(ann.document_id).text
        out.append((text[ann.start:ann.end], cats[ann.category_id], coders[ann.annotator_id], ann.note))
    return out


@pytest.mark.parametrize("vendor", ["nvivo", "atlasti", "maxqda", "qualcoder"])
def test_each_vendors_package_imports_onto_the_same_characters(empty, tmp_path, vendor):
    report = import_qdpx(empty, vendor_package(tmp_path, vendor))
    assert spans(empty) == [("Second line", "Claim", "Alice", "said twice"),
                            ("emoji", "Evidence", "Bob", "a linked memo"),
                            ("the claim is here", "Claim", "Alice", "")]
    [doc] = empty.documents()
    assert empty.document(doc.id).text == TEXT  # NVivo's BOM and CR LF gone: normalised as a text file
    assert report.rules == {RULES[vendor]: 1}
    assert (report.documents_added, report.coders_added, report.codings_imported) == (1, 2, 3)
    assert report.codings_converted == (3 if vendor in ("nvivo", "maxqda") else 0)
    assert sorted(report.schema.added) == ["Claim", "Evidence"] and not report.refused
    assert {c.name: c.colour.upper() for c in empty.categories()} == {"Claim": "#FF0000", "Evidence": "#00AA00"}
    assert f"positions: {RULES[vendor]}: 1 source(s)" in report.lines()


def test_nvivo_positions_are_found_from_the_text_without_an_origin(empty, tmp_path):
    raw, members = qde("nvivo", "", {ALICE: "Alice"}, codebook(CODES),
                       [Src("One", TEXT, [Sel("Second line", CLAIM), Sel("the claim is here", EVIDENCE)])])
    # The last selection ends past the text as code points count it: only UTF-16 units with CR LF as 2 fit.
    members = {name.replace("sources/", "Sources/"): data for name, data in members.items()}
    report = import_qdpx(empty, write_qdpx(tmp_path / "study.qdpx", raw, members))
    assert [s[:2] for s in spans(empty)] == [("Second line", "Claim"), ("the claim is here", "Evidence")]
    assert report.rules == {RULES["nvivo"]: 1} and not report.refused


def test_when_several_rules_fit_the_origins_is_taken_and_the_report_says_so(empty, tmp_path):
    report = import_qdpx(empty, vendor_package(tmp_path, "maxqda"))
    [note] = [n for n in report.notes if "also fit" in n]
    assert "which gives other offsets; code points, CR LF as 1, one extra per line end, BOM not counted " \
           "(as MAXQDA counts) was taken, as preferred" in note


def test_plain_text_content_and_relative_paths_are_read(empty, tmp_path):
    raw, members = qde("qualcoder", "QualCoder 3.5", {ALICE: "Alice"}, codebook(CODES),
                       [Src("Inline", "An inline text source.", [Sel("inline", CLAIM)], inline=True),
                        Src("Filed", "A filed text source.", [Sel("filed", EVIDENCE)])])
    raw = raw.replace(b'plainTextPath="internal://', b'plainTextPath="relative:///')  # relative to sources/
    report = import_qdpx(empty, write_qdpx(tmp_path / "study.qdpx", raw, members))
    assert sorted(s[:2] for s in spans(empty)) == [("filed", "Evidence"), ("inline", "Claim")]
    assert sorted(d.title for d in empty.documents()) == ["Filed", "Inline"] and report.documents_added == 2


def test_a_selection_that_splits_a_character_or_falls_outside_is_refused_and_the_rest_import(empty, tmp_path):
    inside_emoji = count(TEXT, TEXT.index("😀"), "nvivo") + 1  # between the two UTF-16 units of the emoji
    raw, members = qde("nvivo", "NVivo 12.6", {ALICE: "Alice"}, codebook(CODES), [Src("One", TEXT, [
        Sel("Second line", CLAIM),
        Sel("emoji", CLAIM, positions=(inside_emoji, inside_emoji + 4)),
        Sel("First", CLAIM, positions=(10, 10_000)),
        Sel("Third", EVIDENCE, positions=(5, 5)),
        Sel("the claim", guid("no such code")),
    ])], folder="Sources")
    report = import_qdpx(empty, write_qdpx(tmp_path / "study.qdpx", raw, members))
    assert spans(empty) == [("Second line", "Claim", "Alice", "")]
    assert report.codings_imported == 1 and len(report.refused) == 4
    reasons = "\n".join(report.refused)
    assert f"its start {inside_emoji} splits a character under {RULES['nvivo']}" in reasons
    assert "its end 10000 falls outside the text" in reasons
    assert "it ends (5) where or before it starts (5)" in reasons
    assert f"its code {guid('no such code')} is not in the codebook" in reasons
    assert all(re.match(r"source 'One', selection [0-9a-f]{8} \(\d+–\d+\): ", line) for line in report.refused)


def test_non_text_sources_are_skipped_and_counted(empty, tmp_path):
    path = vendor_package(tmp_path, "qualcoder", skipped={"PDFSource": 2, "PictureSource": 1, "AudioSource": 1,
                                                          "VideoSource": 3})
    report = import_qdpx(empty, path)
    assert report.skipped == {"PDF": 2, "image": 1, "audio": 1, "video": 3} and report.skipped_codings == 2
    assert ("skipped (not text): 1 audio source(s), 1 image source(s), 2 PDF source(s), 3 video source(s) "
            "with 2 coding(s)") in report.lines()
    assert report.codings_imported == 3 and len(empty.documents()) == 1


def test_one_transaction_after_a_backup_and_importing_again_changes_nothing(tmp_path, dump):
    with create_project(tmp_path / "study.annotator", template=None) as project:
        project.add_document("Before", "the project held this before")
        before = dump(project)
        report = import_qdpx(project, vendor_package(tmp_path, "qualcoder"))
        [backup] = list_backups(project.path)
        assert report.backup == backup.path
        with Project.open(backup.path, mode="read") as copy:
            assert dump(copy) == before  # the backup holds the state before the import
        after = dump(project)
        again = import_qdpx(project, vendor_package(tmp_path, "qualcoder"))
        assert dump(project) == after and again.backup is None and len(list_backups(project.path)) == 1
        assert (again.codings_present, again.codings_imported, again.documents_matched) == (3, 0, 1)
        assert again.coders_matched == 2 and again.changes.corpus is False


def test_a_failure_inside_the_transaction_leaves_the_project_as_it_was(tmp_path, dump, monkeypatch):
    from annotator.core.exchange.qdpx import apply

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    with create_project(tmp_path / "study.annotator", template=None) as project:
        before = dump(project)
        monkeypatch.setattr(apply, "insert_annotations", broken)
        with pytest.raises(RuntimeError):
            import_qdpx(project, vendor_package(tmp_path, "qualcoder"))
        assert dump(project) == before and list_backups(project.path) == []


def test_users_and_codes_are_matched_as_the_qdc_import_matches(tmp_path):
    with create_project(tmp_path / "study.annotator", template=None) as project:
        alice = project.add_annotator("alice")
        claim = project.add_category("claim", "#123456")
        report = import_qdpx(project, vendor_package(tmp_path, "atlasti"))
        assert (report.coders_matched, report.coders_added) == (1, 1)
        assert report.schema.updated == ["Claim"] and report.schema.added == ["Evidence"]
        claims = project.annotations(category_id=claim.id)
        assert len(claims) == 2 and {a.annotator_id for a in claims} == {alice.id}
        assert sorted(a.name for a in project.annotators()) == ["Bob", "alice"]


@pytest.mark.parametrize("name", ["qualcoder-3.8.2-codebook.qdc", "taguette-1.4.1-codebook.qdc",
                                  "requal-atlasti-23.4.0-valid.qdc", "refi-qda-1.5-annexA-example1.qdc"])
def test_the_real_codebooks_inside_a_package(empty, tmp_path, name):
    path = shared(REFI / name)
    book = codebook_from_qdc(path.read_bytes())
    codes = [code.get("guid") for code in book.iter() if code.tag.endswith("}Code")]
    text = " ".join(f"word{n}" for n in range(len(codes)))
    selections = [Sel(f"word{n} ", code) if n < len(codes) - 1 else Sel(f"word{n}", code)
                  for n, code in enumerate(codes)]
    raw, members = qde("qualcoder", "QualCoder 3.8.2", {ALICE: "Alice"}, book, [Src("One", text, selections)])
    report = import_qdpx(empty, write_qdpx(tmp_path / "study.qdpx", raw, members))
    expected = read_schema(path)

    def total(nodes):
        return sum(1 + total(node["children"]) for node in nodes)

    assert len(empty.categories()) == total(expected["categories"]) == len(codes)
    assert report.codings_imported == len(codes) and not report.refused
    by_id = {c.id: c.name for c in empty.categories()}
    assert {by_id[a.category_id] for a in empty.annotations()} == set(by_id.values())


def test_a_coding_without_a_user_goes_to_the_projects_creator_or_a_named_coder(empty, tmp_path):
    raw, members = qde("qualcoder", "QualCoder 3.5", {}, codebook(CODES), [Src("One", TEXT, [Sel("First", CLAIM)])])
    report = import_qdpx(empty, write_qdpx(tmp_path / "study.qdpx", raw, members))
    assert [s[2] for s in spans(empty)] == ["study (REFI-QDA)"] and report.coders_added == 1
    assert BOB not in {a.id for a in empty.annotators()}


def test_a_coding_guid_given_twice_in_the_package_imports_twice(empty, tmp_path):
    raw, members = qde("qualcoder", "QualCoder 3.5", {ALICE: "Alice"}, codebook(CODES),
                       [Src("One", "The first source.", [Sel("first", CLAIM)]),
                        Src("Two", "The second source.", [Sel("second", EVIDENCE)])])
    first, second = (guid(f"{guid(f'qualcoder-{n}-sel-0')}-coding-0") for n in (0, 1))
    raw = raw.replace(second.encode(), first.encode())
    report = import_qdpx(empty, write_qdpx(tmp_path / "study.qdpx", raw, members))
    assert report.codings_imported == 2 and sorted(s[0] for s in spans(empty)) == ["first", "second"]


def test_characters_a_project_cannot_store_are_left_out_of_names_and_notes(empty, tmp_path):
    raw, members = qde("qualcoder", "QualCoder 3.5", {ALICE: "Al\x7fice"}, codebook(CODES),
                       [Src("One", TEXT, [Sel("First", CLAIM, description="a\x7f note"),
                                          Sel("Second", CLAIM, note="linked\x7f")])])
    import_qdpx(empty, write_qdpx(tmp_path / "study.qdpx", raw, members))
    assert [s[2:] for s in spans(empty)] == [("Alice", "a note"), ("Alice", "linked")]
