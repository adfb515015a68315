"""A project whose JSON columns hold text that is not JSON (a damaged file, or one changed by another
program) gets a plain answer: opening it to write names the column; exporting it writes what is
readable, each unreadable value as an empty one with a warning; a value the export cannot do
without is one plain line, exit 1, never an internal error. Found by tests/fault/test_fuzz.py."""

import json
import sqlite3

STAMP = "2026-01-01T00:00:00.000000+00:00"


def damaged(run, tmp_path, column_sql):
    path = tmp_path / "p.annotator"
    text = tmp_path / "a.txt"
    text.write_text("Hello world, a text to annotate.", encoding="utf-8")
    assert run("init", path)[0] == 0 and run("import", path, text)[0] == 0
    conn = sqlite3.connect(path)
    doc = conn.execute("SELECT id FROM documents").fetchone()[0]
    cat = conn.execute("SELECT id FROM categories").fetchone()[0]
    conn.execute("INSERT INTO annotators VALUES ('a1', 'A', ?)", (STAMP,))
    conn.execute('INSERT INTO annotations (id, document_id, category_id, annotator_id, start, "end", note, '
                 "attributes, created, modified) VALUES ('x1', ?, ?, 'a1', 0, 5, '', '{}', ?, ?)",
                 (doc, cat, STAMP, STAMP))
    conn.execute(column_sql)
    conn.commit()
    conn.close()
    return path


def test_an_annotations_unreadable_values_are_exported_empty_with_a_warning(run, tmp_path):
    path = damaged(run, tmp_path, "UPDATE annotations SET attributes = '{not json'")
    before = path.read_bytes()
    code, out, err = run("import", path, tmp_path / "a.txt")
    assert code == 1 and err.startswith(f"annotator: error: {path}: the project file is damaged (1 value(s) of "
                                        "annotations.attributes that are not JSON)")
    code, out, err = run("export", path, "-o", tmp_path / "out.json")
    assert code == 0 and "annotation 'x1' attributes: the stored value is not JSON; written as {}" in err
    [ann] = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["annotations"]
    assert ann["attributes"] == {}
    assert path.read_bytes() == before


def test_a_category_without_readable_attributes_is_one_plain_line(run, tmp_path):
    path = damaged(run, tmp_path, "UPDATE categories SET attributes = '[broken'")
    code, out, err = run("export", path, "-o", tmp_path / "out.json")
    assert code == 1 and out == "" and "\n" not in err.strip()
    assert err.startswith(f"annotator: error: {path}: the project file is damaged (a stored value is not JSON")
    assert not (tmp_path / "out.json").exists()
