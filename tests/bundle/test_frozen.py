"""Smoke test of the frozen app (packaging/build.sh's dist/annotator/annotator), run by .ci/run.

It runs the executable as a coder would: no Python on PATH, no PYTHONPATH, no virtualenv, a fresh
ANNOTATOR_HOME and no locale set, on files it writes itself (one of them with a non-ASCII name).
Skipped unless ANNOTATOR_BUNDLE names the executable (.ci/run sets it); in CI a missing bundle fails.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SCREENSHOTS, in_ci

BUNDLE = os.environ.get("ANNOTATOR_BUNDLE", "")
if not BUNDLE and not in_ci():
    pytest.skip("ANNOTATOR_BUNDLE is not set (.ci/run sets it after packaging/build.sh)", allow_module_level=True)
EXE = Path(BUNDLE).resolve() if BUNDLE else Path("dist/annotator/annotator").resolve()


@pytest.fixture(scope="module")
def exe() -> Path:
    if not EXE.is_file():
        pytest.fail(f"no bundle at {EXE}: run packaging/build.sh first", pytrace=False)
    return EXE


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("frozen")


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What a coder's desktop session gives the app: no Python of ours anywhere, no locale."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "ANNOTATOR_HOME": str(home / "annotator")}
    env.update(extra)
    return env


def run(exe: Path, work: Path, *args: str, ok: bool = True, **extra: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(exe), *args], env=clean_env(work, **extra), cwd=work,
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    if ok:
        assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
    return result


def write_inputs(folder: Path) -> list[Path]:
    """One file of every kind `import` reads; the .docx and .pdf made as tests/core makes them."""
    import docx

    from tests.core.test_readers import make_owner_only_pdf, make_text_pdf

    folder.mkdir()
    (folder / "café notes.txt").write_text("The council voted 7–4 on Tuesday.\n", encoding="utf-8")
    (folder / "readme.md").write_text("# Title\n\nRents rose 12% last year.\n", encoding="utf-8")
    (folder / "page.html").write_text("<html><head><title>T</title></head><body><p>Prices will fall.</p>"
                                      "</body></html>", encoding="utf-8")
    document = docx.Document()
    document.add_paragraph("A docx paragraph about the budget.")
    document.save(str(folder / "report.docx"))
    make_text_pdf(folder / "paper.pdf", ["A PDF page about the harbour."])
    # AES-256 with an empty user password: decrypted by pycryptodome inside the bundle
    (folder.parent / "aes").mkdir()
    make_owner_only_pdf(folder.parent / "aes", "AES-256").rename(folder / "locked.pdf")
    (folder / "rows.csv").write_text("title,text\nrow one,First row text.\nrow two,Second row text.\n",
                                     encoding="utf-8")
    (folder / "lines.jsonl").write_text("\n".join(json.dumps({"title": f"line {i}", "text": f"Line {i} text."})
                                                  for i in (1, 2)) + "\n", encoding="utf-8")
    return sorted(folder.iterdir())


def test_the_unpacked_bundle_is_at_most_150_mb(exe):
    """Issue 12's budget, counted as `du -sb` does for files (symbolic links are a few bytes)."""
    folder = exe.parent
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
    assert size <= 150_000_000, f"{folder}: {size / 1e6:.1f} MB"
    icu_data = list(folder.rglob("libicudata.so.*"))
    assert all(path.stat().st_size < 5_000_000 for path in icu_data), "ICU's data is not the slim one"
    assert not list(folder.rglob("libstdc++.so.6")), "a copy of the system's C++ runtime"


def test_version(exe, work):
    assert run(exe, work, "--version").stdout.startswith("annotator ")


