"""pg_trgm on a team server (issue 19, survey items S7, S8): a project made where the extension may be
added has GIN trigram indexes on the folded texts the documents filter and the annotation table's
text filter search, and their queries for needles of 3 code points or more can be answered from
them; where the extension is dropped, or the role may not add it, the project is made and works
without, and both filters answer exactly as Python's casefold test, wildcards (%, _, \\), non-ASCII
and astral needles included. ``install_search_indexes`` adds them later, once."""

from __future__ import annotations

import logging
import uuid

import psycopg
import pytest

from annotator.core.project import annotation_table
from annotator.core.project.annotation_table import TableQuery
from annotator.core.project.project import NewDocument, Project
from annotator.core.storage import document_search, pg_schema, server_db, server_roles
from annotator.core.storage.dialect import POSTGRESQL, statement
from annotator.core.storage.location import parse_location
from tests.core.test_annotation_table_sql import expected, got
from tests.core.test_document_search import NEEDLES, TEXTS
from tests.pg.cluster import require_psycopg
from tests.pg.fixtures import admin

require_psycopg()

WILD = {
    "wildcards": "Percent: 100% sure, 50%% off; snake_case and __dunder__; C:\\path\\to and \\\\share; 😀_😀 %😀% 𝔘_𝔫",
    "astral": "Books 📚📚📚 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters, 🙂🙂🙂 faces.",
}
# Wildcards as themselves (escaped) and as what they would match unescaped ("s_a" ~ "sta", "a%b"
# ~ "a…b", "\\p" ~ "p"), astral and non-ASCII needles of 3 code points or more, and short ones.
WILD_NEEDLES = ["100%", "0% s", "0%%", "%%", "%", "_", "__", "___", "e_c", "_case", "__d", "s_a", "a%b", "sta",
                "\\", "\\\\", "\\p", ":\\path", "\\\\s", "\\to", "😀_😀", "%😀%", "_😀", "😀%", "𝔘_𝔫", "𝔘_",
                "📚📚📚", "📚📚", "📚 a", "𝔘𝔫𝔦", "𝔫𝔦𝔠𝔬", "🙂🙂🙂", "PERCENT", "SNAKE_CASE", "%_\\", "_%", "\\%",
                "\\_", "ß%", "é_"]


def python_documents(project, needle):
    folded = needle.casefold()
    return {d.id for d in project.documents()
            if folded in d.title.casefold() or folded in project.document(d.id).text.casefold()}


def fill(project):
    """The test documents (the documents filter's, and these), indexed, with annotations over the
    wildcard and astral words, and notes holding wildcards."""
    project.add_documents([NewDocument(title, text) for title, text in {**TEXTS, **WILD}.items()])
    assert project.index_documents() == 0
    coder = project.add_annotator("alice").id
    category = project.add_category("Claim").id
    rows = []
    for doc in project.documents():
        text = project.document(doc.id).text
        for size in (3, 7, 20):
            for start in range(0, len(text) - size + 1, 5):
                rows.append(dict(document_id=doc.id, category_id=category, annotator_id=coder, start=start,
                                 end=start + size, note="100% of_it \\ 😀%😀" if start % 3 == 0 else ""))
    project.add_annotations(rows)


def check_filters(project):
    names = ({c.id: c.name for c in project.categories()}, {a.id: a.name for a in project.annotators()})
    for needle in NEEDLES + WILD_NEEDLES:
        if "\x00" in needle:
            continue
        assert project.find_documents(needle) == python_documents(project, needle), needle
        query = TableQuery(text=needle, column="quote", categories=names[0], annotators=names[1])
        ids = expected(project, query)  # the table's filter in Python (titles and names included)
        assert got(project, query, page=500) == ids, needle
        assert project.table_count(query) == len(ids), needle


def indexes(url) -> set[str]:
    with psycopg.connect(url) as conn:
        return {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%trgm'")}


TRGM = {name for name, _table, _column in pg_schema.SEARCH_INDEXES}


def test_a_new_project_has_the_indexes_and_the_filters_can_use_them(pg_url, monkeypatch):
    with Project.create(pg_url) as project:
        fill(project)
        assert indexes(pg_url) == TRGM
        statements = []

        def spy(run):  # the filters' statements, to be explained below as they were run
            def recorded(sql, params=()):
                statements.append((sql, tuple(params)))
                return run(sql, params)
            recorded.kind = getattr(run, "kind", POSTGRESQL)
            return recorded
        real_find, real_raw = document_search.find_on_server, annotation_table._raw
        monkeypatch.setattr(document_search, "find_on_server", lambda execute, needle: real_find(spy(execute), needle))
        monkeypatch.setattr(annotation_table, "_raw", lambda s: spy(real_raw(s)))
        project.find_documents("Snake_Case")
        project.table_count(TableQuery(text="%😀%"))
        project.table_page(TableQuery(text="of_it", column="quote"), 0, 50)
    searches = [(sql, params) for sql, params in statements if " LIKE " in sql]
    assert {sql.count(" LIKE ") for sql, _ in searches} >= {1, 2}  # the documents' two columns, the table's one
    with psycopg.connect(pg_url) as conn:
        # The tables are small: ask whether the trigram indexes can serve (not a scan, nor a walk of a key)
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_indexscan = off")
        for sql, params in searches:
            plan = "\n".join(row[0] for row in conn.execute("EXPLAIN " + statement(sql, POSTGRESQL), params))
            assert "_trgm" in plan, (sql, plan)


def test_without_the_extension_the_filters_answer_the_same(pg_url):
    with Project.create(pg_url) as project:
        fill(project)
        check_filters(project)  # with the indexes
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("DROP EXTENSION pg_trgm CASCADE")  # the indexes go with it
        assert indexes(pg_url) == set()
        check_filters(project)  # a scan, the same answers
        with server_roles.transaction(pg_url) as conn:  # annotator server setup adds them again
            assert server_roles.setup(conn).search_indexes
        assert indexes(pg_url) == TRGM
        engine = server_db.make_engine(parse_location(pg_url))
        try:
            for _ in range(2):  # there already: nothing to do
                with engine.begin() as conn:
                    assert pg_schema.install_search_indexes(conn)
                    assert pg_schema.has_search_indexes(conn)
        finally:
            engine.dispose()
        assert indexes(pg_url) == TRGM
        check_filters(project)


@pytest.fixture
def plain_role(pg_cluster, pg_url):
    """A login role that may create tables in the database's public schema but not extensions
    (no CREATE on the database): the URL of the database as that role."""
    database = parse_location(pg_url).url.database
    role = f"plain_{uuid.uuid4().hex[:8]}"
    with admin(pg_cluster) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'GRANT CREATE ON SCHEMA public TO "{role}"')
        yield pg_cluster.url(database, user=role)
    finally:
        with admin(pg_cluster) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_a_role_that_may_not_add_the_extension_makes_a_project_without_it(plain_role, pg_url, caplog):
    with caplog.at_level(logging.INFO, logger="annotator.core.storage.pg_schema"):
        project = Project.create(plain_role)
    with project:
        assert "no pg_trgm search indexes" in caplog.text and "permission denied" in caplog.text
        assert indexes(pg_url) == set()
        fill(project)
        check_filters(project)
    with psycopg.connect(pg_url, autocommit=True) as conn:  # the admin adds it; the lead then makes the indexes
        conn.execute("CREATE EXTENSION pg_trgm")
    engine = server_db.make_engine(parse_location(plain_role))
    try:
        with engine.begin() as conn:
            assert pg_schema.install_search_indexes(conn)
    finally:
        engine.dispose()
    assert indexes(pg_url) == TRGM
