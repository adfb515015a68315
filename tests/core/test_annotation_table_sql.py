"""Issue 16, point 3: the annotation table is backed by the database. Its SQL queries (count, page,
position; core/project/annotation_table.py over the keys of core/storage/annotation_keys.py) give
the same rows in the same order as the table gave when it sorted and filtered in Python, on the
sample corpus and on non-ASCII rows; the keys follow every add, move, delete, undo and import; a
format-4 project is upgraded to hold them."""

from __future__ import annotations

import itertools
import random
import sqlite3
import unicodedata

import pytest

from annotator.core.project import annotation_table
from annotator.core.project.annotation_table import COLUMNS, RowsTable, TableQuery
from annotator.core.project.project import Project
from annotator.core.storage import annotation_keys, db
from tests.old_formats import drop_format_6

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

ACCENTED = "Évidence élan É e\u0301tude ÉCOLE ecole Ecole œuvre straße STRASSE Ωmega ⫝̸ 😀 emoji ﬁne"


def old_fold(text: str) -> str:
    """The table's filter before issue 16 (gui/models/annotation_table_model.py): casefold, NFC."""
    return unicodedata.normalize("NFC", text.casefold())


def old_collation_key(text: str) -> tuple[str, str]:
    """The table's sort key before issue 16: accent- and case-insensitive base, then the folded text."""
    folded = text.casefold()
    if folded.isascii():
        return folded, folded
    base = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return base, folded


def expected(project, query: TableQuery) -> list[str]:
    """The ids in the order, and through the filter, of the table before issue 16, computed here
    with its own functions over ``Project.annotation_rows`` (quotes cut to 200 code points)."""
    rows = project.annotation_rows(query.document_id, annotator_id=query.shown)
    rank: dict[str, int] = {}
    for row in rows:
        rank.setdefault(row.document_id, len(rank))
    corpus = query.document_id is None
    cats, coders = query.categories, query.annotators

    def text(row):
        return {"document": row.document_title, "quote": row.quote, "note": row.note,
                "category": cats.get(row.category_id, row.category_id),
                "annotator": coders.get(row.annotator_id, row.annotator_id)}.get(query.column)

    def key(row):
        position = (rank[row.document_id], row.start, row.end, row.id)
        return position if query.column == "span" else old_collation_key(text(row)) + position

    needle = old_fold(query.text.strip())

    def shown(row):
        if query.category_id is not None and row.category_id != query.category_id:
            return False
        if query.annotator_id is not None and row.annotator_id != query.annotator_id:
            return False
        parts = [row.quote, row.note, cats.get(row.category_id, row.category_id),
                 coders.get(row.annotator_id, row.annotator_id)] + ([row.document_title] if corpus else [])
        return not needle or needle in old_fold("\n".join(parts))

    return [row.id for row in sorted(filter(shown, rows), key=key, reverse=query.descending)]


def got(project, query: TableQuery, page: int = 7) -> list[str]:
    project.refresh_annotation_keys()
    ids = []
    while len(ids) < project.table_count(query):
        ids += [row.id for row in project.table_page(query, len(ids), page)]
    return ids


@pytest.fixture
def table(project, corpus):
    """The sample corpus with random annotations, plus a document of accented and astral words,
    two coders and notes with accents and case."""
    rng = random.Random(16)
    alice, bob = project.add_annotator("alice"), project.add_annotator("Bob")
    cats = project.categories()
    docs = [project.document(project.add_document(path.stem, path.read_text(encoding="utf-8")).document.id)
            for path in sorted(corpus.glob("*.txt"))[:4]]
    docs.append(project.document(project.add_document("Éléments", ACCENTED * 3).document.id))
    items = []
    for doc in docs:
        length = len(doc.text)
        for _ in range(60):
            start = rng.randrange(length - 1)
            items.append(dict(document_id=doc.id, category_id=rng.choice(cats).id,
                              annotator_id=rng.choice((alice, bob)).id, start=start,
                              end=min(length, start + rng.choice((1, 2, 5, 40, 300))),
                              note=rng.choice(("", "", "Étude", "etude", "check THIS", "œuvre"))))
    for word in ("É", "e\u0301", "ÉCOLE", "ecole", "straße", "STRASSE", "⫝̸", "😀"):  # exact spans
        at = ACCENTED.index(word)
        items.append(dict(document_id=docs[-1].id, category_id=cats[0].id, annotator_id=alice.id,
                          start=at, end=at + len(word)))
    project.add_annotations(items)
    names = {c.id: c.name for c in cats}, {alice.id: "alice", bob.id: "Bob"}
    return project, docs, (alice, bob), cats, names


