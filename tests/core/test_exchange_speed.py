"""Issue 16 point 5 (speed, session 3): an import writes a chunk of plain annotations from the
chunk's columns by one executemany (exchange.plain_rows, bulk.insert_plain_rows), its statuses in
one read and two writes (statuses.merge_statuses), and a merge checks the merged file from its
index instead of decoding every line again (chunk_check.kept_pass). Each short path must give
exactly what the step-by-step path gives: every case below runs both ways and compares the
project (every row, in rowid order), the report, or the refusal word for word. (tests/conftest.py
also compares kept_pass with the full check on every merge any test makes.)"""

from __future__ import annotations

import copy
import json
import sqlite3
import tempfile
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.exchange import apply, chunk_check, merge
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import build_export, dumps, write_export
from annotator.core.exchange.merge import write_merge
from annotator.core.project.gold import GoldSpan
from annotator.core.project.statuses import merge_status, merge_statuses
from annotator.core.schema.templates import create_project
from annotator.core.storage.tables import GOLD_ID
from tests import stream_check

FIXTURES = Path(__file__).parent.parent / "fixtures"
TEXT = "Intro 😀 “claim” here.\nA second line\u00a0with NBSP and 𝔸 more text to give context on both sides."


@pytest.fixture
def coded(tmp_path):
    """A project with one document, two coders, a category with an attribute, seven annotations
    (some with attribute values, one with a note), a status and an export of it."""
    project = create_project(tmp_path / "coded.annotator", name="Coded")
    doc = project.add_document("Doc", TEXT, source="doc.txt").document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    cats = project.categories()
    with_values = next(c for c in cats if c.attributes)
    for i in range(7):
        cat = with_values if i % 2 else cats[i % len(cats)]
        project.add_annotation(doc.id, cat.id, (alice, bob)[i % 2].id, i, i + 5 + i,
                               note="a note 😀" if i == 3 else "")
    project.set_document_status(doc.id, alice.id, "done")
    yield project, build_export(project)
    project.close()


_TABLES = {  # what an import writes (the time of the import aside, where it makes a row)
    "annotations": ("annotations", "*"), "statuses": ("document_status", "*"), "decisions": ("decisions", "*"),
    "coders": ("annotators", "id, name"), "categories": ("categories", "id, name, parent_id, attributes"),
    "documents": ("documents", "id, sha256, title"),
}


def _rows(path: Path) -> dict[str, list]:
    con = sqlite3.connect(path)
    try:
        return {what: con.execute(f"SELECT rowid, {columns} FROM {table} ORDER BY rowid").fetchall()
                for what, (table, columns) in _TABLES.items()}
    finally:
        con.close()


def _import(files: list[Path], target: Path, before: list[Path] = ()):
    """Import ``before`` then ``files`` into a new empty project at ``target``: (outcome, rows)."""
    with create_project(target, template=None) as project:
        if before:
            import_annotations(project, before)
        try:
            report = import_annotations(project, files)
            outcome = ("imported", report.lines(), report.rejected, report.reanchored, report.conflicts,
                       report.notes)
        except AnnotatorError as exc:
            outcome = ("refused", type(exc).__name__, str(exc))
    return outcome, _rows(target)


def _both_ways(files, tmp_path, monkeypatch, before=()):
    """The import with its short paths and with them off: both outcomes, and for each chunk
    whether the short path took it."""
    taken = []
    tmp_path = Path(tempfile.mkdtemp(dir=tmp_path))
    real = apply.plain_rows

    def counted(*args):
        rows = real(*args)
        taken.append(rows is not None)
        return rows

    with monkeypatch.context() as m:
        m.setattr(apply, "plain_rows", counted)
        quick = _import(files, tmp_path / "quick.annotator", before)
    with monkeypatch.context() as m:
        m.setattr(apply, "plain_rows", lambda *args: None)
        m.setattr(apply, "merge_statuses", lambda s, records: [merge_status(s, r) for r in records])
        slow = _import(files, tmp_path / "slow.annotator", before)
    return quick, slow, taken


def _write(tmp_path, data, name="in.json") -> Path:
    path = tmp_path / name
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return path


def test_a_plain_file_goes_in_by_the_short_path_and_gives_the_same_project(coded, tmp_path, monkeypatch):
    project, data = coded
    calls = []
    monkeypatch.setattr(apply, "insert_annotations", lambda s, rows: calls.append(rows))  # the step-by-step insert
    path = _write(tmp_path, data)
    monkeypatch.undo()
    quick, slow, taken = _both_ways([path], tmp_path, monkeypatch)
    assert taken == [True] and quick == slow
    assert len(quick[1]["annotations"]) == 7 and len(quick[1]["statuses"]) == 2


def test_the_short_path_is_what_a_plain_import_uses(coded, tmp_path, monkeypatch):
    """Fails on the code before it: every chunk went through insert_annotations, a dict per row."""
    project, data = coded
    step_by_step = []
    monkeypatch.setattr(apply, "insert_annotations", lambda s, rows: step_by_step.append(rows) or [])
    with create_project(tmp_path / "t.annotator", template=None) as target:
        report = import_annotations(target, [_write(tmp_path, data)])
        assert report.annotations_added == 7 and target.count_annotations() == 7
    assert [rows for rows in step_by_step if rows] == []


