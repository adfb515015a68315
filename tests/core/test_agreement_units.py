"""Units of disagreement (issue 15, point 2): overlapping spans grouped across coders, classified,
deterministic under input order."""

import random
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement.sources import load_sources, narrow
from annotator.core.agreement.units import UNIT_NAMESPACE, UnitSpan, document_units, unit_id, units
from annotator.core.exchange.export_file import write_export

AB = ["a", "b"]


def kinds(found):
    return [(u.start, u.end, u.kind) for u in found]


def test_identical_spans_of_every_coder_are_an_agreement():
    found = document_units("d", [("a", 0, 5, "X", "1"), ("b", 0, 5, "X", "2")], AB)
    assert kinds(found) == [(0, 5, "agreement")]
    assert found[0].coders == ("a", "b") and found[0].missing == () and found[0].categories == ("X",)


def test_same_category_different_extents_is_a_boundary_difference():
    assert kinds(document_units("d", [("a", 0, 5, "X"), ("b", 2, 7, "X")], AB)) == [(0, 7, "boundary")]


def test_different_categories_is_a_category_difference_across_categories_only():
    spans = [("a", 0, 5, "X"), ("b", 0, 5, "Y")]
    assert kinds(document_units("d", spans, AB)) == [(0, 5, "category")]
    # within one category, each coder's span stands alone and the other coder is missing from it
    per_cat = document_units("d", spans, AB, by="category")
    assert [(u.categories, u.kind, u.missing) for u in per_cat] == [(("X",), "partial", ("b",)),
                                                                    (("Y",), "partial", ("a",))]


def test_a_span_only_some_coders_marked_is_partial():
    found = document_units("d", [("a", 0, 5, "X"), ("b", 10, 12, "X")], ["a", "b", "c"])
    assert kinds(found) == [(0, 5, "partial"), (10, 12, "partial")]
    assert found[0].missing == ("b", "c") and found[1].missing == ("a", "c")
    # a considered coder with no span at all in the document makes every unit partial
    assert kinds(document_units("d", [("a", 0, 5, "X"), ("b", 0, 5, "X")], ["a", "b", "c"])) == [(0, 5, "partial")]
    # without the coders named, those in the spans are considered
    assert kinds(document_units("d", [("a", 0, 5, "X"), ("b", 0, 5, "X")])) == [(0, 5, "agreement")]


def test_a_chain_of_overlaps_is_one_unit_even_where_its_ends_do_not_overlap():
    # A [0,4) overlaps B [3,8) overlaps C [7,10); A and C share nothing
    found = document_units("d", [("a", 0, 4, "X"), ("b", 3, 8, "X"), ("a", 7, 10, "X")], AB)
    assert kinds(found) == [(0, 10, "boundary")] and found[0].several == ("a",)


def test_nested_spans_are_one_unit_and_a_coder_with_two_spans_never_agrees():
    found = document_units("d", [("a", 0, 10, "X"), ("b", 0, 10, "X"), ("b", 2, 4, "X")], AB)
    assert kinds(found) == [(0, 10, "boundary")] and found[0].several == ("b",)
    nested_other = document_units("d", [("a", 0, 10, "X"), ("b", 0, 10, "X"), ("b", 2, 4, "Y")], AB)
    assert kinds(nested_other) == [(0, 10, "category")]
    # by category the nested Y span is its own unit, and the X spans agree
    by_cat = document_units("d", [("a", 0, 10, "X"), ("b", 0, 10, "X"), ("b", 2, 4, "Y")], AB, by="category")
    assert [(u.start, u.end, u.categories, u.kind) for u in by_cat] == [(0, 10, ("X",), "agreement"),
                                                                        (2, 4, ("Y",), "partial")]
    # two annotations of one stretch by one coder (different ids) are two spans, never an agreement
    twice = document_units("d", [("a", 0, 5, "X", "1"), ("a", 0, 5, "X", "3"), ("b", 0, 5, "X", "2")], AB)
    assert kinds(twice) == [(0, 5, "boundary")] and twice[0].several == ("a",)


def test_touching_spans_are_two_units():
    found = document_units("d", [("a", 0, 5, "X"), ("b", 5, 9, "X")], AB)
    assert kinds(found) == [(0, 5, "partial"), (5, 9, "partial")]


def test_duplicates_empty_spans_and_coders_not_considered_are_dropped():
    found = document_units("d", [("a", 0, 5, "X", "1"), ("a", 0, 5, "X", "1"), ("b", 0, 5, "X", "2"),
                                 ("b", 3, 3, "X", "4"), ("c", 0, 9, "Y", "5")], AB)
    assert kinds(found) == [(0, 5, "agreement")] and len(found[0].spans) == 2
    with pytest.raises(ValueError, match="ends before it starts"):
        document_units("d", [("a", 5, 3, "X")])
    with pytest.raises(ValueError, match="by must be one of"):
        document_units("d", [], by="coder")