def test_sql_order_filter_and_count_equal_the_python_table(table):
    project, docs, (alice, bob), cats, (categories, annotators) = table
    for column, descending, document in itertools.product(COLUMNS, (False, True), (None, docs[-1].id)):
        query = TableQuery(document_id=document, column=column, descending=descending,
                           categories=categories, annotators=annotators)
        assert got(project, query) == expected(project, query), (column, descending, document)
    # Filters: the text as the field gets it (case, accents, a decomposed é, a category's and a
    # coder's name, a document title in corpus mode only), a category, a coder, and both.
    for text, category, coder in [("é", None, None), ("E\u0301", None, None), ("ecole", None, None),
                                  ("STRASSE", None, None), ("😀", None, None), ("opinion", None, None),
                                  ("bob", None, None), ("éléments", None, None), (" the ", None, None),
                                  ("", cats[1].id, None), ("", None, bob.id), ("a", cats[0].id, alice.id),
                                  ("zzz-nothing", None, None), ('e "q', None, None), ("“", None, None),
                                  ("ÉTUDE", None, None), ("ss", None, None), ("the", None, None)]:
        for document, column in ((None, "quote"), (docs[-1].id, "span"), (None, "note")):
            query = TableQuery(document_id=document, category_id=category, annotator_id=coder, text=text,
                               column=column, categories=categories, annotators=annotators)
            ids = expected(project, query)
            assert got(project, query) == ids, (text, category, coder, document)
            assert project.table_count(query) == len(ids)
            assert project.table_count(query, everything=True) == len(expected(project, TableQuery(document)))
    assert expected(project, TableQuery(text="éléments", categories=categories, annotators=annotators))
    assert not expected(project, TableQuery(docs[-1].id, text="éléments", categories=categories,
                                            annotators=annotators))


def test_the_in_memory_table_answers_as_the_sql_one(table):
    project, docs, _, _, (categories, annotators) = table
    for column, document, text in itertools.product(COLUMNS, (None, docs[0].id), ("", "É")):
        query = TableQuery(document_id=document, column=column, text=text, categories=categories,
                           annotators=annotators)
        rows = RowsTable(project.annotation_rows(document), corpus=document is None)
        assert [r.id for r in rows.table_page(query, 0, 10**6)] == got(project, query), (column, document, text)


