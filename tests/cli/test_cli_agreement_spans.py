"""annotator agreement SOURCE...: span-level agreement on a project or export files."""

import json

import pytest

from annotator.core.exchange.export_file import Scope, write_export

TEXT = "The council will spend two million on bike lanes. Critics call it a waste of money."


@pytest.fixture
def coded(project):
    doc = project.add_document("Article", TEXT).document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    cats = {c.name: c.id for c in project.categories()}
    claim = (0, TEXT.index("."))
    opinion = (TEXT.index("Critics"), len(TEXT) - 1)
    project.add_annotations([
        dict(document_id=doc.id, category_id=cats["Factual claim"], annotator_id=alice.id,
             start=claim[0], end=claim[1]),
        dict(document_id=doc.id, category_id=cats["Factual claim"], annotator_id=bob.id, start=claim[0], end=claim[1]),
        dict(document_id=doc.id, category_id=cats["Opinion"], annotator_id=alice.id, start=opinion[0], end=opinion[1]),
        dict(document_id=doc.id, category_id=cats["Factual claim"], annotator_id=bob.id,
             start=opinion[0], end=opinion[1]),
    ])
    return project, (alice, bob), cats


MEASURES = {"unitizing_alpha", "u_alpha_2016", "binary_u_alpha_2016", "cu_alpha_2016", "span_f1_exact",
            "span_f1_overlap", "token_kappa", "token_alpha", "token_ac1"}
OVERALL = MEASURES | {"gamma", "gamma_cat"}  # γ-k is per category only (report.ONLY_IN)
PER_CATEGORY = MEASURES | {"gamma_k"}


def test_json_report_on_a_project(run, coded):
    project = coded[0]
    code, out, err = run("agreement", project.path, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    opinion = data["per_category"][coded[2]["Opinion"]]  # keyed by id, with the path as its label
    assert opinion["label"] == "Opinion"
    intervals = {f"{k}_ci95" for k in ("unitizing_alpha", "u_alpha_2016", "span_f1_exact", "span_f1_overlap",
                                       "gamma", "gamma_cat")}
    assert set(data["overall"]) == OVERALL | intervals and set(opinion) == PER_CATEGORY | {"label"}
    # one document: resampling documents gives no interval, and the note says why
    assert data["overall"]["span_f1_exact_ci95"] is None
    assert "overall.span_f1_exact_ci95: one document: resampling documents needs two or more" in data["notes"]
    assert data["bootstrap"] == {"method": "percentile, resampling documents", "resamples": 1000, "seed": 1,
                                 "defined_resamples": {}}
    assert {"per_document", "pairs", "confusion", "disagreements", "notes"} <= set(data)
    assert data["overall"]["span_f1_exact"] == pytest.approx(0.5)  # one of two spans each matches
    assert data["confusion"]["labels"][-1] == "(none)"
    [disagreement] = data["disagreements"]
    assert disagreement["coders"] == {"alice": "Opinion", "bob": "Factual claim"}
    assert TEXT[disagreement["start"]:disagreement["end"]].startswith("Critics")
    nulls = [k for k, v in opinion.items() if v is None]
    assert all(any(n in note for note in data["notes"]) for n in nulls)  # every null has its reason


def test_no_gamma_leaves_gamma_out_and_the_rest_unchanged(run, coded):
    project = coded[0]
    _, with_gamma, _ = run("agreement", project.path, "--format", "json")
    code, out, err = run("agreement", project.path, "--format", "json", "--no-gamma")
    assert code == 0, err
    full, data = json.loads(with_gamma), json.loads(out)
    assert isinstance(full["overall"]["gamma"], float) and data["overall"]["gamma"] is None
    assert "overall.gamma: not computed (gamma switched off)" in data["notes"]
    others = {k: v for k, v in full["overall"].items() if not k.startswith("gamma")}
    assert {k: v for k, v in data["overall"].items() if not k.startswith("gamma")} == others


def test_export_files_give_the_same_numbers_as_the_project(run, coded, tmp_path):
    project, (alice, bob), _ = coded
    for coder in (alice, bob):
        write_export(project, tmp_path / f"{coder.name}.json", Scope(annotators=frozenset({coder.id})))
    _, from_project, _ = run("agreement", project.path, "--format", "json")
    code, from_files, err = run("agreement", tmp_path / "alice.json", tmp_path / "bob.json", "--format", "json")
    assert code == 0, err
    assert json.loads(from_files)["overall"] == json.loads(from_project)["overall"]


def test_table_and_csv_output(run, coded):
    project = coded[0]
    code, out, _ = run("agreement", project.path)
    assert code == 0 and "unitizing alpha" in out and "Krippendorff" in out
    code, out, _ = run("agreement", project.path, "--format", "csv", "--categories", "Opinion,Factual claim")
    # the one CSV shape of the span report, the dashboard's (its note column says why a value is empty)
    assert code == 0 and out.splitlines()[0] == "scope,item,measure,value,note"


def test_bad_input_gets_one_line_and_a_non_zero_exit(run, coded, tmp_path):
    project = coded[0]
    code, _, err = run("agreement", project.path, "--annotators", "alice,carol")
    assert code == 1 and err.strip().endswith("no annotator named 'carol' (known: alice, bob)")
    code, _, err = run("agreement", project.path, "--annotators", "alice")
    assert code == 1 and "at least two coders" in err and len(err.strip().splitlines()) == 1
    code, _, err = run("agreement", tmp_path / "missing.json")
    assert code == 1 and "missing.json" in err
    code, _, err = run("agreement")
    assert code == 2


def test_html_page(run, coded):
    code, out, err = run("agreement", coded[0].path, "--format", "html")
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>") and "Reading the numbers." in out and "alice, bob" in out
