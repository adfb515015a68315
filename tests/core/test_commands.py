"""Qt-free undo commands: do, undo and redo give back exactly the states before and after."""

import pytest

from annotator.core.errors import ValidationError
from annotator.core.project import commands

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)


def without_modified(state):
    return {table: [{k: v for k, v in row.items() if k != "modified"} for row in rows]
            for table, rows in state.items()}


def roundtrip(project, command, dump):
    """Undo restores the state before exactly (timestamps included); redo restores the state
    after, with the redo's own time as ``modified``."""
    before = dump(project)
    command.do(project)
    after = dump(project)
    assert after != before
    command.undo(project)
    assert dump(project) == before
    command.do(project)  # redo
    assert without_modified(dump(project)) == without_modified(after)
    return after


def span(doc, cat, coder, start, end):
    return dict(document_id=doc.id, category_id=cat.id, annotator_id=coder.id, start=start, end=end)


def test_add_annotations(filled, dump):
    project, (doc, _), (alice, _), cats = filled
    command = commands.AddAnnotations([span(doc, cats[0], alice, 1, 3), span(doc, cats[1], alice, 2, 9)])
    assert command.label == "Add 2 annotations"
    roundtrip(project, command, dump)
    assert {a.id for a in project.annotations()} >= set(command.ids)


def test_redo_of_add_keeps_the_same_id_for_later_commands(filled, dump):
    project, (doc, _), (alice, _), cats = filled
    add = commands.AddAnnotations([span(doc, cats[0], alice, 1, 3)])
    add.do(project)
    edit = commands.UpdateAnnotation(add.ids[0], note="later", by=alice.id)
    edit.do(project)
    edit.undo(project)
    add.undo(project)
    add.do(project)
    edit.do(project)
    assert project.annotation(add.ids[0]).note == "later"


def test_delete_annotations(filled, dump):
    project, _, (alice, _), _ = filled
    ids = [a.id for a in project.annotations(annotator_id=alice.id)]
    roundtrip(project, commands.DeleteAnnotations(ids, by=alice.id), dump)
    assert project.count_annotations() == 1


@pytest.mark.parametrize("fields, label", [
    ({"category_id": None}, "Change category"),
    ({"start": 1, "end": 4}, "Edit annotation"),
    ({"end": 3}, "Adjust span"),
    ({"note": "why"}, "Edit note"),
    ({"attributes": {"verdict": "false"}}, "Edit attributes"),
])
def test_update_annotation(filled, dump, fields, label):
    project, _, _, cats = filled
    ann = next(a for a in project.annotations() if (a.start, a.end) == (0, 5))
    if "category_id" in fields:
        fields = {"category_id": cats[3].id}
    command = commands.UpdateAnnotation(ann.id, by=ann.annotator_id, **fields)
    assert command.label == label
    roundtrip(project, command, dump)


def test_add_and_update_category(project, dump):
    add = commands.AddCategory("Framing", colour="#123456", shortcut="G")
    roundtrip(project, add, dump)
    roundtrip(project, commands.UpdateCategory(add.id, name="Frame", colour="#654321"), dump)
    roundtrip(project, commands.UpdateCategory(add.id, parent_id=project.categories()[0].id), dump)


def test_reorder_categories(project, dump):
    ids = [c.id for c in project.categories()]
    roundtrip(project, commands.ReorderCategories(list(reversed(ids))), dump)


@pytest.mark.parametrize("how", ["reassign", "delete", "unused"])
def test_delete_category(filled, dump, how):
    project, _, _, cats = filled
    if how == "reassign":
        command = commands.DeleteCategory(cats[0].id, reassign_to=cats[3].id)
    elif how == "delete":
        command = commands.DeleteCategory(cats[0].id, delete_annotations=True)
    else:
        command = commands.DeleteCategory(cats[3].id)
    roundtrip(project, command, dump)


def test_a_failing_command_changes_nothing(filled, dump):
    project, _, _, cats = filled
    before = dump(project)
    with pytest.raises(Exception, match="used by"):
        commands.DeleteCategory(cats[0].id).do(project)
    assert dump(project) == before



def test_labels_and_refusals_name_categories_as_text_not_repr(project):
    """Issue 13, point 8: "Tom's notes" is not shown in Python's double quotes, nor C:\\data with a
    doubled backslash."""
    name = "Tom's notes on C:\\data"
    command = commands.AddCategory(name)
    assert command.label == f"Add category '{name}'"
    command.do(project)
    with pytest.raises(ValidationError) as error:
        project.add_category(name)
    assert f"a category named '{name}' already exists" in str(error.value)
