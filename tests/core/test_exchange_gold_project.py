"""The gold layer travels (issue 15, points 1 and 8): a project's decisions and gold annotations in
its export (version 3), imported into another project in one transaction, merged between two
adjudicators' copies, and exported alone (``Scope(annotators=GOLD_ONLY)``)."""

from __future__ import annotations

import json

import pytest

from annotator.core.agreement.adjudication import adjudication_units, decisions_by_unit, unit_state
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.decisions import canonical_decision
from annotator.core.exchange.export_file import (
    GOLD_ONLY,
    Scope,
    build_export,
    dumps,
    read_export,
    write_export,
)
from annotator.core.exchange.merge import merge_files
from annotator.core.project.gold import GoldSpan
from annotator.core.schema.templates import create_project
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

TEXT = "The minister said taxes will rise next year, sources claim. Critics call that a guess."


@pytest.fixture
def team(tmp_path):
    """Coders alice and bob on one document; lea and max, two adjudicators, have no annotations.
    Units: 0-10 (alice Claim 0-5, bob Opinion 0-10) and 18-24 (bob alone)."""
    project = create_project(tmp_path / "team.annotator", name="Team")
    doc = project.add_document("Speech", TEXT).document
    alice, bob, lea, max_ = (project.add_annotator(n) for n in ("alice", "bob", "lea", "max"))
    claim, opinion = project.categories()[:2]
    a = project.add_annotation(doc.id, claim.id, alice.id, 0, 5)
    b = project.add_annotation(doc.id, opinion.id, bob.id, 0, 10)
    c = project.add_annotation(doc.id, claim.id, bob.id, 18, 24)
    yield project, doc, dict(alice=alice, bob=bob, lea=lea, max=max_), (claim, opinion), (a, b, c)
    project.close()


def copy_of(team, tmp_path, name: str):
    """An adjudicator's own copy of the team's project, made from its export."""
    path = tmp_path / f"{name}-start.json"
    write_export(team[0], path)
    copy = create_project(tmp_path / f"{name}.annotator", template=None)
    import_annotations(copy, [path])
    return copy


def decide(project, who, unit, kind, spans=(), sources=(), reason=""):
    return project.decide(unit.document, unit_id=unit.id, start=unit.start, end=unit.end, kind=kind,
                          spans=list(spans), sources=list(sources), by=who.id, reason=reason).decision


def test_the_export_carries_the_gold_layer_and_every_field_of_each_decision(team):
    """docs/exchange-format.md, version 3: the gold layer's annotator has "role": "gold", the others
    "coder"; "decisions" holds every field of the Decision model."""
    import jsonschema

    from annotator.core import resources

    project, doc, who, (claim, _), (a, b, c) = team
    first, second = adjudication_units(project)
    decide(project, who["lea"], first, "accepted", [GoldSpan(0, 5, claim.id)], [a.id], "alice's span")
    decide(project, who["lea"], second, "rejected", sources=[c.id])
    data = build_export(project)
    assert data["version"] == 3
    roles = {a["name"]: a["role"] for a in data["annotators"]}
    assert roles == {"alice": "coder", "bob": "coder", "lea": "coder", "max": "coder", GOLD_NAME: "gold"}
    rows = project.decisions()
    assert data["decisions"] == [canonical_decision(row.model_dump()) for row in rows]
    [gold] = [a for a in data["annotations"] if a["annotator_id"] == GOLD_ID]
    assert (gold["id"], gold["start"], gold["end"], gold["quote"], gold["modified_by"]) == (
        rows[0].gold[0], 0, 5, "The m", who["lea"].id)
    schema = resources.read_json("formats", "annotator-export-v3.schema.json")
    jsonschema.Draft202012Validator(schema).validate(json.loads(dumps(data)))


