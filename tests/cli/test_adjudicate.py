"""``annotator adjudicate`` (issue 15, point 3): pre-merge headless, in a project or to a gold export
file, the same bytes for the same sources in any order, and one plain line for a wrong argument."""

import hashlib
import json

import pytest

from annotator.core.exchange.export_file import Scope, read_export, write_export
from annotator.core.project.gold import GoldSpan
from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project
from annotator.core.storage.tables import GOLD_ID

TEXT = "The minister said taxes will rise next year, sources claim, and more words follow here."


@pytest.fixture
def team(tmp_path):
    """A lead's project of three coders on two documents, and each coder's export file. One: all
    three mark 0-5, alice and bob 10-20 and carol 10-22. Two: alice and bob mark 0-7 and finish it;
    carol marks nothing there."""
    path = tmp_path / "lead.annotator"
    with create_project(path) as project:
        one = project.add_document("One", TEXT).document
        two = project.add_document("Two", "Another text with words enough in it.").document
        coders = [project.add_annotator(n) for n in ("alice", "bob", "carol")]
        claim = project.categories()[0].id
        for who in coders:
            project.add_annotation(one.id, claim, who.id, 0, 5)
            project.set_document_status(one.id, who.id, "done")
        project.add_annotation(one.id, claim, coders[0].id, 10, 20)
        project.add_annotation(one.id, claim, coders[1].id, 10, 20)
        project.add_annotation(one.id, claim, coders[2].id, 10, 22)
        for who in coders[:2]:
            project.add_annotation(two.id, claim, who.id, 0, 7)
            project.set_document_status(two.id, who.id, "done")
        files = []
        for who in coders:
            files.append(tmp_path / f"{who.name}.json")
            write_export(project, files[-1], Scope(annotators=frozenset({who.id})))
    return path, files


def digest(*paths):
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def gold_spans(path):
    data = read_export(path)
    return sorted((a["start"], a["end"]) for a in data["annotations"] if a["annotator_id"] == GOLD_ID)


def test_export_files_give_a_gold_file_with_the_same_bytes_in_any_order(run, team, tmp_path):
    _, (alice, bob, carol) = team
    before = digest(alice, bob, carol)
    code, out, err = run("adjudicate", alice, bob, carol, "-o", tmp_path / "g1.json", "--strategy", "majority",
                         "--by", "alice")
    assert (code, err) == (0, "")
    assert "accepted: 3 unit(s), 3 gold span(s) written" in out and "left open: 0" in out
    assert run("adjudicate", carol, alice, bob, "-o", tmp_path / "g2.json", "--strategy", "majority",
               "--by", "alice")[0] == 0
    assert (tmp_path / "g1.json").read_bytes() == (tmp_path / "g2.json").read_bytes()
    assert digest(alice, bob, carol) == before  # no source changed
    data = read_export(tmp_path / "g1.json")
    assert {a["annotator_id"] for a in data["annotations"]} == {GOLD_ID}
    assert sorted((a["start"], a["end"]) for a in data["annotations"]) == [(0, 5), (0, 7), (10, 20)]
    # no time of the run: every time written is the latest of the sources
    latest = max([t for f in (alice, bob, carol) for a in read_export(f)["annotations"]
                  for t in (a["created"], a["modified"])]
                 + [s["modified"] for f in (alice, bob, carol) for s in read_export(f)["statuses"]])
    assert {a["created"] for a in data["annotations"]} == {latest}
    alice_id = read_export(alice)["annotators"][0]["id"]
    assert {a["modified_by"] for a in data["annotations"]} == {alice_id}
    # the decisions that made them: accepted, by majority, decided at that time by alice
    decisions = data["decisions"]
    assert [(d["kind"], d["rule"], d["decided"], d["decided_by"]) for d in decisions] == [
        ("accepted", "majority 2/3", latest, alice_id)] * 3
    assert sorted(g for d in decisions for g in d["gold"]) == sorted(a["id"] for a in data["annotations"])
    assert {a["name"] for a in data["annotators"]} == {"alice", "Gold standard"}  # who decided, and the gold


