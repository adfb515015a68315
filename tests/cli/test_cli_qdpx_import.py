"""``annotator import PROJECT study.qdpx`` (issue 17, points 3 to 6): a REFI-QDA project's documents,
codebook, coders and codings in one transaction after a backup; the report counts what was
imported, converted, skipped and refused, and the exit status is 1 when a coding was refused."""

from __future__ import annotations

from annotator.core.project.project import Project
from tests.core.qdpx_fixtures import (
    ALICE,
    CLAIM,
    CODES,
    TEXT,
    Sel,
    Src,
    codebook,
    qde,
    vendor_package,
    write_qdpx,
)


def test_import_of_an_nvivo_package_reports_each_count_and_the_rule(run, tmp_path):
    project = tmp_path / "study.annotator"
    assert run("init", project, "--empty")[0] == 0
    package = vendor_package(tmp_path, "nvivo", skipped={"PDFSource": 1, "AudioSource": 2})
    code, out, err = run("import", project, package)
    assert (code, err) == (0, "")
    for line in (f"read {package.name}: the REFI-QDA project 'nvivo study' written by NVivo 12.6",
                 "documents: 1 imported, 0 already in the project",
                 "codes: 2 added, 0 updated, 0 unchanged",
                 "coders: 2 added, 0 matched",
                 "codings: 3 imported (3 converted), 0 already in the project, 0 refused",
                 "skipped (not text): 2 audio source(s), 1 PDF source(s) with 1 coding(s)",
                 "positions: UTF-16 units, CR LF as 2, BOM not counted (as NVivo counts): 1 source(s)"):
        assert line in out.splitlines()
    assert "backup before import: " in out
    with Project.open(project, mode="read") as opened:
        assert len(opened.annotations()) == 3 and [d.title for d in opened.documents()] == ["Interview 1"]


def test_refused_codings_are_listed_with_their_reasons_and_the_exit_status_is_1(run, tmp_path):
    project = tmp_path / "study.annotator"
    run("init", project, "--empty")
    raw, members = qde("qualcoder", "QualCoder 3.5", {ALICE: "Alice"}, codebook(CODES), [Src("One", TEXT, [
        Sel("First", CLAIM), Sel("line", CLAIM, positions=(40, 9999))])])
    code, out, err = run("import", project, write_qdpx(tmp_path / "study.qdpx", raw, members))
    assert code == 1
    assert "codings: 1 imported (0 converted), 0 already in the project, 1 refused" in out
    assert err.startswith("codings refused:\n  source 'One', selection ")
    assert "its end 9999 falls outside the text" in err


def test_a_hostile_package_is_one_line_and_changes_nothing(run, tmp_path):
    project = tmp_path / "study.annotator"
    run("init", project, "--empty")
    package = tmp_path / "bad.qdpx"
    raw, members = qde("qualcoder", "QualCoder 3.5", {ALICE: "Alice"}, codebook(CODES), [Src("One", TEXT)])
    write_qdpx(package, raw.replace(b"?>", b'?><!DOCTYPE p [<!ENTITY a "b">]>', 1), members)
    code, out, err = run("import", project, package)
    assert (code, out) == (1, "")
    assert err == (f"annotator: error: {package} (project.qde): the file declares a DOCTYPE or entities, which "
                   "REFI-QDA projects may not (refused before reading them)\n")
    with Project.open(project, mode="read") as opened:
        assert opened.counts().documents == 0 and opened.counts().categories == 0


def test_packages_and_text_files_in_one_command(run, tmp_path):
    project = tmp_path / "study.annotator"
    run("init", project, "--empty")
    (tmp_path / "notes.txt").write_text("A plain text file.", "utf-8")
    code, out, _err = run("import", project, vendor_package(tmp_path, "atlasti"), tmp_path / "notes.txt")
    assert code == 0
    assert "codings: 3 imported (0 converted), 0 already in the project, 0 refused" in out
    assert "summary: 1 document(s) imported from 1 file(s)" in out