def test_import_brings_decisions_and_gold_keeps_ids_and_a_second_import_changes_nothing(team, tmp_path, dump):
    project, doc, who, (claim, _), (a, b, c) = team
    first, second = adjudication_units(project)
    decide(project, who["lea"], first, "merged", [GoldSpan(0, 10, claim.id)], [a.id, b.id])
    decide(project, who["lea"], second, "rejected", sources=[c.id], reason="no claim")
    write_export(project, tmp_path / "team.json")
    with create_project(tmp_path / "empty.annotator", template=None) as other:
        report = import_annotations(other, [tmp_path / "team.json"])
        assert (report.decisions_added, report.decision_conflicts) == (2, [])
        assert report.backup is not None
        assert [d.model_dump() for d in other.decisions()] == [  # the id lists in their canonical order
            {**canonical_decision(d.model_dump()), "version": 1} for d in project.decisions()]  # a new row: 1
        assert [g.id for g in other.annotations(annotator_id=GOLD_ID)] == [
            g.id for g in project.annotations(annotator_id=GOLD_ID)]
        # the units resolve in the new project as in the old
        states = [unit_state(u, decisions_by_unit(other.decisions())) for u in adjudication_units(other)]
        assert states == ["resolved", "resolved"]
        write_export(other, tmp_path / "again.json")
        assert (tmp_path / "again.json").read_bytes() == (tmp_path / "team.json").read_bytes()
        before = dump(other)
        second_time = import_annotations(other, [tmp_path / "team.json"])
        assert dump(other) == before
        assert (second_time.decisions_added, second_time.decisions_updated, second_time.backup) == (0, 0, None)


def test_two_adjudicators_copies_conflict_on_import_and_on_merge(team, tmp_path):
    project, doc, who, (claim, opinion), (a, b, c) = team
    lea_copy, max_copy = copy_of(team, tmp_path, "lea"), copy_of(team, tmp_path, "max")
    unit = adjudication_units(lea_copy)[0]
    decide(lea_copy, who["lea"], unit, "accepted", [GoldSpan(0, 5, claim.id)], [a.id])
    decide(max_copy, who["max"], unit, "rejected", sources=[a.id, b.id])
    write_export(lea_copy, tmp_path / "lea.json")
    write_export(max_copy, tmp_path / "max.json")

    merged, merge_report = merge_files([tmp_path / "lea.json", tmp_path / "max.json"])
    assert merge_report.decision_conflicts == ["document 'Speech' 0–10: lea accepted, max rejected"]
    assert dumps(merged) == dumps(merge_files([tmp_path / "max.json", tmp_path / "lea.json"])[0])

    report = import_annotations(max_copy, [tmp_path / "lea.json"])
    assert report.decision_conflicts == ["document 'Speech' 0–10: lea accepted, max rejected"]
    assert "1 unit(s) in conflict" in report.lines()[-1]
    # both kept: the unit is in conflict, to be decided again, and deciding it replaces both
    [first, _] = adjudication_units(max_copy)
    assert unit_state(first, decisions_by_unit(max_copy.decisions())) == "conflict"
    decide(max_copy, who["max"], first, "accepted", [GoldSpan(0, 10, opinion.id)], [b.id])
    [row] = [d for d in max_copy.decisions() if d.unit_id == first.id]
    assert len(row.replaces) == 2
    write_export(max_copy, tmp_path / "settled.json")
    merged, merge_report = merge_files([tmp_path / "lea.json", tmp_path / "max.json", tmp_path / "settled.json"])
    assert merge_report.decision_conflicts == []
    assert [d["id"] for d in merged["decisions"]] == [row.id]
    lea_copy.close()
    max_copy.close()


