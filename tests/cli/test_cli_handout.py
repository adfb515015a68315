"""Handouts and project settings on the command line (issue 14, points 5 and 6):
``annotator settings PROJECT [--blind on|off]``, ``annotator export PROJECT --handout -o FILE
[--documents LIST]`` and ``annotator init PROJECT --from FILE``, and the round trip the issue asks
for: handout → coder project → coder annotates → export → merge with the lead's."""

from __future__ import annotations

import json

import pytest

from annotator.core.exchange import export_file
from annotator.core.exchange.merge import merge_files
from annotator.core.project.project import Project

ARTICLE = "The council will spend money on bike lanes, critics say.\n"
NOTE = "A second text, about schools.\n"


@pytest.fixture
def lead(tmp_path, run):
    """The lead's project: two documents, the Claims schema, Alice's annotations, blind coding on."""
    path = tmp_path / "lead.annotator"
    (tmp_path / "article.txt").write_text(ARTICLE)
    (tmp_path / "note.txt").write_text(NOTE)
    assert run("init", path)[0] == 0
    assert run("import", path, tmp_path / "article.txt", tmp_path / "note.txt")[0] == 0
    with Project.open(path) as project:
        alice = project.add_annotator("Alice")
        doc = project.documents()[0]
        opinion = next(c for c in project.categories() if c.name == "Opinion")
        project.add_annotation(doc.id, opinion.id, alice.id, 4, 11, note="Alice's note")
    assert run("settings", path, "--blind", "on")[0] == 0
    return path


def test_settings_lists_every_setting_and_turns_blind_coding_on_and_off(lead, run):
    code, out, _ = run("settings", lead)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["setting", "value", "meaning"]
    assert [line.split()[:2] for line in lines[2:] if line.split()[0] in ("lead", "lead_override", "blind_coding")] == [
        ["lead", "none"], ["lead_override", "off"], ["blind_coding", "on"]]
    code, out, _ = run("settings", lead, "--blind", "off")
    assert code == 0
    assert out.strip() == ("blind coding is off: the app shows whoever opens this project every coder's "
                           "annotations (1 annotation(s) by 1 coder(s))")
    with Project.open(lead, mode="read") as project:
        assert project.setting("blind_coding") is False


def test_settings_refuses_a_word_other_than_on_or_off(lead, run):
    code, _, err = run("settings", lead, "--blind", "maybe")
    assert code == 2 and "'maybe': say on or off" in err


def test_a_handout_has_documents_and_schema_but_no_annotations(lead, run, tmp_path):
    handout = tmp_path / "handout.json"
    code, out, _ = run("export", lead, "--handout", "-o", handout)
    assert code == 0 and "2 document(s)" in out and "without annotations" in out
    data = export_file.read_export(handout)
    assert data["annotations"] == [] and data["annotators"] == []
    assert [d["text"] for d in sorted(data["documents"], key=lambda d: d["title"])] == [ARTICLE, NOTE]
    assert {c["name"] for c in data["categories"]} == {"Factual claim", "Opinion", "Unverified allegation",
                                                       "Prediction"}
    assert "Alice" not in handout.read_text()


def test_a_handout_of_chosen_documents(lead, run, tmp_path):
    handout = tmp_path / "handout.json"
    assert run("export", lead, "--handout", "--documents", "note.txt", "-o", handout)[0] == 0
    assert [d["title"] for d in export_file.read_export(handout)["documents"]] == ["note.txt"]


@pytest.mark.parametrize("extra", [["--no-text"], ["--annotators", "Alice"], ["--format", "csv"]])
def test_a_handout_refuses_what_would_leave_coders_without_their_work(lead, run, tmp_path, extra):
    code, _, err = run("export", lead, "--handout", *extra, "-o", tmp_path / "h.json")
    assert code == 2 and "only --documents may narrow it" in err
    assert not (tmp_path / "h.json").exists()


def test_init_from_a_handout_makes_the_coders_project(lead, run, tmp_path):
    handout = tmp_path / "handout.json"
    run("export", lead, "--handout", "-o", handout)
    code, out, _ = run("init", tmp_path / "bob.annotator", "--from", handout)
    assert code == 0 and "2 document(s), 4 categories" in out
    with Project.open(lead, mode="read") as mine, Project.open(tmp_path / "bob.annotator", mode="read") as coder:
        assert coder.count_annotations() == 0 and coder.annotators() == []
        assert {(d.id, d.sha256) for d in coder.documents()} == {(d.id, d.sha256) for d in mine.documents()}
        assert {c.id for c in coder.categories()} == {c.id for c in mine.categories()}
        assert coder.info().id != mine.info().id  # a project of the coder's own


def test_init_from_refuses_an_export_with_annotations_and_leaves_no_file(lead, run, tmp_path):
    full = tmp_path / "full.json"
    run("export", lead, "-o", full)
    code, _, err = run("init", tmp_path / "bob.annotator", "--from", full)
    assert code == 1 and "not a handout: it holds 1 annotation(s)" in err
    assert not (tmp_path / "bob.annotator").exists()


