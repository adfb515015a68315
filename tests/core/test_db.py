"""Project files: pragmas, recognising foreign files without touching them, versions, upgrades, backups."""

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.errors import NotAProjectError
from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project
from annotator.core.storage import backups, db, migrations
from tests.old_formats import drop_format_6

FIXTURE_V1 = Path(__file__).resolve().parents[1] / "fixtures" / "project-v1.annotator"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_project_has_wal_foreign_keys_and_version(tmp_path):
    path = tmp_path / "p.annotator"
    with create_project(path) as project:
        with project._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    assert db.read_header(path) == (db.APPLICATION_ID, db.SCHEMA_VERSION)


def test_foreign_keys_are_enforced_by_sqlite(project):
    with project._engine.connect() as conn:
        with pytest.raises(Exception, match="FOREIGN KEY"):
            conn.exec_driver_sql(
                "INSERT INTO annotations (id, document_id, category_id, annotator_id, start, \"end\", note,"
                " attributes, created, modified) VALUES ('a', 'nodoc', 'nocat', 'nobody', 0, 1, '', '{}', '', '')"
            )


def test_any_extension_is_accepted(tmp_path):
    with create_project(tmp_path / "study.db"):
        pass
    with Project.open(tmp_path / "study.db") as project:
        assert project.counts().categories >= 3


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: None, "no such project file"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b""), "empty file"),
        (lambda p: p.write_text("just some notes\n"), "not an SQLite database"),
        (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200), "unreadable database"),
    ],
)
def test_open_refuses_what_is_not_a_project(tmp_path, make, message):
    path = tmp_path / "thing.annotator"
    make(path)
    before = digest(path) if path.is_file() else None
    with pytest.raises(NotAProjectError, match=message) as info:
        Project.open(path)
    assert str(path) in str(info.value)
    assert (digest(path) if path.is_file() else None) == before


def test_open_leaves_a_foreign_sqlite_database_unchanged(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotAProjectError, match="not an Annotator project"):
        Project.open(path)
    assert digest(path) == before
    assert not Path(str(path) + "-wal").exists()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_open_refuses_a_newer_format(tmp_path):
    path = tmp_path / "future.annotator"
    create_project(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(NotAProjectError, match="newer Annotator"):
        Project.open(path)


def test_create_refuses_an_existing_file(tmp_path):
    path = tmp_path / "p.annotator"
    path.write_text("keep me")
    with pytest.raises(NotAProjectError, match="already exists"):
        create_project(path)
    assert path.read_text() == "keep me"


def test_version_1_fixture_still_opens(tmp_path):
    path = tmp_path / "v1.annotator"
    shutil.copy(FIXTURE_V1, path)
    with Project.open(path) as project:
        assert project.info().name == "Fixture v1"
        [doc] = project.documents()
        text = project.document(doc.id).text
        anns = project.annotations()
        assert [text[a.start:a.end] for a in anns] == ["claim", "😀"]
        assert anns[0].note == "quoted"


def layout(path: Path) -> dict:
    """Tables with their columns and indexes, as SQLite reports them."""
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out = {}
    for table in tables:
        columns = [tuple(r[1:]) for r in conn.execute(f"PRAGMA table_info({table})")]
        indexes = sorted((r[1], r[2]) for r in conn.execute(f"PRAGMA index_list({table})"))
        out[table] = (columns, indexes)
    conn.close()
    return out


def test_upgrade_from_version_1_gives_the_layout_of_a_new_project(tmp_path, annotator_home):
    path = tmp_path / "v1.annotator"
    shutil.copy(FIXTURE_V1, path)
    assert db.read_header(path) == (db.APPLICATION_ID, 1)
    with Project.open(path) as project:
        assert project.count_annotations() == 2
        assert [a.origin_id for a in project.annotations()] == [None, None]
        assert [a.modified_by for a in project.annotations()] == [None, None]  # format 3: never changed yet
        assert project.setting("lead_override", False) is False
        project.set_setting("lead_override", True)
        assert project.setting("lead_override") is True
    assert db.read_header(path) == (db.APPLICATION_ID, db.SCHEMA_VERSION)
    fresh = tmp_path / "fresh.annotator"
    create_project(fresh).close()
    assert layout(path) == layout(fresh)
    [backup] = (annotator_home / "backups").glob("v1-*-before-upgrade-v1.annotator")
    assert db.read_header(backup) == (db.APPLICATION_ID, 1)
    assert digest(backup) != digest(path)


def test_failed_upgrade_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "v1.annotator"
    shutil.copy(FIXTURE_V1, path)

    def broken(execute):
        execute("ALTER TABLE categories ADD COLUMN half_done TEXT")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(migrations.MIGRATIONS, 1, broken)
    with pytest.raises(NotAProjectError, match="disk on fire.*unchanged"):
        Project.open(path)
    assert db.read_header(path) == (db.APPLICATION_ID, 1)
    columns = [row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(categories)")]
    assert "half_done" not in columns


def test_backups_are_consistent_copies_and_pruned(filled, monkeypatch, annotator_home):
    project = filled[0]
    monkeypatch.setattr(backups, "BACKUPS_KEPT", 3)
    made = [project.backup(f"test {i}") for i in range(5)]
    kept = sorted((annotator_home / "backups").glob("test-*.annotator"))
    assert kept == sorted(made[-3:])
    with Project.open(made[-1]) as copy:
        assert copy.count_annotations() == 3


def test_a_format_5_file_is_upgraded_and_exports_the_same(tmp_path, annotator_home):
    from annotator.core.exchange.export_file import write_export
    from tests.core.test_engines_same_export import build

    path = tmp_path / "five.annotator"
    with create_project(path, name="five") as project:
        build(project)
        write_export(project, tmp_path / "before.json")
    conn = sqlite3.connect(path)
    drop_format_6(conn.execute)
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    with Project.open(path) as project:
        assert db.read_header(path)[1] == db.SCHEMA_VERSION == 6
        assert {c.version for c in project.categories()} == {1} and project.setting_version("blind_coding") == 1
        write_export(project, tmp_path / "after.json")
    assert (tmp_path / "after.json").read_bytes() == (tmp_path / "before.json").read_bytes()
    assert list((annotator_home / "backups").glob("*before-upgrade-v5.annotator"))
