"""`annotator schema show | export | import | templates` and `init --template`."""

import json

import pytest

from annotator.core.project.project import Project


@pytest.fixture
def proj(tmp_path, run):
    path = tmp_path / "study.annotator"
    assert run("init", path)[0] == 0
    with Project.open(path) as project:
        claim = project.categories()[0]
        stat = project.add_category("Statistic", parent_id=claim.id, shortcut="Ctrl+1",
                                    attributes=[{"name": "checked", "type": "boolean"}])
        project.add_category("Percentage", parent_id=stat.id)
    return path


def test_show_prints_the_tree_with_shortcuts_and_attributes(proj, run):
    code, out, err = run("schema", "show", proj)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Factual claim  [F]  attributes: verdict (choice)",
        "  Statistic  [Ctrl+1]  attributes: checked (boolean)",
        "    Percentage",
        "Opinion  [O]",
        "Unverified allegation  [U]",
        "Prediction  [P]",
    ]


def test_show_an_empty_schema(tmp_path, run):
    run("init", tmp_path / "e.annotator", "--empty")
    assert run("schema", "show", tmp_path / "e.annotator")[1].startswith("no categories")


@pytest.mark.parametrize("suffix", [".json", ".qdc"])
def test_export_then_import_into_an_empty_project(proj, tmp_path, run, suffix):
    out_file = tmp_path / f"schema{suffix}"
    code, out, _ = run("schema", "export", proj, "-o", out_file)
    assert code == 0 and out.startswith(f"exported 6 categories to {out_file} ({suffix[1:]})")
    assert ("not part of .qdc" in out) == (suffix == ".qdc")
    empty = tmp_path / "empty.annotator"
    run("init", empty, "--empty")
    code, out, err = run("schema", "import", empty, out_file)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "categories: 6 added, 0 updated, 0 unchanged"
    assert "  Factual claim / Statistic / Percentage" in lines
    assert lines[-1].startswith("backup before import: ")
    shown = run("schema", "show", empty)[1]
    if suffix == ".json":
        assert shown == run("schema", "show", proj)[1]
    else:
        assert "    Percentage" in shown and "[" not in shown
    code, out, _ = run("schema", "import", empty, out_file)
    assert out.splitlines()[0] == "categories: 0 added, 0 updated, 6 unchanged"


def test_import_prints_updates_and_notes(proj, tmp_path, run):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"format": "annotator-schema", "version": 1, "categories": [
        {"name": "Opinion", "colour": "#000000"}, {"name": "New", "shortcut": "F"}]}), "utf-8")
    code, out, _ = run("schema", "import", proj, path)
    assert code == 0
    assert out.splitlines()[:6] == [
        "categories: 1 added, 1 updated, 0 unchanged", "added:", "  New", "updated:", "  Opinion", "notes:"]
    assert "shortcut 'F' is used by 'Factual claim'; added without a shortcut" in out


@pytest.mark.parametrize("args, code, message", [
    (["schema", "export", "{proj}", "-o", "{tmp}/s.xml"], 2,
     "cannot tell the schema format of '{tmp}/s.xml': use a .json or .qdc file name"),
    (["schema", "export", "{proj}"], 2, "the following arguments are required: -o/--output"),
    (["schema"], 2, "the following arguments are required: ACTION"),
    (["schema", "frobnicate", "{proj}"], 2, "invalid choice: 'frobnicate'"),
    (["schema", "show", "{tmp}/missing.annotator"], 1, "{tmp}/missing.annotator"),
    (["schema", "import", "{proj}", "{tmp}/missing.json"], 1, "{tmp}/missing.json: no such file"),
    (["schema", "import", "{proj}", "{tmp}/bad.qdc"], 1, "{tmp}/bad.qdc: the file declares a DOCTYPE or entities"),
    (["init", "{tmp}/new.annotator", "--template", "nope"], 1, "no schema template named 'nope'"),
    (["init", "{tmp}/new.annotator", "--template", "Claims", "--empty"], 2, "not allowed with argument"),
])
def test_errors_are_one_line_with_the_right_exit_status(proj, tmp_path, run, dump, args, code, message):
    (tmp_path / "bad.qdc").write_text('<!DOCTYPE x [<!ENTITY a "b">]><CodeBook/>', "utf-8")
    with Project.open(proj) as project:
        before = dump(project)
    fill = {"proj": proj, "tmp": tmp_path}
    got, out, err = run(*[a.format(**fill) for a in args])
    assert got == code
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("annotator: error: ")
    assert message.format(**fill) in err
    with Project.open(proj) as project:
        assert dump(project) == before
    assert not (tmp_path / "new.annotator").exists()


def test_init_from_a_user_template_and_list_templates(proj, tmp_path, run):
    from annotator.core.schema.templates import save_template

    with Project.open(proj) as project:
        save_template(project, "Study schema")
    assert run("schema", "templates")[1].splitlines() == ["Claims  (built-in)", "Study schema  (user)"]
    code, out, _ = run("init", tmp_path / "next.annotator", "--template", "study schema")
    assert (code, out.strip()) == (0, f"created {tmp_path / 'next.annotator'} with 6 categories")
    assert run("schema", "show", tmp_path / "next.annotator")[1] == run("schema", "show", proj)[1]
