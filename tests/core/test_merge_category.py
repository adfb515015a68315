"""Merging a category into another, and deleting with reassignment: annotations, subcategories,
attribute values, refusals, and exact undo."""

import pytest

from annotator.core.project import commands
from annotator.core.errors import NotFoundError, ValidationError


def roundtrip(project, command, dump):
    """As in test_commands: undo gives the state before exactly, redo the state after (but
    for ``modified``, which redo stamps anew)."""
    def without_modified(state):
        return {t: [{k: v for k, v in r.items() if k != "modified"} for r in rows] for t, rows in state.items()}
    before = dump(project)
    command.do(project)
    after = dump(project)
    assert after != before
    command.undo(project)
    assert dump(project) == before
    command.do(project)
    assert without_modified(dump(project)) == without_modified(after)
    return after


@pytest.fixture
def tree(filled):
    """Factual claim (F) with subcategories Statistic and Quote; Opinion with Quote too."""
    project, docs, coders, cats = filled
    claim, opinion = cats[0], cats[1]
    statistic = project.add_category("Statistic", parent_id=claim.id, shortcut="S")
    quote = project.add_category("Quote", parent_id=claim.id)
    other_quote = project.add_category("Quote", parent_id=opinion.id)
    return project, docs, coders, cats, statistic, quote, other_quote


def test_merge_moves_annotations_and_subcategories_then_deletes_the_source(tree):
    project, (doc, _), (alice, _), cats, statistic, quote, _ = tree
    claim, prediction = cats[0], cats[3]
    project.add_category("Forecast", parent_id=prediction.id)
    ids = {a.id for a in project.annotations(category_id=claim.id)}
    project.add_annotation(doc.id, statistic.id, alice.id, 0, 2)
    merged = project.merge_category(claim.id, prediction.id)
    assert (merged.source_name, merged.target_name) == ("Factual claim", "Prediction")
    assert ids <= {a.id for a in project.annotations(category_id=prediction.id)}
    with pytest.raises(NotFoundError):
        project.category(claim.id)
    children = [c.name for c in project.categories() if c.parent_id == prediction.id]
    assert children == ["Forecast", "Statistic", "Quote"]  # the target's own first, then the source's in order
    assert project.count_annotations(category_id=statistic.id) == 1  # a subcategory keeps its annotations
    # The source's shortcut is free again.
    assert project.add_category("Fresh", shortcut="F").shortcut == "F"


def test_merge_keeps_only_the_values_the_target_defines(filled):
    project, (doc, _), (alice, _), cats = filled
    ann = project.add_annotation(doc.id, cats[0].id, alice.id, 0, 3, attributes={"verdict": "false"})
    kept = project.add_annotation(doc.id, cats[0].id, alice.id, 1, 3, attributes={"verdict": "accurate"})
    project.update_category(cats[1].id, attributes=[{"name": "verdict", "type": "choice",
                                                     "choices": ["accurate", "wrong"]}])
    project.merge_category(cats[0].id, cats[1].id)
    assert project.annotation(ann.id).attributes == {}
    assert project.annotation(kept.id).attributes == {"verdict": "accurate"}


@pytest.mark.parametrize("case, message", [
    ("itself", "cannot merge category 'Factual claim' into itself"),
    ("child", "cannot merge category 'Factual claim' into its own subcategory 'Statistic'"),
    ("clash", "cannot merge 'Factual claim' into 'Opinion': both have a subcategory named 'Quote'"),
])
def test_merge_refusals_change_nothing(tree, dump, case, message):
    project, _, _, cats, statistic, _, _ = tree
    target = {"itself": cats[0].id, "child": statistic.id, "clash": cats[1].id}[case]
    before = dump(project)
    with pytest.raises(ValidationError, match=message):
        project.merge_category(cats[0].id, target)
    with pytest.raises(NotFoundError):
        project.merge_category(cats[0].id, "no-such-id")
    assert dump(project) == before


def test_merge_command_do_undo_redo_exact(tree, dump):
    project, (doc, _), (alice, _), cats, statistic, _, _ = tree
    project.add_annotation(doc.id, cats[0].id, alice.id, 0, 3, attributes={"verdict": "false"})
    project.add_annotation(doc.id, statistic.id, alice.id, 0, 2)
    command = commands.MergeCategory(cats[0].id, cats[3].id)
    assert command.label == "Merge category"
    roundtrip(project, command, dump)
    assert command.label == "Merge Factual claim into Prediction"
    assert commands.MergeCategory(cats[1].id, cats[2].id, label="Join").label == "Join"


def test_delete_with_reassign_cuts_values_and_undo_restores_them(filled, dump):
    project, (doc, _), (alice, _), cats = filled
    project.add_annotation(doc.id, cats[0].id, alice.id, 0, 3, attributes={"verdict": "false"})
    command = commands.DeleteCategory(cats[0].id, reassign_to=cats[1].id)
    after = roundtrip(project, command, dump)
    assert all(a["attributes"] == {} for a in after["annotations"])