def _set(field, value):
    return lambda ann, data: ann.__setitem__(field, value)


def _values(value):
    def change(ann, data):
        category = next(c for c in data["categories"] if c["id"] == ann["category_id"])
        name = category["attributes"][0]["name"] if category["attributes"] else "none such"
        ann["attributes"] = {name: value}
    return change


def _no_text(ann, data):
    for doc in data["documents"]:
        doc.pop("text")


# Each: one annotation (the third) changed; the file goes in both ways.
CHANGED = [
    ("nothing", lambda ann, data: None),
    ("a quote elsewhere in the text (re-anchored)", lambda ann, data: ann.update(
        start=ann["start"] + 1, end=ann["end"] + 1)),
    ("a quote not in the text (rejected)", _set("quote", "not in the text")),
    ("a quote that occurs twice", lambda ann, data: ann.update(quote="e", prefix="", suffix="", start=0, end=1)),
    ("an id that is not ASCII", _set("id", "é-ü-1")),
    ("an id with a space", _set("id", "a b")),
    ("a note with a tab", _set("note", "a\tb")),
    ("a note with a paragraph separator", _set("note", "a\u2029b")),
    ("a note with a byte-order mark", _set("note", "\ufeffa")),
    ("a note of non-ASCII text", _set("note", "Zürich – 𝔸 😀")),
    ("a note of 5,001 characters", _set("note", "n" * 5001)),
    ("a time in Z", _set("modified", "2026-04-03T10:00:00.5Z")),
    ("a time on 30 April", _set("created", "2026-04-30T10:00:00+00:00")),
    ("modified_by null", _set("modified_by", None)),
    ("modified_by not ASCII", _set("modified_by", "ü")),
    ("another project", _set("project_id", "other-project")),
    ("attribute values that fit", _values(None)),
    ("attribute values that do not fit", _values("\u2603 not a choice")),
    ("attribute values of the wrong type", _values(True)),
    ("a fraction in the values", _values(0.5)),
    ("nested values", _values({"a": [1, 2]})),
    ("values of an unknown attribute", lambda ann, data: ann.__setitem__("attributes", {"no such": 1})),
    ("a start of 2.0", lambda ann, data: ann.__setitem__("start", float(ann["start"]))),
    ("the gold layer's annotator", _set("annotator_id", GOLD_ID)),
    ("documents without their text", _no_text),
    ("an end past the document", _set("end", len(TEXT) + 1)),
    ("a missing field", lambda ann, data: ann.pop("suffix")),
    ("an extra field", _set("colour", "red")),
    ("an id that is a number", _set("id", 7)),
    ("a lone surrogate in the quote", _set("quote", "a\ud800")),
]


@pytest.mark.parametrize("what,change", CHANGED, ids=[what for what, _ in CHANGED])
def test_each_kind_of_annotation_imports_the_same_both_ways(what, change, coded, tmp_path, monkeypatch):
    project, data = coded
    data = copy.deepcopy(data)
    change(data["annotations"][2], data)
    quick, slow, _ = _both_ways([_write(tmp_path, data)], tmp_path, monkeypatch)
    assert quick == slow


def test_a_file_imported_into_a_project_that_holds_it_already_or_in_part(coded, tmp_path, monkeypatch):
    """Skipped, updated from the file, kept: the chunk with an annotation already there takes the
    step-by-step path, as does a second file in one import naming the first's ids."""
    project, data = coded
    first = _write(tmp_path, data, "first.json")
    changed = copy.deepcopy(data)
    changed["annotations"][1].update(note="edited", modified="2099-01-01T00:00:00+00:00")
    changed["annotations"][4].update(note="older", modified="2000-01-01T00:00:00+00:00")
    second = _write(tmp_path, changed, "second.json")
    quick, slow, _ = _both_ways([first, second], tmp_path, monkeypatch)
    assert quick == slow and quick[0][0] == "imported"
    again = _both_ways([second], tmp_path, monkeypatch, before=[first])
    assert again[0] == again[1]


def test_the_version_1_fixture_and_a_gold_layer_import_the_same_both_ways(coded, tmp_path, monkeypatch):
    project, data = coded
    quick, slow, _ = _both_ways([FIXTURES / "export-v1.json"], tmp_path, monkeypatch)
    assert quick == slow and quick[0][0] == "imported"
    doc, coder = data["documents"][0], data["annotators"][0]
    project.decide(doc["id"], unit_id=None, start=0, end=5, kind="created",
                   spans=[GoldSpan(0, 5, data["categories"][0]["id"])], sources=[], by=coder["id"])
    gold = tmp_path / "gold.json"
    write_export(project, gold)
    quick, slow, _ = _both_ways([gold], tmp_path, monkeypatch)
    assert quick == slow and quick[0][0] == "imported"


