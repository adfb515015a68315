"""Issue 14, point 1: each coder's annotations are their own. A change or deletion names the acting
coder; another coder's annotation is refused ("this annotation is Alice's; you are Bob") unless the
project's lead_override is on, and then modified_by records who changed it."""

import pytest

from annotator.core.errors import OwnershipError, ValidationError, user_message
from annotator.core.project import commands

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

REFUSED = "^this annotation is alice's; you are bob "


def alices(project, alice):
    return next(a for a in project.annotations(annotator_id=alice.id))


def test_another_coders_annotation_cannot_be_changed_or_deleted(filled, dump):
    project, _, (alice, bob), cats = filled
    ann = alices(project, alice)
    before = dump(project)
    with pytest.raises(OwnershipError, match=REFUSED):
        project.update_annotation(ann.id, note="mine now", by=bob.id)
    with pytest.raises(OwnershipError, match=REFUSED):
        project.update_annotations([(ann.id, {"category_id": cats[3].id})], by=bob.id)
    with pytest.raises(OwnershipError, match=REFUSED):
        project.delete_annotation(ann.id, by=bob.id)
    bobs = project.annotations(annotator_id=bob.id)[0]
    with pytest.raises(OwnershipError, match=REFUSED):  # one of them is Alice's: nothing is deleted
        project.delete_annotations([bobs.id, ann.id], by=bob.id)
    assert dump(project) == before


def test_the_refusal_is_one_plain_line_naming_both_coders_and_the_way_out(filled):
    project, _, (alice, bob), _ = filled
    with pytest.raises(OwnershipError) as refused:
        project.delete_annotation(alices(project, alice).id, by=bob.id)
    message = user_message(refused.value)
    assert "\n" not in message and "alice's" in message and "you are bob" in message and "lead_override" in message


def test_every_edit_must_name_its_coder(filled):
    project, _, (alice, _), _ = filled
    ann = alices(project, alice)
    with pytest.raises(TypeError):
        project.update_annotation(ann.id, note="x")
    with pytest.raises(TypeError):
        project.delete_annotations([ann.id])
    with pytest.raises(ValidationError, match="must name the coder"):
        project.update_annotation(ann.id, note="x", by=None)
    with pytest.raises(TypeError):
        commands.UpdateAnnotation(ann.id, note="x")


def test_a_coders_own_change_records_them_as_modified_by(filled):
    project, _, (alice, _), _ = filled
    ann = alices(project, alice)
    assert ann.modified_by is None
    changed = project.update_annotation(ann.id, note="why", by=alice.id)
    assert (changed.annotator_id, changed.modified_by, changed.note) == (alice.id, alice.id, "why")


def test_with_the_lead_override_on_the_change_is_allowed_and_records_who_made_it(filled):
    project, _, (alice, bob), cats = filled
    ann = alices(project, alice)
    project.set_setting("lead_override", True, by=bob.id)
    changed = project.update_annotation(ann.id, category_id=cats[3].id, by=bob.id)
    assert (changed.annotator_id, changed.modified_by, changed.category_id) == (alice.id, bob.id, cats[3].id)
    project.delete_annotation(ann.id, by=bob.id)
    assert project.count_annotations(annotator_id=alice.id) == 1
    project.set_setting("lead_override", False, by=bob.id)  # off again: refused again
    with pytest.raises(OwnershipError):
        project.delete_annotation(alices(project, alice).id, by=bob.id)


