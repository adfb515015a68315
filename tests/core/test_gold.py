"""Issue 15, point 1 (core): the gold layer and the adjudicator's decisions. Gold spans are the
reserved annotator GOLD_ID's, change only through decisions, and every decision records its kind,
the coder annotations it took, who decided, when and why; deciding a unit again replaces its
decision; undo and redo put back exactly what was there."""

import sqlite3

import pytest

from annotator.core.agreement.adjudication import adjudication_units, decisions_by_unit, progress, unit_state
from annotator.core.errors import NotFoundError, OwnershipError, ValidationError
from annotator.core.project import commands
from annotator.core.project.gold import GoldSpan, gold_span_id
from annotator.core.project.project import Project
from annotator.core.storage import db
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME
from tests.old_formats import drop_format_6

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)


@pytest.fixture
def team(project):
    """Three coders on one document: alice and bob agree on 0-5, carol marks 0-7; bob alone marks 20-25."""
    doc = project.add_document("One", "The minister said taxes will rise next year, sources claim.").document
    alice, bob, carol = (project.add_annotator(n) for n in ("alice", "bob", "carol"))
    claim, opinion = project.categories()[:2]
    a = project.add_annotation(doc.id, claim.id, alice.id, 0, 5)
    b = project.add_annotation(doc.id, claim.id, bob.id, 0, 5)
    c = project.add_annotation(doc.id, opinion.id, carol.id, 0, 7)
    d = project.add_annotation(doc.id, claim.id, bob.id, 20, 25)
    return project, doc, (alice, bob, carol), (claim, opinion), (a, b, c, d)


def gold(project):
    return [(g.start, g.end, g.category_id, g.modified_by) for g in project.annotations(annotator_id=GOLD_ID)]


def test_units_leave_the_gold_layer_out_and_decisions_resolve_them(team):
    project, doc, (alice, bob, carol), (claim, _), (a, b, c, d) = team
    units = adjudication_units(project)
    assert [(u.start, u.end, u.kind) for u in units] == [(0, 7, "category"), (20, 25, "partial")]
    assert progress(units, project.decisions()) == (0, 2)
    change = project.decide(doc.id, unit_id=units[0].id, start=0, end=7, kind="accepted",
                            spans=[GoldSpan(0, 5, claim.id)], sources=[a.id, b.id], by=alice.id, reason="two of three")
    assert gold(project) == [(0, 5, claim.id, alice.id)]
    row = project.decisions()[0]
    assert (row.kind, row.sources, row.gold, row.decided_by, row.reason, row.rule) == (
        "accepted", [a.id, b.id], [gold_span_id(row.id, 0)], alice.id, "two of three", None)
    assert change.changes.documents == {doc.id} and change.changes.annotations == set(row.gold)
    # the gold span is not a coder's: the units are the same, one of them is resolved
    assert [u.id for u in adjudication_units(project)] == [u.id for u in units]
    assert progress(adjudication_units(project), project.decisions()) == (1, 2)
    assert {a.id: a.name for a in project.annotators()}[GOLD_ID] == GOLD_NAME


def test_deciding_a_unit_again_replaces_its_decision_and_gold_spans(team):
    project, doc, (alice, *_), (claim, opinion), (a, b, c, d) = team
    unit = adjudication_units(project)[0]
    first = project.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="accepted",
                           spans=[GoldSpan(0, 5, claim.id)], sources=[a.id], by=alice.id).decision
    project.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="rejected", spans=[], sources=[a.id, b.id, c.id],
                   by=alice.id, reason="an attribution, not a claim")
    (row,) = project.decisions()
    assert (row.kind, row.gold, row.replaces) == ("rejected", [], [first["id"]])
    assert gold(project) == []


