"""annotator agreement SOURCE... --against-gold: each coder against the gold standard (issue 15 point 7)."""

import csv
import io
import json

import pytest

TEXT = "The council will spend two million on bike lanes. Critics call it a waste of money."
CLAIM = (0, TEXT.index("."))
OPINION = (TEXT.index("Critics"), len(TEXT) - 1)


def adjudicate(project, by, choose):
    """Decide every unit of the project: ``choose(unit)`` gives the gold spans (start, end,
    category id) and the reason; no span is a rejection."""
    from annotator.core.agreement.adjudication import adjudication_units
    from annotator.core.project.gold import GoldSpan

    for unit in adjudication_units(project):
        spans, reason = choose(unit)
        project.decide(unit.document, unit_id=unit.id, start=unit.start, end=unit.end,
                       kind="accepted" if spans else "rejected", spans=[GoldSpan(*g) for g in spans],
                       sources=[s.annotation_id for s in unit.spans if (s.start, s.end, s.category) in spans],
                       by=by, reason=reason)


@pytest.fixture
def adjudicated(project):
    doc = project.add_document("Article", TEXT).document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    cats = {c.name: c.id for c in project.categories()}
    claim, opinion = cats["Factual claim"], cats["Opinion"]
    project.add_annotations([
        dict(document_id=doc.id, category_id=claim, annotator_id=alice.id, start=CLAIM[0], end=CLAIM[1]),
        dict(document_id=doc.id, category_id=claim, annotator_id=bob.id, start=CLAIM[0], end=CLAIM[1]),
        dict(document_id=doc.id, category_id=opinion, annotator_id=alice.id, start=OPINION[0], end=OPINION[1]),
        dict(document_id=doc.id, category_id=claim, annotator_id=bob.id, start=OPINION[0], end=OPINION[1]),
    ])
    adjudicate(project, alice.id, lambda unit: ([(*CLAIM, claim)], "") if unit.start == CLAIM[0]
               else ([(*OPINION, opinion)], "=an opinion"))
    return project, (alice, bob), cats


def test_json_each_coder_against_the_gold(run, adjudicated):
    project = adjudicated[0]
    code, out, err = run("agreement", project.path, "--against-gold", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["gold"] == "Gold standard" and data["coders"] == ["alice", "bob"]  # the gold is not a coder
    alice, bob = data["per_coder"]
    assert alice["span_f1_exact"] == alice["span_f1_overlap"] == alice["unitizing_alpha"] == pytest.approx(1.0)
    assert alice["changes"] == []
    assert bob["span_f1_exact"] == pytest.approx(0.5)  # one of bob's two spans is the gold's
    assert set(bob["per_category"]) == {c.name for c in project.categories()}
    [change] = bob["changes"]
    assert change["change"] == "category" and change["quote"].startswith("Critics")
    assert change["coder"] == [{"start": OPINION[0], "end": OPINION[1], "category": "Factual claim"}]
    assert change["gold"] == [{"start": OPINION[0], "end": OPINION[1], "category": "Opinion"}]
    assert change["decisions"] == [{"kind": "accepted", "decided_by": "alice", "reason": "=an opinion"}]


def test_table_and_csv(run, adjudicated):
    project = adjudicated[0]
    code, out, err = run("agreement", project.path, "--against-gold")
    assert code == 0, err
    assert "2 coders against the gold standard (alice, bob)" in out
    assert "token kappa per category:" in out
    assert "what the adjudicator changed of bob's work: 1 change (1 category)" in out
    assert f"Factual claim {OPINION[0]}–{OPINION[1]}" in out and f"Opinion {OPINION[0]}–{OPINION[1]}" in out
    code, out, err = run("agreement", project.path, "--against-gold", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    [change] = [r for r in rows if r["record"] == "change"]
    assert change["coder"] == "bob" and change["decision"] == "accepted by alice"
    assert change["reason"] == "'=an opinion"  # formula-safe, as the other CSVs
    assert {r["measure"] for r in rows if r["record"] == "measure"} == {
        "span_f1_exact", "span_f1_overlap", "unitizing_alpha", "token_kappa"}


def test_coder_vs_coder_agreement_leaves_the_gold_out(run, adjudicated):
    project = adjudicated[0]
    code, out, err = run("agreement", project.path, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["coders"] == ["alice", "bob"] and len(data["pairs"]) == 1


def test_without_gold_and_bad_combinations(run, adjudicated, tmp_path):
    from annotator.core.schema.templates import create_project

    with create_project(tmp_path / "plain.annotator") as plain:
        plain.add_document("A", "some text")
    code, _, err = run("agreement", tmp_path / "plain.annotator", "--against-gold")
    assert code == 1 and "no gold standard: adjudicate first" in err and len(err.strip().splitlines()) == 1
    code, _, err = run("agreement", adjudicated[0].path, "--against-gold", "--format", "html")
    assert code == 2 and "table, json or csv" in err
    (tmp_path / "r.csv").write_text("a,b\n1,1\n", encoding="utf-8")
    code, _, err = run("agreement", "--reliability-data", tmp_path / "r.csv", "--against-gold")
    assert code == 2


def test_coders_and_status_do_not_offer_the_gold(run, adjudicated):
    """Issue 15 point 1: the gold layer is not a coder in ``annotator coders`` nor ``status``."""
    project = adjudicated[0]
    code, out, err = run("coders", project.path, "--format", "json")
    assert code == 0, err
    assert [c["name"] for c in json.loads(out)] == ["alice", "bob"]
    code, out, _ = run("coders", project.path)
    assert "Gold" not in out
    code, out, _ = run("status", project.path, "--matrix")
    assert code == 0 and out.splitlines()[0].split() == ["id", "title", "alice", "bob"]
    code, out, _ = run("status", project.path, "--matrix", "--format", "json")
    assert [a["name"] for a in json.loads(out)["annotators"]] == ["alice", "bob"]
    code, _, err = run("status", project.path, "--annotator", "Gold standard")
    assert code == 1 and "no annotator named 'Gold standard'" in err
    code, _, err = run("coders", project.path, "--rename", "Gold standard", "Referee")
    assert code == 1 and "no annotator named 'Gold standard'" in err
