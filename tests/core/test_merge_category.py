"""Merging a category into another, deleting with reassignment or with subcategories, and moving to
a position under a new parent: annotations, subcategories, attribute values, refusals, exact undo,
and a failing last write that leaves nothing behind (each is one transaction)."""

import pytest

from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.project import categories, commands
from annotator.core.project.changes import Changes
from annotator.core.storage.tables import Category


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


# -- one transaction each: a failing last write leaves nothing behind ------------------------


def fail_after(monkeypatch, name, written):
    """Make ``categories.<name>`` (an operation's last write) do its writes, check with ``written``
    (a test of the open session) that the earlier steps were written too, then fail."""
    real = getattr(categories, name)
    checked = []

    def failing(s, *args, **kwargs):
        real(s, *args, **kwargs)
        s.flush()
        checked.append(written(s))
        raise OSError("disk full")

    monkeypatch.setattr(categories, name, failing)
    return checked


def parents(session, *cats):
    return [session.get(Category, c.id).parent_id for c in cats]


def test_a_merge_failing_at_its_last_write_leaves_nothing_behind(tree, dump, monkeypatch):
    project, (doc, _), (alice, _), cats, statistic, quote, _ = tree
    project.add_annotation(doc.id, statistic.id, alice.id, 0, 2)
    before = dump(project)
    checked = fail_after(monkeypatch, "_delete", lambda s: parents(s, statistic, quote) == [cats[3].id] * 2
                         and s.get(Category, cats[0].id) is None)
    with pytest.raises(OSError, match="disk full"):
        commands.MergeCategory(cats[0].id, cats[3].id).do(project)
    assert checked == [True]  # the subcategories had moved and the source was gone, inside the transaction
    assert dump(project) == before


def test_a_delete_lifting_subcategories_failing_at_its_last_write_leaves_nothing_behind(tree, dump, monkeypatch):
    project, _, _, cats, statistic, quote, _ = tree
    before = dump(project)
    checked = fail_after(monkeypatch, "_set_positions", lambda s: parents(s, statistic, quote) == [None, None]
                         and s.get(Category, cats[0].id) is None)
    with pytest.raises(OSError, match="disk full"):
        commands.DeleteCategoryLiftingChildren(cats[0].id, delete_annotations=True).do(project)
    assert checked == [True]
    assert dump(project) == before


def test_a_move_failing_at_its_last_write_leaves_nothing_behind(tree, dump, monkeypatch):
    project, _, _, cats, statistic, _, _ = tree
    before = dump(project)
    checked = fail_after(monkeypatch, "_set_positions", lambda s: parents(s, cats[3]) == [cats[0].id])
    with pytest.raises(OSError, match="disk full"):
        commands.MoveCategory(cats[3].id, cats[0].id, 1).do(project)
    assert checked == [True]
    assert dump(project) == before


# -- moving to a position ----------------------------------------------------------------------


def children_of(project, parent_id):
    return [(c.name, c.position) for c in project.categories() if c.parent_id == parent_id]


def test_move_under_a_new_parent_between_its_children_is_one_exact_step(tree, dump):
    project, _, _, cats, _, _, _ = tree
    stamp = project.category(cats[3].id).modified
    command = commands.MoveCategory(cats[3].id, cats[0].id, 1, label="Move 'Prediction'")
    assert command.label == "Move 'Prediction'"
    roundtrip(project, command, dump)
    assert children_of(project, cats[0].id) == [("Statistic", 0), ("Prediction", 1), ("Quote", 2)]
    assert project.category(cats[3].id).modified != stamp  # a new parent is an edit of the category
    assert command.undo(project) == Changes.of(schema=True)
    assert command.do(project) == Changes.of(schema=True)


def test_move_among_the_same_siblings_reorders_them_and_clamps_the_index(tree, dump):
    project, _, _, cats, _, _, _ = tree
    stamp = project.category(cats[0].id).modified
    roundtrip(project, commands.MoveCategory(cats[0].id, None, 99), dump)
    assert children_of(project, None) == [("Opinion", 0), ("Unverified allegation", 1), ("Prediction", 2),
                                          ("Factual claim", 3)]
    assert project.category(cats[0].id).modified == stamp  # only the order changed
    project.move_category(cats[0].id, None, -5)
    assert children_of(project, None)[0] == ("Factual claim", 0)


@pytest.mark.parametrize("case, error, message", [
    ("itself", ValidationError, "cannot be placed under itself or its own subcategory"),
    ("child", ValidationError, "cannot be placed under itself or its own subcategory"),
    ("clash", ValidationError, "a category named 'Quote' already exists under the same parent"),
    ("missing", NotFoundError, "no category with id no-such-id"),
])
def test_move_refusals_change_nothing(tree, dump, case, error, message):
    project, _, _, cats, statistic, quote, _ = tree
    moving, parent = {"itself": (cats[0].id, cats[0].id), "child": (cats[0].id, statistic.id),
                      "clash": (quote.id, cats[1].id), "missing": (cats[1].id, "no-such-id")}[case]
    before = dump(project)
    with pytest.raises(error, match=message):
        project.move_category(moving, parent, 0)
    assert dump(project) == before


# -- deleting a category with subcategories ----------------------------------------------------


def test_delete_lifts_the_subcategories_into_its_place_and_reassigns_to_one_of_them(tree, dump):
    project, (doc1, doc2), (alice, _), cats, statistic, quote, _ = tree
    own = project.add_annotation(doc1.id, statistic.id, alice.id, 0, 2)
    moved = {a.id for a in project.annotations(category_id=cats[0].id)}
    command = commands.DeleteCategoryLiftingChildren(cats[0].id, reassign_to=statistic.id)
    after = roundtrip(project, command, dump)
    assert children_of(project, None) == [("Statistic", 0), ("Quote", 1), ("Opinion", 2),
                                          ("Unverified allegation", 3), ("Prediction", 4)]
    assert {a.id for a in project.annotations(category_id=statistic.id)} == moved | {own.id}
    assert [c["name"] for c in after["categories"]].count("Factual claim") == 0
    assert command.undo(project) == Changes.of(annotations=moved, documents=[doc1.id, doc2.id], schema=True)
    assert command.do(project) == Changes.of(annotations=moved, documents=[doc1.id, doc2.id], schema=True)


def test_delete_lifting_with_its_annotations_deleted_or_without_subcategories(tree, dump):
    project, (doc1, doc2), _, cats, _, _, other_quote = tree
    gone = {a.id for a in project.annotations(category_id=cats[1].id)}
    command = commands.DeleteCategoryLiftingChildren(cats[1].id, delete_annotations=True)
    roundtrip(project, command, dump)
    assert ("Quote", 1) in children_of(project, None) and not gone & {a.id for a in project.annotations()}
    assert command.undo(project) == Changes.of(annotations=gone, documents=[doc1.id], schema=True)
    plain = commands.DeleteCategoryLiftingChildren(other_quote.id)  # a leaf: a plain delete
    roundtrip(project, plain, dump)


def test_delete_lifting_refused_when_a_subcategory_name_is_taken_changes_nothing(tree, dump):
    project, _, _, cats, _, _, _ = tree
    project.add_category("statistic")
    before = dump(project)
    with pytest.raises(ValidationError, match="a category named 'statistic' already exists at the top level"):
        project.delete_category(cats[0].id, delete_annotations=True, lift_children=True)
    with pytest.raises(ValidationError, match="has subcategories; move or delete them first"):
        project.delete_category(cats[0].id, delete_annotations=True)
    assert dump(project) == before
