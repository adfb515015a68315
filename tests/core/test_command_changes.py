"""Every command's do and undo say what they changed (the window refreshes from that alone)."""

import pytest

from annotator.core.project import commands
from annotator.core.project.changes import Changes
from annotator.core.project.project import Project

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)


def span(doc, cat, coder, start, end):
    return dict(document_id=doc.id, category_id=cat.id, annotator_id=coder.id, start=start, end=end)


def test_annotation_commands_name_their_annotations_and_documents(filled):
    project, (doc, other), (alice, _), cats = filled
    add = commands.AddAnnotations([span(doc, cats[0], alice, 1, 3), span(other, cats[1], alice, 0, 2)])
    expected = Changes.of(add.ids, [doc.id, other.id])
    assert add.do(project) == expected and add.undo(project) == expected and add.do(project) == expected
    first = add.ids[0]
    edit = commands.UpdateAnnotation(first, note="why", by=alice.id)
    assert edit.do(project) == Changes.of([first], [doc.id]) == edit.undo(project)
    delete = commands.DeleteAnnotations([first], by=alice.id)
    assert delete.do(project) == Changes.of([first], [doc.id]) == delete.undo(project)


def test_category_commands_change_the_schema_and_the_annotations_they_move(filled):
    project, (doc, _), (alice, _), cats = filled
    add = commands.AddCategory("New")
    assert add.do(project) == Changes(schema=True) == add.undo(project)
    rename = commands.UpdateCategory(cats[0].id, name="Renamed")
    assert rename.do(project) == Changes(schema=True) == rename.undo(project)
    order = commands.ReorderCategories([c.id for c in project.categories() if c.parent_id is None][::-1])
    assert order.do(project) == Changes(schema=True) == order.undo(project)
    [ann_id] = project.add_annotations([span(doc, cats[0], alice, 0, 4)])
    merge = commands.MergeCategory(cats[0].id, cats[1].id)
    changed = merge.do(project)
    assert changed.schema and ann_id in changed.annotations and merge.undo(project) == changed
    delete = commands.DeleteCategory(cats[0].id, delete_annotations=True)
    changed = delete.do(project)
    assert changed.schema and ann_id in changed.annotations and doc.id in changed.documents
    assert delete.undo(project) == changed


def test_deleting_documents_changes_the_corpus(filled):
    project, (doc, _), _, _ = filled
    delete = commands.DeleteDocuments([doc.id])
    assert delete.do(project) == Changes.of(documents=[doc.id], corpus=True) == delete.undo(project)


def test_operations_that_write_carry_their_changes(project, tmp_path):
    from annotator.core.documents.importing import import_paths
    from annotator.core.exchange.apply import import_annotations
    from annotator.core.exchange.export_file import write_export
    from annotator.core.schema.apply import import_schema
    from annotator.core.schema.files import write_schema

    (tmp_path / "a.txt").write_text("A text.\n")
    report = import_paths(project, [tmp_path / "a.txt"])
    assert report.changes == Changes.of(documents=[report.added[0].id], corpus=True)
    assert not import_paths(project, [tmp_path / "a.txt"]).changes  # a duplicate changes nothing
    write_export(project, tmp_path / "team.json")
    assert not import_annotations(project, [tmp_path / "team.json"]).changes  # all there already
    write_schema(project, tmp_path / "schema.json")
    assert not import_schema(project, tmp_path / "schema.json").changes
    with Project.create(tmp_path / "empty.annotator") as empty:
        assert import_schema(empty, tmp_path / "schema.json").changes == Changes(schema=True)
        assert import_annotations(empty, [tmp_path / "team.json"]).changes == Changes(corpus=True)
