"""The hostile files and commands of issue 10, end to end through the CLI in a real process: each
gets exit 0 or 1 (2 for usage) with one plain line, well within its time limit (the process is
killed, and the test fails, at the limit: a hang cannot stall the suite), and a refusal leaves the
project as it was. The units that fix each one have their own tests beside the code."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from faultlib import snapshot

LIMIT_S = 20  # far above what each case takes now; the issue measured minutes for most of them


def cli(*args, limit: float = LIMIT_S, stdin: str | None = None) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True,
                                text=True, timeout=limit, input=stdin if stdin is not None else "",
                                errors="replace")
    except subprocess.TimeoutExpired:
        pytest.fail(f"annotator {' '.join(map(str, args))[:200]}: still running after {limit} s")
    text = result.stdout + result.stderr
    assert result.returncode in (0, 1, 2), f"exit {result.returncode}: {result.stderr[-1500:]}"
    for marker in ("internal error", "unexpected error", "Traceback", "[SQL:", "Background on this error"):
        assert marker not in text, text[-1500:]
    for line in result.stderr.splitlines():
        assert len(line) <= 1000, f"a {len(line)}-character message"
    return result


@pytest.fixture
def proj(tmp_path) -> Path:
    path = tmp_path / "study.annotator"
    assert cli("init", path).returncode == 0
    (tmp_path / "a.txt").write_text("Critics called it a waste of money.", encoding="utf-8")
    assert cli("import", path, tmp_path / "a.txt").returncode == 0
    return path


# -- nothing destroys a project ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_export_onto_the_project_is_refused(proj, suffix):
    before = snapshot(proj)
    size = proj.stat().st_size
    result = cli("export", proj, "-o", f"{proj}{suffix}")
    assert result.returncode == 1 and "error:" in result.stderr
    assert proj.stat().st_size == size and snapshot(proj) == before


def test_export_onto_another_project_and_merge_onto_a_project_are_refused(proj, tmp_path):
    other = tmp_path / "other.annotator"
    assert cli("init", other).returncode == 0
    assert cli("export", proj, "-o", tmp_path / "x.json").returncode == 0
    before = other.read_bytes()
    assert cli("export", proj, "-o", other).returncode == 1
    assert cli("merge", tmp_path / "x.json", "-o", other).returncode == 1
    assert cli("schema", "export", proj, "-o", other).returncode != 0
    assert other.read_bytes() == before


def test_export_through_a_symlink_and_to_stdout(proj, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert cli("export", proj, "-o", link).returncode == 0
    assert link.is_symlink() and json.loads(real.read_text())["format"] == "annotator-export"
    result = cli("export", proj, "-o", "-")
    assert result.returncode == 0 and json.loads(result.stdout)["format"] == "annotator-export"


def test_a_device_node_as_target_is_not_replaced(proj, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
    cli("export", proj, "-o", node)
    assert stat.S_ISCHR(node.stat().st_mode)
    cli("init", node)
    assert stat.S_ISCHR(node.stat().st_mode)
    assert not list(tmp_path.glob("null-*"))  # no -journal or -wal beside it


def test_fifos_are_refused_not_waited_on(proj, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    before = snapshot(proj)
    for args in (["documents", fifo], ["import-annotations", proj, fifo], ["merge", fifo, "-o", tmp_path / "m.json"],
                 ["schema", "import", proj, fifo], ["import", proj, fifo], ["init", fifo],
                 ["agreement", "--reliability-data", fifo]):
        result = cli(*args, limit=10)
        assert result.returncode != 0, args
    assert snapshot(proj) == before
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_lone_surrogate_in_metadata_never_traps_the_project(proj, tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"title": "Bad", "text": "some text", "meta": "\\udc00"}\n'
                    '{"title": "Worse", "text": "other text", "k\\ud800": NaN}\n', encoding="utf-8")
    cli("import", proj, rows)
    assert cli("export", proj, "-o", tmp_path / "out.json").returncode == 0
    assert cli("documents", proj, "--format", "json").returncode == 0
    json.loads(cli("documents", proj, "--format", "json").stdout)


# -- hostile input answered fast and plainly ---------------------------------------------------


def _docx(path: Path, body_chunks) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'content-types"><Default Extension="xml" ContentType="application/xml"/>'
                         '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels",
                         '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                         '2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                         '</Relationships>')
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                         b'wordprocessingml/2006/main"><w:body>')
            for chunk in body_chunks:
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return path


def _hostile_files(tmp: Path) -> dict[str, Path]:
    files = {}
    files["sniffer.csv"] = tmp / "sniffer.csv"
    files["sniffer.csv"].write_text("text\n" + '"' + "a," * 250 + '"\n' + ('"x",' * 60) + "\n", encoding="utf-8")
    files["newlines.html"] = tmp / "newlines.html"
    files["newlines.html"].write_bytes(b"<p>x</p>" + b"\n" * 1_000_000)
    files["bold.html"] = tmp / "bold.html"
    files["bold.html"].write_bytes(b"<p>" + b"<b>" * 800_000 + b"x</p>")
    files["paragraphs.docx"] = _docx(tmp / "paragraphs.docx", [b"<w:p/>" * 100_000] * 20)
    files["bomb.docx"] = _docx(tmp / "bomb.docx",
                               [b"<w:p><w:r><w:t>"] + [b"a" * (1 << 24)] * 32 + [b"</w:t></w:r></w:p>"])
    return files


@pytest.mark.parametrize("name", ["sniffer.csv", "newlines.html", "bold.html", "paragraphs.docx", "bomb.docx"])
def test_hostile_documents_are_answered_fast(proj, tmp_path, name):
    file = _hostile_files(tmp_path)[name]
    before = snapshot(proj)
    result = cli("import", proj, file)
    if result.returncode != 0:
        assert snapshot(proj) == before
    if name == "bomb.docx":  # 512 MiB of text in a small archive: refused, not imported
        assert result.returncode == 1 and snapshot(proj) == before


def test_hostile_reliability_data_is_answered_fast(tmp_path):
    many_values = tmp_path / "values.csv"
    many_values.write_text("a,b,c\n" + "".join(f"v{i},v{i + 1},v{i}\n" for i in range(2000)), encoding="utf-8")
    cli("agreement", "--reliability-data", many_values, "--format", "json")
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(200_000)) + "\n" + ",".join("1" * 1 for _ in range(200_000)) + "\n")
    cli("agreement", "--reliability-data", wide, "--format", "json")
    digits = tmp_path / "digits.csv"
    digits.write_text("a,b\n" + "1" * 5000 + ",2\n3,4\n")
    assert cli("agreement", "--reliability-data", digits).returncode == 1


def test_a_qdc_with_an_unknown_encoding_is_refused(proj, tmp_path):
    qdc = tmp_path / "odd.qdc"
    qdc.write_text('<?xml version="1.0" encoding="x-made-up"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
                   "<Codes/></CodeBook>")
    before = snapshot(proj)
    assert cli("schema", "import", proj, qdc).returncode == 1
    assert snapshot(proj) == before


def test_a_folder_import_does_not_follow_links_out_of_the_folder(proj, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "inside.txt").write_text("Inside the corpus.")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:secret")
    (corpus / "passwd.txt").symlink_to(secret)
    (corpus / "loop").symlink_to(corpus)
    assert cli("import", proj, corpus).returncode in (0, 1)
    listing = json.loads(cli("documents", proj, "--format", "json").stdout)
    assert "inside.txt" in {d["source"] for d in listing}
    assert not any("passwd" in d["source"] for d in listing)


def test_a_damaged_project_gets_one_line(proj, tmp_path):
    data = bytearray(proj.read_bytes())
    assert len(data) > 3 * 4096
    data[2 * 4096:3 * 4096] = b"\xa5" * 4096  # one page of the file overwritten
    proj.write_bytes(bytes(data))
    for args in (["documents", proj], ["import", proj, tmp_path / "a.txt"],
                 ["export", proj, "-o", tmp_path / "x.json"]):
        result = cli(*args)
        assert result.returncode in (0, 1)


def test_a_project_missing_a_table_gets_one_line(proj, tmp_path):
    import sqlite3

    conn = sqlite3.connect(proj)
    conn.execute("DROP TABLE annotations")
    conn.commit()
    conn.close()
    for args in (["documents", proj], ["export", proj, "-o", tmp_path / "x.json"]):
        assert cli(*args).returncode == 1


# -- what is printed and written does not harm the reader ---------------------------------------


def test_names_with_escape_sequences_are_neutralised_on_the_terminal(tmp_path):
    path = tmp_path / "p.annotator"
    assert cli("init", path).returncode == 0
    bad = tmp_path / "evil\x1b]0;pwned\x07\x1b[2J.txt"
    bad.write_text("text of an evil file")
    result = cli("import", path, bad)
    for stream in (result.stdout, result.stderr, cli("documents", path).stdout):
        assert "\x1b" not in stream and "\x07" not in stream


def test_csv_cells_that_start_a_formula_are_neutralised(proj, tmp_path):
    import csv

    from annotator.core.project.project import Project

    with Project.open(proj) as project:
        doc = project.documents()[0]
        coder = project.add_annotator("=HYPERLINK(\"http://x\",\"y\")")
        cat = project.categories()[0]
        project.add_annotation(doc.id, cat.id, coder.id, 0, 7, note="+1 and -2 and @SUM(A1)")
    out = tmp_path / "out.csv"
    assert cli("export", proj, "-o", out).returncode == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert cells and not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