def test_an_older_file_never_brings_back_a_decision_decided_again_since(team, tmp_path):
    """lea decides a unit three times; her first file, merged with or imported after her last,
    changes nothing: the last decision replaces the second, which had replaced the first."""
    project, doc, who, (claim, opinion), (a, b, c) = team
    unit = adjudication_units(project)[0]
    decide(project, who["lea"], unit, "accepted", [GoldSpan(0, 5, claim.id)], [a.id])
    write_export(project, tmp_path / "first.json")
    decide(project, who["lea"], unit, "accepted", [GoldSpan(0, 10, opinion.id)], [b.id])
    last = decide(project, who["lea"], unit, "rejected", sources=[a.id, b.id])
    write_export(project, tmp_path / "last.json")
    merged, report = merge_files([tmp_path / "first.json", tmp_path / "last.json"])
    assert report.decision_conflicts == []
    assert [d["id"] for d in merged["decisions"]] == [last["id"]]
    assert not [a for a in merged["annotations"] if a["annotator_id"] == GOLD_ID]  # gone with their decisions
    report = import_annotations(project, [tmp_path / "first.json"])
    assert [d.id for d in project.decisions()] == [last["id"]] and report.decision_conflicts == []
    assert project.annotations(annotator_id=GOLD_ID) == []


def test_importing_a_newer_decision_replaces_the_older_and_its_gold(team, tmp_path):
    project, doc, who, (claim, opinion), (a, b, c) = team
    copy = copy_of(team, tmp_path, "lea")
    unit = adjudication_units(project)[0]
    decide(project, who["lea"], unit, "accepted", [GoldSpan(0, 5, claim.id)], [a.id])
    write_export(project, tmp_path / "first.json")
    import_annotations(copy, [tmp_path / "first.json"])
    newer = decide(project, who["lea"], unit, "accepted", [GoldSpan(0, 10, opinion.id)], [b.id])
    write_export(project, tmp_path / "newer.json")
    report = import_annotations(copy, [tmp_path / "newer.json"])
    assert (report.decisions_added, report.decisions_dropped, report.decision_conflicts) == (1, 1, [])
    assert [d.id for d in copy.decisions()] == [newer["id"]]
    assert [(g.start, g.end, g.category_id) for g in copy.annotations(annotator_id=GOLD_ID)] == [(0, 10, opinion.id)]
    copy.close()


# -- the gold layer alone (point 8) ------------------------------------------------------------


def test_a_gold_only_export_holds_the_gold_annotations_and_decisions_not_the_coders(team, tmp_path):
    project, doc, who, (claim, _), (a, b, c) = team
    first, second = adjudication_units(project)
    decide(project, who["lea"], first, "accepted", [GoldSpan(0, 5, claim.id)], [a.id])
    decide(project, who["lea"], second, "rejected", sources=[c.id])
    counts = write_export(project, tmp_path / "gold.json", Scope(annotators=GOLD_ONLY))
    data = read_export(tmp_path / "gold.json")
    assert {a["annotator_id"] for a in data["annotations"]} == {GOLD_ID}
    assert [d["kind"] for d in data["decisions"]] == ["accepted", "rejected"]
    # the gold layer, and the adjudicator who decided (named, without annotations)
    assert [(a["name"], a["role"]) for a in data["annotators"]] == sorted(
        [("lea", "coder"), (GOLD_NAME, "gold")], key=lambda p: {"lea": who["lea"].id, GOLD_NAME: GOLD_ID}[p[0]])
    assert data["statuses"] == []
    assert (counts["annotations"], counts["decisions"]) == (1, 2)
    # a coder's export leaves the gold layer out
    coder = build_export(project, Scope(annotators=frozenset({who["alice"].id})))
    assert coder["decisions"] == [] and {a["annotator_id"] for a in coder["annotations"]} == {who["alice"].id}


def test_a_category_scope_keeps_the_decisions_whose_gold_is_all_in_it(team):
    project, doc, who, (claim, opinion), (a, b, c) = team
    first, second = adjudication_units(project)
    decide(project, who["lea"], first, "accepted", [GoldSpan(0, 10, opinion.id)], [b.id])
    decide(project, who["lea"], second, "rejected", sources=[c.id])
    data = build_export(project, Scope(categories=frozenset({claim.id})))
    assert [d["kind"] for d in data["decisions"]] == ["rejected"]
    assert not [a for a in data["annotations"] if a["annotator_id"] == GOLD_ID]
    dumps(data)  # a valid file
    from annotator.core.exchange.export_file import parse_export

    assert parse_export(dumps(data), "claims.json")["decisions"] == data["decisions"]