def test_the_id_is_a_uuid5_of_the_document_and_the_sorted_spans():
    spans = [("b", 2, 7, "X", "2"), ("a", 0, 5, "X", "1")]
    (unit,) = document_units("doc-1", spans, AB)
    expected = uuid.uuid5(UNIT_NAMESPACE, '["doc-1",[["a",0,5,"X","1"],["b",2,7,"X","2"]]]')
    assert unit.id == str(expected) == unit_id("doc-1", [UnitSpan(*s) for s in spans])
    assert UNIT_NAMESPACE == uuid.uuid5(uuid.NAMESPACE_URL, "annotator:agreement:unit")
    # another document, or another span, is another unit
    assert document_units("doc-2", spans, AB)[0].id != unit.id
    assert document_units("doc-1", [*spans, ("a", 6, 7, "X", "9")], AB)[0].id != unit.id
    # the id does not depend on which coders are considered (the kind does)
    (wider,) = document_units("doc-1", spans, ["a", "b", "c"])
    assert wider.id == unit.id and wider.kind == "partial"


span_rows = st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 30), st.integers(0, 8),
                               st.sampled_from("XYZ"), st.sampled_from(["1", "2", "", None])),
                     max_size=25).map(lambda rows: [(c, s, s + n, k, i) for c, s, n, k, i in rows])


@settings(max_examples=300, deadline=None)
@given(span_rows, st.randoms(use_true_random=False), st.sampled_from(["any", "category"]))
def test_the_same_spans_in_any_order_give_the_same_units(rows, rnd, by):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    coders = ["a", "b", "c"]
    reordered = list(coders)
    rnd.shuffle(reordered)
    first = document_units("d", rows, coders, by)
    assert first == document_units("d", shuffled, reordered, by)
    # and the units are maximal overlap groups covering every non-empty span once
    key = UnitSpan.sort_key
    non_empty = {UnitSpan(*r) for r in rows if r[1] < r[2]}
    assert sorted((s for u in first for s in u.spans), key=key) == sorted(non_empty, key=key)
    for u in first:
        for other in first:
            if u is not other and (by == "any" or u.categories == other.categories):
                assert not any(s.start < t.end and t.start < s.end for s in u.spans for t in other.spans)


def test_units_of_a_real_project_and_of_its_export_are_the_same(project, tmp_path):
    doc1 = project.add_document("One", "The minister denied any link to the new tax.").document
    doc2 = project.add_document("Two", "Critics disagreed loudly.").document
    alice, bob, carol = (project.add_annotator(n) for n in ("alice", "bob", "carol"))
    claim, other = project.categories()[:2]
    same_a = project.add_annotation(doc1.id, claim.id, alice.id, 0, 12)
    same_b = project.add_annotation(doc1.id, claim.id, bob.id, 0, 12)
    project.add_annotation(doc1.id, claim.id, alice.id, 20, 30)
    project.add_annotation(doc1.id, other.id, bob.id, 24, 44)
    project.add_annotation(doc2.id, claim.id, alice.id, 0, 7)
    project.add_annotation(doc2.id, claim.id, bob.id, 0, 17)
    project.add_annotation(doc2.id, other.id, carol.id, 8, 17)

    data = load_sources([project.path])
    found = units(data, coders={doc1.id: [alice.id, bob.id], doc2.id: [alice.id, bob.id, carol.id]})
    got = {(u.document, u.start, u.end): u.kind for u in found}
    assert got == {(doc1.id, 0, 12): "agreement", (doc1.id, 20, 44): "category", (doc2.id, 0, 17): "category"}
    agreed = next(u for u in found if u.kind == "agreement")
    assert {s.annotation_id for s in agreed.spans} == {same_a.id, same_b.id}
    assert [u.document for u in found] == sorted(u.document for u in found)

    write_export(project, tmp_path / "all.json")
    from_export = load_sources([tmp_path / "all.json"])
    assert units(from_export, coders={doc1.id: [alice.id, bob.id], doc2.id: [alice.id, bob.id, carol.id]}) == found
    # every coder who annotated is considered by default: carol is missing from doc1's units
    assert {u.kind for u in units(data) if u.document == doc1.id} == {"partial"}
    # narrowing keeps the annotation ids beside their spans
    only_doc2 = narrow(data, documents=[doc2.id], annotators=["alice", "bob"])
    assert [u.kind for u in units(only_doc2)] == ["boundary"]
    assert {s.annotation_id for u in units(only_doc2) for s in u.spans} <= set(data.annotation_ids)
    assert units(data, by="category", documents=[doc2.id], coders=lambda doc: [alice.id, bob.id])[0].kind == "boundary"


def test_shuffled_project_rows_give_the_same_units(filled):
    project = filled[0]
    data = load_sources([project.path])
    pairs = list(zip(data.spans, data.annotation_ids))
    random.Random(4).shuffle(pairs)
    shuffled = narrow(data)
    shuffled.spans, shuffled.annotation_ids = [p[0] for p in pairs], [p[1] for p in pairs]
    assert units(shuffled) == units(data) and units(data)


def test_a_span_without_an_annotation_id_and_one_with_an_empty_id_sort_the_same_in_any_order():
    rows = [("b", 0, 1, "X", ""), ("b", 0, 1, "X", None)]
    assert document_units("d", rows) == document_units("d", rows[::-1])
    assert [s.annotation_id for s in document_units("d", rows)[0].spans] == [None, ""]
