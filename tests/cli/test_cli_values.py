"""Bad values from the command line: a project holding one still exports and lists; bad export
files are refused in one line, exit 1, the project unchanged; documents can be deleted."""

import json
import random
import sqlite3

import pytest

from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project


@pytest.fixture
def coder(tmp_path):
    """A project with two documents, two coders, an attribute and three annotations."""
    path = tmp_path / "coder.annotator"
    with create_project(path, name="Coder") as project:
        one = project.add_document("One", "First 😀 text with a “claim” in it.").document
        two = project.add_document("Two", "Second text, an opinion.", metadata={"year": 2024}).document
        alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
        cats = project.categories()
        project.update_category(cats[0].id, attributes=[{"name": "score", "type": "number", "min": 0, "max": 5}])
        project.add_annotation(one.id, cats[0].id, alice.id, 21, 28, note="check", attributes={"score": 2})
        project.add_annotation(one.id, cats[1].id, bob.id, 0, 7)
        project.add_annotation(two.id, cats[1].id, alice.id, 14, 24)
    return path


def test_a_jsonl_row_with_a_lone_surrogate_is_refused_and_a_project_holding_one_still_exports(coder, tmp_path, run):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "hi", "meta": "\\udc00"}\n', encoding="utf-8")
    code, _, err = run("import", coder, rows)
    assert code == 1 and "document 'hi': metadata 'meta': invalid Unicode (lone surrogate)" in err
    # An older Annotator stored such values: put one there directly.
    with sqlite3.connect(coder) as db:
        db.execute("UPDATE documents SET metadata = ? WHERE title = 'Two'", ('{"meta": "\\udc00", "n": NaN}',))
    db.close()
    code, _, err = run("export", coder, "-o", tmp_path / "x.json")
    assert code == 0
    assert err.splitlines() == ["warning: document 'Two' metadata 'meta': invalid Unicode replaced by U+FFFD",
                                "warning: document 'Two' metadata 'n': NaN replaced by null"]
    code, out, err = run("documents", coder, "--format", "json")
    assert code == 0 and "warning: document 'Two' metadata 'meta': invalid Unicode replaced by U+FFFD" in err
    assert [d["metadata"] for d in json.loads(out)] == [{}, {"meta": "\ufffd", "n": None}]
    code, _, err = run("export", coder, "-o", tmp_path / "x.csv")
    assert code == 0 and err.count("warning:") == 2
    target = tmp_path / "target.annotator"
    run("init", target, "--empty")
    code, out, err = run("import-annotations", target, tmp_path / "x.json")  # the file written is valid
    assert (code, err) == (0, "") and "annotations: 3 added" in out


def test_delete_documents_from_the_command_line(coder, tmp_path, run):
    code, _, err = run("delete-documents", coder, "One", "nothing")
    assert code == 1 and err == "annotator: error: no document named 'nothing' (known: One, Two)\n"
    with Project.open(coder) as project:
        two = [d.id for d in project.documents() if d.title == "Two"][0]
    code, out, err = run("delete-documents", coder, "One", two)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("deleted 'One' (") and lines[0].endswith(") with 2 annotations")
    assert lines[1] == f"deleted 'Two' ({two}) with 1 annotation"
    assert lines[2].startswith("backup before delete: ")
    with Project.open(coder) as project:
        assert project.counts().documents == 0 and project.counts().annotations == 0
    code, out, _ = run("documents", coder)
    assert code == 0 and out.startswith("no documents")


