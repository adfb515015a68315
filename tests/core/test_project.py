"""The core API: documents, annotators, categories, annotations, transactions, crash safety."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.project.project import NewDocument, Project
from annotator.core.text import sha256_text

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

# -- documents -----------------------------------------------------------------------------


def test_documents_are_normalised_hashed_and_listed_in_order(project):
    raw = "\ufeffTitle\r\nline\rnext\u2029para with NBSP\u00a0and “quotes” 😀  \n"
    added = project.add_documents([NewDocument("A", raw, "a.txt", {"k": 1}), NewDocument("B", "second")])
    assert [a.created for a in added] == [True, True]
    doc = project.document(added[0].document.id)
    assert doc.text == "Title\nline\nnext\npara with NBSP\u00a0and “quotes” 😀  \n"
    assert doc.sha256 == sha256_text(doc.text)
    assert doc.length == len(doc.text)
    assert (doc.source, doc.meta) == ("a.txt", {"k": 1})
    assert [d.title for d in project.documents()] == ["A", "B"]


def test_same_text_is_not_added_twice(project):
    first = project.add_document("A", "same text\n").document
    again = project.add_documents([NewDocument("B", "same text\r\n"), NewDocument("C", "new"),
                                   NewDocument("D", "new")])
    assert [(a.created, a.document.title) for a in again] == [(False, "A"), (True, "C"), (False, "C")]
    assert again[0].document.id == first.id
    assert project.counts().documents == 2


def test_empty_document_refuses_the_whole_batch(project):
    with pytest.raises(ValidationError, match="has no text"):
        project.add_documents([NewDocument("ok", "fine"), NewDocument("blank", " \n\t")])
    assert project.documents() == []


def test_unknown_document_id(project):
    with pytest.raises(NotFoundError, match="no document with id nope"):
        project.document("nope")


# -- annotators ----------------------------------------------------------------------------


def test_annotators(project):
    alice = project.add_annotator(" alice ")
    assert alice.name == "alice"
    assert project.annotator_named("alice").id == alice.id
    bob = project.annotator_named("bob")
    assert [a.name for a in project.annotators()] == ["alice", "bob"]
    assert bob.id != alice.id
    with pytest.raises(ValidationError, match="needs a name"):
        project.add_annotator("  ")


# -- categories ----------------------------------------------------------------------------


def test_category_rules(project):
    top = project.add_category("Framing", colour="#ABC", shortcut="G")
    assert top.colour == "#aabbcc"
    child = project.add_category("Blame", parent_id=top.id)
    assert child.colour not in {c.colour for c in project.categories() if c.id != child.id}
    project.add_category("blame")  # same name, other parent: fine
    with pytest.raises(ValidationError, match="already exists under the same parent"):
        project.add_category("BLAME", parent_id=top.id)
    with pytest.raises(ValidationError, match="needs a name"):
        project.add_category("   ")
    with pytest.raises(ValidationError, match="invalid colour"):
        project.add_category("X", colour="blue")
    with pytest.raises(ValidationError, match="already used by category 'Framing'"):
        project.add_category("Y", shortcut="g")
    with pytest.raises(NotFoundError):
        project.add_category("Z", parent_id="missing")
    with pytest.raises(ValidationError, match="under itself"):
        project.update_category(top.id, parent_id=child.id)


def test_rename_recolour_reorder(project):
    cats = project.categories()
    project.rename_category(cats[0].id, "Fact")
    project.recolour_category(cats[0].id, "#112233")
    assert (project.category(cats[0].id).name, project.category(cats[0].id).colour) == ("Fact", "#112233")
    with pytest.raises(ValidationError, match="already exists"):
        project.rename_category(cats[1].id, "fact")
    order = [c.id for c in reversed(cats)]
    project.reorder_categories(order)
    assert [c.id for c in project.categories()] == order


def test_categories_come_in_tree_order(project):
    project_cats = project.categories()
    parent = project_cats[1]
    kid = project.add_category("Sub", parent_id=parent.id)
    names = [c.name for c in project.categories()]
    assert names.index("Sub") == names.index(parent.name) + 1
    assert project.category(kid.id).parent_id == parent.id


def test_delete_category_refused_while_used_unless_reassigned_or_deleted(filled):
    project, docs, coders, cats = filled
    used = project.count_annotations(category_id=cats[0].id)
    with pytest.raises(ValidationError, match=f"used by {used} annotation"):
        project.delete_category(cats[0].id)
    project.delete_category(cats[0].id, reassign_to=cats[2].id)
    assert project.count_annotations(category_id=cats[2].id) == used
    project.delete_category(cats[1].id, delete_annotations=True)
    assert project.count_annotations() == used
    assert [c.id for c in project.categories()] == [cats[2].id, cats[3].id]


def test_delete_category_with_subcategories_is_refused(project):
    parent = project.categories()[0]
    project.add_category("Sub", parent_id=parent.id)
    with pytest.raises(ValidationError, match="has subcategories"):
        project.delete_category(parent.id)


# -- annotations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, message",
    [(-1, 3, "before the beginning"), (0, 999, "past the end"), (4, 4, "must be before"), (5, 2, "must be before"),
     (True, 3, "whole numbers"), (0.0, 3, "whole numbers")],
)
def test_bad_spans_are_refused(filled, start, end, message):
    project, (doc, _), (alice, _), cats = filled
    with pytest.raises(ValidationError, match=message):
        project.add_annotation(doc.id, cats[0].id, alice.id, start, end)


def test_unknown_references_are_refused(filled):
    project, (doc, _), (alice, _), cats = filled
    with pytest.raises(NotFoundError, match="no document"):
        project.add_annotation("x", cats[0].id, alice.id, 0, 1)
    with pytest.raises(NotFoundError, match="no category"):
        project.add_annotation(doc.id, "x", alice.id, 0, 1)
    with pytest.raises(NotFoundError, match="no annotator"):
        project.add_annotation(doc.id, cats[0].id, "x", 0, 1)


def test_offsets_are_code_points_and_the_end_may_be_the_text_length(filled):
    project, (doc, _), (alice, _), cats = filled
    text = project.document(doc.id).text
    emoji = text.index("😀")
    ann = project.add_annotation(doc.id, cats[2].id, alice.id, emoji, emoji + 1)
    assert text[ann.start:ann.end] == "😀"
    last = project.add_annotation(doc.id, cats[2].id, alice.id, len(text) - 1, len(text))
    assert last.end == doc.length


def test_bulk_add_is_all_or_nothing(filled):
    project, (doc, _), (alice, _), cats = filled
    before = project.count_annotations()
    rows = [dict(document_id=doc.id, category_id=cats[0].id, annotator_id=alice.id, start=i, end=i + 2)
            for i in range(10)]
    rows.append(dict(document_id=doc.id, category_id=cats[0].id, annotator_id=alice.id, start=3, end=10_000))
    with pytest.raises(ValidationError, match="annotation 11: end 10000 is past the end"):
        project.add_annotations(rows)
    assert project.count_annotations() == before
    ids = project.add_annotations(rows[:10])
    assert len(set(ids)) == 10
    assert project.count_annotations() == before + 10


def test_duplicate_annotation_id_is_refused(filled):
    project, (doc, _), (alice, _), cats = filled
    existing = project.annotations()[0].id
    with pytest.raises(ValidationError, match="already exists"):
        project.add_annotation(doc.id, cats[0].id, alice.id, 0, 1, id=existing)


def test_queries_and_counts(filled):
    project, (doc1, doc2), (alice, bob), cats = filled
    assert [a.start for a in project.annotations(document_id=doc1.id)] == [0, 6]
    assert {a.document_id for a in project.annotations(category_id=cats[0].id)} == {doc1.id, doc2.id}
    assert [a.annotator_id for a in project.annotations(annotator_id=bob.id)] == [bob.id]
    assert project.count_annotations(document_id=doc1.id, annotator_id=alice.id) == 1
    assert project.annotation_counts_by_document() == {doc1.id: 2, doc2.id: 1}
    assert project.annotation_counts_by_category() == {cats[0].id: 2, cats[1].id: 1}
    counts = project.counts()
    assert (counts.documents, counts.annotators, counts.annotations) == (2, 2, 3)
    assert {d.id: d.annotation_count for d in project.documents()} == {doc1.id: 2, doc2.id: 1}


def test_update_and_delete(filled):
    project, (doc, _), _, cats = filled
    ann = project.annotations(document_id=doc.id)[0]
    updated = project.update_annotation(ann.id, category_id=cats[3].id, end=6, note="n", attributes={},
                                       by=ann.annotator_id)
    assert (updated.category_id, updated.start, updated.end, updated.note, updated.attributes) == \
        (cats[3].id, 0, 6, "n", {})
    assert updated.modified > ann.modified
    with pytest.raises(ValidationError, match="must be before"):
        project.update_annotation(ann.id, start=6, by=ann.annotator_id)
    assert project.annotation(ann.id).start == 0
    row = project.delete_annotation(ann.id, by=ann.annotator_id)
    assert row["id"] == ann.id
    with pytest.raises(NotFoundError):
        project.annotation(ann.id)
    with pytest.raises(NotFoundError):
        project.delete_annotations([project.annotations()[0].id, "missing"], by=ann.annotator_id)
    assert project.count_annotations() == 2  # the failed call deleted nothing


def test_bulk_update_rolls_back_whole(filled):
    project, _, (alice, _), _ = filled
    anns = project.annotations(annotator_id=alice.id)
    with pytest.raises(ValidationError):
        project.update_annotations([(anns[0].id, {"note": "changed"}), (anns[1].id, {"start": -5})], by=alice.id)
    assert project.annotation(anns[0].id).note == ""


def test_a_killed_process_loses_nothing_it_committed(tmp_path):
    path = tmp_path / "crash.annotator"
    script = textwrap.dedent(f"""
        import os, sys
        from annotator.core.schema.templates import create_project
        p = create_project({str(path)!r})
        d = p.add_document("T", "some text to annotate").document
        a = p.add_annotator("alice")
        c = p.categories()[0]
        for i in range(5):
            p.add_annotation(d.id, c.id, a.id, i, i + 4)
        print("committed", flush=True)
        sys.stdin.read()  # wait to be killed
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "committed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Project.open(path) as project:
        assert project.count_annotations() == 5


