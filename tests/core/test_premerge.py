"""Automatic pre-merge (issue 15, point 3): unanimous and majority strategies on constructed units,
the decisions they write into the gold layer, and re-runs that change nothing a person decided."""

import random
from types import SimpleNamespace

import pytest

from annotator.core.agreement.adjudication import adjudication_units
from annotator.core.agreement.premerge import Strategy, decision_id, plan, premerge, propose, strategy
from annotator.core.agreement.units import document_units
from annotator.core.errors import ValidationError

ABC = ["a", "b", "c"]


def one(spans, coders=ABC):
    [unit] = document_units("d", spans, coders)
    return unit


def gold(proposal):
    return None if proposal is None else [(s, e, c) for s, e, c, _ in proposal.spans]


# -- the strategies on one unit -----------------------------------------------------------------


def test_unanimous_takes_the_span_every_considered_coder_marked():
    unit = one([("a", 0, 5, "X", "1"), ("b", 0, 5, "X", "2"), ("c", 0, 5, "X", "3")])
    proposal = propose(unit, Strategy("unanimous"))
    assert gold(proposal) == [(0, 5, "X")]
    assert proposal.sources == ("1", "2", "3") and proposal.rule == "unanimous"
    assert proposal.decision_id == decision_id(unit.id, "unanimous")


def test_two_of_three_is_a_majority_but_not_unanimous():
    unit = one([("a", 0, 5, "X", "1"), ("b", 0, 5, "X", "2"), ("c", 0, 7, "X", "3")])
    assert propose(unit, Strategy("unanimous")) is None
    proposal = propose(unit, Strategy("majority"))
    assert gold(proposal) == [(0, 5, "X")] and proposal.sources == ("1", "2")
    assert proposal.rule == "majority 2/3"
    # three of three are needed with --min-agree 3
    assert propose(unit, strategy("majority", "3")) is None


def test_a_coder_with_no_annotations_makes_unanimity_impossible_but_not_a_majority():
    spans = [("a", 0, 5, "X", "1"), ("b", 0, 5, "X", "2")]
    unit = one(spans)  # c is considered and marked nothing
    assert unit.kind == "partial" and unit.missing == ("c",)
    assert propose(unit, Strategy("unanimous")) is None
    assert gold(propose(unit, Strategy("majority"))) == [(0, 5, "X")]


def test_nested_spans_each_with_a_majority_are_all_kept_in_one_decision():
    spans = [("a", 0, 20, "X", "1"), ("b", 0, 20, "X", "2"), ("c", 0, 20, "X", "3"),
             ("a", 5, 9, "Y", "4"), ("b", 5, 9, "Y", "5"), ("c", 5, 10, "Y", "6")]
    unit = one(spans)
    assert unit.kind == "category" and unit.several == ("a", "b", "c")
    assert propose(unit, Strategy("unanimous")) is None  # two spans per coder never make an agreement
    proposal = propose(unit, Strategy("majority"))
    assert gold(proposal) == [(0, 20, "X"), (5, 9, "Y")]
    assert proposal.sources == ("1", "2", "3", "4", "5")


def test_overlapping_spans_of_a_chain_keep_only_the_groups_that_reach_the_threshold():
    # a [0,10) X, b [0,10) X, c [8,15) X: one unit through the overlap; c's span is alone
    unit = one([("a", 0, 10, "X", "1"), ("b", 0, 10, "X", "2"), ("c", 8, 15, "X", "3")])
    assert (unit.start, unit.end) == (0, 15)
    assert gold(propose(unit, Strategy("majority"))) == [(0, 10, "X")]


def test_a_category_difference_is_decided_by_the_majority_category():
    unit = one([("a", 0, 5, "X", "1"), ("b", 0, 5, "Y", "2"), ("c", 0, 5, "X", "3")])
    assert gold(propose(unit, Strategy("majority"))) == [(0, 5, "X")]
    assert propose(unit, Strategy("unanimous")) is None


