"""The reads a view makes of a long document a part at a time (issue 16, point 1): the spans
starting in a stretch (the same rows as the full read), how many start in each stretch, and which
annotations were stored since a mark, also when a new row takes the rowid of a deleted one."""

from __future__ import annotations

import random

import pytest

from annotator.core.project.project import NewDocument

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

TEXT = "word " * 4000


def fill(project):
    doc, other = (d.document for d in project.add_documents([NewDocument("d", TEXT), NewDocument("o", TEXT)]))
    cat = project.add_category("C").id
    coders = [project.add_annotator(name).id for name in ("ann", "bob")]
    rng = random.Random(5)
    rows = []
    for n in range(600):
        start = rng.randrange(len(TEXT) - 3000)
        rows.append(dict(document_id=doc.id if n % 5 else other.id, category_id=cat, annotator_id=coders[n % 2],
                         start=start, end=start + rng.choice([1, 30, 2500])))
    project.add_annotations(rows)
    return doc.id, coders


def test_the_spans_of_a_stretch_are_the_full_reads_rows_that_start_there(project):
    doc, coders = fill(project)
    for who in (None, coders[1]):
        full = project.annotation_spans(doc, who)
        parts = [row for low in range(0, len(TEXT) + 1, 1000)
                 for row in project.annotation_spans_window(doc, low, low + 1000, who)]
        assert sorted(parts) == sorted(full)
        assert all(1000 <= r[1] < 3000 for r in project.annotation_spans_window(doc, 1000, 3000, who))
        long = project.annotation_spans_window(doc, 0, len(TEXT) + 1, who, longer_than=2000)
        assert sorted(long) == sorted(r for r in full if r[2] - r[1] > 2000) and long


def test_starts_are_counted_by_stretch(project):
    doc, coders = fill(project)
    for who in (None, coders[0]):
        expected: dict[int, int] = {}
        for _, start, end, _, _ in project.annotation_spans(doc, who):
            if end - start <= 2000:
                expected[start // 512] = expected.get(start // 512, 0) + 1
        assert project.annotation_starts(doc, 512, 2000, who) == expected


def test_added_since_tells_new_rows_from_old_ones_after_a_deletion(project):
    doc, coders = fill(project)
    cat = project.categories()[0].id

    def add(start):
        [added] = project.add_annotations([dict(document_id=doc, category_id=cat, annotator_id=coders[0],
                                                start=start, end=start + 4)])
        return added

    top = add(0)  # the newest row when the mark is taken
    mark = project.annotation_mark()
    old = project.annotation_spans(doc)[0][0]
    new = add(10)
    assert project.added_since(mark, new) and not project.added_since(mark, old)
    assert not project.added_since(mark, top)
    project.delete_annotations([top, new], by=coders[0])
    assert not project.added_since(mark, top)  # gone
    mark = min(mark, project.annotation_mark())  # what the view does after a deletion
    again = add(20)  # SQLite gives it the rowid top had: new all the same
    assert project.added_since(mark, again) and not project.added_since(mark, old)
    assert not project.added_since(mark, "no such annotation")
