"""The commands that write files: no target that is a project, '-' for standard output, CSV cells
guarded against spreadsheet formulas (and --raw-csv to turn that off)."""

import csv
import io
import json

import pytest

from annotator.core.exchange.other_formats import category_label
from annotator.core.files import csv_cell
from annotator.core.schema.templates import create_project

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-cmd", "@SUM(A1)", "\tX", "\rX"]
NAMES = HOSTILE[:4]  # titles and names hold no tab or carriage return; notes do


@pytest.fixture
def hostile(tmp_path):
    """Titles, coder names, category names and notes that a spreadsheet would run as formulas."""
    path = tmp_path / "study.annotator"
    with create_project(path, template=None) as project:
        for i, evil in enumerate(HOSTILE):
            name = NAMES[i % len(NAMES)] + str(i)
            doc = project.add_document(name, f"text number {i} here").document
            coder = project.add_annotator(name)
            category = project.add_category(name, colour="#123456")
            project.add_annotation(doc.id, category.id, coder.id, 0, 4, note=evil)
    return path


@pytest.mark.parametrize("command", [("export", "{p}"), ("schema", "export", "{p}")])
def test_a_command_never_writes_over_a_project(hostile, tmp_path, run, command):
    before = hostile.read_bytes()
    args = [part.format(p=hostile) for part in command]
    link = tmp_path / "latest.json"
    link.symlink_to(hostile)
    targets = [link] if command[0] == "schema" else [hostile, f"{hostile}-wal", tmp_path / "." / hostile.name, link]
    for target in targets:  # (a schema file's name must end .json or .qdc)
        code, out, err = run(*args, "-o", target)
        assert code == 1 and out == "" and err.count("\n") == 1, err
        assert "choose another file name for the output" in err
    assert hostile.read_bytes() == before
    code, _, err = run("merge", tmp_path / "nothing.json", "-o", hostile)
    assert code == 1 and hostile.read_bytes() == before


def test_dash_writes_the_file_to_stdout_and_the_summary_to_stderr(hostile, tmp_path, run):
    code, out, err = run("export", hostile, "-o", "-")
    assert code == 0 and json.loads(out)["format"] == "annotator-export"
    assert err.startswith("exported 6 annotation(s)") and err.rstrip().endswith("to - (annotator)")
    (tmp_path / "a.json").write_text(out, encoding="utf-8")
    code, merged, err = run("merge", tmp_path / "a.json", "-o", "-")
    assert code == 0 and len(json.loads(merged)["annotations"]) == 6 and err.startswith("merged 1 file(s) into -")
    code, schema, err = run("schema", "export", hostile, "-o", "-")
    assert code == 0 and json.loads(schema)["format"] == "annotator-schema" and "(json)" in err
    code, out, err = run("export", hostile, "-o", "-", "--format", "csv")
    assert code == 0 and out.startswith("\ufeffdocument_title,") and err.rstrip().endswith("(csv)")


def test_export_csv_guards_cells_unless_raw(hostile, tmp_path, run):
    target = tmp_path / "a.csv"
    assert run("export", hostile, "-o", target)[0] == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"), newline="")))
    names = sorted(f"'{NAMES[i % len(NAMES)]}{i}" for i in range(len(HOSTILE)))
    for column in ("document_title", "annotator"):
        assert sorted(r[column] for r in rows) == names
    labels = sorted(f"'{category_label([NAMES[i % len(NAMES)] + str(i)])}" for i in range(len(HOSTILE)))
    assert sorted(r["category"] for r in rows) == labels  # the label escapes "/" (docs/exchange-format.md)
    stored = [v.replace("\r", "\n") for v in HOSTILE]  # a note's line ends are normalised to \n
    assert sorted(r["note"] for r in rows) == sorted(csv_cell(v) for v in stored)
    assert sum(r["note"].startswith("'") for r in rows) == 5
    assert {(r["start"], r["end"]) for r in rows} == {("0", "4")}
    assert run("export", hostile, "-o", target, "--raw-csv")[0] == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert sorted(r["note"] for r in rows) == sorted(stored)
    code, _, err = run("export", hostile, "-o", tmp_path / "a.json", "--raw-csv")
    assert code == 2 and "--raw-csv applies to the csv format only" in err


def test_agreement_csv_guards_names_and_keeps_numbers(tmp_path, run):
    data = tmp_path / "reliability.csv"
    data.write_text("=cmd|' /C calc'!A0,bob\nyes,no\nno,yes\nyes,no\nno,yes\nyes,yes\n", encoding="utf-8")
    code, out, _ = run("agreement", "--reliability-data", data, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert code == 0 and rows[0] == ["measure", "category", "value"]
    kappa = next(r for r in rows if r[0] == "cohen_kappa")
    assert kappa[2].startswith("-") and float(kappa[2]) < 0  # a number stays a number
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    path = tmp_path / "coded.annotator"
    with create_project(path, template=None) as project:
        doc = project.add_document("-doc", "one two three four").document
        cat = project.add_category("@cat", colour="#123456")
        for name in ("=alice", "+bob"):
            project.add_annotation(doc.id, cat.id, project.add_annotator(name).id, 0, 3)
    code, out, _ = run("agreement", path, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert code == 0 and ["category", "'@cat"] in [r[:2] for r in rows]
    pairs = [r[1] for r in rows if r[0] == "pair"]  # coders in id order, which is random
    assert pairs and set(pairs) <= {"'+bob / =alice", "'=alice / +bob"}
    assert ["document", "'-doc"] in [r[:2] for r in rows]
    code, out, _ = run("agreement", path, "--format", "csv", "--raw-csv")
    assert ["category", "@cat"] in [r[:2] for r in csv.reader(io.StringIO(out, newline=""))]


def test_dev_stdout_is_written_in_place_to_a_pipe_or_a_redirected_file(hostile, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(repo))
    command = [sys.executable, "-m", "annotator", "export", str(hostile), "-o", "/dev/stdout"]
    piped = subprocess.run(command, capture_output=True, env=env, timeout=60)
    assert piped.returncode == 0 and json.loads(piped.stdout)["format"] == "annotator-export"
    assert piped.stderr.decode().startswith("exported 6 annotation(s)")  # the summary is not mixed in
    redirected = tmp_path / "out.json"
    with redirected.open("wb") as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, env=env, timeout=60)
    assert done.returncode == 0 and json.loads(redirected.read_bytes())["format"] == "annotator-export"
    assert os.path.islink("/dev/stdout") or not os.path.lexists("/dev/stdout")  # still what it was