def test_statuses_merged_at_once_are_those_merged_one_at_a_time(coded, tmp_path):
    """merge_statuses gives each record's outcome and leaves the rows merge_status would, also
    where two records name one (document, coder) (two ids of one text) and where the project's
    is newer, older or the same."""
    project, data = coded
    doc, (alice, bob) = data["documents"][0]["id"], (a["id"] for a in data["annotators"])
    records = [
        {"document_id": doc, "annotator_id": alice, "status": "in progress", "modified": "2000-01-01T00:00:00Z"},
        {"document_id": doc, "annotator_id": bob, "status": "in progress", "modified": "2026-01-01T00:00:00Z"},
        {"document_id": doc, "annotator_id": bob, "status": "done", "modified": "2026-01-01T00:00:00Z"},
        {"document_id": doc, "annotator_id": bob, "status": "in progress", "modified": "2025-01-01T00:00:00Z"},
        {"document_id": doc, "annotator_id": alice, "status": "not started", "modified": "2099-01-01T00:00:00Z"},
    ]
    outcomes = []
    for at_once in (True, False):
        with project.transaction() as tx:
            tx.session.connection().exec_driver_sql("DELETE FROM document_status WHERE annotator_id = ?", (bob,))
            got = (merge_statuses(tx.session, records) if at_once
                   else [merge_status(tx.session, r) for r in records])
            rows = sorted(tuple(r) for r in tx.session.connection().exec_driver_sql(
                "SELECT document_id, annotator_id, status, modified FROM document_status"))
            outcomes.append((got, rows))
            tx.session.rollback()
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == ["kept", "added", "kept", "kept", "updated"]  # "in progress" > "done", as text


# -- merge -------------------------------------------------------------------------------------


def test_a_merge_writes_its_kept_lines_without_decoding_them_again(coded, tmp_path, monkeypatch):
    """Fails on the code before it, which decoded and checked every merged line as it wrote it."""
    project, data = coded
    path = _write(tmp_path, data)
    monkeypatch.setattr(merge, "kept_pass", chunk_check.kept_pass)  # not tests/conftest.py's comparison
    decoded = []
    real = merge._decode
    monkeypatch.setattr(merge, "_decode", lambda text: decoded.append(text) or real(text))
    write_merge([path, path], tmp_path / "team.json")
    assert decoded == []
    assert (tmp_path / "team.json").read_bytes() == dumps(build_export(project))


def _merge_both_ways(paths, tmp_path, monkeypatch):
    outcomes = []
    for quick in (True, False):
        with monkeypatch.context() as m:
            if not quick:
                m.setattr(merge, "kept_pass", lambda *args: False)
            out = tmp_path / f"merged-{quick}.json"
            try:
                counts, report = write_merge(paths, out)
                outcomes.append(("merged", counts, report.conflicts, report.decision_conflicts, out.read_bytes()))
            except AnnotatorError as exc:
                outcomes.append(("refused", str(exc), out.exists()))
    return outcomes


def test_one_text_given_two_lengths_is_refused_by_the_merge_in_the_full_checks_words(coded, tmp_path, monkeypatch):
    """A file without the text may claim another length for it (its own check cannot tell); merged
    with one that has the text, an annotation past the real end is refused as before."""
    project, data = coded
    short = copy.deepcopy(data)
    short["documents"][0]["length"] = len(TEXT) + 20
    short["documents"][0].pop("text")
    short["annotations"][5].update(id="past-the-end", end=len(TEXT) + 10)
    paths = [_write(tmp_path, data, "a.json"), _write(tmp_path, short, "b.json")]
    quick, slow = _merge_both_ways(paths, tmp_path, monkeypatch)
    assert quick == slow and quick[0] == "refused"
    assert "merged file: $.annotations[" in quick[1] and "is past the end of the document" in quick[1]


def test_merges_with_conflicts_and_a_second_text_id_give_the_same_file_both_ways(coded, tmp_path, monkeypatch):
    project, data = coded
    other = copy.deepcopy(data)
    other["annotations"][1].update(note="edited", modified="2099-01-01T00:00:00+00:00")
    other["documents"][0]["id"] = "0-" + other["documents"][0]["id"]  # the same text under a smaller id
    for ann in other["annotations"]:
        ann["document_id"] = other["documents"][0]["id"]
    for status in other["statuses"]:
        status["document_id"] = other["documents"][0]["id"]
    paths = [_write(tmp_path, data, "a.json"), _write(tmp_path, other, "b.json")]
    before = len(stream_check.kept_compared)
    quick, slow = _merge_both_ways(paths, tmp_path, monkeypatch)
    assert quick == slow and quick[0] == "merged" and quick[2]
    assert stream_check.kept_compared[before:]  # tests/conftest.py compared the quick check with the full one


def test_reading_a_file_collects_garbage_less_often_and_puts_the_collector_back(coded, tmp_path):
    import gc

    from annotator.core.exchange import export_read

    project, data = coded
    before = gc.get_threshold()
    with export_read.open_export(_write(tmp_path, data)) as export:
        assert gc.get_threshold()[0] >= export_read.GC_YOUNG
        assert sum(map(len, export.chunks())) == 7
    assert gc.get_threshold() == before