@pytest.mark.parametrize("old, new, place", [
    (b'"start":0,', b'"start":0.5,', "].start: must be a whole number (got 0.5)"),
    (b'"position":0,', b'"position":9223372036854775808,', "$.categories["),
    (b'"name":"alice"', b'"name":"alice","\\udc00":1', "].\\udc00: invalid Unicode (lone surrogate)"),
    (b'"id":"', b'"id":"\\ud800', ".id: invalid Unicode (lone surrogate)"),
    (b'"created":"2', b'"created":"on 2', ".created: "),
    (b'"modified":"2026-', b'"modified":"2026-13-', ".modified: is not an ISO 8601 time"),
])
def test_bad_numbers_ids_keys_and_times_exit_1_naming_file_and_place(coder, tmp_path, run, old, new, place, dump):
    good = tmp_path / "good.json"
    run("export", coder, "-o", good)
    raw = good.read_bytes()
    assert old in raw
    bad = tmp_path / "bad.json"
    bad.write_bytes(raw.replace(old, new, 1))
    with Project.open(coder) as project:
        before = dump(project)
    code, _, err = run("import-annotations", coder, bad)
    assert code == 1 and err.startswith(f"annotator: error: {bad}: $.") and place in err and err.count("\n") == 1
    code, _, err = run("merge", good, bad, "-o", tmp_path / "merged.json")
    assert code == 1 and err.startswith(f"annotator: error: {bad}: $.") and place in err
    assert not (tmp_path / "merged.json").exists()
    with Project.open(coder) as project:
        assert dump(project) == before


def _mutate(data, rng):
    """One random change to a parsed export: a number made a float, huge or negative; a string
    made a lone surrogate or a bad time; a key dropped, renamed to a surrogate or duplicated; a
    list item dropped or duplicated. Returns the file's text (JSON, ASCII escapes)."""
    places = []

    def walk(value, parent, key):
        places.append((value, parent, key))
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for k, v in list(children):
            walk(v, value, k)
    walk(data, None, None)
    value, parent, key = rng.choice(places[1:])
    duplicate = None
    if isinstance(value, bool) or value is None:
        parent[key] = rng.choice([0, "x", [], {}])
    elif isinstance(value, (int, float)):
        parent[key] = rng.choice([float(value), value + 0.5, 2**63, -(2**63), -1, 10**30, -value, 0])
    elif isinstance(value, str):
        parent[key] = rng.choice(["\udc00", value + "\ud800", "", "x" * 300, "2026-13-01T00:00:00+00:00",
                                  "yesterday", value[:-1], 5])
    elif isinstance(value, dict) and value:
        name = rng.choice(sorted(value))
        action = rng.choice(["drop", "surrogate", "duplicate"])
        if action == "drop":
            del value[name]
        elif action == "surrogate":
            value["\udc00" + name] = value.pop(name)
        else:
            value["@dup@"] = rng.choice([0, 0.0, "\udc00", value[name]])
            duplicate = name
    elif isinstance(value, list) and value:
        if rng.random() < 0.5:
            value.append(json.loads(json.dumps(rng.choice(value))))
        else:
            value.pop(rng.randrange(len(value)))
    text = json.dumps(data)
    return text.replace('"@dup@"', json.dumps(duplicate)) if duplicate else text


def test_mutated_exports_never_end_in_an_internal_error(coder, tmp_path, run, dump):
    """A few hundred mutations of a valid export (fixed seed): import-annotations and merge exit 0
    or 1, never 70, and a refused file leaves the project as it was."""
    good = tmp_path / "good.json"
    run("export", coder, "-o", good)
    original = json.loads(good.read_text(encoding="utf-8"))
    target = tmp_path / "target.annotator"
    run("init", target, "--empty")
    rng = random.Random(10)
    mutant = tmp_path / "mutant.json"
    refused = 0
    for _ in range(300):
        mutant.write_text(_mutate(json.loads(json.dumps(original)), rng), encoding="utf-8")
        with Project.open(target) as project:
            before = dump(project)
        code, _, err = run("import-annotations", target, mutant)
        assert code in (0, 1) and "internal error" not in err, (mutant.read_text(encoding="utf-8"), err)
        if err.startswith("annotator: error:"):
            refused += 1
            assert err.count("\n") == 1, err
            with Project.open(target) as project:
                assert dump(project) == before, err
        code, _, err = run("merge", good, mutant, "-o", tmp_path / "merged.json")
        assert code in (0, 1) and "internal error" not in err, (mutant.read_text(encoding="utf-8"), err)
    assert refused > 100
