"""The one SQL text for both engines (annotator.core.storage.dialect)."""

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session

from annotator.core.storage.dialect import kind, statement


def test_qmark_becomes_format_style_on_postgresql():
    sql = "SELECT id FROM t WHERE a = ? AND b LIKE '%x?' || ? AND c = \"we?ird\" AND d % 2 = 0"
    assert statement(sql, "sqlite") == sql
    assert statement(sql, "postgresql") == (
        "SELECT id FROM t WHERE a = %s AND b LIKE '%%x?' || %s AND c = \"we?ird\" AND d %% 2 = 0")


def test_unknown_engine_refused():
    with pytest.raises(ValueError, match="unsupported"):
        statement("SELECT 1", "mysql")


def test_kind_of_engine_connection_and_session():
    engine = create_engine("sqlite://")
    assert kind(engine) == "sqlite"
    with engine.connect() as conn:
        assert kind(conn) == "sqlite"
    with Session(engine) as session:
        assert kind(session) == "sqlite"
