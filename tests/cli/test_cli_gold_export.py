"""``annotator export --gold`` (issue 15, point 8): the gold layer alone, in every export format,
labelled as the gold standard; and the merge and import commands name units in conflict."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.core.agreement.adjudication import adjudication_units
from annotator.core.project.gold import GoldSpan
from annotator.core.schema.templates import create_project
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME
from tests.core.test_formats import assert_web_annotation_shape, utf16_slice

TEXT = "The minister 😀 said taxes will rise next year. Critics call that a guess."


@pytest.fixture
def adjudicated(tmp_path):
    """alice and bob marked one document; lea accepted alice's span on the first unit and rejected
    the second."""
    path = tmp_path / "team.annotator"
    with create_project(path, name="Team") as project:
        doc = project.add_document("Speech", TEXT).document
        alice, bob, lea = (project.add_annotator(n) for n in ("alice", "bob", "lea"))
        claim, opinion = project.categories()[:2]
        start = TEXT.index("said")
        a = project.add_annotation(doc.id, claim.id, alice.id, start, start + 10)
        project.add_annotation(doc.id, opinion.id, bob.id, start, start + 15)
        c = project.add_annotation(doc.id, claim.id, bob.id, TEXT.index("Critics"), len(TEXT) - 1)
        first, second = adjudication_units(project)
        project.decide(doc.id, unit_id=first.id, start=first.start, end=first.end, kind="accepted",
                       spans=[GoldSpan(start, start + 10, claim.id)], sources=[a.id], by=lea.id)
        project.decide(doc.id, unit_id=second.id, start=second.start, end=second.end, kind="rejected", spans=[],
                       sources=[c.id], by=lea.id)
        gold_id = project.annotations(annotator_id=GOLD_ID)[0].id
    return path, gold_id, lea.id


def test_gold_only_annotator_json_holds_the_gold_annotations_and_the_decisions(adjudicated, tmp_path, run):
    path, gold_id, lea = adjudicated
    out_file = tmp_path / "gold.json"
    code, out, err = run("export", path, "--gold", "-o", out_file)
    assert (code, err) == (0, "")
    assert out == f"exported 1 gold annotation(s) and 2 decision(s) on 1 document(s) by 2 annotator(s) to {out_file} " \
                  "(annotator)\n"
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert [a["id"] for a in data["annotations"]] == [gold_id]
    assert [d["kind"] for d in data["decisions"]] == ["accepted", "rejected"]
    assert {a["id"]: a["role"] for a in data["annotators"]} == {GOLD_ID: "gold", lea: "coder"}


def test_gold_only_csv_names_the_gold_standard(adjudicated, tmp_path, run):
    path, gold_id, _ = adjudicated
    code, _, _ = run("export", path, "--gold", "-o", tmp_path / "gold.csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "gold.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert [(r["annotation_id"], r["annotator"], r["quote"]) for r in rows] == [(gold_id, GOLD_NAME, "said taxes")]


def test_gold_only_doccano_is_one_line_labelled_gold(adjudicated, tmp_path, run):
    """The doccano line format of test_formats (UTF-16 offsets) with the gold layer's name and role."""
    path, _, _ = adjudicated
    code, _, _ = run("export", path, "--gold", "-o", tmp_path / "gold.jsonl")
    assert code == 0
    [line] = [json.loads(x) for x in (tmp_path / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (line["annotator"], line["annotator_id"], line["role"]) == (GOLD_NAME, GOLD_ID, "gold")
    [[start, end, label]] = line["label"]
    assert utf16_slice(line["text"], start, end) == "said taxes" and label == "Factual claim"


def test_gold_only_w3c_is_a_valid_collection_of_assessments_by_the_adjudicator(adjudicated, tmp_path, run):
    """Web Annotation Data Model: the same shape checks as every W3C export (test_formats), the
    adjudicator as the creator (§3.3.3, a Person) and an "assessing" body (§3.3.5 Motivation and
    Purpose: "assessing: The motivation for when the user intends to assess the target resource in
    some way")."""
    path, gold_id, lea = adjudicated
    code, _, _ = run("export", path, "--gold", "-o", tmp_path / "gold.jsonld")
    assert code == 0
    collection = json.loads((tmp_path / "gold.jsonld").read_text(encoding="utf-8"))
    assert_web_annotation_shape(collection)
    [item] = collection["first"]["items"]
    assert item["id"] == f"urn:uuid:{gold_id}"
    assert item["creator"] == {"id": f"urn:uuid:{lea}", "type": "Person", "name": "lea"}
    assert {"type": "TextualBody", "purpose": "assessing", "value": "Gold standard: accepted"} in item["body"]


def test_a_full_export_labels_the_gold_layer_beside_the_coders(adjudicated, tmp_path, run):
    path, gold_id, _ = adjudicated
    run("export", path, "-o", tmp_path / "all.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted((x["annotator"], x.get("role")) for x in lines) == [(GOLD_NAME, "gold"), ("alice", None),
                                                                      ("bob", None)]


def test_gold_is_not_for_a_handout_or_with_annotators(adjudicated, tmp_path, run):
    path, _, _ = adjudicated
    for extra in (["--handout"], ["--annotators", "alice"]):
        code, _, err = run("export", path, "--gold", *extra, "-o", tmp_path / "x.json")
        assert code == 2 and "--gold exports the gold standard alone" in err


def test_merge_and_import_name_the_units_in_conflict(adjudicated, tmp_path, run):
    path, _, _ = adjudicated
    run("export", path, "-o", tmp_path / "lea.json")
    run("export", path, "--annotators", "alice,bob", "-o", tmp_path / "coders.json")  # without lea's decisions
    other = tmp_path / "max.annotator"
    run("init", other, "--empty")
    run("import-annotations", other, tmp_path / "coders.json")
    from annotator.core.project.project import Project

    with Project.open(other) as project:
        [unit, _] = adjudication_units(project)
        max_ = project.add_annotator("max")
        project.decide(unit.document, unit_id=unit.id, start=unit.start, end=unit.end, kind="rejected", spans=[],
                       sources=[], by=max_.id)
    run("export", other, "-o", tmp_path / "max.json")
    line = f"  document 'Speech' {unit.start}–{unit.end}: lea accepted, max rejected"
    code, out, _ = run("merge", tmp_path / "lea.json", tmp_path / "max.json", "-o", tmp_path / "team.json")
    assert code == 0 and f"decisions in conflict (decide these units again):\n{line}\n" in out
    code, out, _ = run("import-annotations", path, tmp_path / "max.json")
    assert code == 0 and f"decisions in conflict (decide these units again):\n{line}\n" in out
