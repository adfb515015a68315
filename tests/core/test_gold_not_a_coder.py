"""Issue 15 point 1: the gold layer is not a coder. Its annotator (GOLD_ID, "Gold standard") is
left out wherever a coder is listed or chosen, and no coder may take its name."""

from __future__ import annotations

import pytest

from annotator.core.errors import ValidationError
from annotator.core.project.gold import GoldSpan
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)


@pytest.fixture
def adjudicated(project):
    doc = project.add_document("A", "The council will spend money.").document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    cat = project.categories()[0].id
    project.add_annotation(doc.id, cat, alice.id, 0, 11)
    project.add_annotation(doc.id, cat, bob.id, 4, 11)
    project.decide(doc.id, unit_id=None, start=12, end=17, kind="created", spans=[GoldSpan(12, 17, cat)],
                   sources=[], by=alice.id)
    return project, (alice, bob)


def test_coder_lists_leave_the_gold_out(adjudicated):
    project, (alice, bob) = adjudicated
    assert GOLD_ID in {a.id for a in project.annotators()}  # exports still carry the gold annotator
    assert [a.id for a in project.annotators(gold=False)] == [alice.id, bob.id]
    assert [c.id for c in project.coders()] == [alice.id, bob.id]
    assert project.find_annotator(GOLD_NAME) is None and project.find_annotator(" gold STANDARD") is None


def test_no_coder_takes_the_gold_name_nor_renames_the_gold(adjudicated, tmp_path):
    project, (alice, _) = adjudicated
    for name in (GOLD_NAME, " gold standard "):
        with pytest.raises(ValidationError, match="the name of the adjudicated layer"):
            project.add_annotator(name)
    with pytest.raises(ValidationError, match="the name of the adjudicated layer"):
        project.annotator_named("Gold Standard")  # "be that coder" does not make the gold a coder
    with pytest.raises(ValidationError, match="the name of the adjudicated layer"):
        project.rename_annotator(alice.id, "Gold standard", by=alice.id)
    with pytest.raises(ValidationError, match="keeps its name"):
        project.rename_annotator(GOLD_ID, "Referee", by=alice.id)
    # the same holds before any gold annotation exists
    from annotator.core.schema.templates import create_project

    with create_project(tmp_path / "fresh.annotator") as fresh, pytest.raises(ValidationError):
        fresh.add_annotator("Gold standard")
