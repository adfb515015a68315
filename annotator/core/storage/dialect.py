"""One SQL text for both engines (issue 19): the core's raw statements are written once, in SQLite's
``qmark`` style (``?`` for each parameter), and turned into psycopg's ``format`` style (``%s``, a
literal ``%`` doubled) when they run on PostgreSQL.

``kind(bind)`` names the engine of an Engine, Connection or Session ("sqlite" or "postgresql");
``statement(sql, kind)`` gives the text for that engine (cached: the statements are constants).
A ``?`` inside a quoted literal or identifier ('…', "…") is left alone, as are ``?`` operators of
PostgreSQL, which the core does not use.
"""

from __future__ import annotations

from functools import lru_cache

SQLITE, POSTGRESQL = "sqlite", "postgresql"


def kind(bind) -> str:
    """"sqlite" or "postgresql" for an Engine, a Connection or a Session bound to one."""
    get_bind = getattr(bind, "get_bind", None)
    if get_bind is not None:  # a Session
        bind = get_bind()
    name = bind.dialect.name
    if name not in (SQLITE, POSTGRESQL):
        raise ValueError(f"unsupported database engine: {name}")
    return name


def is_server(bind) -> bool:
    return kind(bind) == POSTGRESQL


@lru_cache(maxsize=1024)
def _to_format(sql: str) -> str:
    out, quote = [], ""
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


def statement(sql: str, engine_kind: str) -> str:
    """``sql`` (qmark style) as the engine's driver takes it."""
    if engine_kind == SQLITE:
        return sql
    if engine_kind == POSTGRESQL:
        return _to_format(sql)
    raise ValueError(f"unsupported database engine: {engine_kind}")