# -- what a project may hold: exactly what its export can carry ---------------------------------


@pytest.mark.parametrize("note, message", [
    ("bell \x07 inside", "contains control characters"),
    ("lone \ud800 surrogate", "invalid Unicode"),
    ("x" * 100_001, "too long (100,001 characters; at most 100,000)"),
])
def test_notes_the_export_could_not_carry_are_refused(filled, note, message):
    project, (doc, _), (alice, _), cats = filled
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        project.add_annotation(doc.id, cats[0].id, alice.id, 0, 3, note=note)


def test_notes_keep_tabs_and_newlines_and_lose_carriage_returns(filled):
    project, (doc, _), (alice, _), cats = filled
    ann = project.add_annotation(doc.id, cats[0].id, alice.id, 0, 3, note="a\tb\r\nc")
    assert ann.note == "a\tb\nc"


def test_names_are_checked_and_titles_from_files_are_cleaned(project):
    with pytest.raises(ValidationError, match="control characters"):
        project.add_annotator("al\x1bice")
    with pytest.raises(ValidationError, match="too long"):
        project.add_category("n" * 201)
    with pytest.raises(ValidationError, match="control characters"):
        project.add_category("ok", description="bad \x00 byte")
    added = project.add_document("Title\x0cwith form feed\nand a line", "text", source="a\tb.pdf").document
    assert (added.title, added.source) == ("Title with form feed and a line", "a b.pdf")
    with pytest.raises(ValidationError, match="NUL"):
        project.add_document("T", "text with \x00 NUL")