def test_commands_are_refused_whole_and_undo_puts_modified_by_back(filled, dump):
    project, _, (alice, bob), cats = filled
    ann = alices(project, alice)
    before = dump(project)
    for command in (commands.UpdateAnnotation(ann.id, note="x", by=bob.id),
                    commands.DeleteAnnotations([ann.id], by=bob.id)):
        with pytest.raises(OwnershipError, match=REFUSED):
            command.do(project)
        assert dump(project) == before
    project.set_setting("lead_override", True, by=bob.id)
    before = dump(project)
    edit = commands.UpdateAnnotation(ann.id, note="cleaned up", by=bob.id)
    edit.do(project)
    assert project.annotation(ann.id).modified_by == bob.id
    edit.undo(project)
    assert dump(project) == before  # modified_by is None again, with the old modified time
    delete = commands.DeleteAnnotations([ann.id], by=bob.id)
    edit.do(project)
    after_edit = dump(project)
    delete.do(project)
    delete.undo(project)
    assert dump(project) == after_edit  # the restored row keeps modified_by = bob


def test_a_new_coder_given_with_a_name_gets_a_row_and_is_named_in_the_refusal(filled):
    project, _, (alice, _), _ = filled
    ann = alices(project, alice)
    with pytest.raises(OwnershipError, match="^this annotation is alice's; you are carol "):
        commands.UpdateAnnotation(ann.id, note="x", by=("c-1", "carol")).do(project)
    assert "carol" in {a.name for a in project.annotators()}


def test_undo_of_an_add_deletes_what_it_made_as_its_coders(filled, dump):
    project, (doc, _), (alice, bob), cats = filled
    add = commands.AddAnnotations([dict(document_id=doc.id, category_id=cats[0].id, annotator_id=bob.id,
                                        start=1, end=3)], annotator=(bob.id, bob.name))
    before = dump(project)
    add.do(project)
    add.undo(project)
    assert dump(project) == before


def test_once_the_project_has_a_lead_only_the_lead_changes_settings_and_renames_others(filled):
    project, _, (alice, bob), _ = filled
    project.set_setting("lead", alice.id, by=bob.id)  # no lead yet: any coder may name one
    with pytest.raises(OwnershipError, match="^only the project's lead, alice, may change the project's "
                                             "settings; you are bob$"):
        project.set_setting("blind_coding", True, by=bob.id)
    with pytest.raises(OwnershipError, match="say who you are"):
        project.set_setting("lead_override", True)
    with pytest.raises(OwnershipError, match="may rename other coders; you are bob"):
        project.rename_annotator(alice.id, "Alicia", by=bob.id)
    assert project.rename_annotator(bob.id, "Robert", by=bob.id).new_name == "Robert"  # oneself: always
    assert project.rename_annotator(bob.id, "bob", by=alice.id).new_name == "bob"
    project.set_setting("blind_coding", True, by=alice.id)
    project.set_setting("lead", None, by=alice.id)  # the lead gives up the role: anyone may again
    project.set_setting("blind_coding", False, by=bob.id)
    assert project.setting("blind_coding") is False
    with pytest.raises(ValidationError, match="must be one of its coders"):
        project.set_setting("lead", "00000000-0000-4000-8000-00000000dead", by=bob.id)


def test_with_a_lead_the_override_lets_only_the_lead_change_others_annotations(filled):
    project, _, (alice, bob), _ = filled
    carol = project.add_annotator("carol")
    project.set_setting("lead", carol.id, by=carol.id)
    project.set_setting("lead_override", True, by=carol.id)
    ann = alices(project, alice)
    with pytest.raises(OwnershipError, match="only the project's lead may change it"):
        project.update_annotation(ann.id, note="bob's cleanup", by=bob.id)
    project.update_annotation(ann.id, note="the lead's cleanup", by=carol.id)
    changed = project.annotation(ann.id)
    assert (changed.note, changed.annotator_id, changed.modified_by) == ("the lead's cleanup", alice.id, carol.id)


def test_the_lead_stays_in_its_project(filled, tmp_path):
    from annotator.core.exchange.export_file import build_export

    project, _, (alice, _), _ = filled
    project.set_setting("lead", alice.id, by=alice.id)
    project.set_setting("blind_coding", True, by=alice.id)
    assert build_export(project)["settings"] == {"blind_coding": True}
