"""annotator agreement SOURCE...: categories keyed by id and picked by path, which documents count,
the confusion pair, coders without annotations, and the bootstrap intervals (issue 18, points 5-8)."""

import csv
import io
import json

import pytest

from annotator.core.exchange.export_file import Scope, write_export

TEXT = "The council will spend two million on bike lanes. Critics call it a waste of money."
CLAIM = (0, TEXT.index("."))
OPINION = (TEXT.index("Critics"), len(TEXT) - 1)


@pytest.fixture
def opinions(project):
    """Two categories named "Opinion" (the template's, moved under "Claims", and a new one under
    "Evidence"): alice and bob agree on Claims / Opinion and not on Evidence / Opinion."""
    doc = project.add_document("Article", TEXT).document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    claims = project.add_category("Claims").id
    evidence = project.add_category("Evidence").id
    op1 = next(c.id for c in project.categories() if c.name == "Opinion")
    project.move_category(op1, claims, 0)
    op2 = project.add_category("Opinion", parent_id=evidence).id
    project.add_annotations([
        dict(document_id=doc.id, category_id=op1, annotator_id=alice.id, start=CLAIM[0], end=CLAIM[1]),
        dict(document_id=doc.id, category_id=op1, annotator_id=bob.id, start=CLAIM[0], end=CLAIM[1]),
        dict(document_id=doc.id, category_id=op2, annotator_id=alice.id, start=OPINION[0], end=OPINION[1]),
        dict(document_id=doc.id, category_id=op2, annotator_id=bob.id, start=OPINION[0] + 8, end=OPINION[1]),
    ])
    return project, (alice, bob), (op1, op2)


def by_label(per_category: dict) -> dict:
    return {v["label"]: (key, v) for key, v in per_category.items()}


def test_two_opinions_stay_apart_from_a_project_and_from_export_files(run, opinions, tmp_path):
    project, (alice, bob), (op1, op2) = opinions
    for coder in (alice, bob):
        write_export(project, tmp_path / f"{coder.name}.json", Scope(annotators=frozenset({coder.id})))
    for sources in ([project.path], [tmp_path / "alice.json", tmp_path / "bob.json"]):
        code, out, err = run("agreement", *sources, "--format", "json")
        assert code == 0, err
        result = json.loads(out)
        labels = by_label(result["per_category"])
        assert labels["Claims / Opinion"][0] == op1 and labels["Evidence / Opinion"][0] == op2
        assert labels["Claims / Opinion"][1]["span_f1_exact"] == 1.0
        assert labels["Evidence / Opinion"][1]["span_f1_exact"] == 0.0
        assert result["names"]["categories"][op2] == "Evidence / Opinion"
        code, out, err = run("agreement", *sources, "--format", "csv")
        items = {r[1] for r in csv.reader(io.StringIO(out)) if r[0] == "category"}
        assert {"Claims / Opinion", "Evidence / Opinion"} <= items
        code, out, err = run("agreement", *sources)
        assert "Claims / Opinion" in out and "Evidence / Opinion" in out


def test_categories_by_path_or_id_and_an_ambiguous_name_is_refused(run, opinions):
    project, _, (op1, op2) = opinions
    for flags in ([], ["--against-gold"]):
        code, _, err = run("agreement", project.path, "--categories", "Opinion", *flags)
        assert code == 1 and len(err.strip().splitlines()) == 1
        assert "category name 'Opinion' is ambiguous" in err
        assert f"Claims / Opinion (id {op1})" in err and f"Evidence / Opinion (id {op2})" in err
    code, out, err = run("agreement", project.path, "--categories", f"Claims / Opinion,{op2}", "--format", "json")
    assert code == 0, err
    assert set(json.loads(out)["per_category"]) == {op1, op2}


def test_a_per_category_run_compares_the_documents_of_the_full_report(run, opinions):
    """Issue 18 point 7: a second document where bob marked only Evidence / Opinion counts in the
    Claims / Opinion run too (before, it was left out and the numbers disagreed)."""
    project, (alice, bob), (op1, op2) = opinions
    doc = project.add_document("Second", TEXT + " (2)").document
    project.add_annotations([
        dict(document_id=doc.id, category_id=op1, annotator_id=alice.id, start=CLAIM[0], end=CLAIM[1]),
        dict(document_id=doc.id, category_id=op2, annotator_id=bob.id, start=OPINION[0], end=OPINION[1])])
    _, out, _ = run("agreement", project.path, "--format", "json")
    full = json.loads(out)
    code, out, err = run("agreement", project.path, "--format", "json", "--categories", "Claims / Opinion")
    assert code == 0, err
    one = json.loads(out)
    assert one["documents"] == full["documents"] == 2 and one["documents_excluded"] == []
    for key, value in one["per_category"][op1].items():
        if key not in ("cu_alpha_2016", "gamma_k"):  # these depend on the categories in the run (documented)
            assert value == full["per_category"][op1][key], key


def test_the_confusion_pair_is_chosen_and_said(run, opinions):
    project, (alice, bob), _ = opinions
    carol = project.add_annotator("carol")
    doc = project.documents()[0].id
    project.add_annotation(doc, next(iter(project.categories())).id, carol.id, 0, 10)
    code, out, err = run("agreement", project.path, "--format", "json", "--pair", f"carol,{alice.id}")
    assert code == 0, err
    assert json.loads(out)["confusion"]["coders"] == ["carol", "alice"]
    code, out, err = run("agreement", project.path, "--format", "html", "--pair", "bob,carol")
    assert code == 0 and "<h2>Confusion: bob / carol</h2>" in out
    for bad in ("alice,alice", "alice", "alice,dave"):
        code, _, err = run("agreement", project.path, "--pair", bad)
        assert code == 1 and len(err.strip().splitlines()) == 1, bad
    code, _, err = run("agreement", project.path, "--annotators", "alice,bob", "--pair", "alice,carol")
    assert code == 1 and "--pair needs two different coders of the report (alice, bob)" in err
    code, _, err = run("agreement", project.path, "--against-gold", "--pair", "alice,bob")
    assert code == 2


def test_a_coder_whose_file_has_no_annotations_is_named_in_the_notes(run, opinions, tmp_path):
    project, (alice, bob), _ = opinions
    carol = project.add_annotator("carol")
    files = []
    for coder in (alice, bob, carol):
        write_export(project, tmp_path / f"{coder.name}.json", Scope(annotators=frozenset({coder.id})))
        files.append(tmp_path / f"{coder.name}.json")
    code, out, err = run("agreement", *files, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert sorted(result["coders"]) == ["alice", "bob"]
    assert "carol has no annotations in these sources; left out" in result["notes"]
    code, out, err = run("agreement", files[0], files[2])
    assert code == 1 and "at least two coders; these sources have: alice" in err
