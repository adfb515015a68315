"""``annotator coders PROJECT [--format json] [--rename OLD NEW]`` (issue 14, point 4)."""

import json

import pytest

from annotator.cli import COMMANDS
from annotator.core.project.project import Project


@pytest.fixture
def coded(filled):
    project, (doc, _), (alice, bob), cats = filled
    project.add_annotator("carol")
    project.close()
    return project.path, alice, bob


def test_coders_is_registered_with_the_other_commands():
    assert COMMANDS["coders"].module == "annotator.cli.coders"


def test_coders_lists_name_id_count_and_last_activity(coded, run):
    path, alice, bob = coded
    code, out, err = run("coders", path)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["name", "id", "annotations", "last", "activity", "(UTC)"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert rows["alice"][1:3] == [alice.id, "2"] and rows["bob"][1:3] == [bob.id, "1"]
    assert rows["carol"][2:] == ["0", "—"]  # no annotation yet: no activity
    assert rows["alice"][3].startswith("20")  # a date


def test_coders_json(coded, run):
    path, alice, _ = coded
    with Project.open(path, mode="read") as project:
        latest = max(max(a.created, a.modified) for a in project.annotations() if a.annotator_id == alice.id)
    code, out, _ = run("coders", path, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["alice", "bob", "carol"]
    assert rows[0] == {"id": alice.id, "name": "alice", "annotation_count": 2, "last_activity": latest,
                       "created": rows[0]["created"]}
    assert rows[2]["annotation_count"] == 0 and rows[2]["last_activity"] is None


def test_rename_by_name_or_id_shows_in_the_list_and_in_exports(coded, run, tmp_path):
    path, alice, bob = coded
    code, out, err = run("coders", path, "--rename", "alice", "Alice Smith")
    assert (code, err) == (0, "") and out == f"renamed coder 'alice' ({alice.id}) to 'Alice Smith'\n"
    assert run("coders", path, "--rename", bob.id, "Robert")[0] == 0
    names = {r["id"]: r["name"] for r in json.loads(run("coders", path, "--format", "json")[1])}
    assert names[alice.id] == "Alice Smith" and names[bob.id] == "Robert"
    assert run("export", path, "-o", tmp_path / "out.json")[0] == 0
    exported = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {c["id"]: c["name"] for c in exported["annotators"]}[alice.id] == "Alice Smith"


@pytest.mark.parametrize("old, new, message", [
    ("alice", " BOB ", "annotator: error: a coder named 'bob' already exists (names that differ only by case "
                       "or surrounding spaces are the same coder)\n"),
    ("dave", "Dave", "annotator: error: no annotator named 'dave' (known: alice, bob, carol)\n"),
    ("alice", "  ", "annotator: error: an annotator needs a name\n"),
])
def test_a_refused_rename_exits_1_with_one_line_and_changes_nothing(coded, run, old, new, message):
    path, *_ = coded
    code, out, err = run("coders", path, "--rename", old, new)
    assert (code, out, err) == (1, "", message)
    with Project.open(path, mode="read") as project:
        assert [a.name for a in project.annotators()] == ["alice", "bob", "carol"]


def test_usage_errors_exit_2(coded, run):
    path, *_ = coded
    code, _, err = run("coders", path, "--rename", "alice")
    assert code == 2 and err.count("\n") == 1 and "expected 2 arguments" in err
    assert run("coders", path, "--format", "yaml")[0] == 2


def test_a_name_two_imported_coders_share_asks_for_an_id(coded, run):
    path, *_ = coded
    with Project.open(path) as project:
        twin = project.add_annotator("twin")
    # two coders of one name arrive only by import (kept by id); the rename then needs an id
    with Project.open(path) as project, project.transaction() as tx:
        from annotator.core.storage.tables import Annotator

        tx.session.add(Annotator(id="0000-twin", name="twin"))
    code, _, err = run("coders", path, "--rename", "twin", "Tw")
    assert code == 1 and err.startswith("annotator: error: 2 coders are named 'twin'; give one's id: ")
    assert twin.id in err and "0000-twin" in err
    assert run("coders", path, "--rename", "0000-twin", "Twin 2")[0] == 0
