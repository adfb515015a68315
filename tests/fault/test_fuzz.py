"""Mutation fuzz of every reader, through the CLI as a user runs it.

Each target starts from small valid files of its kind, damages them with a seeded sequence of
mutations (faultlib) and runs the command that reads them, for as many cases as its time budget
allows. Every case must end with exit 0 or 1, no traceback or 'unexpected error', one-line
messages, within 5 s (the files are under 100 KB), and a refused file must leave the project
exactly as it was."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from faultlib import (
    assert_plain,
    mutate_bytes,
    mutate_csv_file,
    mutate_json_file,
    mutate_jsonl_file,
    mutate_zip_member,
    run_cli,
    snapshot,
)

BUDGET_S = float(os.environ.get("ANNOTATOR_FUZZ_SECONDS", "4"))
SEED = int(os.environ.get("ANNOTATOR_FUZZ_SEED", "10"))
MIN_CASES = 15  # a target that cannot run this many cases in its budget proves too little
MAX_CASE_S = 5.0  # the bound for a file under 100 KB

TEXT = ("Die Regierung hat gestern 3 Mrd. € bewilligt — “ein Durchbruch”, sagte sie. 😀\n\n"
        "Critics called it a waste of money. Others said the figures were unverified.\n")


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("A report", 1)
    for line in TEXT.splitlines():
        if line:
            document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "cell", "value"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf() -> bytes:
    """A one-page PDF with a text layer, written by hand (no Qt in the core's tests)."""
    content = b"BT /F1 18 Tf 72 700 Td (Critics called it a waste of money.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@dataclass
class Target:
    name: str
    suffix: str
    seeds: Callable[[Path], list[bytes]]
    mutate: Callable[[bytes, random.Random], bytes]
    command: Callable[[Path, Path, Path], list[str]]  # (project, file, tmp) -> arguments
    project_file: bool = False  # the mutated file IS the project


def _import(project: Path, file: Path, tmp: Path) -> list[str]:
    return ["import", project, file]


def _coded_project(tmp: Path) -> Path:
    """A small project with two coders' annotations, its export and schema files beside it."""
    from annotator.core.schema.templates import create_project

    path = tmp / "seed.annotator"
    if path.exists():
        return path
    with create_project(path) as project:
        doc = project.add_document("News", TEXT, metadata={"outlet": "Zeitung", "year": 2026}).document
        cats = project.categories()
        for number, name in enumerate(("alice", "bob")):
            coder = project.add_annotator(name)
            project.add_annotation(doc.id, cats[0].id, coder.id, 0, 14 + number, note=f"by {name}")
            project.add_annotation(doc.id, cats[1].id, coder.id, 85, 100)
    for args in (["export", path, "-o", tmp / "seed.json"], ["schema", "export", path, "-o", tmp / "seed-schema.json"],
                 ["schema", "export", path, "-o", tmp / "seed.qdc"]):
        assert run_cli(*args).code == 0
    return path


def _export_seeds(tmp: Path) -> list[bytes]:
    _coded_project(tmp)
    return [(tmp / "seed.json").read_bytes()]


TARGETS = [
    Target("txt", ".txt", lambda tmp: [TEXT.encode("utf-8"), TEXT.encode("utf-16"), TEXT.encode("cp1252", "replace")],
           mutate_bytes, _import),
    Target("markdown", ".md", lambda tmp: [b"# Title\n\nSome *text* with [a link](http://x).\n\n- item\n- item\n"],
           mutate_bytes, _import),
    Target("html", ".html", lambda tmp: [
        b"<html><head><meta charset='utf-8'><title>T</title><style>p{}</style></head><body><h1>Head</h1>"
        b"<p>Para <b>bold</b> &amp; more<br>line</p><ul><li>a</li><li>b</li></ul><table><tr><td>c</td></tr>"
        b"</table><script>var x = 1;</script></body></html>"], mutate_bytes, _import),
    Target("docx", ".docx", lambda tmp: [_docx()], lambda d, r: mutate_zip_member(d, "word/document.xml", r), _import),
    Target("pdf", ".pdf", lambda tmp: [_pdf()], mutate_bytes, _import),
    Target("csv", ".csv", lambda tmp: [b'title,text\nA,First text\nB,"Second, quoted"\nC,Third\n'],
           mutate_csv_file, _import),
    Target("tsv", ".tsv", lambda tmp: [b"title\ttext\nA\tFirst text\nB\tSecond\n"], mutate_bytes, _import),
    Target("jsonl", ".jsonl", lambda tmp: [
        b'{"title": "A", "text": "First text", "meta": {"k": 1, "tags": ["x"]}}\n'
        b'{"title": "B", "text": "Second text", "meta": {"k": 2.5}}\n'], mutate_jsonl_file, _import),
    Target("import-annotations", ".json", _export_seeds, mutate_json_file,
           lambda project, file, tmp: ["import-annotations", project, file]),
    Target("merge", ".json", _export_seeds, mutate_json_file,
           lambda project, file, tmp: ["merge", file, tmp / "seed.json", "-o", tmp / "merged.json"]),
    Target("schema-json", ".json", lambda tmp: [(_coded_project(tmp) and tmp / "seed-schema.json").read_bytes()],
           mutate_json_file, lambda project, file, tmp: ["schema", "import", project, file]),
    Target("schema-qdc", ".qdc", lambda tmp: [(_coded_project(tmp) and tmp / "seed.qdc").read_bytes()],
           mutate_bytes, lambda project, file, tmp: ["schema", "import", project, file]),
    Target("reliability-csv", ".csv", lambda tmp: [b"alice,bob,carol\n1,1,2\n2,2,2\n3,,3\n1,2,1\n",
                                                   b"alice,bob\nyes,yes\nno,yes\nno,no\n"],
           mutate_csv_file, lambda project, file, tmp: ["agreement", "--reliability-data", file, "--format", "json"]),
    Target("project-documents", ".annotator", lambda tmp: [_coded_project(tmp).read_bytes()], mutate_bytes,
           lambda project, file, tmp: ["documents", file, "--format", "json"], project_file=True),
    Target("project-export", ".annotator", lambda tmp: [_coded_project(tmp).read_bytes()], mutate_bytes,
           lambda project, file, tmp: ["export", file, "-o", tmp / "out.json"], project_file=True),
]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_mutated_files_get_a_plain_answer(target, tmp_path):
    seeds = target.seeds(tmp_path)
    project = tmp_path / "work.annotator"
    if not target.project_file:
        assert run_cli("init", project).code == 0
        if target.name == "import-annotations":  # the documents are there; the annotations come in
            pass
    rng = random.Random(f"{SEED}-{target.name}")
    deadline = time.monotonic() + BUDGET_S
    cases = 0
    while time.monotonic() < deadline or cases < MIN_CASES:
        data = target.mutate(rng.choice(seeds), rng)
        file = tmp_path / f"case{target.suffix}"
        file.write_bytes(data)
        for stale in ("-wal", "-shm"):
            Path(f"{file}{stale}").unlink(missing_ok=True)
        before = file.read_bytes() if target.project_file else snapshot(project)
        outcome = run_cli(*target.command(project, file, tmp_path))
        what = f"{target.name} case {cases} (seed {SEED}, {len(data)} bytes; replay: {data[:200]!r})"
        assert_plain(outcome, what)
        if len(data) < 100_000:
            assert outcome.seconds < MAX_CASE_S, f"{what}: took {outcome.seconds:.1f} s"
        if outcome.refused:
            after = file.read_bytes() if target.project_file else snapshot(project)
            assert after == before, f"{what}: refused ({outcome.err.strip()[:300]}) but the project changed"
        cases += 1
        if cases > 5000:
            break
    assert cases >= MIN_CASES


def test_the_seeds_are_valid(tmp_path):
    """Each target's seed files are read without complaint: the fuzz starts from real input."""
    for target in TARGETS:
        project = tmp_path / f"{target.name}.annotator"
        if not target.project_file:
            assert run_cli("init", project).code == 0
        for index, seed in enumerate(target.seeds(tmp_path)):
            file = tmp_path / f"seed-{target.name}-{index}{target.suffix}"
            file.write_bytes(seed)
            if target.name == "import-annotations":
                shutil.copy(tmp_path / "seed.json", file)
            outcome = run_cli(*target.command(project, file, tmp_path))
            assert outcome.code == 0, f"{target.name}: {outcome.err}"
    # The hand-written PDF really has a text layer, and the .docx really has paragraphs.
    with zipfile.ZipFile(io.BytesIO(_docx())) as archive:
        assert b"waste of money" in archive.read("word/document.xml")
    outcome = run_cli("import", tmp_path / "txt.annotator", tmp_path / "seed-pdf-0.pdf")
    assert outcome.code == 0 and "1 document" in outcome.out
    listing = json.loads(run_cli("documents", tmp_path / "txt.annotator", "--format", "json").out)
    assert any(d["title"] == "seed-pdf-0.pdf" for d in listing)
