"""Listings a view reads: annotation_spans, annotation_rows (quotes cut by code points) and
find_documents (case-folded search of titles and texts)."""

import pytest

from annotator.core.project.annotations import AnnotationRow

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)


def _add(project, doc, cat, coder, start, end, note=""):
    return project.add_annotation(doc.id, cat.id, coder.id, start, end, note=note)


# -- annotation_spans --------------------------------------------------------------------------


def test_annotation_spans_are_lean_tuples_of_one_document(filled):
    project, (doc1, doc2), (alice, bob), cats = filled
    spans = project.annotation_spans(doc1.id)
    assert spans == [(a.id, a.start, a.end, a.category_id, a.annotator_id)
                     for a in project.annotations(document_id=doc1.id)]
    assert [(s[1], s[2], s[4]) for s in spans] == [(0, 5, alice.id), (6, 13, bob.id)]
    assert all(type(s) is tuple and len(s) == 5 for s in spans)
    [(_, start, end, category_id, annotator_id)] = project.annotation_spans(doc2.id)
    assert (start, end, category_id, annotator_id) == (8, 12, cats[0].id, alice.id)


def test_annotation_spans_are_ordered_by_start_end_and_id(filled):
    project, (doc1, _), (alice, bob), cats = filled
    late = _add(project, doc1, cats[2], bob, 20, 25)
    wide = _add(project, doc1, cats[0], bob, 0, 13)  # same start as "Hello", longer
    twins = sorted([_add(project, doc1, cats[3], alice, 15, 18).id, _add(project, doc1, cats[1], bob, 15, 18).id])
    spans = project.annotation_spans(doc1.id)
    assert [(s[1], s[2]) for s in spans] == [(0, 5), (0, 13), (6, 13), (15, 18), (15, 18), (20, 25)]
    assert [s[0] for s in spans[3:5]] == twins
    assert spans[1][0] == wide.id and spans[-1][0] == late.id


def test_annotation_spans_follow_changes_and_know_no_strangers(filled):
    project, (doc1, _), _, cats = filled
    first, second = project.annotation_spans(doc1.id)
    project.update_annotation(first[0], start=30, end=32, category_id=cats[3].id, by=first[4])
    project.delete_annotation(second[0], by=second[4])
    assert project.annotation_spans(doc1.id) == [(first[0], 30, 32, cats[3].id, first[4])]
    assert project.annotation_spans("no-such-document") == []


def test_a_document_without_annotations_has_no_spans(project):
    doc = project.add_document("Empty", "nothing marked").document
    assert project.annotation_spans(doc.id) == []


# -- annotation_rows ---------------------------------------------------------------------------


def test_annotation_rows_carry_titles_notes_and_quotes(filled):
    project, (doc1, doc2), (alice, bob), cats = filled
    rows = project.annotation_rows()
    assert all(isinstance(r, AnnotationRow) for r in rows)
    assert [(r.document_title, r.start, r.end, r.quote) for r in rows] == [
        ("One", 0, 5, "Hello"), ("One", 6, 13, "😀 world"), ("Two", 8, 12, "text")]
    by_id = {a.id: a for a in project.annotations()}
    for row in rows:
        ann = by_id[row.id]
        assert (row.document_id, row.category_id, row.annotator_id, row.note, row.modified) == (
            ann.document_id, ann.category_id, ann.annotator_id, ann.note, ann.modified)
    assert rows[1].note == "emoji inside" and rows[1].annotator_id == bob.id


def test_annotation_rows_follow_document_order_then_start(filled):
    project, (doc1, doc2), (alice, _), cats = filled
    _add(project, doc2, cats[1], alice, 0, 7)
    _add(project, doc1, cats[1], alice, 26, 31)  # starts after doc2's annotations, still listed first
    doc3 = project.add_document("Three", "Zed, added last").document
    _add(project, doc3, cats[0], alice, 0, 3)
    rows = project.annotation_rows()
    assert [(r.document_title, r.start) for r in rows] == [
        ("One", 0), ("One", 6), ("One", 26), ("Two", 0), ("Two", 8), ("Three", 0)]
    assert [r.quote for r in rows] == ["Hello", "😀 world", "claim", "Another", "text", "Zed"]


