"""The command line for team exchange: export (four formats, scope), import-annotations, merge."""

import csv
import io
import json

import pytest

from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project


@pytest.fixture
def coder(tmp_path):
    """A project with two documents, two coders and three annotations."""
    path = tmp_path / "coder.annotator"
    with create_project(path, name="Coder") as project:
        one = project.add_document("One", "First 😀 text with a “claim” in it.").document
        two = project.add_document("Two", "Second text, an opinion.").document
        alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
        cats = project.categories()
        first, second = project.document(one.id).text, project.document(two.id).text
        claim, opinion = first.index("“claim”"), second.index("an opinion")
        project.add_annotation(one.id, cats[0].id, alice.id, claim, claim + 7, note="check")
        project.add_annotation(one.id, cats[1].id, bob.id, 0, 7)
        project.add_annotation(two.id, cats[1].id, alice.id, opinion, opinion + 10)
    return path


def test_export_import_round_trip(coder, tmp_path, run):
    out_file = tmp_path / "coder.json"
    code, out, _ = run("export", coder, "-o", out_file)
    assert code == 0
    assert out == f"exported 3 annotation(s) on 2 document(s) by 2 annotator(s) to {out_file} (annotator)\n"
    target = tmp_path / "lead.annotator"
    run("init", target, "--empty")
    code, out, err = run("import-annotations", target, out_file)
    assert (code, err) == (0, "")
    assert "annotations: 3 added, 0 skipped (already there), 0 re-anchored, 0 rejected" in out
    assert "backup before import:" in out
    again = tmp_path / "again.json"
    run("export", target, "-o", again)
    assert again.read_bytes() == out_file.read_bytes()
    code, out, _ = run("import-annotations", target, out_file)
    assert code == 0 and "0 added, 3 skipped" in out


def test_export_formats_follow_the_extension(coder, tmp_path, run):
    for name, fmt in (("a.csv", "csv"), ("a.jsonl", "doccano"), ("a.jsonld", "w3c")):
        code, out, _ = run("export", coder, "-o", tmp_path / name)
        assert code == 0 and out.rstrip().endswith(f"({fmt})")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8-sig"))))
    assert sorted(r["quote"] for r in rows) == ["First 😀", "an opinion", "“claim”"]
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {line["annotator"] for line in lines} == {"alice", "bob"}
    w3c = json.loads((tmp_path / "a.jsonld").read_text(encoding="utf-8"))
    assert w3c["type"] == "AnnotationCollection" and w3c["total"] == 3
    code, _, _ = run("export", coder, "-o", tmp_path / "x.data", "--format", "csv")
    assert code == 0 and (tmp_path / "x.data").read_text(encoding="utf-8").startswith("\ufeffdocument_title,")


def test_csv_has_a_bom_for_spreadsheets_and_none_with_raw_csv(coder, tmp_path, run):
    code, _, _ = run("export", coder, "-o", tmp_path / "sheet.csv")
    assert code == 0 and (tmp_path / "sheet.csv").read_bytes().startswith(b"\xef\xbb\xbfdocument_title,")
    code, _, _ = run("export", coder, "-o", tmp_path / "raw.csv", "--raw-csv")
    assert code == 0 and (tmp_path / "raw.csv").read_bytes().startswith(b"document_title,")
    assert (tmp_path / "sheet.csv").read_bytes()[3:] == (tmp_path / "raw.csv").read_bytes()


def test_empty_projects_export_w3c_collections_without_a_page_and_with_their_own_ids(tmp_path, run):
    ids = []
    for name in ("one", "two"):
        project = tmp_path / f"{name}.annotator"
        run("init", project)
        code, _, _ = run("export", project, "-o", tmp_path / f"{name}.jsonld")
        collection = json.loads((tmp_path / f"{name}.jsonld").read_text(encoding="utf-8"))
        assert code == 0 and collection["total"] == 0 and "first" not in collection
        ids.append(collection["id"])
    assert ids[0] != ids[1]