def test_a_gold_file_imported_into_the_lead_s_project_resolves_its_units(run, team, tmp_path):
    from annotator.core.agreement.adjudication import adjudication_units, progress

    path, files = team
    assert run("adjudicate", *files, "-o", tmp_path / "g.json", "--strategy", "majority", "--by", "bob")[0] == 0
    assert run("import-annotations", path, tmp_path / "g.json")[0] == 0
    with Project.open(path, mode="read") as project:
        assert progress(adjudication_units(project), project.decisions()) == (3, 3)
    # and the project pre-merged again in place changes nothing: the same decisions are there
    code, out, _ = run("adjudicate", path, "--strategy", "majority", "--by", "bob")
    assert code == 0 and "3 already accepted the same way" in out and "none (nothing changed)" in out


def test_unanimous_leaves_what_only_two_of_three_marked_open(run, team, tmp_path):
    _, files = team
    code, out, _ = run("adjudicate", *files, "-o", tmp_path / "g.json", "--by", "bob")
    assert code == 0 and "accepted: 1 unit(s)" in out and "left open: 2" in out
    assert gold_spans(tmp_path / "g.json") == [(0, 5)]
    # --done-only: in Two, only alice and bob finished it, and they agree
    assert run("adjudicate", *files, "-o", tmp_path / "d.json", "--by", "bob", "--done-only")[0] == 0
    assert gold_spans(tmp_path / "d.json") == [(0, 5), (0, 7)]
    # --min-agree 3 of 3 is unanimity of the spans; --documents narrows
    assert run("adjudicate", *files, "-o", tmp_path / "m.json", "--by", "bob", "--strategy", "majority",
               "--min-agree", "3")[0] == 0
    assert gold_spans(tmp_path / "m.json") == [(0, 5)]
    assert run("adjudicate", *files, "-o", tmp_path / "t.json", "--by", "bob", "--strategy", "majority",
               "--documents", "Two")[0] == 0
    assert gold_spans(tmp_path / "t.json") == [(0, 7)]
    assert [d["title"] for d in read_export(tmp_path / "t.json")["documents"]] == ["Two"]


def test_a_project_with_o_is_left_unchanged(run, team, tmp_path):
    path, _ = team
    before = digest(path)
    code, out, _ = run("adjudicate", path, "-o", tmp_path / "g.json", "--strategy", "majority", "--by", "carol")
    assert code == 0 and gold_spans(tmp_path / "g.json") == [(0, 5), (0, 7), (10, 20)]
    assert digest(path) == before
    with Project.open(path, mode="read") as project:
        assert project.decisions() == [] and project.annotations(annotator_id=GOLD_ID) == []
        project_id = project.info().id
    assert {a["project_id"] for a in read_export(tmp_path / "g.json")["annotations"]} == {project_id}


def decide_by_hand(path):
    """alice takes carol's 10-22 in One, a person's decision."""
    from annotator.core.agreement.adjudication import adjudication_units

    with Project.open(path) as project:
        alice = project.find_annotator("alice").id
        unit = next(u for u in adjudication_units(project) if u.start == 10)
        carol_span = next(s.annotation_id for s in unit.spans if s.end == 22)
        project.decide(unit.document, unit_id=unit.id, start=10, end=22, kind="accepted",
                       spans=[GoldSpan(10, 22, unit.categories[0])], sources=[carol_span], by=alice)


def test_a_gold_file_of_a_project_keeps_the_decisions_a_person_made_there(run, team, tmp_path):
    path, _ = team
    decide_by_hand(path)
    before = digest(path)
    code, out, _ = run("adjudicate", path, "-o", tmp_path / "g.json", "--strategy", "majority", "--by", "alice")
    assert code == 0 and "kept (a person decided): 1" in out
    assert gold_spans(tmp_path / "g.json") == [(0, 5), (0, 7), (10, 22)]
    assert digest(path) == before


