"""Issue 14, points 3 and 4: the coder list (counts, last activity), the one name rule for a new or
renamed coder, renaming (undoable, shown in later exports) and imports that keep coders by id."""

import pytest

from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import build_export, write_export
from annotator.core.project import commands
from annotator.core.project.changes import NOTHING
from annotator.core.schema.templates import create_project

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)


@pytest.mark.parametrize("taken", ["Alice", "alice", " ALICE ", "\tAlice\n"])
def test_a_new_coder_whose_name_differs_only_by_case_or_spaces_is_refused(project, taken):
    project.add_annotator("alice")
    with pytest.raises(ValidationError, match="a coder named 'alice' already exists"):
        project.add_annotator(taken)
    with pytest.raises(ValidationError, match="already exists"):
        project.check_annotator_name(taken)
    assert [a.name for a in project.annotators()] == ["alice"]


def test_other_names_are_new_coders_and_the_lookup_ignores_case_and_spaces(project):
    alice = project.add_annotator("Alice")
    project.add_annotator("Alice B")  # another name: only case and surrounding spaces make it the same
    assert project.check_annotator_name("  Bob ") == "Bob"
    assert project.find_annotator(" aLICE ").id == alice.id
    assert project.annotator_named("ALICE").id == alice.id
    assert project.find_annotator("carol") is None


def test_coders_list_counts_and_last_activity(filled):
    project, (doc, _), (alice, bob), cats = filled
    carol = project.add_annotator("carol")
    later = project.add_annotation(doc.id, cats[2].id, bob.id, 14, 20)
    first_of_alice = next(a for a in project.annotations() if a.annotator_id == alice.id)
    project.update_annotation(first_of_alice.id, note="changed later", by=alice.id)
    edited = project.annotation(first_of_alice.id)
    rows = {c.name: c for c in project.coders()}
    assert [c.name for c in project.coders()] == ["alice", "bob", "carol"]  # oldest first
    assert (rows["alice"].annotations, rows["bob"].annotations, rows["carol"].annotations) == (2, 2, 0)
    # the latest created or modified of their annotations
    assert rows["bob"].last_activity == max(later.created, later.modified)
    assert rows["alice"].last_activity == edited.modified > edited.created  # a change counts too
    assert rows["carol"].last_activity is None and rows["carol"].id == carol.id


def test_rename_is_undoable_and_may_change_the_case_of_its_own_name(filled, dump):
    project, _, (alice, bob), _ = filled
    before = dump(project)
    rename = commands.RenameAnnotator(alice.id, " Alice Smith ")
    changes = rename.do(project)
    assert changes.corpus  # every view shows coders' names
    assert {a.id: a.name for a in project.annotators()}[alice.id] == "Alice Smith"
    rename.undo(project)
    assert dump(project) == before
    rename.do(project)  # redo
    assert project.find_annotator("alice smith").id == alice.id
    assert project.rename_annotator(bob.id, "Bob").changes  # only the case: the same coder, allowed
    assert project.rename_annotator(bob.id, "Bob").changes == NOTHING  # the same name: nothing to do


def test_a_rename_to_another_coders_name_is_refused(filled):
    project, _, (alice, bob), _ = filled
    with pytest.raises(ValidationError, match="a coder named 'bob' already exists"):
        project.rename_annotator(alice.id, " BOB")
    with pytest.raises(ValidationError, match="needs a name"):
        project.rename_annotator(alice.id, "   ")
    with pytest.raises(NotFoundError):
        project.rename_annotator("no-such-id", "Zed")
    assert [a.name for a in project.annotators()] == ["alice", "bob"]


def test_exports_name_coders_by_id_so_a_rename_shows_in_later_exports(filled):
    project, _, (alice, _), _ = filled
    first = build_export(project)
    project.rename_annotator(alice.id, "Alice Smith")
    second = build_export(project)
    names = {c["id"]: c["name"] for c in second["annotators"]}
    assert {c["id"]: c["name"] for c in first["annotators"]}[alice.id] == "alice"
    assert names[alice.id] == "Alice Smith"
    # the annotations name the same id: they are Alice Smith's now
    assert [a["annotator_id"] for a in first["annotations"]] == [a["annotator_id"] for a in second["annotations"]]


def test_an_import_keeps_a_coder_by_id_even_when_a_coder_of_the_same_name_exists(filled, tmp_path):
    """Imports and merges are not refused because of a name: each coder is theirs by id."""
    project, _, (alice, _), _ = filled
    export = tmp_path / "other.json"
    with create_project(tmp_path / "other.annotator") as other:
        for doc in project.documents():
            other.add_document(doc.title, project.document(doc.id).text)
        other_alice = other.add_annotator("Alice ")  # the same name on another machine: another coder
        doc = other.documents()[0]
        other.add_annotation(doc.id, other.categories()[0].id, other_alice.id, 0, 3)
        write_export(other, export)
    report = import_annotations(project, [export])
    assert report.annotators_added == 1
    assert sorted(a.id for a in project.annotators() if a.name.strip().casefold() == "alice") == \
        sorted([alice.id, other_alice.id])
