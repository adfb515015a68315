"""The annotation table's keys and the documents' filter on a server (issue 19, survey items S7, S8,
S10): what only a server can show, several clients writing at once. Real server; no mocks.

On a file, an annotation is keyed when its rowid is above the highest keyed one. On a server a
row's identity is taken at insert, not at commit, so a transaction that commits late holds a lower
rowid than rows already keyed: the triggers list it, and it is keyed all the same.
"""

from __future__ import annotations

import psycopg

from annotator.core.project.annotation_table import TableQuery
from annotator.core.schema.templates import create_project
from tests.pg.cluster import require_psycopg

require_psycopg()


def test_a_row_committed_after_later_rows_were_keyed_is_keyed_too(pg_url):
    with create_project(pg_url) as project:
        doc = project.add_document("Doc", "one two three four five six").document
        coder, cat = project.add_annotator("alice").id, project.categories()[0].id
        project.add_annotation(doc.id, cat, coder, 0, 3)
        assert project.table_count(TableQuery()) == 1
        with psycopg.connect(pg_url) as late:  # another client, its transaction still open
            late.execute('INSERT INTO annotations (id, document_id, category_id, annotator_id, start, "end", note,'
                         " attributes, created, modified) VALUES ('late', %s, %s, %s, 4, 7, 'Später', '{}',"
                         " '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')", (doc.id, cat, coder))
            project.add_annotation(doc.id, cat, coder, 8, 13)  # a higher rowid, committed and keyed first
            assert project.table_count(TableQuery()) == 2
            late.commit()
        assert project.annotation_keys_waiting() == 1
        assert project.table_count(TableQuery()) == 3
        assert [r.id for r in project.table_page(TableQuery(text="SPÄT"), 0, 10)] == ["late"]
        assert [r.quote for r in project.table_page(TableQuery(column="quote"), 0, 10)] == ["one", "three", "two"]
        assert project.annotation_keys_current()


def test_changed_and_deleted_rows_are_keyed_again_and_forgotten(pg_url):
    with create_project(pg_url) as project:
        doc = project.add_document("Doc", "alpha beta gamma delta").document
        coder, cat = project.add_annotator("alice").id, project.categories()[0].id
        first = project.add_annotation(doc.id, cat, coder, 0, 5, note="Straße")
        second = project.add_annotation(doc.id, cat, coder, 6, 10)
        assert [r.id for r in project.table_page(TableQuery(text="strasse"), 0, 10)] == [first.id]
        project.update_annotation(first.id, note="plain", by=coder)
        project.update_annotation(second.id, start=11, end=16, by=coder)
        assert project.table_page(TableQuery(text="strasse"), 0, 10) == []
        assert [r.quote for r in project.table_page(TableQuery(text="gam"), 0, 10)] == ["gamma"]
        project.delete_annotation(second.id, by=coder)
        assert project.table_count(TableQuery()) == 1
        with psycopg.connect(pg_url) as conn:
            counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("annotation_keys", "annotation_search", "annotation_keys_stale")]
        assert counts == [1, 1, 0]


def test_the_documents_filter_reads_the_folded_copy_and_folds_like_python(pg_url):
    with create_project(pg_url) as project:
        ids = [project.add_document(title, text).document.id for title, text in
               (("Straße", "GROSSE Freude"), ("Σίσυφος", "ΟΔΥΣΣΕΥΣ"), ("ﬁ", "x"))]
        for pending in (True, False):
            assert project.find_documents("strasse") == {ids[0]}
            assert project.find_documents("οδυσσευσ") == {ids[1]}  # the final sigma folds to σ
            assert project.find_documents("FI") == {ids[2]} and project.find_documents("ß") == {ids[0]}
            assert project.find_documents("%") == set() and project.find_documents("_") == set()
            assert project.documents_to_index() == (3 if pending else 0)
            project.index_documents()
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("SELECT title, text FROM document_search ORDER BY rowid").fetchall()[0] == \
                ("strasse", "grosse freude")