def test_what_one_coder_alone_marked_is_never_accepted():
    assert propose(one([("a", 0, 5, "X", "1")], ["a"]), Strategy("unanimous")) is None
    assert propose(one([("a", 0, 5, "X", "1")], ["a"]), Strategy("majority", 0.1)) is None
    # a share of 0.3 of 3 coders would be 1: raised to 2
    assert Strategy("majority", 0.3).needed(3) == 2
    assert propose(one([("a", 0, 5, "X", "1"), ("b", 0, 6, "X", "2")]), Strategy("majority", 0.3)) is None


def test_shares_round_up_and_the_default_is_more_than_half():
    assert [Strategy("majority", 0.5).needed(n) for n in (2, 3, 4, 5)] == [2, 2, 2, 3]
    assert [Strategy("majority").needed(n) for n in (2, 3, 4, 5)] == [2, 2, 3, 3]
    assert Strategy("majority", 0.1).needed(30) == 3  # not 4 from 3.0000000000000004
    assert Strategy("majority", 1.0).needed(4) == 4
    assert Strategy("majority", 4).rule(5) == "majority 4/5"


def test_none_decides_nothing():
    unit = one([("a", 0, 5, "X", "1"), ("b", 0, 5, "X", "2"), ("c", 0, 5, "X", "3")])
    assert propose(unit, Strategy("none")) is None


def test_a_gold_span_keeps_the_attributes_its_coders_share():
    unit = one([("a", 0, 5, "X", "1"), ("b", 0, 5, "X", "2"), ("c", 0, 5, "X", "3")])
    attributes = {"1": {"certain": True, "level": 2}, "2": {"certain": True, "level": 3},
                  "3": {"certain": True, "level": 2, "extra": "x"}}
    [(_, _, _, shared)] = propose(unit, Strategy("unanimous"), attributes).spans
    assert shared == {"certain": True}
    # 1 and True are different values
    [(_, _, _, shared)] = propose(unit, Strategy("unanimous"), {"1": {"k": 1}, "2": {"k": True}, "3": {"k": 1}}).spans
    assert shared == {}


@pytest.mark.parametrize("value, reason", [("1", "at least 2 coders"), ("0", "at least 2 coders"),
                                           ("-1", "a number of coders"), ("1.5", "a number of coders"),
                                           ("x", "a number of coders"), ("0%", "a number of coders"),
                                           ("nan", "a number of coders")])
def test_a_bad_threshold_is_refused_naming_it(value, reason):
    with pytest.raises(ValidationError, match=reason):
        strategy("majority", value)


def test_thresholds_read_as_text():
    assert strategy("majority", "2") == Strategy("majority", 2)
    assert strategy("majority", "0.5") == Strategy("majority", 0.5)
    assert strategy("majority", "50%") == Strategy("majority", 0.5)
    assert strategy("majority", "3.0") == Strategy("majority", 3)
    with pytest.raises(ValidationError, match="majority strategy only"):
        strategy("unanimous", "2")
    with pytest.raises(ValidationError, match="unknown pre-merge strategy 'best'"):
        strategy("best")


# -- planning a run against the decisions already made ---------------------------------------


def held(proposal, rule="same"):
    return SimpleNamespace(id=proposal.decision_id, unit_id=proposal.unit.id,
                           rule=proposal.rule if rule == "same" else rule, spans=proposal.spans)