def test_init_from_refuses_a_file_that_is_not_an_export(run, tmp_path):
    (tmp_path / "notes.json").write_text("{}")
    code, _, err = run("init", tmp_path / "bob.annotator", "--from", tmp_path / "notes.json")
    assert code == 1 and err.startswith("annotator: error: ") and "Traceback" not in err
    assert not (tmp_path / "bob.annotator").exists()


def test_the_handout_carries_blind_coding_into_the_coders_project(lead, run, tmp_path):
    # Issue 14, point 5: "Exported files carry the setting so a team's handout keeps it."
    with Project.open(lead) as project:
        project.set_setting("lead_override", True)  # the lead's own permission: it must not travel
    handout = tmp_path / "handout.json"
    run("export", lead, "--handout", "-o", handout)
    assert export_file.VERSION >= 2
    assert json.loads(handout.read_text())["settings"] == {"blind_coding": True}
    code, out, _ = run("init", tmp_path / "bob.annotator", "--from", handout)
    assert code == 0 and out.rstrip().endswith("blind coding is on")
    with Project.open(tmp_path / "bob.annotator", mode="read") as coder:
        assert coder.setting("blind_coding") is True and coder.setting("lead_override") is None


def test_a_file_that_carries_lead_override_does_not_set_it(lead, run, tmp_path):
    """A hand-edited (or foreign) file naming lead_override: import leaves it out and says so."""
    handout = tmp_path / "handout.json"
    run("export", lead, "--handout", "-o", handout)
    data = json.loads(handout.read_text())
    data["settings"]["lead_override"] = True
    handout.write_text(json.dumps(data))
    assert run("init", tmp_path / "bob.annotator", "--from", handout)[0] == 0
    with Project.open(tmp_path / "bob.annotator", mode="read") as coder:
        assert coder.setting("lead_override") is None and coder.setting("blind_coding") is True


def test_handout_to_coder_to_export_merges_back_with_the_leads(lead, run, tmp_path):
    handout, bob_path = tmp_path / "handout.json", tmp_path / "bob.annotator"
    run("export", lead, "--handout", "-o", handout)
    run("init", bob_path, "--from", handout)
    with Project.open(bob_path) as coder:  # Bob codes in his own project
        bob = coder.add_annotator("Bob")
        doc = next(d for d in coder.documents() if d.title == "article.txt")
        claim = next(c for c in coder.categories() if c.name == "Factual claim")
        mark = coder.add_annotation(doc.id, claim.id, bob.id, 4, 22, note="Bob's note")
    bob_export, lead_export = tmp_path / "bob.json", tmp_path / "lead.json"
    assert run("export", bob_path, "-o", bob_export)[0] == 0
    assert run("export", lead, "-o", lead_export)[0] == 0

    # Offline merge of the two exports.
    merged, report = merge_files([lead_export, bob_export])
    assert report.conflicts == []
    assert sorted((a["quote"], a["note"]) for a in merged["annotations"]) == [
        ("council", "Alice's note"), ("council will spend", "Bob's note")]
    assert len(merged["documents"]) == 2 and len(merged["categories"]) == 4

    # And into the lead's project: Bob's annotation lands on the lead's document and category.
    code, out, _ = run("import-annotations", lead, bob_export)
    assert code == 0
    with Project.open(lead, mode="read") as project:
        coders = {a.id: a.name for a in project.annotators()}
        rows = {(coders[a.annotator_id], a.document_id, a.category_id, a.start, a.end, a.note)
                for a in project.annotations()}
        lead_doc = next(d for d in project.documents() if d.title == "article.txt")
        assert ("Bob", lead_doc.id, claim.id, 4, 22, "Bob's note") in rows
        assert len(rows) == 2 and project.annotation(mark.id).annotator_id == bob.id
        assert len(project.documents()) == 2  # no document came twice


def test_settings_lead_and_by_on_the_command_line(lead, run):
    """Once a project has a lead, `settings` and `coders --rename` need `--by` the lead."""
    with Project.open(lead) as project:
        project.add_annotator("Bob")
    code, out, _ = run("settings", lead, "--lead", "Alice")
    assert code == 0 and out.startswith("the project's lead is Alice (")
    code, out, err = run("settings", lead, "--blind", "off")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "only the project's lead, Alice, may change the project's settings; say who you are" in err
    assert run("settings", lead, "--blind", "off", "--by", "Bob")[0] == 1
    assert run("settings", lead, "--blind", "off", "--by", "Alice")[0] == 0
    assert run("settings", lead, "--override", "on", "--by", "Alice")[0] == 0
    code, _, err = run("coders", lead, "--rename", "Alice", "Al", "--by", "Bob")
    assert code == 1 and "may rename other coders; you are Bob" in err
    assert run("coders", lead, "--rename", "Bob", "Robert", "--by", "Bob")[0] == 0
    assert run("settings", lead, "--lead", "none", "--by", "Alice")[0] == 0
    code, out, _ = run("settings", lead)
    assert [line.split()[:2] for line in out.splitlines() if line.startswith("lead")] == [
        ["lead", "none"], ["lead_override", "on"]]
    with Project.open(lead, mode="read") as project:
        assert project.setting("blind_coding") is False and project.setting("lead") is None
