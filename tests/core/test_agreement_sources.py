"""Agreement data from a project or from export files, narrowed by names or ids."""

import pytest

from annotator.core.agreement.sources import load_sources, narrow
from annotator.core.errors import ValidationError
from annotator.core.exchange.export_file import write_export


def test_a_project_and_its_export_give_the_same_data(filled, tmp_path):
    project, docs, (alice, bob), cats = filled
    from_project = load_sources([project.path])
    write_export(project, tmp_path / "all.json")
    from_export = load_sources([tmp_path / "all.json"])
    assert sorted(from_project.spans) == sorted(from_export.spans)
    assert from_project.texts == from_export.texts == {d.id: len(project.document(d.id).text) for d in docs}
    assert from_project.annotators == from_export.annotators == {alice.id: "alice", bob.id: "bob"}


def test_narrowing_by_names_and_ids_and_an_unknown_name_is_an_error(filled):
    project, docs, (alice, bob), cats = filled
    data = load_sources([project.path])
    only = narrow(data, annotators=["alice"], documents=[docs[0].id])
    assert {s[1] for s in only.spans} == {alice.id} and set(only.texts) == {docs[0].id}
    with pytest.raises(ValidationError, match="no annotator named 'alcie'"):
        narrow(data, annotators=["alcie"])
    assert narrow(data, categories=[cats[1].name]).spans == [s for s in data.spans if s[4] == cats[1].id]


def test_a_project_with_export_files_is_refused(filled, tmp_path):
    project = filled[0]
    write_export(project, tmp_path / "x.json")
    with pytest.raises(ValidationError, match="one project file alone"):
        load_sources([project.path, tmp_path / "x.json"])


def test_the_gold_layer_is_kept_apart_from_the_coders():
    """Issue 15 point 1: the gold layer is not a coder. Its annotations (annotator GOLD_ID) stay out
    of coder-versus-coder agreement and are kept as ``gold`` for the reports against it."""
    from annotator.core.agreement.sources import GoldDecision, from_export_data
    from annotator.core.agreement.spans import span_report
    from annotator.core.storage.tables import GOLD_ID

    def ann(i, doc, who, start, end, cat):
        return {"id": f"a{i}", "document_id": doc, "annotator_id": who, "start": start, "end": end,
                "category_id": cat}

    coders = [ann(1, "d1", "alice", 0, 4, "X"), ann(2, "d1", "bob", 0, 5, "X"), ann(3, "d2", "bob", 1, 3, "Y")]
    gold = [ann(4, "d1", GOLD_ID, 0, 4, "X"), ann(5, "d2", GOLD_ID, 1, 3, "Y")]
    export = {"documents": [{"id": "d1", "length": 10}, {"id": "d2", "length": 10}],
              "annotators": [{"id": "alice", "name": "alice"}, {"id": "bob", "name": "bob"},
                             {"id": GOLD_ID, "name": "Gold standard"}],
              "categories": [{"id": "X", "name": "X"}, {"id": "Y", "name": "Y"}],
              "annotations": coders[:2] + gold + coders[2:],
              "statuses": [{"document_id": "d1", "annotator_id": GOLD_ID, "status": "done"},
                           {"document_id": "d1", "annotator_id": "alice", "status": "done"}],
              "decisions": [{"document_id": "d2", "start": 1, "end": 3, "kind": "accepted", "decided_by": "alice",
                             "reason": "why"}]}
    data = from_export_data(export)
    assert data.annotators == {"alice": "alice", "bob": "bob"}
    assert data.coders_who_annotated() == ["alice", "bob"]
    assert data.spans == [(a["document_id"], a["annotator_id"], a["start"], a["end"], a["category_id"])
                          for a in coders]
    assert data.annotation_ids == ["a1", "a2", "a3"]
    assert data.gold == [("d1", 0, 4, "X"), ("d2", 1, 3, "Y")] and data.gold_ids == ["a4", "a5"]
    assert data.statuses == {("d1", "alice"): "done"}
    assert data.decisions == [GoldDecision("d2", 1, 3, "accepted", "alice", "why")]
    assert data.has_gold
    without = from_export_data(export | {"annotations": coders, "decisions": []})
    assert not without.has_gold
    assert span_report(data.texts, data.spans) == span_report(without.texts, without.spans)
    narrowed = narrow(data, documents=["d2"])
    assert narrowed.gold == [("d2", 1, 3, "Y")] and narrowed.gold_ids == ["a5"] and len(narrowed.decisions) == 1
    assert narrow(data, categories=["X"]).gold == [("d1", 0, 4, "X")]
    with pytest.raises(ValidationError, match="no annotator named 'Gold standard'"):
        narrow(data, annotators=["Gold standard"])