@pytest.mark.parametrize("seek_from", [2_000, 0])  # 0: every page starts from its first key (_seek)
def test_position_of_an_id_is_its_row_and_pages_far_down_are_right(table, monkeypatch, seek_from):
    monkeypatch.setattr(annotation_table, "_SEEK_FROM", seek_from)
    project, docs, _, _, (categories, annotators) = table
    for column, descending, document, text in itertools.product(COLUMNS, (False, True), (None, docs[2].id),
                                                                ("", "e")):
        query = TableQuery(document_id=document, column=column, descending=descending, text=text,
                           categories=categories, annotators=annotators)
        ids = expected(project, query)
        assert [row.id for at in range(0, len(ids), 50) for row in project.table_page(query, at, 50)] == ids
    for column, descending in (("quote", False), ("span", True), ("category", False)):
        query = TableQuery(column=column, descending=descending, categories=categories, annotators=annotators)
        ids = expected(project, query)
        assert [r.id for r in project.table_page(query, len(ids) - 3, 50)] == ids[-3:]
        for at in (0, 1, len(ids) // 2, len(ids) - 1):
            assert project.table_position(query, ids[at]) == at
    filtered = TableQuery(text="zzz-nothing")
    assert project.table_position(filtered, ids[0]) is None and project.table_page(filtered, 0, 10) == []


def test_the_rows_near_an_annotation_are_those_its_pages_hold(table):
    """table_near reads the rows round an annotation from its key (two index seeks), for the span
    order of one document: the same rows as pages at offsets give, in both directions, at the
    ends too; None for the orders whose whole key no index holds."""
    project, docs, (alice, _), _, (categories, annotators) = table
    for descending in (False, True):
        query = TableQuery(document_id=docs[2].id, descending=descending, categories=categories,
                           annotators=annotators)
        ids = expected(project, query)
        for at in (0, 1, 7, len(ids) // 2, len(ids) - 2, len(ids) - 1):
            near = project.table_near(query, ids[at], 5, 9)
            assert [row.id for row in near] == ids[max(0, at - 5):at + 9]
            assert near == project.table_page(query, max(0, at - 5), len(near))  # the same rows, field for field
    assert project.table_near(TableQuery(document_id=docs[2].id, column="quote"), ids[0], 5, 5) is None
    assert project.table_near(TableQuery(), ids[0], 5, 5) is None  # the corpus: its pages walk documents
    assert project.table_near(TableQuery(document_id=docs[2].id, annotator_id=alice.id), ids[0], 5, 5) is None


@pytest.mark.engines("sqlite")  # the file's rowids and triggers
def test_keys_follow_add_move_delete_undo_and_import(table):
    project, docs, (alice, _), cats, names = table
    query = TableQuery(column="quote", categories=names[0], annotators=names[1])
    doc = docs[-1]
    at = doc.text.index("œuvre")
    new = project.add_annotation(doc.id, cats[0].id, alice.id, at, at + 5, note="Zèbre")
    assert got(project, query) == expected(project, query)
    assert got(project, TableQuery(text="zebre")) == []  # accents are not folded by the filter
    assert got(project, TableQuery(text="ZÈBRE")) == [new.id]
    project.update_annotation(new.id, start=0, end=8, note="zz-moved", by=alice.id)  # "Évidence"
    assert got(project, query) == expected(project, query)
    assert got(project, TableQuery(text="zz-moved")) == [new.id] and got(project, TableQuery(text="zèbre")) == []
    assert project.table_page(TableQuery(text="zz-moved"), 0, 1)[0].quote == "Évidence"
    deleted = project.delete_annotations([new.id], by=alice.id)
    assert got(project, TableQuery(text="zz-moved")) == [] and got(project, query) == expected(project, query)
    project.add_annotations(deleted, restore=True)  # what undo does
    assert got(project, TableQuery(text="zz-moved")) == [new.id] and got(project, query) == expected(project, query)
    # Rows written behind the project's back (another program, an import) are keyed too.
    conn = sqlite3.connect(project.path)
    conn.execute("UPDATE annotations SET note = 'zz-outside' WHERE id = ?", (new.id,))
    conn.commit()
    conn.close()
    assert got(project, TableQuery(text="zz-outside")) == [new.id]


@pytest.mark.engines("sqlite")  # the file's rowids and triggers
def test_keys_are_rebuilt_when_rowids_were_renumbered(table):
    project, _, _, _, names = table
    query = TableQuery(column="quote", categories=names[0], annotators=names[1])
    want = got(project, query)
    path = project.path
    project.close()
    conn = sqlite3.connect(path)  # what a VACUUM may do: the same rows under other rowids, no trigger run
    conn.execute("DROP TRIGGER annotation_keys_deleted")
    conn.execute("CREATE TEMP TABLE a AS SELECT rowid AS r, * FROM annotations")
    conn.execute("DELETE FROM annotations")
    top = conn.execute("SELECT max(r) FROM a").fetchone()[0]
    conn.execute(f"INSERT INTO annotations (rowid, {', '.join(columns_of(conn))}) SELECT {top + 1} - r, "
                 f"{', '.join(columns_of(conn))} FROM a")
    annotation_keys.install(conn.execute)
    conn.commit()
    conn.close()
    with Project.open(path) as reopened:
        assert got(reopened, query) == want == expected(reopened, query)


def columns_of(conn) -> list[str]:
    return [f'"{row[1]}"' for row in conn.execute("PRAGMA table_info(annotations)")]


@pytest.mark.engines("sqlite")  # the file's rowids and triggers
def test_a_format_4_project_is_upgraded_to_hold_the_keys(table):
    project, _, _, _, names = table
    path = project.path
    project.close()
    conn = sqlite3.connect(path)
    for name in ("annotation_keys_deleted", "annotation_keys_changed"):
        conn.execute(f"DROP TRIGGER {name}")
    for name in annotation_keys.TABLES:
        conn.execute(f"DROP TABLE {name}")
    drop_format_6(conn.execute)
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    with Project.open(path) as reopened:
        assert db.read_header(path)[1] == db.SCHEMA_VERSION >= 5
        query = TableQuery(column="quote", categories=names[0], annotators=names[1])
        assert got(reopened, query) == expected(reopened, query)
