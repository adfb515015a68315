"""Issue 16 point 5 (speed): the checks of an export's annotations run on a whole chunk in one
pass (exchange.chunk_check), the step-by-step checks only where that pass finds something to
look at; a bulk insert takes plain rows with ids, times and attribute values by a short path
(project.bulk). Each quick path must refuse exactly what the step-by-step checks refuse, in
their words, and accept what they accept with the same result: every case below is read (and
inserted) both ways and the outcomes compared, one bad annotation per kind of check."""

import copy
import json
from datetime import datetime
from itertools import product

import pytest

from annotator.core.errors import AnnotatorError, ExchangeError
from annotator.core.exchange import chunk_check, export_check, export_read, export_schema
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import build_export, dumps
from annotator.core.project import annotations as annotations_module
from annotator.core.project import bulk
from annotator.core.schema.templates import create_project
from annotator.core.storage.tables import GOLD_ID
from annotator.core.text import SURE_TIMESTAMP, TIMESTAMP, check_timestamp
from tests.core.test_exchange_stream import TEXT, small  # noqa: F401 (a fixture)


@pytest.fixture
def data(small):  # noqa: F811 (the fixture imported above)
    """An export of 7 annotations by one coder, with and without attribute values."""
    return build_export(small)


def _set(field, value):
    return lambda ann, data: ann.__setitem__(field, value)


def _drop(field):
    return lambda ann, data: ann.pop(field)


# One bad annotation (the third) per kind of check: (what, how to spoil it).
SPOILED = [
    ("lone surrogate in the quote", _set("quote", "a\ud800b")),
    ("lone surrogate in a key of the values", _set("attributes", {"\udc00": "x"})),
    ("lone surrogate in a value", _set("attributes", {"verdict": "\ud800"})),
    ("infinity in the values", _set("attributes", {"verdict": float("inf")})),
    ("NaN in the values", _set("attributes", {"verdict": float("nan")})),
    ("a start of 0.5", _set("start", 0.5)),
    ("a start of true", _set("start", True)),
    ("a missing key", _drop("modified_by")),
    ("an extra key", _set("colour", "red")),
    ("an id that is a number", _set("id", 7)),
    ("an id of 101 characters", _set("id", "x" * 101)),
    ("an empty document id", _set("document_id", "")),
    ("an empty quote", _set("quote", "")),
    ("a prefix of 33 characters", _set("prefix", "p" * 33)),
    ("a negative start", _set("start", -1)),
    ("an end past 2**31 - 1", _set("end", 2**31)),
    ("modified_by empty", _set("modified_by", "")),
    ("modified_by a number", _set("modified_by", 5)),
    ("values that are a list", _set("attributes", ["a"])),
    ("a note that is null", _set("note", None)),
    ("a time that is no time", _set("created", "yesterday")),
    ("a time on 30 February", _set("modified", "2026-02-30T10:00:00+00:00")),
    ("a time at second 60", _set("created", "2026-02-03T10:00:60+00:00")),
    ("a time with an offset of 24 hours", _set("created", "2026-02-03T10:00:00+24:00")),
    ("the id of another annotation", lambda ann, data: ann.__setitem__("id", data["annotations"][0]["id"])),
    ("a control character in the note", _set("note", "a\x01b")),
    ("an unknown document", _set("document_id", "no-such-document")),
    ("an unknown category", _set("category_id", "no-such-category")),
    ("an unknown annotator", _set("annotator_id", "no-such-coder")),
    ("an unknown project", _set("project_id", "no-such-project")),
    ("an end before the start", lambda ann, data: ann.update(start=5, end=3)),
    ("an end past the document", _set("end", len(TEXT) + 1)),
    ("a NUL in the prefix", _set("prefix", "a\x00")),
    ("a lone surrogate in the suffix", _set("suffix", "\udfff")),
    ("a gold annotation no decision made", _set("annotator_id", GOLD_ID)),
]

# Unusual but good: the quick pass looks closer, and the file reads as before.
UNUSUAL = [
    ("a start of 2.0", _set("start", 2.0)),
    ("nested values", _set("attributes", {"verdict": {"a": [1, 2]}})),
    ("a value that is a fraction", _set("attributes", {"verdict": 0.5})),
    ("a time on 30 April", _set("created", "2026-04-30T10:00:00+00:00")),
    ("a time in Z", _set("modified", "2026-04-03T10:00:00.5Z")),
    ("a tab in the note", _set("note", "a\tb")),
    ("a form feed in the quote", _set("quote", "a\x0cb")),
]


