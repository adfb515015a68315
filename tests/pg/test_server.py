"""The throwaway PostgreSQL server of tests/pg/conftest.py, proved (issue 19, point 8), and what the
next session builds on: our SQLModel tables on PostgreSQL, text kept code point for code point, and
the database refusing a coder's forbidden writes (point 4's mechanism, with raw SQL as a coder role).

Expected values come from the data the tests write; PostgreSQL's behaviour relied on is that of its
documentation (GRANT, CREATE POLICY, "Character Types": text in a UTF8 database counts characters).
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DataError
from sqlmodel import Session, SQLModel, select

from annotator.core.storage import tables as _tables  # noqa: F401  (registers the tables)
from annotator.core.storage.location import parse_location
from annotator.core.storage.tables import Annotation, Annotator, Category, Document, ProjectSetting
from tests.pg.cluster import require_psycopg

psycopg = require_psycopg()

# Astral characters (emoji, a Gothic letter, a CJK Extension B ideograph) are one code point each in
# Python and PostgreSQL but two UTF-16 units in Qt; combining marks and an NBSP are single code points.
TEXT = "Grüße, ﬁne 😀 𐌰𠀋 naïve\u00a0café e\u0301 — “quoted”\nzweite Zeile 👩\u200d🔬"


def test_the_cluster_serves_a_fresh_database(pg_cluster, pg_url):
    location = parse_location(pg_url)
    assert location.is_server and location.url.drivername == "postgresql+psycopg"
    engine = create_engine(location.engine_url())
    try:
        with engine.connect() as conn:
            assert conn.dialect.driver == "psycopg"
            row = conn.execute(text("SELECT current_database(), current_user, "
                                    "current_setting('server_encoding'), "
                                    "(SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace)"
                                    )).one()
        assert row == (location.url.database, "postgres", "UTF8", 0)  # fresh and empty
    finally:
        engine.dispose()
    # The same server over TCP on 127.0.0.1 (the concurrency tests and benchmarks may use either).
    with psycopg.connect(pg_cluster.tcp_url(location.url.database)) as conn:
        assert conn.execute("SELECT inet_server_addr()::text").fetchone()[0].startswith("127.0.0.1")


def test_the_tables_are_created_and_hold_text_code_point_for_code_point(pg_engine):
    SQLModel.metadata.create_all(pg_engine)
    assert set(inspect(pg_engine).get_table_names()) == set(SQLModel.metadata.tables)

    with Session(pg_engine) as session:
        doc = Document(title="Ünïcødé 😀", text=TEXT, sha256="0" * 64, length=len(TEXT),
                       meta={"author": "Zoë 𝔄", "tags": ["ß", "😀"]})
        cat = Category(name="Behauptung 💬", colour="#ff0000", attributes=[{"name": "Stärke", "values": ["hoch"]}])
        coder = Annotator(name="Ayşe")
        session.add_all([doc, cat, coder])
        session.flush()
        start = TEXT.index("😀")
        ann = Annotation(document_id=doc.id, category_id=cat.id, annotator_id=coder.id, start=start,
                         end=start + 4, note="emoji + Gothic 𐌰", attributes={"Stärke": "hoch"})
        session.add_all([ann, ProjectSetting(key="lead_override", value=True)])
        session.commit()
        ids = doc.id, ann.id

    with Session(pg_engine) as session:
        doc = session.get(Document, ids[0])
        assert doc.text == TEXT and [ord(c) for c in doc.text] == [ord(c) for c in TEXT]
        assert doc.title == "Ünïcødé 😀" and doc.meta == {"author": "Zoë 𝔄", "tags": ["ß", "😀"]}
        ann = session.exec(select(Annotation)).one()
        assert (ann.id, ann.note, ann.attributes) == (ids[1], "emoji + Gothic 𐌰", {"Stärke": "hoch"})
        assert session.get(ProjectSetting, "lead_override").value is True
        # The server counts code points as Python does, so offsets mean the same in SQL:
        # length() and substr() (1-based) agree with len() and slicing, astral characters included.
        length, quote = session.connection().execute(text(
            "SELECT length(d.text), substr(d.text, a.start + 1, a.\"end\" - a.start) "
            "FROM documents d JOIN annotations a ON a.document_id = d.id")).one()
        assert length == len(TEXT) and quote == TEXT[ann.start:ann.end] == "😀 𐌰𠀋"


def test_postgresql_refuses_nul_in_text(pg_engine):
    """A difference the core must handle (docs/team-server-plan.md): SQLite stores U+0000 in text,
    PostgreSQL refuses it (core/text.sort_key puts one in each key that annotation_keys stores)."""
    SQLModel.metadata.create_all(pg_engine)
    with pytest.raises(DataError, match=r"cannot contain NUL \(0x00\) bytes"), Session(pg_engine) as session:
        session.add(Annotator(name="a\x00b"))
        session.commit()


def setup_coder(pg_engine, role: str, coder_id: str) -> None:
    """A coder role as point 4 wants it, with raw SQL: reads everything, writes only annotations
    and only their own (a row-level security policy ties the role to its annotators row)."""
    SQLModel.metadata.create_all(pg_engine)
    with pg_engine.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"'))
        conn.execute(text(f'GRANT INSERT, UPDATE, DELETE ON annotations TO "{role}"'))
        conn.execute(text("ALTER TABLE annotations ENABLE ROW LEVEL SECURITY"))
        conn.execute(text("CREATE POLICY coders_read ON annotations FOR SELECT USING (true)"))
        conn.execute(text("CREATE POLICY own_rows ON annotations FOR ALL "
                          "USING (annotator_id = (SELECT id FROM annotators WHERE name = current_user)) "
                          "WITH CHECK (annotator_id = (SELECT id FROM annotators WHERE name = current_user))"))
        conn.execute(text("INSERT INTO annotators (id, name, created) VALUES (:me, :role, 'now'), "
                          "('other', 'bob', 'now')"), {"me": coder_id, "role": role})
        conn.execute(text("INSERT INTO documents (id, title, text, sha256, length, source, metadata, position, "
                          "created) VALUES ('d', 'D', 'some text', 'h', 9, '', '{}', 0, 'now')"))
        conn.execute(text("INSERT INTO categories (id, name, colour, description, position, attributes, created, "
                          "modified) VALUES ('c', 'C', '#000000', '', 0, '[]', 'now', 'now')"))
        conn.execute(text("INSERT INTO annotations (id, document_id, category_id, annotator_id, start, \"end\", "
                          "note, attributes, created, modified) "
                          "VALUES ('bobs', 'd', 'c', 'other', 0, 4, '', '{}', 'now', 'now')"))


ANNOTATION = ("INSERT INTO annotations (id, document_id, category_id, annotator_id, start, \"end\", note, "
              "attributes, created, modified) VALUES (%s, 'd', 'c', %s, 5, 9, '', '{}', 'now', 'now')")


def test_a_coder_role_is_refused_the_writes_of_a_lead(pg_cluster, pg_url, pg_engine):
    role = f"alice_{uuid.uuid4().hex[:8]}"  # roles belong to the cluster, not to the test's database
    setup_coder(pg_engine, role, "alice-id")
    dbname = parse_location(pg_url).url.database
    with psycopg.connect(pg_cluster.url(dbname, user=role), autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == role
        # Documents, schema and coders are the lead's: no privilege at all (GRANT gave SELECT only).
        for forbidden in ("INSERT INTO documents (id, title, text, sha256, length, source, metadata, position, "
                          "created) VALUES ('x', 'X', 't', 'h2', 1, '', '{}', 1, 'now')",
                          "UPDATE categories SET name = 'renamed'",
                          "DELETE FROM annotators WHERE id = 'other'",
                          "INSERT INTO settings (key, value, modified) VALUES ('lead_override', 'true', 'now')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied for table"):
                conn.execute(forbidden)
        # Their own annotation: allowed, and they read everyone's.
        conn.execute(ANNOTATION, ("alices", "alice-id"))
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 2
        # Another coder's: refused by the row-level security policy, writing or changing.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(ANNOTATION, ("forged", "other"))
        assert conn.execute("UPDATE annotations SET note = 'mine now' WHERE id = 'bobs'").rowcount == 0
        assert conn.execute("DELETE FROM annotations WHERE id = 'bobs'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE annotations SET annotator_id = 'other' WHERE id = 'alices'")
    with pg_engine.connect() as conn:  # the lead (the owner) sees what really happened
        rows = conn.execute(text("SELECT id, annotator_id, note FROM annotations ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [("alices", "alice-id", ""), ("bobs", "other", "")]