def test_a_whole_number_written_as_a_float_imports_and_merges_as_an_integer(coder, tmp_path, run):
    """0.0 is the number 0 (JSON Schema: an integer is a number with a zero fractional part), so the
    file is valid: import reads it as 0, and merge writes 0 back, not 0.0."""
    good = tmp_path / "good.json"
    run("export", coder, "-o", good)
    raw = good.read_bytes()
    assert b'"start":0,' in raw and b'"position":0,' in raw
    floats = tmp_path / "floats.json"
    floats.write_bytes(raw.replace(b'"start":0,', b'"start":0.0,').replace(b'"position":0,', b'"position":-0.0,'))
    target = tmp_path / "target.annotator"
    run("init", target, "--empty")
    code, out, err = run("import-annotations", target, floats)
    assert (code, err) == (0, "") and "3 added" in out
    run("export", target, "-o", tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == raw
    code, _, err = run("merge", floats, "-o", tmp_path / "merged.json")
    assert (code, err) == (0, "")
    assert (tmp_path / "merged.json").read_bytes() == raw


def test_export_scope_options(coder, tmp_path, run):
    out_file = tmp_path / "bob.json"
    code, out, _ = run("export", coder, "-o", out_file, "--annotators", "bob", "--documents", "One",
                       "--categories", "Opinion,Factual claim", "--no-text")
    assert code == 0 and "1 annotation(s) on 1 document(s) by 1 annotator(s)" in out
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert "text" not in data["documents"][0]
    code, _, err = run("export", coder, "-o", out_file, "--annotators", "carol")
    assert code == 1 and err == "annotator: error: no annotator named 'carol' (known: alice, bob)\n"
    code, _, err = run("export", coder, "-o", tmp_path / "x.csv", "--no-text")
    assert code == 2 and "--no-text applies to the annotator format only" in err


def test_merge_is_commutative_from_the_command_line(coder, tmp_path, run):
    lead = tmp_path / "lead.json"
    run("export", coder, "-o", lead)
    files = []
    for who in ("dana", "eve"):
        project_path = tmp_path / f"{who}.annotator"
        run("init", project_path)
        run("import-annotations", project_path, lead)
        with Project.open(project_path) as project:
            doc = project.documents()[0]
            coder_row = project.add_annotator(who)
            project.add_annotation(doc.id, project.categories()[3].id, coder_row.id, 1, 4 + len(who))
        run("export", project_path, "-o", tmp_path / f"{who}.json")
        files.append(tmp_path / f"{who}.json")
    code, out, _ = run("merge", *files, "-o", tmp_path / "ab.json")
    assert code == 0 and "5 annotation(s) by 4 annotator(s) on 2 document(s)" in out
    run("merge", *reversed(files), "-o", tmp_path / "ba.json")
    assert (tmp_path / "ab.json").read_bytes() == (tmp_path / "ba.json").read_bytes()
    run("merge", files[0], files[0], "-o", tmp_path / "aa.json")
    assert (tmp_path / "aa.json").read_bytes() == files[0].read_bytes()


@pytest.mark.parametrize("content, reason", [
    (b"", "the file is empty"),
    (b"{not json", "not valid JSON"),
    (b'[{"text": "doccano?"}]', "not an Annotator export"),
    (b'{"format": "annotator-export", "version": 7}', "export version 7 was written by a newer Annotator"),
    (b'{"format": "annotator-export", "version": 1}', '"offsets" is a required property'),
])
def test_bad_files_exit_1_with_one_line_and_change_nothing(coder, tmp_path, run, content, reason):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = coder.read_bytes()
    for args in (["import-annotations", coder, bad], ["merge", bad, "-o", tmp_path / "m.json"]):
        code, out, err = run(*args)
        assert code == 1
        assert err.count("\n") == 1 and err.startswith(f"annotator: error: {bad}: ") and reason in err
        assert "Traceback" not in out + err
    assert not (tmp_path / "m.json").exists()
    assert coder.read_bytes() == before


def test_missing_export_file(coder, tmp_path, run):
    code, _, err = run("import-annotations", coder, tmp_path / "nope.json")
    assert code == 1 and err == f"annotator: error: {tmp_path / 'nope.json'}: no such file\n"


def test_rejected_annotations_make_a_non_zero_exit(coder, tmp_path, run):
    out_file = tmp_path / "c.json"
    run("export", coder, "-o", out_file)
    data = json.loads(out_file.read_text(encoding="utf-8"))
    data["annotations"][0]["quote"] = "words that are nowhere"
    out_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "t.annotator"
    run("init", target, "--empty")
    code, out, err = run("import-annotations", target, out_file)
    assert code == 1
    assert "2 added" in out and "1 rejected" in out
    assert err.startswith("rejected:\n") and "not in the document" in err