def test_a_plan_counts_every_unit_and_never_replaces_a_persons_decision():
    spans = [("a", 0, 5, "X", "1"), ("b", 0, 5, "X", "2"), ("c", 0, 5, "X", "3"),   # unanimous
             ("a", 10, 15, "X", "4"), ("b", 10, 15, "X", "5"), ("c", 10, 16, "X", "6"),  # 2 of 3
             ("a", 20, 25, "X", "7"), ("b", 20, 26, "Y", "8"),  # nothing agrees
             ("a", 30, 35, "X", "9"), ("b", 30, 35, "X", "10"), ("c", 30, 35, "X", "11")]  # a person decided
    units = document_units("d", spans, ABC)
    person = propose(units[3], Strategy("unanimous"))
    decided = [held(person, rule=None)]
    report = SimpleNamespace(units=0, kept=0, already=0, left_open=0, unchanged=0, accepted=0, gold_spans=0,
                             documents=0)
    todo = plan(units, Strategy("majority"), decided, report=report)
    assert [p.unit.start for p in todo] == [0, 10]
    assert (report.units, report.accepted, report.kept, report.left_open) == (4, 2, 1, 1)
    # the same run again, with what it wrote: nothing to do
    again = SimpleNamespace(**{k: 0 for k in vars(report)})
    assert plan(units, Strategy("majority"), decided + [held(p) for p in todo], report=again) == []
    assert (again.unchanged, again.kept, again.left_open, again.accepted) == (2, 1, 1, 0)
    # unanimous after majority: the 2-of-3 unit keeps its earlier automatic decision, and the
    # unanimous one, which majority took with the same gold span, is not written again
    other = SimpleNamespace(**{k: 0 for k in vars(report)})
    assert plan(units, Strategy("unanimous"), decided + [held(p) for p in todo], report=other) == []
    assert (other.unchanged, other.already, other.kept, other.left_open) == (1, 1, 1, 1)
    # an earlier automatic decision with other gold spans is replaced
    stale = [SimpleNamespace(**{**vars(held(p)), "spans": ()}) for p in todo]
    fresh = SimpleNamespace(**{k: 0 for k in vars(report)})
    assert [p.unit.start for p in plan(units, Strategy("majority"), decided + stale, report=fresh)] == [0, 10]


def test_proposals_do_not_depend_on_the_order_of_the_spans():
    rng = random.Random(5)
    spans = []
    for k in range(60):
        start = rng.randrange(200)
        spans.append((rng.choice(ABC), start, start + rng.randint(1, 30), rng.choice("XY"), str(k)))
    for coder in ABC:  # some spans everyone marked
        spans += [(coder, 300, 310, "X", f"{coder}-300"), (coder, 320, 330, "Y", f"{coder}-320")]

    def decided():
        found = plan(document_units("d", spans, ABC), Strategy("majority"), [])
        return [(p.decision_id, p.spans, p.sources) for p in found]

    first = decided()
    rng.shuffle(spans)
    second = decided()
    assert first == second and len(first) >= 2


# -- pre-merge into a project -------------------------------------------------------------------


@pytest.fixture
def study(project):
    """Three coders, two documents. In One: all agree on 0-5 (claim), alice and bob on 10-20 with
    carol's 10-22, a nested 12-15 that alice and bob marked (opinion) inside it, and 30-40 only alice
    marked. In Two: alice and bob agree on 0-7; carol has no annotations there and did not finish it."""
    text = "The minister said taxes will rise next year, sources claim, and more words follow here."
    one = project.add_document("One", text).document
    two = project.add_document("Two", "Another text with words enough in it.").document
    coders = [project.add_annotator(n) for n in ("alice", "bob", "carol")]
    claim, opinion = [c.id for c in project.categories()[:2]]
    ids = {}

    def mark(doc, who, start, end, cat=claim, **attributes):
        ann = project.add_annotation(doc.id, cat, coders[who].id, start, end, attributes=attributes or None)
        ids[(doc.title, who, start, end)] = ann.id

    for who in range(3):
        mark(one, who, 0, 5)
    mark(one, 0, 10, 20)
    mark(one, 1, 10, 20)
    mark(one, 2, 10, 22)
    mark(one, 0, 12, 15, opinion)
    mark(one, 1, 12, 15, opinion)
    mark(one, 0, 30, 40)
    mark(two, 0, 0, 7)
    mark(two, 1, 0, 7)
    for doc in (one, two):
        for who in (0, 1):
            project.set_document_status(doc.id, coders[who].id, "done")
    project.set_document_status(one.id, coders[2].id, "done")
    return project, (one, two), coders, (claim, opinion), ids


