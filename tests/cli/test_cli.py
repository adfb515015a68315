"""The command line: init, import, documents, help and version, and one plain line for bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import __version__
from annotator.cli import main


@pytest.fixture
def proj(tmp_path, run):
    path = tmp_path / "study.annotator"
    assert run("init", path)[0] == 0
    return path


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"annotator {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("init", "import", "documents", "open", "paths"):
        assert command in out
    assert "ANNOTATOR_HOME" in out


def test_init_creates_a_project_with_the_default_schema(tmp_path, run):
    code, out, _ = run("init", tmp_path / "p.annotator")
    assert (code, out) == (0, f"created {tmp_path / 'p.annotator'} with 4 categories\n")
    code, _, err = run("init", tmp_path / "p.annotator")
    assert code == 1 and "already exists" in err
    code, out, _ = run("init", tmp_path / "e.annotator", "--empty")
    assert out.endswith("with 0 categories\n")


def test_import_and_documents_json(proj, tmp_path, run):
    text = tmp_path / "article.txt"
    text.write_bytes("Line one “quoted” 😀\r\nNBSP:\u00a0x  \r\n".encode("utf-8"))
    code, out, err = run("import", proj, text)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"imported {text} (utf-8): 1 document",
        "summary: 1 document(s) imported from 1 file(s), 0 duplicate(s) skipped, 0 file(s) failed",
    ]
    code, out, _ = run("import", proj, text)
    assert code == 0
    assert out.splitlines()[0] == f"skipped  {text}: already in the project as 'article.txt'"
    assert "1 duplicate(s) skipped" in out
    code, out, _ = run("documents", proj, "--format", "json")
    [doc] = json.loads(out)
    assert doc["title"] == "article.txt"
    assert doc["length"] == len("Line one “quoted” 😀\nNBSP:\u00a0x  \n")
    assert doc["annotation_count"] == 0
    assert len(doc["sha256"]) == 64 and len(doc["id"]) == 36
    code, out, _ = run("documents", proj)
    assert "article.txt" in out and doc["id"][:8] in out


def test_encoding_is_reported_and_can_be_overridden(proj, tmp_path, run):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("café “quoted”".encode("cp1252"))
    code, out, _ = run("import", proj, legacy)
    assert f"imported {legacy} (cp1252)" in out
    other = tmp_path / "latin.txt"
    other.write_bytes("naïve \x81".encode("latin-1"))
    code, _, err = run("import", proj, other)
    assert code == 1 and "neither UTF-8 nor cp1252" in err
    code, out, _ = run("import", proj, other, "--encoding", "latin-1")
    assert code == 0 and "(latin-1)" in out


def test_split_options(proj, corpus, run):
    code, out, _ = run("import", proj, corpus / "anti-imperialist-blog-posts-2024.txt",
                       "--split-on-blank-lines", "2")
    assert code == 0 and ": 7 documents" in out
    code, out, _ = run("documents", proj, "--format", "json")
    titles = [d["title"] for d in json.loads(out)]
    assert titles[1].startswith("Rage Against the War Machine")


def test_split_regex(proj, tmp_path, run):
    path = tmp_path / "issues.md"
    path.write_text("## One\ntext\n## Two\nmore\n")
    code, out, _ = run("import", proj, path, "--split-regex", "^## ")
    assert code == 0 and ": 2 documents" in out


def test_csv_fields(proj, tmp_path, run):
    path = tmp_path / "rows.csv"
    path.write_text("headline,body,outlet\nFirst,Text one,A\nSecond,Text two,B\n")
    code, out, _ = run("import", proj, path, "--text-field", "body", "--title-field", "headline")
    assert code == 0 and ": 2 documents" in out
    docs = json.loads(run("documents", proj, "--format", "json")[1])
    assert [(d["title"], d["metadata"]["outlet"]) for d in docs] == [("First", "A"), ("Second", "B")]


def _pdf_encrypted(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="secret", algorithm="AES-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _pdf_blank(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


BAD_INPUTS = {
    "missing.txt": (None, "no such file or folder"),
    "empty.txt": (b"", "file is empty"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "looks like binary data, not text"),
    "broken.docx": (b"PK\x03\x04 this is not really a zip", "not a valid .docx file"),
    "locked.pdf": (_pdf_encrypted, "encrypted and needs a password"),
    "scan.pdf": (_pdf_blank, "no text layer"),
    "bad.csv": (b'text,title\n"fine",ok\n"one","two","three"\n', "line 3:"),
    "bad.jsonl": (b'{"text": "ok"}\n{"text": "oops"\n', "line 2: invalid JSON"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_one_plain_line_and_a_non_zero_exit(proj, tmp_path, run, name):
    content, reason = BAD_INPUTS[name]
    path = tmp_path / name
    if callable(content):
        content(path)
    elif content is not None:
        path.write_bytes(content)
    code, out, err = run("import", proj, path)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"annotator: error: {path}: ")
    assert reason in lines[0]
    assert "Traceback" not in out + err
    assert "0 document(s) imported" in out
    assert json.loads(run("documents", proj, "--format", "json")[1]) == []


def test_unknown_text_field_names_the_columns(proj, tmp_path, run):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"body": "x", "id": 1}\n')
    code, _, err = run("import", proj, path, "--text-field", "content")
    assert code == 1
    assert "no field 'content' (fields: body, id)" in err
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text("body,id\nx,1\n")
    code, _, err = run("import", proj, csv_path, "--text-field", "content")
    assert code == 1 and "no column 'content' (columns: body, id)" in err


def test_folder_with_nothing_importable(proj, tmp_path, run):
    folder = tmp_path / "pics"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"\x89PNG")
    code, _, err = run("import", proj, folder)
    assert code == 1 and err.startswith(f"annotator: error: {folder}: no importable files")


def test_good_files_import_even_when_others_fail(proj, tmp_path, run):
    (tmp_path / "good.txt").write_text("good text")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    code, out, err = run("import", proj, tmp_path / "good.txt", tmp_path / "bad.txt")
    assert code == 1
    assert "1 document(s) imported from 1 file(s), 0 duplicate(s) skipped, 1 file(s) failed" in out
    assert err.count("\n") == 1 and "bad.txt" in err


@pytest.mark.parametrize("content", [b"plain text, not a database", b""])
def test_a_project_path_that_is_not_a_project(tmp_path, run, content):
    path = tmp_path / "notes.annotator"
    path.write_bytes(content)
    for args in (["documents", path], ["import", path, path]):
        code, _, err = run(*args)
        assert code == 1
        assert err.startswith(f"annotator: error: {path}: ") and "not an Annotator project" in err
        assert err.count("\n") == 1
    assert path.read_bytes() == content


@pytest.mark.parametrize("args, message", [
    (["import"], "the following arguments are required"),
    (["import", "p", "x", "--split-on-blank-lines", "0"], "expected 1 or more"),
    (["import", "p", "x", "--split-regex", "("], "invalid regular expression"),
    (["import", "p", "x", "--encoding", "klingon"], "unknown encoding 'klingon'"),
    (["import", "p", "x", "--split-regex", "a", "--split-on-blank-lines", "2"], "not allowed with"),
    (["documents", "p", "--format", "xml"], "invalid choice"),
    (["frobnicate"], "invalid choice"),
])
def test_wrong_arguments_exit_2_with_one_line(run, args, message):
    code, out, err = run(*args)
    assert code == 2
    assert err.count("\n") == 1 and message in err and "usage:" not in err


def test_an_internal_error_shows_one_line_and_logs_the_traceback(proj, run, monkeypatch, annotator_home):
    import annotator.cli.project as cli

    def boom(args):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(cli, "cmd_documents", boom)
    code, _, err = run("documents", proj)
    assert code == 70
    assert err.count("\n") == 1 and "internal error: RuntimeError: unexpected" in err
    log = (annotator_home / "logs" / "annotator.log").read_text()
    assert "Traceback" in log and "RuntimeError: unexpected" in log


def test_the_installed_command_runs(tmp_path):
    exe = Path(sys.executable).with_name("annotator")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "annotator"]
    result = subprocess.run([*command, "documents", str(tmp_path / "nope.annotator")], capture_output=True, text=True)
    assert result.returncode == 1
    missing = tmp_path / "nope.annotator"
    assert result.stderr == f"annotator: error: {missing}: no such project file (create one with: annotator init {missing})\n"
    result = subprocess.run([*command, "--version"], capture_output=True, text=True)
    assert result.stdout.strip() == f"annotator {__version__}"


def test_paths_command(run, annotator_home):
    code, out, _ = run("paths")
    assert code == 0
    assert f"data     {annotator_home / 'data'}" in out
    assert str(annotator_home / "data" / "default.annotator") in out
