"""add_annotations of many rows (issue 16, point 6): fresh ids that sort in the order they are
made, rows checked and written in batches with every bad row still refusing the whole call, and
the short path for plain rows storing exactly what the full check stores."""

import json
import time
import uuid

import pytest

from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.project import annotations as annotations_module
from annotator.core.project.project import NewDocument, Project

TEXT = "one two three four five six seven eight nine ten"
DEFINITIONS = [{"name": "verdict", "type": "choice", "choices": ["true", "false"], "default": "true"},
               {"name": "score", "type": "number", "min": 0, "max": 10}]


@pytest.fixture
def setup(tmp_path):
    project = Project.create(tmp_path / "bulk.annotator")
    doc = project.add_documents([NewDocument("d", TEXT)])[0].document
    plain = project.add_category("Plain")
    rich = project.add_category("Rich", attributes=DEFINITIONS)
    coder = project.add_annotator("ann")
    yield project, doc.id, plain.id, rich.id, coder.id
    project.close()


def _rows(doc, cat, coder, n):
    return [dict(document_id=doc, category_id=cat, annotator_id=coder, start=i % 40, end=i % 40 + 3)
            for i in range(n)]


def test_fresh_ids_are_uuid_version_7_and_sort_in_the_order_the_rows_were_given(setup):
    # RFC 9562, section 5.7: "UUIDv7 features a time-ordered value field derived from the widely
    # implemented and well-known Unix Epoch timestamp source, the number of milliseconds since
    # midnight 1 Jan 1970 UTC, leap seconds excluded." Layout: unix_ts_ms (48 bits), ver (4 bits,
    # 0b0111), rand_a (12 bits), var (2 bits, 0b10), rand_b (62 bits).
    # Section 6.2, method 2 ("Monotonic Random"): the random part is incremented within one
    # timestamp tick, so ids made in one call sort in the order they were made.
    project, doc, plain, _rich, coder = setup
    before = int(time.time() * 1000)
    ids = project.add_annotations(_rows(doc, plain, coder, 300))
    after = int(time.time() * 1000)
    parsed = [uuid.UUID(i) for i in ids]
    assert [str(u) for u in parsed] == ids  # canonical lower-case 8-4-4-4-12 text
    assert {u.version for u in parsed} == {7} and {u.variant for u in parsed} == {uuid.RFC_4122}
    assert all(before <= u.int >> 80 <= after for u in parsed)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    later = project.add_annotations(_rows(doc, plain, coder, 2))
    assert later[0] not in ids


def test_a_bad_row_in_a_later_batch_refuses_the_whole_call(setup, monkeypatch):
    project, doc, plain, _rich, coder = setup
    monkeypatch.setattr(annotations_module, "_BATCH", 3)
    rows = _rows(doc, plain, coder, 10)
    rows[7]["end"] = len(TEXT) + 1
    with pytest.raises(ValidationError, match=rf"^annotation 8: end {len(TEXT) + 1} is past the end of the text"):
        project.add_annotations(rows)
    rows[7]["end"] = 10
    rows[8]["category_id"] = "nope"
    with pytest.raises(NotFoundError, match="^annotation 9: no category with id nope$"):
        project.add_annotations(rows)
    assert project.count_annotations() == 0


def test_clashing_ids_across_batches_are_refused_after_every_row_is_checked(setup, monkeypatch):
    project, doc, plain, _rich, coder = setup
    monkeypatch.setattr(annotations_module, "_BATCH", 3)
    kept = project.add_annotation(doc, plain, coder, 0, 3, id="kept")
    rows = _rows(doc, plain, coder, 10)
    rows[1]["id"], rows[6]["id"] = "x", "x"  # in the first and the third batch
    with pytest.raises(ValidationError, match="^the same annotation id is given twice$"):
        project.add_annotations(rows)
    rows[9]["start"] = -1  # a bad row after the clash: its message comes first, as when all is checked first
    with pytest.raises(ValidationError, match="^annotation 10: start -1 is before the beginning of the text$"):
        project.add_annotations(rows)
    rows[9]["start"], rows[6]["id"] = 1, kept.id  # an id the project holds, in a later batch
    with pytest.raises(ValidationError, match="^an annotation with id kept already exists$"):
        project.add_annotations(rows)
    assert [a.id for a in project.annotations()] == ["kept"]


def test_the_short_path_stores_what_the_full_check_stores(setup):
    project, doc, plain, rich, coder = setup
    stamp = "2026-01-02T03:04:05.000000+00:00"
    base = dict(document_id=doc, annotator_id=coder, start=0, end=3)
    notes = [None, "", "plain note", "tab\tand\nnewline", "a\r\nb", "\ufeffbom", "end\u2029"]
    short = [base | {"category_id": cat, "note": note} for cat in (plain, rich) for note in notes]
    full = [row | {"created": stamp} for row in short]  # a timestamp takes every row the full way
    ids = project.add_annotations(short + full)
    stored = {a.id: a for a in project.annotations()}
    half = len(short)
    for i in range(half):
        a, b = stored[ids[i]], stored[ids[half + i]]
        assert (a.note, a.attributes, a.category_id) == (b.note, b.attributes, b.category_id)
    assert [stored[i].note for i in ids[:len(notes)]] == ["", "", "plain note", "tab\tand\nnewline", "a\nb", "bom",
                                                        "end\n"]
    assert stored[ids[0]].attributes == {} and stored[ids[len(notes)]].attributes == {"verdict": "true"}
    assert stored[ids[0]].created == stored[ids[0]].modified != stamp


@pytest.mark.parametrize(("note", "message"), [
    (0, "annotation 2: the note must be text"),
    (False, "annotation 2: the note must be text"),
    ("bell\x07", "annotation 2: the note contains control characters"),
    ("\ud800", r"annotation 2: the note contains invalid Unicode \(a lone surrogate\)"),
    ("\ufdd0", "annotation 2: the note contains U\\+FDD0, a Unicode non-character"),
    ("x" * 100_001, r"annotation 2: the note is too long \(100,001 characters; at most 100,000\)"),
])
def test_notes_the_short_path_may_not_take_are_refused_as_before(setup, note, message):
    project, doc, plain, _rich, coder = setup
    rows = _rows(doc, plain, coder, 3)
    rows[1]["note"] = note
    with pytest.raises(ValidationError, match=f"^{message}"):
        project.add_annotations(rows)
    assert project.count_annotations() == 0


def test_values_and_defaults_through_the_full_path(setup):
    project, doc, _plain, rich, coder = setup
    rows = _rows(doc, rich, coder, 3)
    rows[1]["attributes"] = {"score": 3}
    ids = project.add_annotations(rows)
    stored = {a.id: a.attributes for a in project.annotations()}
    assert [stored[i] for i in ids] == [{"verdict": "true"}, {"score": 3, "verdict": "true"}, {"verdict": "true"}]
    rows[2]["attributes"] = {"score": 11}
    with pytest.raises(ValidationError, match="^annotation 3: attribute 'score' is 11, above the maximum 10$"):
        project.add_annotations(rows)
    assert json.dumps(stored[ids[0]]) == '{"verdict": "true"}'