def test_a_project_alone_is_premerged_in_place_and_a_rerun_keeps_a_persons_decision(run, team):
    path, _ = team
    decide_by_hand(path)
    code, out, err = run("adjudicate", path, "--strategy", "majority", "--by", "bob")
    assert (code, err) == (0, "")
    assert "accepted: 2 unit(s)" in out and "kept (a person decided): 1" in out
    assert "backup before pre-merge: " in out and "none" not in out.split("backup before pre-merge: ")[1]
    code, out, _ = run("adjudicate", path, "--strategy", "majority", "--by", "bob")
    assert code == 0 and "2 already accepted the same way" in out and "none (nothing changed)" in out
    with Project.open(path, mode="read") as project:
        rules = sorted((d.start, d.end, d.rule) for d in project.decisions())
    assert rules == [(0, 5, "majority 2/3"), (0, 7, "majority 2/3"), (10, 22, None)]


def test_the_lead_runs_it_by_default_and_only_the_lead(run, team, tmp_path):
    path, _ = team
    with Project.open(path) as project:
        bob = project.find_annotator("bob").id
        project.set_setting("lead", bob, by=bob)
    code, _, err = run("adjudicate", path, "-o", tmp_path / "g.json", "--by", "alice")
    assert code == 1 and err == "annotator: error: only the project's lead, bob, may adjudicate; you are alice\n"
    code, _, err = run("adjudicate", path, "--by", "alice")
    assert code == 1 and "only the project's lead, bob, may adjudicate" in err
    assert run("adjudicate", path, "-o", tmp_path / "g.json")[0] == 0  # --by defaults to the lead
    assert json.loads((tmp_path / "g.json").read_text())["annotations"]


@pytest.mark.parametrize("args, code, message", [
    (["{files}"], 2, "export files are never changed: give -o GOLD.json"),
    (["{files}", "-o", "{out}"], 2, "say who runs the pre-merge: --by NAME"),
    (["{files}", "-o", "{out}", "--by", "alice", "--min-agree", "2"], 2,
     "--min-agree applies to --strategy majority only, not unanimous"),
    (["{files}", "-o", "{out}", "--by", "alice", "--strategy", "majority", "--min-agree", "1"], 2,
     "--min-agree 1: pre-merge needs at least 2 coders to agree"),
    (["{files}", "-o", "{out}", "--by", "alice", "--strategy", "majority", "--min-agree", "most"], 2,
     "--min-agree 'most': give a number of coders (2 or more) or a share of them"),
    (["{files}", "-o", "{out}", "--strategy", "best"], 2, "argument --strategy: invalid choice: 'best'"),
    (["{files}", "-o", "{out}", "--by", "zed"], 1, "no annotator named 'zed' (known: alice, bob, carol)"),
    (["{files}", "-o", "{out}", "--by", "alice", "--documents", "Three"], 1, "no document named 'Three'"),
    (["{missing}", "-o", "{out}", "--by", "alice"], 1, "missing.json: no such file"),
    (["{notjson}", "-o", "{out}", "--by", "alice"], 1, "notes.json: "),
    (["{project}", "{files}", "-o", "{out}", "--by", "alice"], 1, "give one project file alone, or only export files"),
    ([], 2, "the following arguments are required: SOURCE"),
])
def test_a_wrong_argument_or_a_bad_file_is_one_line(run, team, tmp_path, args, code, message):
    path, files = team
    (tmp_path / "notes.json").write_text('{"not": "an export"}')
    words = []
    for arg in args:
        if arg == "{files}":
            words += files
        else:
            words.append(arg.format(out=tmp_path / "gold.json", missing=tmp_path / "missing.json",
                                    notjson=tmp_path / "notes.json", project=path))
    got, out, err = run("adjudicate", *words)
    assert got == code and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "gold.json").exists()


def test_it_is_listed_in_the_help(capsys):
    from annotator.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    assert "adjudicate" in capsys.readouterr().out