def test_the_export_schema_uses_the_same_limits_as_the_project():
    from annotator.core import resources
    from annotator.core.text import LIMITS

    schema = resources.read_json("formats", "annotator-export-v1.schema.json")["properties"]

    def limit(section, field):
        return schema[section]["items"]["properties"][field]["maxLength"]

    assert limit("categories", "name") == limit("annotators", "name") == LIMITS["name"]
    assert limit("documents", "title") == limit("projects", "name") == LIMITS["title"]
    assert limit("documents", "source") == LIMITS["source"]
    assert limit("annotations", "note") == limit("categories", "description") == LIMITS["note"]


def test_settings_are_kept_with_who_set_them_and_unknown_ones_are_refused(project):
    from sqlmodel import select

    from annotator.core.errors import ValidationError
    from annotator.core.storage.tables import ProjectSetting

    lead = project.add_annotator("lead")
    assert project.setting("lead_override") is None and project.setting("lead_override", False) is False
    project.set_setting("lead_override", True, by=lead.id)
    project.set_setting("lead_override", False, by=lead.id)
    assert project.setting("lead_override") is False
    with project.transaction() as tx:
        [row] = tx.session.exec(select(ProjectSetting)).all()
        assert (row.key, row.value, row.modified_by) == ("lead_override", False, lead.id)
    with pytest.raises(ValidationError, match="unknown project setting 'blnd'"):
        project.set_setting("blnd", True)
    with pytest.raises(ValidationError, match="unknown project setting"):
        project.setting("blnd")