def test_undo_and_redo_put_back_exactly_what_was_there(team, dump):
    project, doc, (alice, *_), (claim, opinion), (a, b, c, d) = team
    unit = adjudication_units(project)[0]
    empty = dump(project), project.decisions()
    accept = commands.Decide(doc.id, by=alice.id, unit_id=unit.id, start=0, end=7, kind="accepted",
                             spans=[GoldSpan(0, 5, claim.id)], sources=[a.id])
    accept.do(project)
    accepted = dump(project), [d.model_dump() for d in project.decisions()]
    edit = commands.EditGold(project.decisions()[0].gold[0], by=alice.id, end=7, category_id=opinion.id)
    edit.do(project)
    assert project.decisions()[0].kind == "edited" and gold(project) == [(0, 7, opinion.id, alice.id)]
    reject = commands.Decide(doc.id, by=alice.id, unit_id=unit.id, start=0, end=7, kind="rejected", spans=[],
                             sources=[])
    reject.do(project)
    reject.undo(project)
    edit.undo(project)
    assert (dump(project), [d.model_dump() for d in project.decisions()]) == accepted
    accept.undo(project)
    assert (dump(project)["annotations"], project.decisions()) == (empty[0]["annotations"], empty[1])
    accept.do(project)  # redo: the same ids and rows
    assert (dump(project), [d.model_dump() for d in project.decisions()]) == accepted
    reason = commands.SetDecisionReason(project.decisions()[0].id, "  clearer  ", by=alice.id)
    reason.do(project)
    assert project.decisions()[0].reason == "clearer"
    reopen = commands.Reopen([project.decisions()[0].id], by=alice.id)
    reopen.do(project)
    assert project.decisions() == [] and gold(project) == []
    reopen.undo(project)
    assert project.decisions()[0].reason == "clearer" and len(gold(project)) == 1


def test_gold_spans_change_only_by_adjudication(team, dump):
    project, doc, (alice, bob, _), (claim, _), (a, *_) = team
    unit = adjudication_units(project)[0]
    project.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="accepted", spans=[GoldSpan(0, 5, claim.id)],
                   sources=[a.id], by=alice.id)
    gold_id = project.decisions()[0].gold[0]
    before = dump(project)
    for attempt in (lambda: project.update_annotation(gold_id, end=6, by=alice.id),
                    lambda: project.delete_annotations([gold_id], by=alice.id),
                    lambda: project.add_annotation(doc.id, claim.id, GOLD_ID, 1, 2)):
        with pytest.raises(OwnershipError, match="adjudicat"):
            attempt()
    with pytest.raises(OwnershipError, match="a coder decides"):
        project.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="rejected", spans=[], sources=[], by=GOLD_ID)
    assert dump(project) == before


def test_once_the_project_has_a_lead_only_the_lead_adjudicates(team):
    project, doc, (alice, bob, _), (claim, _), (a, *_) = team
    project.set_setting("lead", alice.id, by=alice.id)
    unit = adjudication_units(project)[0]
    with pytest.raises(OwnershipError, match="only the project's lead, alice, may adjudicate; you are bob"):
        project.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="rejected", spans=[], sources=[], by=bob.id)
    assert project.decisions() == []
    project.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="rejected", spans=[], sources=[], by=alice.id)


def test_bad_decisions_are_refused_whole(team, dump):
    project, doc, (alice, *_), (claim, _), (a, *_) = team
    unit = adjudication_units(project)[0]
    before = dump(project)
    ok = dict(unit_id=unit.id, start=0, end=7, kind="accepted", spans=[GoldSpan(0, 5, claim.id)], sources=[a.id],
              by=alice.id)
    for change, error in ((dict(kind="approved"), ValidationError), (dict(kind="rejected"), ValidationError),
                          (dict(spans=[]), ValidationError), (dict(unit_id=None), ValidationError),
                          (dict(end=10_000), ValidationError), (dict(sources=["nope"]), NotFoundError),
                          (dict(spans=[GoldSpan(0, 5, "no-such-category")]), NotFoundError),
                          (dict(spans=[GoldSpan(5, 3, claim.id)]), ValidationError),
                          (dict(reason="x" * 3000), ValidationError)):
        with pytest.raises(error):
            project.decide(doc.id, **{**ok, **change})
    with pytest.raises(NotFoundError):
        project.decide("no-such-document", **ok)
    assert dump(project) == before and project.decisions() == []


def test_a_pre_merge_never_replaces_a_persons_decision(team):
    project, doc, (alice, *_), (claim, _), (a, b, *_) = team
    unit = adjudication_units(project)[0]
    project.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="rejected", spans=[], sources=[], by=alice.id)
    with pytest.raises(ValidationError, match="a person decided"):
        project.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="accepted", spans=[GoldSpan(0, 5, claim.id)],
                       sources=[a.id, b.id], by=alice.id, rule="majority 2/3")
    assert project.decisions()[0].kind == "rejected"


