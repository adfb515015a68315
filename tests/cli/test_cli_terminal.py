"""Names printed to the terminal cannot drive it: control characters and escape sequences from
file names, titles and names are shown escaped (issue 10, point 10)."""

from __future__ import annotations

import json

from annotator.cli.terminal import neutralise
from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project

HOSTILE = ("\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "\u202e")


def _clean(text: str) -> None:
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in text, repr(text)


def test_neutralise_escapes_controls_c1_and_bidi_but_keeps_newlines_and_tabs():
    assert neutralise("a\x1b[2Jb\tc\nd\x7f\x9b\u202e\u2066é😀") == "a\\u001b[2Jb\tc\nd\\u007f\\u009b\\u202e\\u2066é😀"


def test_hostile_file_names_and_titles_are_printed_escaped(run, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, bad in enumerate(HOSTILE):
        (folder / f"{i}{bad}.txt").write_text(f"text {i}", encoding="utf-8")
    project = tmp_path / "p.annotator"
    assert run("init", project)[0] == 0
    code, out, err = run("import", project, folder)
    assert code == 0, err
    _clean(out + err)
    assert "0\\u001b]0;pwned\\u0007.txt" in out
    code, out, err = run("import", project, folder)  # duplicates: "skipped ... as '<title>'"
    _clean(out + err)
    with Project.open(project) as p:
        p.add_document("Title \x9b31m red \u202e desrever", "another text")
        p.add_annotator("coder \u202e eman")
    code, out, err = run("documents", project)
    assert code == 0
    _clean(out)
    assert "\\u009b31m" in out and "\\u202e" in out


def test_json_output_stays_valid_json_with_the_same_values(run, tmp_path):
    project = tmp_path / "p.annotator"
    with create_project(project) as p:
        title = "T \x9b31m \u202e\u2066 x"
        p.add_document(title, "text")
    code, out, err = run("documents", project, "--format", "json")
    assert code == 0
    _clean(out)
    assert json.loads(out)[0]["title"] == title