def _outcome(path):
    try:
        return "read", export_read.read_export(path)
    except ExchangeError as exc:
        return "refused", str(exc)


def _step_by_step(monkeypatch):
    """The quick passes off: every chunk checked one annotation at a time, as before them."""
    monkeypatch.setattr(export_schema, "schema_passes", lambda *args: False)
    monkeypatch.setattr(export_check, "annotations_pass", lambda *args: False)


def _both(data, tmp_path, monkeypatch):
    path = tmp_path / "spoiled.json"
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    quick = _outcome(path)
    with monkeypatch.context() as m:
        _step_by_step(m)
        slow = _outcome(path)
    return quick, slow


@pytest.mark.parametrize("what,spoil", SPOILED, ids=[what for what, _ in SPOILED])
def test_the_quick_pass_refuses_what_the_step_by_step_checks_refuse_in_their_words(what, spoil, data, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setattr(export_read, "CHUNK", 4)  # the bad annotation in the first chunk, a good chunk after
    data = copy.deepcopy(data)
    spoil(data["annotations"][2], data)
    quick, slow = _both(data, tmp_path, monkeypatch)
    assert slow[0] == "refused", what  # the case is one the checks refuse
    assert quick == slow


@pytest.mark.parametrize("what,change", UNUSUAL, ids=[what for what, _ in UNUSUAL])
def test_unusual_but_good_annotations_read_the_same_both_ways(what, change, data, tmp_path, monkeypatch):
    data = copy.deepcopy(data)
    change(data["annotations"][2], data)
    quick, slow = _both(data, tmp_path, monkeypatch)
    assert slow[0] == "read", slow
    assert quick == slow


def test_a_bad_annotation_in_a_later_chunk_is_named_with_its_place_in_the_file(data, tmp_path, monkeypatch):
    monkeypatch.setattr(export_read, "CHUNK", 2)
    data = copy.deepcopy(data)
    data["annotations"][5]["end"] = len(TEXT) + 9
    quick, slow = _both(data, tmp_path, monkeypatch)
    assert quick == slow
    assert "$.annotations[5].end" in quick[1]


def test_the_quick_pass_keeps_what_the_decisions_need_as_the_step_by_step_check_does(data):
    """The ids seen, the count, the annotations the decisions name and the first orphan of the gold layer."""
    head = {key: value for key, value in data.items() if key != "annotations"}
    anns = copy.deepcopy(data["annotations"])
    anns[1]["annotator_id"] = anns[4]["annotator_id"] = GOLD_ID
    head = dict(head, decisions=[{"id": "d-1", "gold": [anns[4]["id"]], "sources": [anns[0]["id"]]}],
                annotators=[*head["annotators"], {"id": GOLD_ID, "name": "gold"}])
    quick, slow = export_check.ExportCheck(head, "f"), export_check.ExportCheck(head, "f")
    for first in (0, 3):
        assert chunk_check.annotations_pass(quick, anns[first:first + 3])
        for index, ann in enumerate(anns[first:first + 3], first):  # the per-annotation loop, alone
            slow._unique(slow.seen, "annotations", index, ann["id"])
            if ann["id"] in slow.named:
                slow.found[ann["id"]] = {"annotator_id": ann["annotator_id"], "document_id": ann["document_id"]}
            if slow.orphan is None and ann["annotator_id"] == GOLD_ID and ann["id"] not in slow.gold_made:
                slow.orphan = (index, ann["id"])
        slow.count += 3
    assert (quick.seen, quick.count, quick.found, quick.orphan) == (slow.seen, slow.count, slow.found, slow.orphan)
    assert quick.orphan == (1, anns[1]["id"]) and set(quick.found) == {anns[0]["id"], anns[4]["id"]}


def test_a_good_chunk_passes_both_quick_checks(data):
    """So a good file is read by the quick paths, not the step-by-step ones (what this is for)."""
    head = {key: value for key, value in data.items() if key != "annotations"}
    columns = chunk_check.Columns(data["annotations"])
    assert chunk_check.schema_passes(data["annotations"], export_schema._item_rules(3), export_schema._STRICT, columns)
    assert chunk_check.annotations_pass(export_check.ExportCheck(head, "f"), data["annotations"], columns)


def test_plain_rows_with_ids_times_and_values_take_the_short_path(coded, monkeypatch):
    project, doc, alice, cat = coded
    definition = cat.attributes[0]
    calls = []
    full = annotations_module._prepare_row
    monkeypatch.setattr(annotations_module, "_prepare_row", lambda *args: calls.append(args) or full(*args))
    rows = [_row(doc, alice, cat, id=f"a-{i}", created="2026-01-02T03:04:05+00:00", modified="2026-01-02T03:04:05Z",
                 origin_id="p-1", modified_by=alice.id, attributes={definition["name"]: definition["default"]})
            for i in range(3)]
    project.add_annotations(rows, restore=True)
    assert calls == [] and project.count_annotations() == 3


def test_every_version_of_the_format_has_a_quick_form_of_its_annotation():
    for version in export_schema.READS:
        assert export_schema._item_rules(version) is not None


def test_a_schema_rule_the_quick_pass_does_not_know_sends_every_chunk_to_the_step_by_step_check():
    items = {"type": "object", "additionalProperties": False, "required": ["id"],
             "properties": {"id": {"type": "string", "pattern": "^a"}}}
    assert chunk_check.item_rules(items) is None
    assert not chunk_check.schema_passes([{"id": "a"}], None, export_schema._STRICT)


def test_a_time_the_quick_pattern_takes_is_one_check_timestamp_takes():
    """text.SURE_TIMESTAMP: each part at its bounds (year 0001 and 9999, month 01 and 12, day 01
    and 28, hour 00 and 23, minute and second 00 and 59, no fraction or 1 to 6 digits, Z or an
    offset up to 23:59 either way)."""
    import re

    sure = re.compile(SURE_TIMESTAMP)
    parts = product(("0001", "2026", "9999"), ("01", "02", "12"), ("01", "28"), ("00", "23"), ("00", "59"),
                    ("00", "59"), ("", ".1", ".123456"), ("Z", "+00:00", "-23:59", "+23:59", "+05:30"))
    for year, month, day, hour, minute, second, fraction, offset in parts:
        text = f"{year}-{month}-{day}T{hour}:{minute}:{second}{fraction}{offset}"
        assert sure.fullmatch(text), text
        assert check_timestamp(text, "") == text
    for text in ("0000-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-29T00:00:00Z", "2026-01-01T24:00:00Z",
                 "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:00+24:00",
                 "2026-01-01T00:00:00.1234567Z", "2026-01-01T00:00:00"):
        assert not sure.fullmatch(text), text  # what it leaves to check_timestamp
    assert TIMESTAMP.fullmatch("2026-01-29T00:00:00Z") and datetime.fromisoformat("2026-01-29T00:00:00+00:00")


# -- the bulk insert's short path (insert_annotations) ---------------------------------------------


def _insert_both(project, rows, monkeypatch):
    """insert_annotations of ``rows`` as it is, then with its short path off (every row checked in
    full by _prepare_row), each into a fresh copy of ``project``'s state: (outcome, rows stored)."""
    outcomes = []
    for short in (True, False):
        with monkeypatch.context() as m:
            if not short:
                m.setattr(annotations_module, "plain_note", lambda note: False)  # the short path's first gate
            try:
                with project.transaction() as tx:
                    ids = annotations_module.insert_annotations(tx.session, copy.deepcopy(rows))
                    stored = [tuple(r) for r in tx.session.connection().exec_driver_sql(
                        'SELECT id, document_id, category_id, annotator_id, start, "end", note, attributes, created,'
                        " modified, origin_id, modified_by FROM annotations ORDER BY rowid")]
                    raise _UndoError(("added", ids, stored))
            except _UndoError as undo:
                outcomes.append(undo.args[0])
            except AnnotatorError as exc:
                outcomes.append(("refused", type(exc).__name__, str(exc)))
    return outcomes


class _UndoError(Exception):
    """Leaves the transaction rolled back: both ways start from the same project."""


@pytest.fixture
def coded(project):
    doc = project.add_document("Doc", TEXT).document
    alice = project.add_annotator("alice")
    cat = next(c for c in project.categories() if c.attributes)
    return project, doc, alice, cat


def _row(doc, alice, cat, **fields):
    return {"document_id": doc.id, "category_id": cat.id, "annotator_id": alice.id, "start": 1, "end": 4,
            "note": "", **fields}


ROW_CASES = [
    ("given ids, times, origin and coder", {"id": "a-1", "created": "2026-01-02T03:04:05+00:00",
                                            "modified": "2026-01-02T03:04:06.5Z", "origin_id": "p-1",
                                            "modified_by": "m-1"}),
    ("an id with a control character", {"id": "a\x01"}),
    ("an id with a non-character", {"id": "a\ufffe"}),
    ("an id that is not ASCII", {"id": "é-1"}),
    ("an id of 101 characters", {"id": "x" * 101}),
    ("a time that is no time", {"created": "soon"}),
    ("a time on 30 February", {"modified": "2026-02-30T00:00:00+00:00"}),
    ("a time on 30 April", {"created": "2026-04-30T00:00:00+00:00"}),
    ("an origin with a tab", {"origin_id": "p\t1"}),
    ("a coder id that is empty", {"modified_by": ""}),
    ("empty values", {"attributes": {}}),
    ("a value that fits", {"attributes": "FIT"}),
    ("a value that does not fit", {"attributes": "UNFIT"}),
    ("an unknown attribute", {"attributes": {"no such attribute": 1}}),
    ("true for a choice", {"attributes": "BOOL"}),
    ("a lone surrogate in a value", {"attributes": "SURROGATE"}),
]


@pytest.mark.parametrize("what,fields", ROW_CASES, ids=[what for what, _ in ROW_CASES])
def test_the_bulk_insert_short_path_stores_and_refuses_as_the_full_check(what, fields, coded, monkeypatch):
    project, doc, alice, cat = coded
    definition = cat.attributes[0]
    fits = definition.get("choices", [None])[0] if definition["type"] == "choice" else definition.get("default")
    values = {"FIT": {definition["name"]: fits}, "UNFIT": {definition["name"]: "\u2603 not a choice"},
              "BOOL": {definition["name"]: True}, "SURROGATE": {definition["name"]: "\ud800"}}
    fields = dict(fields)
    if isinstance(fields.get("attributes"), str):
        fields["attributes"] = values[fields["attributes"]]
    rows = [_row(doc, alice, cat), _row(doc, alice, cat, **fields), _row(doc, alice, cat, start=2)]
    short, full = _insert_both(project, rows, monkeypatch)
    assert _given(short, rows) == _given(full, rows)


def _given(outcome, rows):
    """An insert's outcome without what differs from run to run: fresh ids, and the time of the
    insert where a row gives none."""
    if outcome[0] != "added":
        return outcome
    stored = [(row_id if row.get("id") else None, *rest[:7], created if row.get("created") else None,
               modified if row.get("modified") or row.get("created") else None, *rest[9:])
              for row, (row_id, *rest) in zip(rows, outcome[2])
              for created, modified in [(rest[7], rest[8])]]
    return outcome[0], [i for i, row in zip(outcome[1], rows) if row.get("id")], stored


def test_known_values_are_remembered_by_value_and_type():
    calls = []
    known = bulk.KnownValues(lambda category, values: calls.append(values) or json.dumps(values))
    assert known.stored("c", {"a": 1}) == '{"a": 1}'
    assert known.stored("c", {"a": 1}) == '{"a": 1}' and len(calls) == 1
    assert known.stored("c", {"a": True}) == '{"a": true}' and len(calls) == 2  # True == 1, but not the same value
    assert known.stored("d", {"a": 1}) and len(calls) == 3  # another category
    assert known.stored("c", {"a": 1.0}) is None and known.stored("c", {"a": [1]}) is None  # checked in full


def test_an_import_of_a_large_file_uses_the_quick_paths_and_imports_the_same(data, tmp_path, monkeypatch):
    """The same file imported with the quick paths and without gives the same project."""
    path = tmp_path / "in.json"
    path.write_bytes(dumps(data))
    results = []
    for quick in (True, False):
        with monkeypatch.context() as m:
            if not quick:
                _step_by_step(m)
                m.setattr(annotations_module, "plain_note", lambda note: False)
            target = tmp_path / f"target-{quick}.annotator"
            with create_project(target, template=None) as project:
                report = import_annotations(project, [path])
                rows = sorted((a.id, a.document_id, a.start, a.end, a.category_id, a.annotator_id, a.note,
                               json.dumps(a.attributes), a.created, a.modified, a.origin_id, a.modified_by)
                              for a in project.annotations())
                results.append((report.lines(), rows))
    assert results[0] == results[1]
    assert len(results[0][1]) == len(data["annotations"])
