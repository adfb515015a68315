"""Issue 19, T1, T2 and T3 on a real server: the JSON columns are jsonb (equality, DISTINCT, GROUP BY
work), sort keys stored as UTF-8 bytes order as Python orders their tuples, U+0000 is refused
at import with a plain message before PostgreSQL would fail on it, and every text column compares
in code point order (``COLLATE "C"``) in a database whose own collation does not (ICU's root)."""

from __future__ import annotations

import pytest
from sqlalchemy import LargeBinary, bindparam, create_engine, func, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DataError
from sqlmodel import Session, SQLModel

from annotator.core.documents.readers import ImportOptions, read_file
from annotator.core.errors import ReadError, ValidationError
from annotator.core.project.documents import NewDocument, insert_documents
from annotator.core.storage import tables as _tables  # noqa: F401  (registers the tables)
from annotator.core.storage.tables import MODELS, Annotator, Category, Document
from annotator.core.text import collation_key, sort_key
from tests.pg.cluster import require_psycopg
from tests.pg.icu import icu_database

require_psycopg()


def _doc(n: int, meta: dict) -> Document:
    return Document(title=f"d{n}", text=f"text {n}", sha256=f"{n:064d}", length=6, meta=meta, position=n)


def test_json_columns_are_jsonb_with_equality(pg_engine):
    SQLModel.metadata.create_all(pg_engine)
    with pg_engine.connect() as conn:
        types = dict(conn.execute(text(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type LIKE 'json%'")).all())
    assert types == {name: "jsonb" for name in (
        "documents.metadata", "categories.attributes", "settings.value", "annotations.attributes",
        "decisions.sources", "decisions.gold", "decisions.replaces")}
    with Session(pg_engine) as session:
        session.add_all([_doc(1, {"b": 1, "a": [2, "ß"]}), _doc(2, {"a": [2, "ß"], "b": 1}), _doc(3, {}),
                         Category(name="c", colour="#000000", attributes=[{"name": "x"}])])
        session.commit()
        meta = Document.__table__.c.metadata
        assert session.execute(select(func.count()).select_from(select(meta).distinct().subquery())).scalar() == 2
        grouped = session.execute(select(meta, func.count()).group_by(meta).order_by(func.count())).all()
        assert [(value, count) for value, count in grouped] == [({}, 1), ({"a": [2, "ß"], "b": 1}, 2)]
        same = session.execute(select(Document.title).where(meta == {"a": [2, "ß"], "b": 1})
                               .order_by(Document.title)).scalars().all()
        assert same == ["d1", "d2"]
        # Read back as Python values; jsonb's own key order is not what exports see (sort_keys).
        assert session.get(Document, session.execute(select(Document.id).where(Document.title == "d1"))
                           .scalar()).meta == {"a": [2, "ß"], "b": 1}


def test_sort_keys_as_bytea_order_as_python_orders_their_tuples(pg_engine):
    words = ["Opinion", "évidence", "Evidence", "e\u0301vidence", "ev", "e", "", "Zoë", "zoe", "ß", "ss",
             "😀", "\x01a", "a\x01", "İstanbul", "ﬁne", "fine", "ÉA", "éa", "\ufb01"]
    with pg_engine.begin() as conn:
        conn.execute(text("CREATE TABLE k (word text NOT NULL, key bytea NOT NULL)"))
        conn.execute(text("INSERT INTO k VALUES (:w, :k)").bindparams(bindparam("k", type_=LargeBinary)),
                     [{"w": w, "k": sort_key(w).encode()} for w in words])
        ordered = conn.execute(text("SELECT word FROM k ORDER BY key, word COLLATE \"C\"")).scalars().all()
    assert [collation_key(w) for w in ordered] == sorted(collation_key(w) for w in words)
    # PostgreSQL text cannot hold the key itself: the reason it is stored as bytes.
    with pytest.raises(DataError), pg_engine.connect() as conn:
        conn.execute(text("SELECT CAST(:k AS text)"), {"k": sort_key("é")})


def test_nul_is_refused_at_import_with_a_plain_message(pg_engine, tmp_path):
    SQLModel.metadata.create_all(pg_engine)
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b'{"text": "fine", "who": "a\\u0000b"}\n')
    with pytest.raises(ReadError, match=r"^its metadata holds NUL characters \(U\+0000\), which a project cannot"):
        read_file(path, ImportOptions())
    with Session(pg_engine) as session:
        with pytest.raises(ValidationError, match=r"^document 'T': metadata 'who': a NUL character \(U\+0000\)"):
            insert_documents(session, [NewDocument("T", "fine", metadata={"who": "a\x00b"})])
        with pytest.raises(ValidationError, match=r"^document 'T': the text contains NUL characters"):
            insert_documents(session, [NewDocument("T", "a\x00b")])
        session.rollback()
        assert session.execute(select(func.count()).select_from(Document)).scalar() == 0
        # What the checks spare the user: the server's own refusal, a traceback-like driver error.
        session.add(_doc(1, {"who": "a\x00b"}))
        with pytest.raises(DataError, match="unsupported Unicode escape sequence|\\\\u0000"):
            session.flush()


# Astral, accents (composed and not), case, punctuation, a no-break space, digits: ICU's root
# collation orders these otherwise than code points do (tried: 'a' < 'B', 'ä' beside 'a').
WORDS = ["b", "B", "a", "A", "ä", "Ä", "a\u0301", "á", "z", "Z", "😀", "𐌰", "\xa0x", "x", "_x", "-x", "10", "9",
         "ß", "ss", "İ", "i", "ﬁ", "fi", "Évidence", "evidence", "Opinion", "中文", "ｘ"]


@pytest.fixture
def icu_engine(pg_cluster):
    with icu_database(pg_cluster) as url:
        engine = create_engine("postgresql+psycopg" + url[len("postgresql"):])
        try:
            yield engine
        finally:
            engine.dispose()


def test_every_text_column_is_in_code_point_order_whatever_the_databases_collation(icu_engine):
    with icu_engine.connect() as conn:  # the database's own order is not Python's: the test can fail
        own = conn.execute(text("SELECT w FROM unnest(CAST(:w AS text[])) AS w ORDER BY w"), {"w": WORDS}).scalars()
        assert list(own) != sorted(WORDS)
    SQLModel.metadata.create_all(icu_engine)
    with icu_engine.connect() as conn:
        columns = conn.execute(text(
            "SELECT table_name, column_name, data_type, collation_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = ANY(:t) AND data_type IN ('character varying', 'text')"),
            {"t": [model.__tablename__ for model in MODELS]}).all()
    assert len(columns) == sum(1 for m in MODELS for c in m.__table__.columns
                               if c.type.compile(dialect=sqlite.dialect()) == "VARCHAR")
    assert {collation for *_, collation in columns} == {"C"}, [c for c in columns if c[3] != "C"]
    with Session(icu_engine) as session:
        session.add_all([Annotator(id=word, name=word, created=word) for word in WORDS])
        session.commit()
        for column in (Annotator.id, Annotator.name, Annotator.created):
            assert session.execute(select(column).order_by(column)).scalars().all() == sorted(WORDS)
            assert session.execute(select(column).order_by(column.desc())).scalars().all() == sorted(WORDS)[::-1]
        assert session.execute(select(Annotator.name).where(Annotator.name > "a").order_by(Annotator.name)
                               ).scalars().all() == sorted(w for w in WORDS if w > "a")
        assert session.execute(select(func.min(Annotator.name), func.max(Annotator.name))).one() == (
            min(WORDS), max(WORDS))
        # A different case or accent is a different value, as in Python and SQLite.
        assert session.execute(select(func.count()).where(Annotator.name.in_(["a", "A", "á"]))).scalar() == 3