def test_a_server_url_gets_one_line_saying_the_bundle_opens_files(exe, work):
    result = run(exe, work, "documents", "postgresql://ana@db.example.org/corpus", ok=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "this desktop bundle opens project files only" in result.stderr
    assert "pip install 'annotator[postgres]'" in result.stderr


def test_the_documentation_is_inside_the_bundle(exe, work):
    """Help → Documentation and `annotator docs` read the copy packaging/annotator.spec puts in
    _internal/annotator/docs, not a docs/ folder beside the program."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    pages = sorted(p.name for p in docs.glob("*.md"))
    shipped = exe.parent / "_internal" / "annotator" / "docs"
    assert sorted(p.name for p in shipped.iterdir()) == pages
    listing = run(exe, work, "docs").stdout
    assert f"in {shipped}" in listing and all(f"\n{page[:-3]} " in listing for page in pages)
    assert run(exe, work, "docs", "agreement").stdout == (docs / "agreement.md").read_text(encoding="utf-8")


def test_cli_round_trip(exe, work):
    inputs = write_inputs(work / "inputs")
    project, other = work / "study.annotator", work / "other.annotator"
    run(exe, work, "init", str(project))
    run(exe, work, "init", str(other))
    run(exe, work, "import", str(project), *map(str, inputs))
    listing = run(exe, work, "documents", str(project)).stdout
    for title in ("café notes.txt", "readme.md", "report.docx", "paper.pdf", "locked.pdf", "row one", "line 2"):
        assert title in listing, listing
    outputs = {}
    for fmt, suffix in [("annotator", ".json"), ("csv", ".csv"), ("doccano", ".jsonl"), ("w3c", ".json")]:
        outputs[fmt] = work / f"export-{fmt}{suffix}"
        run(exe, work, "export", "--format", fmt, "-o", str(outputs[fmt]), str(project))
        assert outputs[fmt].is_file()  # doccano writes a line per annotated document: none yet
    run(exe, work, "import-annotations", str(other), str(outputs["annotator"]))
    second = work / "export-other.json"
    run(exe, work, "export", "-o", str(second), str(other))
    merged = work / "merged.json"
    run(exe, work, "merge", "-o", str(merged), str(outputs["annotator"]), str(second))
    assert json.loads(merged.read_text(encoding="utf-8"))


def test_schema_export_and_import(exe, work):
    project = work / "schema.annotator"
    run(exe, work, "init", str(project))
    for suffix in (".json", ".qdc"):
        schema = work / f"schema{suffix}"
        run(exe, work, "schema", "export", "-o", str(schema), str(project))
        assert schema.stat().st_size > 0
        run(exe, work, "schema", "import", str(project), str(schema))


def test_agreement_of_two_coders(exe, work):
    data = work / "reliability.csv"
    data.write_text("ana,ben\nyes,yes\nno,no\nyes,no\nno,no\nyes,yes\n", encoding="utf-8")
    report = json.loads(run(exe, work, "agreement", "--reliability-data", str(data), "--format", "json").stdout)
    assert "alpha" in json.dumps(report).lower()


def test_gui_starts_offscreen_and_shows_the_main_window(exe, work):
    from PySide6.QtGui import QImage

    picture = work / "frozen-main-window.png"
    run(exe, work, QT_QPA_PLATFORM="offscreen", ANNOTATOR_SCREENSHOT=str(picture))
    image = QImage(str(picture))
    assert not image.isNull() and image.width() >= 640 and image.height() >= 400
    colours, background = set(), image.pixel(image.width() // 2, image.height() - 40)
    other = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            pixel = image.pixel(x, y)
            colours.add(pixel)
            other += pixel != background
    assert len(colours) > 50, "the window is (nearly) one colour"
    assert other > image.width() * image.height() // 16 // 20, "almost every pixel is the background"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / picture.name).write_bytes(picture.read_bytes())


def test_annotated_project_exports_doccano_and_span_agreement(exe, work):
    """Annotations by two coders (written through the core of this checkout), then the frozen app's
    doccano export puts each label on its characters and its span-level agreement reads them."""
    from annotator.core.schema.templates import create_project

    path = work / "coded.annotator"
    text = "The council voted 7–4 on Tuesday. Critics say the plan will fail. Rents rose 12% last year."
    with create_project(path) as project:
        doc = project.add_document("Council", text).document
        claim, opinion = project.categories()[0], project.categories()[1]
        for name in ("ana", "ben"):
            coder = project.add_annotator(name).id
            project.add_annotation(doc.id, claim.id, coder, 0, 33)
            project.add_annotation(doc.id, opinion.id, coder, 34, 66 if name == "ana" else 60)
    jsonl = work / "coded.jsonl"
    run(exe, work, "export", "--format", "doccano", "-o", str(jsonl), str(path))
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["annotator"] for r in rows] == ["ana", "ben"]  # one line per document and coder
    assert all(r["text"] == text for r in rows)
    assert rows[0]["label"] == [[0, 33, claim.name], [34, 66, opinion.name]]
    assert rows[1]["label"] == [[0, 33, claim.name], [34, 60, opinion.name]]
    report = json.loads(run(exe, work, "agreement", str(path), "--format", "json").stdout)
    assert report["coders"] == ["ana", "ben"]
    assert 0 < report["overall"]["span_f1_overlap"] <= 1
