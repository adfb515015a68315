"""Values a project stores: lone surrogates, NaN and infinity are refused wherever they would be
stored, and a project that already holds one (written before) still exports and lists."""

import json
import sqlite3

import pytest
from sqlalchemy import select

from annotator.core.errors import ExchangeError, NotFoundError, ValidationError
from annotator.core.exchange.export_file import build_export, dumps, parse_export
from annotator.core.project import commands
from annotator.core.project.project import NewDocument
from annotator.core.storage.tables import Annotation, Document

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

BAD = [("\udc00", "invalid Unicode"), (float("nan"), "NaN"), (float("inf"), "infinity"),
       (float("-inf"), "infinity"), (json.loads("1e999"), "infinity")]


@pytest.mark.parametrize("value, reason", BAD)
def test_metadata_values_and_keys_are_checked_at_insert(project, value, reason):
    for metadata in ({"a": value}, {"a": [1, {"b": value}]}):
        with pytest.raises(ValidationError, match=f"document 'X': metadata 'a'.*{reason}"):
            project.add_documents([NewDocument("X", "some text", metadata=metadata)])
    with pytest.raises(ValidationError, match="metadata '\\\\udc00': invalid Unicode"):
        project.add_documents([NewDocument("X", "some text", metadata={"\udc00": 1})])
    assert project.documents() == []


@pytest.mark.parametrize("value, reason", BAD)
def test_attribute_values_and_definitions_are_checked(filled, value, reason):
    project, (doc, _), (alice, _), cats = filled
    with pytest.raises(ValidationError, match=reason):
        project.add_annotation(doc.id, cats[0].id, alice.id, 0, 3, attributes={"x": value})
    ann = project.annotations()[0]
    with pytest.raises(ValidationError, match=reason):
        project.update_annotation(ann.id, attributes={"x": value}, by=ann.annotator_id)
    definition = {"name": "x", "type": "text", "default": value} if isinstance(value, str) else \
        {"name": "x", "type": "number", "max": value}
    with pytest.raises(ValidationError):
        project.add_category("New", attributes=[definition])


def test_ids_timestamps_and_positions_are_checked(filled):
    project, (doc, _), (alice, _), cats = filled
    with pytest.raises(ValidationError, match="invalid Unicode"):
        project.add_documents([NewDocument("X", "new text", id="\udc00")])
    with pytest.raises(ValidationError, match="invalid Unicode"):
        project.add_annotator("carol", id="\ud800x")
    with pytest.raises(ValidationError, match="invalid Unicode"):
        project.add_category("New", id="\udc00")
    with pytest.raises(ValidationError, match="invalid Unicode"):
        project.add_annotation(doc.id, cats[0].id, alice.id, 0, 3, id="\udc00")
    for stamp in ("yesterday", "2026-13-01T00:00:00+00:00", "2026-11-21T20:34:46", "2026-11-21 20:34:46Z"):
        with pytest.raises(ValidationError, match="ISO 8601"):
            project.add_annotations([dict(document_id=doc.id, category_id=cats[0].id, annotator_id=alice.id,
                                          start=0, end=3, created=stamp)])
    for position in (2**63, 1.0, True):
        with pytest.raises(ValidationError, match="position must be"):
            project.add_category("New", position=position)
        with pytest.raises(ValidationError, match="position must be"):
            project.update_category(cats[0].id, position=position)
    from annotator.core.text import check_timestamp

    assert check_timestamp("2026-11-21T20:34:46.916556+00:00", "t") and check_timestamp("2026-11-21T20:34:46Z", "t")


@pytest.mark.engines("sqlite")  # values written into the file
def test_the_checker_names_the_place():
    from annotator.core.text import check_value, mend_value

    with pytest.raises(ValidationError, match=r"^meta 'a'\[2\] 'b': NaN \(not a JSON number\)$"):
        check_value({"a": [0, 1, {"b": float("nan")}]}, "meta")
    lines = []
    assert mend_value({"k": "x\udc00", "n": [float("inf")]}, "document 'X' metadata", lines.append) == \
        {"k": "x\ufffd", "n": [None]}
    assert lines == ["document 'X' metadata 'k': invalid Unicode replaced by U+FFFD",
                     "document 'X' metadata 'n'[0]: infinity replaced by null"]


def poison(project):
    """Write bad values straight into the file, as an older Annotator could have stored them."""
    with sqlite3.connect(project.path) as db:
        db.execute("UPDATE documents SET metadata = ? WHERE title = 'One'", ('{"k": "\\udc00", "n": NaN}',))
        db.execute("UPDATE annotations SET attributes = ? WHERE note = 'emoji inside'", ('{"\\ud800": 1}',))
    db.close()