def gold_layer(project):
    from annotator.core.storage.tables import GOLD_ID

    titles = {d.id: d.title for d in project.documents()}
    return sorted((titles[a.document_id], a.start, a.end) for a in project.annotations(annotator_id=GOLD_ID))


def test_unanimous_fills_the_gold_layer_with_accepted_decisions_and_leaves_the_rest_open(study):

    project, (one, two), (alice, *_), _, ids = study
    report = premerge(project, Strategy("unanimous"), by=alice.id, backup=None)
    assert gold_layer(project) == [("One", 0, 5)]  # in Two, carol (a coder of the project) marked nothing
    [decision] = project.decisions()
    assert (decision.kind, decision.rule, decision.decided_by) == ("accepted", "unanimous", alice.id)
    assert decision.sources == sorted(ids[("One", w, 0, 5)] for w in range(3))
    assert (report.units, report.accepted, report.left_open, report.kept) == (4, 1, 3, 0)


def test_majority_two_of_three_takes_the_nested_spans_too(study):

    project, (one, two), (alice, *_), (claim, opinion), ids = study
    report = premerge(project, Strategy("majority"), by=alice.id, backup=None)
    assert gold_layer(project) == [("One", 0, 5), ("One", 10, 20), ("One", 12, 15), ("Two", 0, 7)]
    rules = sorted((d.start, d.end, d.rule, len(d.gold)) for d in project.decisions())
    assert rules == [(0, 5, "majority 2/3", 1), (0, 7, "majority 2/3", 1), (10, 22, "majority 2/3", 2)]
    nested = next(d for d in project.decisions() if d.start == 10)
    assert nested.sources == sorted(ids[k] for k in [("One", 0, 10, 20), ("One", 1, 10, 20),
                                                     ("One", 0, 12, 15), ("One", 1, 12, 15)])
    assert (report.units, report.accepted, report.left_open, report.gold_spans) == (4, 3, 1, 4)


def test_done_only_considers_per_document_the_coders_who_finished_it(study):

    project, (one, two), (alice, *_), _, _ = study
    report = premerge(project, Strategy("unanimous"), by=alice.id, done_only=True, backup=None)
    # Two: only alice and bob finished it, and they agree; One: all three finished it
    assert gold_layer(project) == [("One", 0, 5), ("Two", 0, 7)]
    assert report.accepted == 2
    # and only the documents asked for
    project2_report = premerge(project, Strategy("majority"), by=alice.id, documents=[two.id], backup=None)
    assert project2_report.units == 1 and project2_report.unchanged == 1


def test_a_rerun_changes_nothing_and_never_replaces_a_persons_decision(study, dump):
    from annotator.core.project.gold import GoldSpan

    project, (one, two), (alice, *_), (claim, opinion), ids = study
    units = {(u.document, u.start): u for u in adjudication_units(project)}
    person = units[(one.id, 10)]
    project.decide(one.id, unit_id=person.id, start=10, end=22, kind="accepted", spans=[GoldSpan(10, 22, claim)],
                   sources=[ids[("One", 2, 10, 22)]], by=alice.id, reason="carol's boundary is right")
    first = premerge(project, Strategy("majority"), by=alice.id, backup=None)
    assert (first.accepted, first.kept) == (2, 1)
    before = (dump(project), [d.model_dump() for d in project.decisions()])
    again = premerge(project, Strategy("majority"), by=alice.id, backup="before-premerge")
    assert (dump(project), [d.model_dump() for d in project.decisions()]) == before
    assert (again.accepted, again.unchanged, again.kept, again.backup) == (0, 2, 1, None)
    assert not again.changes
    kept = next(d for d in project.decisions() if d.unit_id == person.id)
    assert (kept.rule, kept.reason) == (None, "carol's boundary is right")
    assert gold_layer(project) == [("One", 0, 5), ("One", 10, 22), ("Two", 0, 7)]


