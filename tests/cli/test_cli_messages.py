"""What the CLI prints when something fails: one plain line, never SQL or kilobytes of input
(issue 10, point 9)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from annotator.core.errors import MESSAGE_LIMIT, ValidationError, brief, user_message
from annotator.core.storage import db


def _plain(err: str) -> None:
    assert err.count("\n") == 1, err
    assert "[SQL" not in err and "[parameters" not in err and "Background on this error" not in err
    assert "Traceback" not in err


@pytest.fixture
def proj(tmp_path, run):
    path = tmp_path / "study.annotator"
    assert run("init", path)[0] == 0
    return path


def test_a_database_error_is_one_line_naming_the_project_and_the_reason(proj, run):
    conn = sqlite3.connect(proj)
    conn.execute("DROP TABLE annotations")
    conn.commit()
    conn.close()
    code, out, err = run("documents", proj)
    assert code == 1
    _plain(err)
    assert err.startswith("annotator: error: ") and "study.annotator: " in err
    assert "annotations" in err  # the reason, whichever check finds it


def test_a_locked_project_is_said_plainly(proj, run, tmp_path, monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)
    source = tmp_path / "a.txt"
    source.write_text("some text", encoding="utf-8")
    holder = sqlite3.connect(proj, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, out, err = run("import", proj, source)
    finally:
        holder.rollback()
        holder.close()
    assert code == 1
    _plain(err)
    assert "study.annotator: the database is locked by another program; try again when it has finished" in err


def test_long_input_is_not_echoed(run, tmp_path):
    code, out, err = run("import", tmp_path / "p.annotator", tmp_path, "--split-regex", "(" + "a" * 5000)
    assert code == 2
    _plain(err)
    assert len(err) < MESSAGE_LIMIT + 100


def test_user_message_is_one_clipped_line_without_sql():
    engine = create_engine("sqlite://")
    with pytest.raises(OperationalError) as caught, engine.connect() as conn:
        conn.execute(text("SELECT * FROM missing WHERE x = :x"), {"x": "y" * 5000})
    message = user_message(caught.value)
    assert message == "database error: no such table: missing"
    assert user_message(ValidationError("a\nb " + "c" * 1000)).startswith("a b ccc")
    assert len(user_message(ValidationError("c" * 1000))) == MESSAGE_LIMIT
    assert len(brief("x" * 10_000)) == 60 and brief("short") == "'short'"
    assert brief(10 ** 5000).endswith("-bit number")
    busy = sqlite3.OperationalError("database is locked")
    assert user_message(busy).startswith("the database is locked by another program")


def test_odd_data_read_from_a_damaged_project_is_reported_as_damage(proj, run, monkeypatch):
    """A damaged page can read back as rows the code never expects (the fault suite's project fuzz,
    seed 11, found a row without an id ending in AttributeError, exit 70): when the command's project
    fails its check, the user is told it is damaged, exit 1."""
    from annotator.core.project.project import Project

    def odd_rows(self):
        raise AttributeError("'NoneType' object has no attribute 'id'")

    monkeypatch.setattr(Project, "annotators", odd_rows)
    monkeypatch.setattr(db, "damage", lambda path: "quick_check: *** in database main *** Page 3:"
                                                   " btreeInitPage() returns error code 11")
    code, _, err = run("export", proj, "-o", proj.parent / "out.json")
    assert code == 1
    _plain(err)
    assert "the project file is damaged" in err and "internal error" not in err
    monkeypatch.setattr(db, "damage", lambda path: None)  # a sound file: the same error is a bug, exit 70
    code, _, err = run("export", proj, "-o", proj.parent / "out.json")
    assert code == 70 and "internal error" in err