@pytest.mark.engines("sqlite")  # values written into the file
def test_a_project_holding_bad_values_still_exports(filled, tmp_path):
    project = filled[0]
    poison(project)
    warnings = []
    data = build_export(project, warn=warnings.append)
    assert sorted(warnings) == sorted([
        "document 'One' metadata 'k': invalid Unicode replaced by U+FFFD",
        "document 'One' metadata 'n': NaN replaced by null",
        f"annotation {next(a['id'] for a in data['annotations'] if a['note'] == 'emoji inside')!r}"
        " attributes '\\ud800': invalid Unicode replaced by U+FFFD",
    ])
    again = parse_export(dumps(data), "x.json")  # the file written is valid
    assert [d["metadata"] for d in again["documents"] if d["title"] == "One"] == [{"k": "\ufffd", "n": None}]


@pytest.mark.parametrize("bad, reason", [
    ('"\\udc00"', r"\$\.documents\[0\]\.metadata\.k: invalid Unicode"),
    ("1e999", r"\$\.documents\[0\]\.metadata\.k: infinity"),
])
def test_reading_an_export_refuses_bad_values_with_the_place(filled, bad, reason):
    raw = dumps(build_export(filled[0])).replace(b'"metadata":{}', b'"metadata":{"k":' + bad.encode() + b"}", 1)
    with pytest.raises(ExchangeError, match=reason):
        parse_export(raw, "x.json")
    raw = dumps(build_export(filled[0])).replace(b'"name":"alice"', b'"name":"alice","\\ud800":1', 1)
    with pytest.raises(ExchangeError, match=r"\$\.annotators\[\d\]\.\\ud800: invalid Unicode"):
        parse_export(raw, "x.json")
    raw = dumps(build_export(filled[0])).replace(b'"version":3', b'"version":3,"\\udc00":1', 1)  # issue 15
    with pytest.raises(ExchangeError, match=r"x\.json: \$: a key: invalid Unicode"):  # a top-level key
        parse_export(raw, "x.json")


@pytest.mark.parametrize("old, new, reason", [
    (b'"start":0,', b'"start":0.5,', r"start: must be a whole number \(got 0\.5\)"),
    (b'"position":0,', b'"position":9223372036854775808,', r"position: 9223372036854775808 is greater than"),
    (b'"created":"2', b'"created":"yesterday 2', r"created: .*does not match|created: is not an ISO 8601"),
])
def test_reading_an_export_refuses_floats_huge_numbers_and_bad_times(filled, old, new, reason):
    raw = dumps(build_export(filled[0]))
    assert old in raw
    with pytest.raises(ExchangeError, match=reason):
        parse_export(raw.replace(old, new, 1), "x.json")


def table_rows(project):
    """Every column of the documents' and annotations' rows, as stored (on either engine)."""
    with project._engine.connect() as db:
        return {table.__tablename__: db.execute(select(*table.__table__.columns).order_by(table.id)).all()
                for table in (Document, Annotation)}


def test_delete_documents_and_undo_exactly(filled, dump):
    project, (one, two), _, _ = filled
    before, rows_before = dump(project), table_rows(project)
    command = commands.DeleteDocuments([one.id])
    assert command.label == "Delete document"
    command.do(project)
    assert [d.id for d in project.documents()] == [two.id]
    assert project.count_annotations() == 1
    assert [d["title"] for d in command._deleted.documents] == ["One"] and len(command._deleted.annotations) == 2
    command.undo(project)
    assert dump(project) == before and table_rows(project) == rows_before  # ids, positions, timestamps
    command.do(project)  # redo
    assert [d.id for d in project.documents()] == [two.id]
    command.undo(project)
    assert table_rows(project) == rows_before


def test_delete_documents_refuses_unknown_ids_whole(filled, dump):
    project, (one, _), _, _ = filled
    before = dump(project)
    with pytest.raises(NotFoundError, match="no document with id nope"):
        project.delete_documents([one.id, "nope"])
    assert dump(project) == before


@pytest.mark.engines("sqlite")  # values written into the file
def test_a_document_holding_bad_metadata_can_be_deleted(filled):
    project = filled[0]
    poison(project)
    deleted = project.delete_documents([filled[1][0].id])
    assert deleted.titles == ["One"]
    build_export(project, warn=pytest.fail)  # nothing left to warn about