def test_a_created_gold_span_needs_no_unit(team):
    project, doc, (alice, *_), (claim, _), _ = team
    project.decide(doc.id, unit_id=None, start=30, end=34, kind="created", spans=[GoldSpan(30, 34, claim.id)],
                   sources=[], by=alice.id)
    assert gold(project) == [(30, 34, claim.id, alice.id)]
    assert decisions_by_unit(project.decisions()) == {}


def test_two_decisions_on_one_unit_are_a_conflict(team):
    project, doc, (alice, *_), _, _ = team
    unit = adjudication_units(project)[0]
    rows = [dict(unit_id=unit.id, kind="rejected"), {"unit_id": unit.id, "kind": "accepted"}]
    assert unit_state(unit, decisions_by_unit(rows)) == "conflict"
    assert unit_state(unit, decisions_by_unit(rows[:1])) == "resolved" and unit_state(unit, {}) == "open"
    assert progress([unit], rows) == (0, 1)


def test_done_only_considers_the_coders_who_finished_each_document(team):
    project, doc, (alice, bob, carol), _, _ = team
    assert adjudication_units(project, done_only=True) == []  # nobody finished
    project.set_document_status(doc.id, alice.id, "done")
    project.set_document_status(doc.id, bob.id, "done")
    units = adjudication_units(project, done_only=True)
    assert [(u.start, u.end, u.kind, u.coders) for u in units] == [
        (0, 5, "agreement", tuple(sorted((alice.id, bob.id)))), (20, 25, "partial", (bob.id,))]


def test_deleting_a_document_takes_its_decisions_and_undo_brings_them_back(team):
    project, doc, (alice, *_), _, _ = team
    unit = adjudication_units(project)[0]
    project.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="rejected", spans=[], sources=[], by=alice.id)
    deleted = project.delete_documents([doc.id])
    assert project.decisions() == []
    project.restore_documents(deleted)
    assert [d.kind for d in project.decisions()] == ["rejected"]


@pytest.mark.engines("sqlite")  # a file's upgrade
def test_a_format_3_project_is_upgraded_to_hold_decisions(tmp_path, team):
    project, doc, (alice, *_), _, _ = team
    path = project.path
    project.close()
    conn = sqlite3.connect(path)
    drop_format_6(conn.execute)
    conn.execute("DROP TABLE decisions")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    with Project.open(path) as reopened:
        assert db.read_header(path)[1] == db.SCHEMA_VERSION >= 4
        unit = adjudication_units(reopened)[0]
        reopened.decide(doc.id, unit_id=unit.id, start=0, end=7, kind="rejected", spans=[], sources=[], by=alice.id)
        assert len(reopened.decisions()) == 1


def test_many_decisions_are_one_transaction_and_one_bad_one_refuses_all(team):
    project, doc, (alice, *_), (claim, _), (a, b, c, d) = team
    first, second = adjudication_units(project)
    ok = [dict(document_id=doc.id, unit_id=first.id, start=0, end=7, kind="accepted",
               spans=[GoldSpan(0, 5, claim.id)], sources=[a.id, b.id], decision_id="d-1"),
          dict(document_id=doc.id, unit_id=second.id, start=20, end=25, kind="rejected", spans=[], sources=[d.id])]
    for bad in ([ok[0], dict(ok[1], unit_id=first.id)], [ok[0], dict(ok[1], sources=["gone"])],
                [ok[0], dict(ok[1], colour="red")]):
        with pytest.raises((ValidationError, NotFoundError)):
            project.decide_many(bad, by=alice.id, rule="unanimous")
        assert project.decisions() == [] and gold(project) == []
    change = project.decide_many(ok, by=alice.id, rule="unanimous", at="2026-01-02T03:04:05.000000+00:00")
    assert [(r.kind, r.rule, r.decided) for r in project.decisions()] == [
        ("accepted", "unanimous", "2026-01-02T03:04:05.000000+00:00"),
        ("rejected", "unanimous", "2026-01-02T03:04:05.000000+00:00")]
    assert len(change.decisions_after) == 2 and [g["id"] for g in change.gold_after] == [gold_span_id("d-1", 0)]
    project.decide_many(ok[:1], by=alice.id, rule="unanimous")  # the same id again: replaced, not doubled
    assert len(project.decisions()) == 2 and len(gold(project)) == 1
