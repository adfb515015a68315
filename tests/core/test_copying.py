"""``annotator copy`` between files (issue 19, point 3): the rows of every table copied in one
transaction into a new file, the derived data made again there, the target refused unless new."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.errors import NotAProjectError
from annotator.core.project.project import Project
from annotator.core.storage import copying
from tests.copy_fixtures import export_bytes, rich_project

FIXTURES = Path(__file__).parent.parent / "fixtures"


def rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {table.name: sorted(conn.execute(f'SELECT * FROM "{table.name}"').fetchall())
                for table in copying.tables_in_order()}
    finally:
        conn.close()


def test_a_file_copied_to_a_new_file_exports_byte_for_byte_the_same(tmp_path):
    source = rich_project(tmp_path / "study.annotator")
    with Project.open(source) as project:
        before = export_bytes(project, tmp_path / "before.json")
    report = copying.copy_project(source, tmp_path / "copy.annotator")
    assert report.rows == {table: len(items) for table, items in rows(source).items()}
    assert report.documents == 2 and report.annotations == 5  # four coders' spans and one gold
    assert rows(tmp_path / "copy.annotator") == rows(source)  # every column of every row
    assert sorted(p.name for p in tmp_path.iterdir()) == ["before.json", "copy.annotator", "study.annotator"]
    with sqlite3.connect(tmp_path / "copy.annotator") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no -wal
        assert conn.execute("SELECT count(*), sum(indexed) FROM document_search_keys").fetchone() == (2, 0)
        assert conn.execute("SELECT count(*) FROM annotation_keys").fetchone()[0] == 0  # keyed when shown
    with Project.open(tmp_path / "copy.annotator") as copy:
        assert export_bytes(copy, tmp_path / "after.json") == before
        assert copy.documents_to_index() == 2
        copy.index_documents()
        assert copy.find_documents("naïve") == copy.find_documents("NAÏVE") and len(copy.find_documents("naïve")) == 1


def test_the_target_must_be_new_and_the_source_a_project_of_this_format(tmp_path):
    source = rich_project(tmp_path / "study.annotator")
    (tmp_path / "notes.txt").write_text("not a project")
    for target, reason in ((source, "is an Annotator project"), (tmp_path / "notes.txt", "already exists"),
                           (tmp_path / "study.annotator-wal", "belongs to the project"),
                           (tmp_path / "no" / "x.annotator", "does not exist"), (tmp_path, "is a folder")):
        with pytest.raises(NotAProjectError, match=reason):
            copying.copy_project(source, target)
    assert (tmp_path / "notes.txt").read_text() == "not a project"
    with pytest.raises(NotAProjectError, match="not an Annotator project"):
        copying.copy_project(tmp_path / "notes.txt", tmp_path / "x.annotator")
    old = shutil.copy(FIXTURES / "project-v1.annotator", tmp_path / "old.annotator")
    with pytest.raises(NotAProjectError, match=r"older project format \(1\); open it once"):
        copying.copy_project(old, tmp_path / "x.annotator")
    assert not (tmp_path / "x.annotator").exists()
    assert [p.name for p in tmp_path.iterdir() if "tmp" in p.name] == []


def test_the_source_is_read_in_one_snapshot_while_another_program_writes(tmp_path):
    source = rich_project(tmp_path / "study.annotator")
    with Project.open(source) as project:
        before = export_bytes(project, tmp_path / "before.json")
    writer = sqlite3.connect(source)  # another program, writing while the copy runs
    seen: list[str] = []

    def progress(table: str, done: int) -> None:
        seen.append(table)
        if len(seen) == 1:  # after the first table, before documents, project and annotations
            writer.execute("UPDATE project SET name = 'renamed meanwhile'")
            writer.execute("DELETE FROM document_status")
            writer.execute("UPDATE annotations SET note = 'changed meanwhile'")
            writer.commit()

    try:
        copying.copy_project(source, tmp_path / "copy.annotator", progress=progress)
    finally:
        writer.close()
    assert seen[0] == "annotators" and "document_status" in seen
    with Project.open(tmp_path / "copy.annotator") as copy:
        assert export_bytes(copy, tmp_path / "after.json") == before  # the state when the copy began
    assert rows(source)["project"][0][1] == "renamed meanwhile"


def test_a_damaged_value_stops_the_copy_with_a_plain_message(tmp_path):
    source = rich_project(tmp_path / "study.annotator")
    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE documents SET metadata = '{bad' WHERE source = 'one.txt'")
    with pytest.raises(copying.CopyError, match=r"study.annotator: cannot copy it to .*copy.annotator: the project "
                                               r"holds a value that is not JSON \(.*\); nothing was written$"):
        copying.copy_project(source, tmp_path / "copy.annotator")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("study.annotator")) == []
