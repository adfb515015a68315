"""The one-coder reads blind coding is built on (issue 14, point 5): the listings and counts the
window shows, limited to one coder's annotations in SQL, so no other coder's row reaches the GUI."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)


def test_listings_and_counts_of_one_coder(filled):
    project, (doc1, doc2), (alice, bob), _ = filled
    assert {s[4] for s in project.annotation_spans(doc1.id, bob.id)} == {bob.id}
    assert len(project.annotation_spans(doc1.id)) == 2
    assert [r.annotator_id for r in project.annotation_rows(annotator_id=alice.id)] == [alice.id, alice.id]
    assert project.annotation_rows(doc2.id, annotator_id=bob.id) == []
    every = [r.id for r in project.annotation_rows()]
    assert [r.id for r in project.annotation_rows(ids=every, annotator_id=bob.id)] == \
        [r.id for r in project.annotation_rows(annotator_id=bob.id)]
    assert project.annotation_counts_by_document(bob.id) == {doc1.id: 1}
    assert [d.annotation_count for d in project.documents(alice.id)] == [1, 1]
    assert [d.annotation_count for d in project.documents(bob.id)] == [1, 0]
    assert project.annotation_counts_by_annotator() == {alice.id: 2, bob.id: 1}
    assert project.annotation_rows(annotator_id="nobody") == []


def test_blind_coding_is_a_project_setting(project):
    assert project.setting("blind_coding", False) is False
    project.set_setting("blind_coding", True)
    assert project.setting("blind_coding") is True
