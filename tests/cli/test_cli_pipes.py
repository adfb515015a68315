"""A reader that stops early (``annotator ... | head -1``) and names in messages.

When the program reading standard output closes it before the end, the command has done its work
(an export read the project, an import committed): it exits 0 and prints nothing more, neither a
BrokenPipeError traceback nor a silent exit 1. Titles and names in messages are their text between
quotes, not Python's repr of it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.errors import ValidationError
from annotator.core.project.documents import NewDocument
from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project
from annotator.core.text import sha256_text

REPO = Path(__file__).resolve().parents[2]
PIPE_BYTES = 1 << 16  # Linux's default pipe capacity: a command writing more must meet the closed end
TITLE = "Tom's notes on C:\\data"  # repr: "Tom's notes on C:\\\\data", in double quotes


@pytest.fixture
def big(tmp_path):
    """A project whose export and document list are each several times a pipe's capacity."""
    path = tmp_path / "big.annotator"
    with create_project(path, name="Big") as project:
        added = project.add_documents([NewDocument(f"{TITLE} {n}", f"Text {n}: some words é 😀. " * (n % 50 + 1))
                                       for n in range(1000)])
        coder = project.add_annotator("coder")
        project.add_annotations([{"document_id": a.document.id, "category_id": project.categories()[0].id,
                                  "annotator_id": coder.id, "start": 0, "end": 4} for a in added[:200]])
    return path


def run_until_first_line(*args) -> tuple[int, bytes, bytes]:
    """Run the CLI in a child process, read its first line, close the pipe like ``head -1``."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-m", "annotator", *map(str, args)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = child.stdout.readline()
    child.stdout.close()
    err = child.stderr.read()
    return child.wait(timeout=120), first, err


@pytest.mark.parametrize("args", [
    ["export", "{big}", "-o", "-"],
    ["export", "{big}", "-o", "-", "--format", "w3c"],
    ["export", "{big}", "-o", "/dev/stdout"],
    ["documents", "{big}", "--format", "json"],
])
def test_a_reader_that_stops_early_gets_exit_0_and_nothing_more(big, args, run):
    args = [str(big) if a == "{big}" else a for a in args]
    whole = run(*[a.replace("/dev/stdout", "-") for a in args])[1]
    assert len(whole.encode("utf-8")) > 2 * PIPE_BYTES  # the pipe is full long before the end
    code, first, err = run_until_first_line(*args)
    assert first.strip() and code == 0 and err == b""


class ClosesAfter:
    """A standard output whose reader goes away after ``limit`` characters (no file descriptor)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.written = limit, ""

    def write(self, text: str) -> int:
        if len(self.written) + len(text) > self.limit:
            raise BrokenPipeError(32, "Broken pipe")
        self.written += text
        return len(text)

    def flush(self) -> None:
        pass


def test_an_import_whose_output_is_cut_short_commits_and_exits_0(tmp_path, monkeypatch, capsys):
    project = tmp_path / "p.annotator"
    files = []
    for n in range(5):
        files.append(tmp_path / f"doc{n}.txt")
        files[-1].write_text(f"Document {n}.", encoding="utf-8")
    assert main(["init", str(project)]) == 0
    capsys.readouterr()
    out = ClosesAfter(10)
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["import", str(project), *map(str, files)]) == 0
    assert capsys.readouterr().err == ""
    assert out.written == ""  # the first line did not fit: nothing reached the reader, nothing failed
    with Project.open(project) as opened:
        assert opened.counts().documents == 5


def test_titles_in_messages_are_text_not_repr(tmp_path, run):
    path = tmp_path / "t.annotator"
    with create_project(path) as project:
        project.add_document(TITLE, "Text one.")
    code, out, _ = run("delete-documents", path, TITLE)
    assert code == 0 and out.startswith(f"deleted '{TITLE}' (")
    assert repr(TITLE) not in out

    one, two = tmp_path / "one.json", tmp_path / "two.json"
    with create_project(tmp_path / "a.annotator") as project:
        project.add_document(TITLE, "Text one.")
    run("export", tmp_path / "a.annotator", "-o", one)
    data = json.loads(one.read_text(encoding="utf-8"))
    data["documents"][0]["text"] = "Text two."
    data["documents"][0]["length"] = 9
    data["documents"][0]["sha256"] = sha256_text("Text two.")
    two.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = run("merge", one, two, "-o", tmp_path / "m.json")
    assert code == 1 and f"('{TITLE}') has different texts" in err
    assert repr(TITLE) not in err


def test_unknown_names_and_refused_titles_are_text_not_repr(tmp_path, run):
    path = tmp_path / "t.annotator"
    with create_project(path) as project:
        project.add_document("One", "Text one.")
    code, _, err = run("export", path, "-o", tmp_path / "x.json", "--documents", TITLE)
    assert code == 1 and err == f"annotator: error: no document named '{TITLE}' (known: One)\n"
    with Project.open(path) as project, pytest.raises(ValidationError) as error:
        project.add_document(TITLE, "")
    assert str(error.value) == f"document '{TITLE}' has no text"
