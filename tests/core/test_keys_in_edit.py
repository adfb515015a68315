"""Issue 16, point 2: an edit keys its own annotations for the table in its own write transaction
(``Project.hold_texts``: from the text the caller holds, read from nowhere), so the GUI's edit
commits once; only when every other annotation is keyed already (the keys' invariant: no unkeyed
row below the highest keyed), else the next table query keys them all, as before."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from annotator.core.project.annotation_table import TableQuery

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

TEXT = "Alpha beta gamma. Ünïcode 😀 delta and epsilon.\n" * 20


@pytest.fixture
def doc(project):
    return project.add_document("Doc", TEXT).document


@pytest.fixture
def coder(project):
    return project.add_annotator("ann").id


@pytest.fixture
def traced(project):
    statements: list[str] = []
    engine = project._engine
    engine.dispose()
    event.listen(engine, "connect", lambda connection, _: connection.set_trace_callback(statements.append))
    return statements


def add(project, doc, coder, start, end, n=1):
    cat = project.categories()[0].id
    return project.add_annotations([dict(document_id=doc.id, category_id=cat, annotator_id=coder,
                                         start=start + i, end=end + i) for i in range(n)])


def quotes(project, doc):
    query = TableQuery(document_id=doc.id)
    return [row.quote for row in project.table_page(query, 0, 1000)]


def writes(statements):
    return [s for s in statements if s.strip().upper() == "BEGIN IMMEDIATE"]


def reads_text(statements):
    return [s for s in statements if "text FROM documents" in s or "documents.text" in s]


@pytest.mark.engines("sqlite")  # sqlite3's trace of the statements
def test_an_edit_keys_its_rows_in_its_own_transaction_from_the_held_text(project, doc, coder, traced):
    add(project, doc, coder, 0, 5)
    project.refresh_annotation_keys()  # the table's first query: keys checked
    project.hold_texts(lambda: {doc.id: TEXT})
    traced.clear()
    [new] = add(project, doc, coder, 18, 25)
    assert len(writes(traced)) == 1 and reads_text(traced) == []
    assert project.annotation_keys_current()  # keyed already: the table's next query writes nothing
    traced.clear()
    project.update_annotation(new, start=19, end=30, by=coder)
    assert len(writes(traced)) == 1 and reads_text(traced) == []
    assert project.annotation_keys_current()
    assert quotes(project, doc) == ["Alpha", "nïcode 😀 de"]


def test_without_held_texts_an_edit_leaves_its_keys_to_the_next_query(project, doc, coder):
    add(project, doc, coder, 0, 5)
    project.refresh_annotation_keys()
    add(project, doc, coder, 18, 25)
    assert not project.annotation_keys_current()
    assert quotes(project, doc) == ["Alpha", "Ünïcode"]


def test_an_edit_behind_unkeyed_rows_leaves_every_key_to_the_catch_up(project, doc, coder):
    """Keying only the edit's row would raise the highest keyed rowid over rows never keyed."""
    add(project, doc, coder, 0, 5)
    project.refresh_annotation_keys()
    add(project, doc, coder, 6, 10, n=5)  # by another program, say: not keyed
    project.hold_texts(lambda: {doc.id: TEXT})
    add(project, doc, coder, 18, 25)
    assert len(quotes(project, doc)) == 7 and project.annotation_keys_current()


@pytest.mark.engines("sqlite")  # sqlite3's trace of the statements
def test_an_edit_in_a_document_whose_text_is_not_held_is_keyed_later(project, doc, coder, traced):
    other = project.add_document("Other", "Another text, short.").document
    add(project, doc, coder, 0, 5)
    project.refresh_annotation_keys()
    project.hold_texts(lambda: {doc.id: TEXT})
    add(project, other, coder, 0, 7)
    assert not project.annotation_keys_current()
    assert quotes(project, other) == ["Another"]


def test_an_annotation_added_and_changed_before_it_is_keyed_is_keyed_once(project, doc, coder):
    """It is new (above the highest keyed rowid) and listed changed: main keyed it twice
    (sqlite3.IntegrityError at the table's next query)."""
    add(project, doc, coder, 0, 5)
    project.refresh_annotation_keys()
    [new] = add(project, doc, coder, 18, 25)
    project.update_annotation(new, note="changed", by=coder)
    assert project.refresh_annotation_keys() == 1
    assert project.annotation_keys_current() and quotes(project, doc) == ["Alpha", "Ünïcode"]