def test_annotation_rows_of_one_document(filled):
    project, (doc1, doc2), _, _ = filled
    assert [r.quote for r in project.annotation_rows(doc2.id)] == ["text"]
    assert [r.quote for r in project.annotation_rows(document_id=doc1.id)] == ["Hello", "😀 world"]
    assert project.annotation_rows("no-such-document") == []


def test_quotes_are_cut_by_code_points_and_an_emoji_counts_once(filled):
    project, (doc1, _), _, _ = filled
    assert [r.quote for r in project.annotation_rows(doc1.id, quote_limit=3)] == ["Hel", "😀 w"]
    assert [r.quote for r in project.annotation_rows(doc1.id, quote_limit=1)] == ["H", "😀"]
    assert [r.quote for r in project.annotation_rows(doc1.id, quote_limit=7)] == ["Hello", "😀 world"]
    # cutting the quote leaves the offsets alone
    assert [(r.start, r.end) for r in project.annotation_rows(doc1.id, quote_limit=1)] == [(0, 5), (6, 13)]


def test_the_default_quote_limit_is_200_code_points(project):
    text = "📈" * 150 + " then plain text " + "x" * 300
    doc = project.add_document("Long", text).document
    cat = project.categories()[0]
    coder = project.add_annotator("alice")
    _add(project, doc, cat, coder, 0, len(text))
    _add(project, doc, cat, coder, 149, 160)
    whole, short = project.annotation_rows(doc.id)
    assert whole.quote == text[:200] and len(whole.quote) == 200  # 150 emoji + 50 more
    assert whole.quote.count("📈") == 150
    assert short.quote == "📈 then plai" == text[149:160]
    [everything] = [r for r in project.annotation_rows(doc.id, quote_limit=10_000) if r.id == whole.id]
    assert everything.quote == text


def test_quotes_keep_no_break_spaces_and_line_breaks(project):
    text = "Price:\u00a0£3\nnext “line”"
    doc = project.add_document("NBSP", text).document
    _add(project, doc, project.categories()[0], project.add_annotator("a"), 0, len(text))
    assert project.annotation_rows(doc.id)[0].quote == text


def test_an_empty_project_has_no_rows(project):
    assert project.annotation_rows() == []


# -- find_documents ----------------------------------------------------------------------------


def test_find_documents_ignores_case_in_texts_and_titles(filled):
    project, (doc1, doc2), _, _ = filled
    assert project.find_documents("hello") == {doc1.id}
    assert project.find_documents("HELLO WORLD") == set()  # an emoji stands between the words
    assert project.find_documents("hello 😀 WORLD") == {doc1.id}
    assert project.find_documents("two") == {doc2.id}  # the title only
    assert project.find_documents("text") == {doc2.id}
    assert project.find_documents("“QUOTED”") == {doc1.id}
    assert project.find_documents("nbsp:\u00a0here") == {doc2.id}
    assert project.find_documents("nbsp: here") == set()  # a plain space is not a no-break space


def test_find_documents_folds_case_beyond_ascii(project):
    ecole = project.add_document("Rentrée", "La rentrée à l’école est lundi.").document
    title = project.add_document("ÉCOLE NORMALE", "A title in capitals.").document
    street = project.add_document("Adresse", "Hauptstraße 5").document
    project.add_document("Other", "Nothing here.")
    assert project.find_documents("École") == {ecole.id, title.id}
    assert project.find_documents("école normale") == {title.id}
    assert project.find_documents("HAUPTSTRASSE") == {street.id}  # case folding: ß is ss


def test_find_documents_empty_query_and_no_match(filled):
    project, (doc1, doc2), _, _ = filled
    assert project.find_documents("") == {doc1.id, doc2.id}
    assert project.find_documents("no such words") == set()
    assert isinstance(project.find_documents("hello"), set)


def test_find_documents_in_an_empty_project(project):
    assert project.find_documents("") == set()
    assert project.find_documents("anything") == set()
