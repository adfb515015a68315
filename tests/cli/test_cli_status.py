"""Issue 14, points 7 and 9 on the command line: ``annotator status`` and ``agreement --done-only``."""

from __future__ import annotations

import json

import pytest

from annotator.core.exchange.export_file import write_export


@pytest.fixture
def two(project):
    one = project.add_document("Letter one", "The council will spend money. Critics call it waste.").document
    two = project.add_document("Letter two", "Bike lanes are good. They cost two million.").document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    cat = project.categories()[0].id
    for doc in (one, two):
        for coder in (alice, bob):
            project.add_annotation(doc.id, cat, coder.id, 0, 10)
    project.add_annotation(two.id, cat, bob.id, 12, 20)  # they disagree on the second letter only
    return project, (one, two), (alice, bob)


def test_status_lists_sets_and_shows_the_matrix(run, two):
    project, (one, doc2), (alice, bob) = two
    code, out, err = run("status", project.path, "--annotator", "bob", "--set", "Letter one=done")
    assert (code, err) == (0, ""), err
    assert out == "bob: Letter one is done\n"
    assert project.document_status(one.id, bob.id) == "done"
    code, out, _ = run("status", project.path, "--annotator", "bob", "--format", "json")
    assert [d["status"] for d in json.loads(out)["documents"]] == ["done", "in progress"]
    code, out, _ = run("status", project.path, "--matrix")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "title", "alice", "bob"]
    assert lines[2].split()[1:] == ["Letter", "one", "in", "progress", "done"]
    code, out, _ = run("status", project.path, "--matrix", "--format", "json")
    matrix = json.loads(out)
    assert matrix["documents"][0]["statuses"] == {alice.id: "in progress", bob.id: "done"}


@pytest.mark.parametrize("args, code, message", [
    (["--set", "Letter one=done"], 2, "name the coder with --annotator (known: alice, bob)"),
    (["--annotator", "carol"], 1, "no annotator named 'carol' (known: alice, bob)"),
    (["--annotator", "bob", "--set", "Letter one=finished"], 1, "unknown status 'finished'"),
    (["--annotator", "bob", "--set", "Letter one=done", "--set", "Letter nine=done"], 1,
     "no document named 'Letter nine'"),
    (["--annotator", "bob", "--set", "done"], 2, "give DOC=STATUS"),
    (["--matrix", "--annotator", "bob", "--set", "Letter one=done"], 2, "--matrix shows statuses"),
])
def test_status_mistakes_get_one_line_and_change_nothing(run, two, args, code, message):
    project, (one, _), (_, bob) = two
    got, out, err = run("status", project.path, *args)
    assert got == code and message in err and len(err.splitlines()) == 1
    assert project.document_status(one.id, bob.id) == "in progress"  # every DOC is checked before any is set


def test_agreement_done_only_counts_the_documents_every_coder_marked_done(run, two, tmp_path):
    project, (one, doc2), (alice, bob) = two
    code, out, err = run("agreement", project.path, "--done-only")
    assert code == 1 and err == "annotator: error: no document is marked done by every chosen coder (alice, bob)\n"
    project.set_document_status(one.id, alice.id, "done")
    project.set_document_status(one.id, bob.id, "done")
    project.set_document_status(doc2.id, alice.id, "done")  # bob is still at it
    code, out, err = run("agreement", project.path, "--done-only", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["overall"]["span_f1_exact"] == 1.0  # only the first letter, where they agree
    assert "only the 1 of 2 documents marked done by alice, bob" in data["notes"]
    code, out, _ = run("agreement", project.path, "--format", "json")
    assert json.loads(out)["overall"]["span_f1_exact"] < 1.0
    write_export(project, tmp_path / "team.json")  # statuses travel in the export (version 2)
    code, out, err = run("agreement", tmp_path / "team.json", "--done-only", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["overall"] == data["overall"]
    code, _, err = run("agreement", "--reliability-data", tmp_path / "x.csv", "--done-only")
    assert code == 2 and "--done-only needs SOURCE files" in err
