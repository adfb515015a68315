"""Issue 16, point 2 (the first keying of a large corpus): the annotation table's keys can be
made in slices (``Project.make_annotation_keys``, which the GUI runs in idle time) and come out
the same as made at once, edits between the slices included; the table's queries key nothing
while the slices run (``keys_in_idle``)."""

from __future__ import annotations

import shutil

import pytest

from annotator.core.project.annotation_table import TableQuery
from annotator.core.project.project import Project

TEXTS = ["Évidence forte 😀 et claire. " * 30, "Second text, with “quotes” and words. " * 30]


@pytest.fixture
def pair(project, tmp_path):
    """The same project twice, with 300 annotations not keyed yet."""
    docs = [project.add_document(f"Doc {n}", text).document for n, text in enumerate(TEXTS)]
    coder = project.add_annotator("ann").id
    cats = [c.id for c in project.categories()]
    project.add_annotations([dict(id=f"a{n:03}", document_id=docs[n % 2].id, category_id=cats[n % len(cats)],
                                  annotator_id=coder, start=n, end=n + 5 + n % 40, note=f"note {n}")
                             for n in range(300)])
    project.checkpoint()
    shutil.copyfile(project.path, tmp_path / "copy.annotator")
    with Project.open(tmp_path / "copy.annotator") as copy:
        yield project, copy, docs, coder


def keys(project):
    with project._tx() as s:
        run = s.connection().connection.driver_connection.execute
        return (sorted(run("SELECT a.id, k.quote, k.quote_key, k.note_key, s.search FROM annotation_keys k"
                           " JOIN annotations a ON a.rowid = k.rid JOIN annotation_search s ON s.rid = k.rid")),
                sorted(run("SELECT a.id FROM annotation_fts f JOIN annotations a ON a.rowid = f.rowid"
                           " WHERE annotation_fts MATCH '\"vidence\"'")))


def edit(project, docs, coder):
    project.add_annotation(docs[1].id, project.categories()[0].id, coder, 40, 52, note="ajoutée", id="new")
    project.update_annotation("a010", start=2, end=30, note="changée", by=coder)
    project.delete_annotation("a200", by=coder)


def test_keys_made_in_slices_equal_keys_made_at_once(pair):
    at_once, sliced, docs, coder = pair
    assert at_once.refresh_annotation_keys() == 300
    slices = []
    while not slices or slices[-1] == 7:
        slices.append(sliced.make_annotation_keys(7))
    assert sum(slices) == 300 and sliced.annotation_keys_waiting() == 0
    assert keys(sliced) == keys(at_once)


def test_edits_between_slices_keep_the_keys_right(pair):
    at_once, sliced, docs, coder = pair
    sliced.keys_in_idle = True
    assert sliced.make_annotation_keys(50) == 50
    edit(sliced, docs, coder)  # one new, one keyed already changed, one deleted
    sliced.update_annotation("a250", note="not keyed yet", by=coder)
    query = TableQuery(document_id=docs[0].id)
    assert sliced.table_count(query) == 149  # counted over the annotations (a200 gone): no keys needed
    assert sliced.annotation_keys_waiting() == 300 - 50 + 1 + 1 - 1 + 1  # a250 is listed stale too
    while sliced.make_annotation_keys(64) == 64:
        pass
    sliced.keys_in_idle = False
    edit(at_once, docs, coder)
    at_once.update_annotation("a250", note="not keyed yet", by=coder)
    at_once.refresh_annotation_keys()
    assert sliced.annotation_keys_current() and keys(sliced) == keys(at_once)
    assert [r.id for r in sliced.table_page(query, 0, 500)] == [r.id for r in at_once.table_page(query, 0, 500)]


def test_the_queries_key_nothing_while_the_slices_run(pair):
    _, sliced, docs, _ = pair
    sliced.keys_in_idle = True
    assert sliced.refresh_annotation_keys() == 0 and sliced.annotation_keys_waiting() == 300