def test_the_same_inputs_give_the_same_decision_and_gold_ids(study, tmp_path):
    from annotator.core.project.project import Project
    from annotator.core.storage.backups import copy_project

    project, _docs, (alice, *_), _, _ = study
    copy_project(project.path, tmp_path / "copy.annotator")
    at = "2026-12-01T10:00:00.000000+00:00"
    premerge(project, Strategy("majority"), by=alice.id, at=at, backup=None)
    with Project.open(tmp_path / "copy.annotator") as copy:
        premerge(copy, Strategy("majority"), by=alice.id, at=at, backup=None)
        assert [d.model_dump() for d in copy.decisions()] == [d.model_dump() for d in project.decisions()]


def test_a_premerge_is_one_step_with_a_backup_and_undoes_exactly(study, dump):

    project, _docs, (alice, *_), _, _ = study
    before = dump(project)
    report = premerge(project, Strategy("majority"), by=alice.id)
    assert report.backup is not None and report.backup.exists()
    assert report.changes.annotations and report.changes.documents
    project.undo_decision(report.decision_change)
    assert dump(project)["annotations"] == before["annotations"] and project.decisions() == []
    project.redo_decision(report.decision_change)
    assert len(project.decisions()) == 3


def test_only_the_lead_may_premerge_once_the_project_has_one(study):
    from annotator.core.errors import OwnershipError

    project, _docs, (alice, bob, _), _, _ = study
    project.set_setting("lead", bob.id, by=alice.id)
    with pytest.raises(OwnershipError, match="only the project's lead, bob"):
        premerge(project, Strategy("majority"), by=alice.id, backup=None)
    assert project.decisions() == []
    assert premerge(project, Strategy("majority"), by=bob.id, backup=None).accepted == 3


def test_a_gold_span_carries_the_attributes_the_agreeing_coders_share(project):
    from annotator.core.storage.tables import GOLD_ID

    doc = project.add_document("One", "Some words to mark here.").document
    coders = [project.add_annotator(n) for n in ("alice", "bob")]
    category = next(c for c in project.categories() if c.attributes)
    definition = category.attributes[0]
    value = definition.get("choices", [True])[0] if definition["type"] != "number" else 1
    for who in coders:
        project.add_annotation(doc.id, category.id, who.id, 0, 4, attributes={definition["name"]: value})
    premerge(project, Strategy("unanimous"), by=coders[0].id, backup=None)
    [gold] = project.annotations(annotator_id=GOLD_ID)
    assert gold.attributes[definition["name"]] == value


def test_one_run_records_each_documents_own_rule(study):
    project, (one, two), (alice, *_), _, _ = study
    premerge(project, Strategy("majority"), by=alice.id, done_only=True, backup=None)
    titles = {one.id: "One", two.id: "Two"}
    assert sorted({(titles[d.document_id], d.rule) for d in project.decisions()}) == [
        ("One", "majority 2/3"), ("Two", "majority 2/2")]


def test_a_coder_who_annotated_nothing_but_started_counts_among_the_coders(study):
    project, (one, two), (alice, *_), _, _ = study
    dave = project.add_annotator("dave")
    project.set_document_status(two.id, dave.id, "in progress")  # dave worked, marked nothing anywhere
    report = premerge(project, Strategy("unanimous"), by=alice.id, backup=None)
    assert report.accepted == 0 and gold_layer(project) == []  # four coders now; nobody is unanimous
    # more than half of four is three: 0-5 (alice, bob, carol) is taken, 10-20 (alice, bob) is not
    report = premerge(project, Strategy("majority"), by=alice.id, backup=None)
    assert gold_layer(project) == [("One", 0, 5)]
    assert {d.rule for d in project.decisions()} == {"majority 3/4"}
    # with a share of half, two of four are enough
    premerge(project, Strategy("majority", 0.5), by=alice.id, backup=None)
    assert gold_layer(project) == [("One", 0, 5), ("One", 10, 20), ("One", 12, 15), ("Two", 0, 7)]
