"""Issue 14, points 7 and 8: each coder's status per document in the core, and how it travels in
export format version 2 (import, merge; version-1 files still read)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import build_export, dumps, read_export, write_export
from annotator.core.exchange.merge import merge_exports, merge_files
from annotator.core.project.commands import AddAnnotations, DeleteDocuments, SetDocumentStatus
from annotator.core.schema.templates import create_project

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
V1 = FIXTURES / "export-v1.json"  # written by Annotator before issue 14 (format version 1)


@pytest.fixture
def pair(filled):
    project, (doc1, doc2), (alice, bob), cats = filled
    return project, doc1, doc2, alice, bob, cats


# -- the core ------------------------------------------------------------------------------


def test_a_status_is_set_per_coder_and_read_back(pair):
    project, doc1, doc2, alice, bob, _ = pair
    assert project.document_status(doc2.id, bob.id) == "not started"
    changes = project.set_document_status(doc2.id, bob.id, "done")
    assert changes.documents == {doc2.id}
    assert project.document_status(doc2.id, bob.id) == "done"
    assert project.document_status(doc2.id, alice.id) == "in progress"  # her annotation in it, not Bob's mark
    assert project.status_matrix()[(doc2.id, bob.id)] == "done"
    assert not project.set_document_status(doc2.id, bob.id, "done")  # the same status: nothing changes
    with pytest.raises(ValidationError, match="unknown status 'finished'; use one of: not started, in progress"):
        project.set_document_status(doc2.id, bob.id, "finished")
    with pytest.raises(NotFoundError, match="no document"):
        project.set_document_status("nope", bob.id, "done")
    with pytest.raises(NotFoundError, match="no annotator"):
        project.set_document_status(doc2.id, "nope", "done")


def test_the_first_annotation_of_a_coder_sets_in_progress_but_never_undoes_done(pair):
    project, doc1, doc2, alice, bob, cats = pair
    carol = project.add_annotator("carol")
    assert project.document_status(doc2.id, carol.id) == "not started"
    project.add_annotation(doc2.id, cats[0].id, carol.id, 0, 7)
    row = project.document_status_row(doc2.id, carol.id)
    assert row.status == "in progress"
    project.set_document_status(doc2.id, carol.id, "done")
    project.add_annotation(doc2.id, cats[0].id, carol.id, 8, 12)
    assert project.document_status(doc2.id, carol.id) == "done"
    assert project.document_status(doc2.id, bob.id) == "not started"  # another coder's status is untouched


def test_one_call_over_many_documents_and_coders_sets_each_pair_as_one_annotation_would(pair):
    """add_annotations marks every (document, coder) pair in two statements (issue 16: 30,000 pairs
    took 30 s one by one): new pairs and reset ones become in progress; done and in progress stay
    as they were, with their times; pairs without a new annotation are untouched."""
    project, doc1, doc2, alice, bob, cats = pair
    carol, dave = project.add_annotator("carol"), project.add_annotator("dave")
    project.set_document_status(doc1.id, carol.id, "done")
    project.set_document_status(doc2.id, carol.id, "not started")
    project.set_document_status(doc1.id, dave.id, "in progress")
    kept = {key: project.document_status_row(*key) for key in [(doc1.id, carol.id), (doc1.id, dave.id),
                                                               (doc2.id, bob.id)]}
    project.add_annotations([{"document_id": d.id, "category_id": cats[0].id, "annotator_id": c.id,
                              "start": 0, "end": 3} for d in (doc1, doc2) for c in (carol, dave)])
    assert project.document_status(doc2.id, carol.id) == "in progress"  # reset to not started: started again
    assert project.document_status(doc2.id, dave.id) == "in progress"  # no row before
    for key, row in kept.items():
        assert project.document_status_row(*key) == row  # done, in progress, another coder: as they were


def test_setting_a_status_is_undoable_exactly(pair):
    project, doc1, _, alice, _, _ = pair
    before = project.document_status_row(doc1.id, alice.id)
    command = SetDocumentStatus(doc1.id, alice.id, "done")
    assert command.do(project).documents == {doc1.id}
    assert project.document_status(doc1.id, alice.id) == "done"
    command.undo(project)
    assert project.document_status_row(doc1.id, alice.id) == before  # its time included
    carol = project.add_annotator("carol")
    command = SetDocumentStatus(doc1.id, carol.id, "done")
    command.do(project)
    command.undo(project)
    assert project.document_status_row(doc1.id, carol.id) is None


def test_deleting_documents_takes_their_statuses_and_undo_puts_them_back(pair):
    """Before issue 14, deleting a document with a status failed: document_status refers to it (a foreign key)."""
    project, doc1, doc2, alice, bob, _ = pair
    project.set_document_status(doc1.id, bob.id, "done")
    before = project.document_statuses(document_id=doc1.id)
    command = DeleteDocuments([doc1.id])
    command.do(project)
    assert project.document_statuses(document_id=doc1.id) == []
    assert project.document_statuses(document_id=doc2.id) != []  # the other document keeps its own
    command.undo(project)
    assert project.document_statuses(document_id=doc1.id) == before


def test_a_reset_to_not_started_is_kept_with_its_time(pair):
    project, doc1, _, alice, _, _ = pair
    project.set_document_status(doc1.id, alice.id, "not started")
    row = project.document_status_row(doc1.id, alice.id)
    assert row.status == "not started"  # a row, so an older export does not bring "in progress" back
    assert (doc1.id, alice.id) not in project.status_matrix()


def test_undoing_an_annotation_keeps_the_status_and_redo_does_not_stamp_it_again(pair):
    project, _, doc2, _, bob, cats = pair
    command = AddAnnotations([{"document_id": doc2.id, "category_id": cats[0].id, "annotator_id": bob.id,
                               "start": 0, "end": 7}])
    command.do(project)
    row = project.document_status_row(doc2.id, bob.id)
    command.undo(project)
    command.do(project)
    assert project.document_status_row(doc2.id, bob.id) == row


# -- export version 2 ------------------------------------------------------------------------


def test_version_2_carries_statuses_settings_and_modified_by(pair):
    """docs/exchange-format.md, version 2: "statuses" lists {document_id, annotator_id, status,
    modified}; "settings" holds every setting the project has set; each annotation has modified_by."""
    import jsonschema

    from annotator.core import resources

    project, doc1, doc2, alice, bob, _ = pair
    project.set_document_status(doc2.id, bob.id, "done")
    project.set_setting("blind_coding", True, by=alice.id)
    project.set_setting("lead_override", True, by=alice.id)  # local: never written
    data = build_export(project)
    assert data["version"] == 3  # issue 15: version 3 carries the statuses and settings on
    assert data["settings"] == {"blind_coding": True}
    assert {(s["document_id"], s["annotator_id"], s["status"]) for s in data["statuses"]} == {
        (doc1.id, alice.id, "in progress"), (doc1.id, bob.id, "in progress"), (doc2.id, alice.id, "in progress"),
        (doc2.id, bob.id, "done")}
    assert {a["modified_by"] for a in data["annotations"]} == {None}
    schema = resources.read_json("formats", "annotator-export-v3.schema.json")
    jsonschema.Draft202012Validator(schema).validate(json.loads(dumps(data)))
    assert schema["properties"]["statuses"]["items"]["properties"]["status"]["enum"] == [
        "not started", "in progress", "done"]


def test_an_export_of_some_coders_carries_only_their_statuses(pair):
    from annotator.core.exchange.export_file import Scope

    project, doc1, _, alice, bob, _ = pair
    data = build_export(project, Scope(annotators=frozenset({bob.id}), documents=frozenset({doc1.id})))
    assert [(s["document_id"], s["annotator_id"]) for s in data["statuses"]] == [(doc1.id, bob.id)]


def test_a_status_round_trips_through_a_version_2_file(pair, tmp_path):
    project, doc1, doc2, alice, bob, _ = pair
    project.set_document_status(doc2.id, bob.id, "done")
    write_export(project, tmp_path / "a.json")
    with create_project(tmp_path / "lead.annotator", template=None) as lead:
        report = import_annotations(lead, [tmp_path / "a.json"])
        assert report.statuses_added == 4
        assert lead.document_statuses() == project.document_statuses()  # times included
        again = import_annotations(lead, [tmp_path / "a.json"])
        assert (again.statuses_added, again.statuses_updated, bool(again.changes)) == (0, 0, False)


def test_an_import_keeps_the_newer_status(pair, tmp_path):
    project, doc1, doc2, alice, bob, _ = pair
    project.set_document_status(doc2.id, bob.id, "in progress")
    write_export(project, tmp_path / "old.json")
    with create_project(tmp_path / "lead.annotator", template=None) as lead:
        import_annotations(lead, [tmp_path / "old.json"])
        project.set_document_status(doc2.id, bob.id, "done")
        write_export(project, tmp_path / "new.json")
        assert import_annotations(lead, [tmp_path / "new.json"]).statuses_updated == 1
        assert lead.document_status(doc2.id, bob.id) == "done"
        assert import_annotations(lead, [tmp_path / "old.json"]).statuses_updated == 0
        assert lead.document_status(doc2.id, bob.id) == "done"


def test_modified_by_travels_with_the_annotation(pair, tmp_path):
    project, doc1, _, alice, bob, _ = pair
    data = build_export(project)
    data["annotations"][0]["modified_by"] = bob.id
    (tmp_path / "a.json").write_bytes(dumps(data))
    with create_project(tmp_path / "lead.annotator", template=None) as lead:
        import_annotations(lead, [tmp_path / "a.json"])
        assert lead.annotation(data["annotations"][0]["id"]).modified_by == bob.id
        assert build_export(lead)["annotations"][0]["modified_by"] == bob.id


def test_settings_apply_to_a_project_with_none_set_and_are_only_reported_otherwise(pair, tmp_path):
    project, *_ = pair
    project.set_setting("blind_coding", True)
    write_export(project, tmp_path / "a.json")
    with create_project(tmp_path / "fresh.annotator", template=None) as fresh:
        report = import_annotations(fresh, [tmp_path / "a.json"])
        assert report.settings_applied == ["blind_coding"]
        assert fresh.setting("blind_coding") is True
    with create_project(tmp_path / "lead.annotator", template=None) as lead:
        lead.set_setting("blind_coding", False)
        report = import_annotations(lead, [tmp_path / "a.json"])
        assert lead.setting("blind_coding") is False  # never flipped by an import
        assert report.settings_applied == []
        assert any("setting blind_coding is true in the file but false in the project" in n for n in report.notes)


def test_a_setting_this_version_does_not_know_is_reported_and_ignored(pair, tmp_path):
    project, *_ = pair
    data = build_export(project)
    data["settings"] = {"colour_scheme": "dark"}
    (tmp_path / "a.json").write_bytes(dumps(data))
    with create_project(tmp_path / "fresh.annotator", template=None) as fresh:
        report = import_annotations(fresh, [tmp_path / "a.json"])
        assert any("'colour_scheme' is not known" in n for n in report.notes)


@pytest.mark.parametrize("change, reason", [
    (lambda d: d["statuses"].append(dict(d["statuses"][0])), r"\$\.statuses\[\d+\]: a second status for document"),
    (lambda d: d["statuses"][0].update(document_id="nope"), r"\$\.statuses\[0\]\.document_id: unknown document"),
    (lambda d: d["statuses"][0].update(annotator_id="nope"), r"\$\.statuses\[0\]\.annotator_id: unknown annotator"),
    (lambda d: d["statuses"][0].update(status="finished"), r"\$\.statuses\[0\]\.status"),
    (lambda d: d["statuses"][0].update(modified="yesterday"), r"\$\.statuses\[0\]\.modified"),
    (lambda d: d.pop("statuses"), r"\"statuses\" is a required property"),
    (lambda d: d["annotations"][0].pop("modified_by"), r"\"modified_by\" is a required property"),
])
def test_bad_statuses_are_refused_with_the_place(pair, tmp_path, change, reason):
    from annotator.core.errors import ExchangeError

    data = json.loads(dumps(build_export(pair[0])))
    change(data)
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ExchangeError, match=reason):
        read_export(tmp_path / "bad.json")


# -- version 1 still read --------------------------------------------------------------------


def test_a_version_1_file_is_read_as_version_2_and_imports(tmp_path):
    """The committed fixture was written before issue 14 (version 1, no statuses or settings)."""
    raw = json.loads(V1.read_text(encoding="utf-8"))
    assert raw["version"] == 1 and "statuses" not in raw
    data = read_export(V1)
    assert (data["version"], data["settings"], data["statuses"]) == (3, {}, [])  # read as version 3 (issue 15)
    assert [a["modified_by"] for a in data["annotations"]] == [None]
    with create_project(tmp_path / "p.annotator", template=None) as project:
        report = import_annotations(project, [V1])
        assert (report.annotations_added, report.statuses_added) == (1, 0)
        assert project.document_statuses() == []  # an import is not a coder's first annotation


def test_merge_takes_version_1_and_version_2_files_and_writes_version_2(pair, tmp_path):
    write_export(pair[0], tmp_path / "v2.json")
    merged, _ = merge_files([V1, tmp_path / "v2.json"])
    assert merged["version"] == 3  # issue 15: what is written is version 3
    assert len(merged["statuses"]) == 3  # alice in both documents, bob in the first
    assert {a["modified_by"] for a in merged["annotations"]} == {None}
    assert read_export_bytes(dumps(merged), tmp_path)["statuses"] == merged["statuses"]


def read_export_bytes(raw: bytes, tmp_path: Path) -> dict:
    (tmp_path / "m.json").write_bytes(raw)
    return read_export(tmp_path / "m.json")


# -- merge: the latest status per (coder, document) --------------------------------------------


def _with_status(data: dict, status: str, modified: str) -> dict:
    copy = json.loads(json.dumps(data))
    copy["statuses"][0].update(status=status, modified=modified)
    return copy


def test_merge_keeps_the_latest_status_per_coder_and_document(pair):
    base = json.loads(dumps(build_export(pair[0])))
    older = _with_status(base, "done", "2026-01-01T10:00:00.000000+00:00")
    newer = _with_status(base, "in progress", "2026-02-01T10:00:00.000000+00:00")
    for files in ([("a", older), ("b", newer)], [("b", newer), ("a", older)]):
        merged, _ = merge_exports(files)
        assert (merged["statuses"][0]["status"], merged["statuses"][0]["modified"]) == (
            "in progress", "2026-02-01T10:00:00.000000+00:00")


def test_status_merge_is_commutative_associative_and_idempotent_with_ties_decided(pair):
    base = json.loads(dumps(build_export(pair[0])))
    stamp = "2026-03-01T10:00:00.000000+00:00"
    a, b = _with_status(base, "done", stamp), _with_status(base, "not started", stamp)  # the same time
    c = _with_status(base, "in progress", "2025-01-01T00:00:00.000000+00:00")
    ab = dumps(merge_exports([("a", a), ("b", b)])[0])
    assert ab == dumps(merge_exports([("b", b), ("a", a)])[0])
    assert json.loads(ab)["statuses"][0]["status"] == "not started"  # a tie: the canonical JSON decides
    left = merge_exports([("ab", merge_exports([("a", a), ("b", b)])[0]), ("c", c)])[0]
    right = merge_exports([("a", a), ("bc", merge_exports([("b", b), ("c", c)])[0])])[0]
    assert dumps(left) == dumps(right)
    assert dumps(merge_exports([("a", a), ("a2", a)])[0]) == dumps(merge_exports([("a", a)])[0])


def test_merge_follows_a_document_merged_under_its_smallest_id(pair):
    base = json.loads(dumps(build_export(pair[0])))
    other = json.loads(json.dumps(base))
    old_id = other["documents"][0]["id"]
    new_id = "00000000-0000-4000-8000-000000000000"  # smaller than any uuid4 of the project
    other["documents"][0]["id"] = new_id
    for item in other["annotations"] + other["statuses"]:
        if item["document_id"] == old_id:
            item["document_id"] = new_id
    merged, _ = merge_exports([("a", base), ("b", other)])
    assert old_id not in {s["document_id"] for s in merged["statuses"]}
    assert len({(s["document_id"], s["annotator_id"]) for s in merged["statuses"]}) == len(merged["statuses"])


def test_merge_reports_settings_that_differ_and_decides_the_same_either_way(pair):
    base = json.loads(dumps(build_export(pair[0])))
    on, off = dict(base, settings={"lead_override": True}), dict(base, settings={"lead_override": False})
    merged, report = merge_exports([("on", on), ("off", off)])
    assert merged["settings"] == merge_exports([("off", off), ("on", on)])[0]["settings"]
    assert report.conflicts == ["setting lead_override differs between on and off"]


def test_the_example_in_the_documentation_is_a_valid_version_2_file():
    import re

    import jsonschema

    from annotator.core import resources
    from annotator.core.exchange.export_file import parse_export

    page = (Path(__file__).resolve().parents[2] / "docs" / "exchange-format.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)\n```", page, re.S).group(1)
    data = parse_export(example.encode(), "docs/exchange-format.md")
    assert data["version"] == 3 and data["statuses"][0]["status"] == "done"  # issue 15: version 3
    schema = resources.read_json("formats", "annotator-export-v3.schema.json")
    jsonschema.Draft202012Validator(schema).validate(json.loads(example))
