"""Live updates on a team server (issue 19, point 6; core part, Qt-free): PostgreSQL's LISTEN/NOTIFY.

``install(conn)`` (run by pg_schema.install in the transaction that creates a server project, and
again, idempotently, by server_roles.setup for projects made before) puts statement-level AFTER
triggers on the tables other clients show: each statement that changes rows sends one notification
on the channel ``annotator`` with a JSON payload of ids only, never content::

    {"table": "annotations", "op": "INSERT", "count": 2, "ids": ["…", "…"], "documents": ["…"]}

``ids`` are the primary keys (``[document_id, annotator_id]`` for document_status, the key for
settings); ``documents`` the documents touched (tables with a document_id). Over ``MAX_IDS`` rows,
or a payload over ``MAX_PAYLOAD`` bytes (PostgreSQL's limit is 8000), ``ids`` and ``documents`` are
null: reload that table. A bulk import stays cheap: after ``MAX_PER_TRANSACTION`` notifications for
one table in one transaction, the trigger sends one ``"op": "MANY"`` (reload the table) and then
nothing more for it until the transaction ends. PostgreSQL delivers notifications at commit, so a
rolled-back change sends nothing, and a client never hears of an uncommitted one.

``Listener(url, callback)`` listens on one autocommit psycopg connection in a thread and calls
``callback(event)`` for each notification (in that thread: a GUI hands it on to its own). When the
connection drops it reconnects with backoff and calls ``on_state(True)`` once listening again, as
events may have been missed meanwhile (the client reloads); ``stop()`` ends it cleanly. ``skip(pid)``
drops the notifications of a client's own writes: ``track_backends(engine)`` (server_db.make_engine)
keeps the backend pids of an engine's pooled connections, which ``own_backend(engine, pid)`` asks;
a pid is unique among a server's live sessions, so this holds with any pool size.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

CHANNEL = "annotator"
MAX_IDS = 100
MAX_PAYLOAD = 7000
MAX_PER_TRANSACTION = 20
# The tables whose changes other clients show, with their primary key columns.
TABLES: dict[str, tuple[str, ...]] = {
    "categories": ("id",),
    "settings": ("key",),
    "document_status": ("document_id", "annotator_id"),
    "annotations": ("id",),
    "decisions": ("id",),
    "documents": ("id",),
    "annotators": ("id",),
}
WITH_DOCUMENT = frozenset({"document_status", "annotations", "decisions"})
TRIGGERS = ("annotator_notify_insert", "annotator_notify_update", "annotator_notify_delete",
            "annotator_notify_truncate")


def _function(table: str) -> str:
    keys = TABLES[table]
    key = f'to_jsonb(r."{keys[0]}")' if len(keys) == 1 else \
        "jsonb_build_array(" + ", ".join(f'r."{k}"' for k in keys) + ")"
    if table in WITH_DOCUMENT:
        docs = ("IF TG_OP = 'UPDATE' THEN\n"
                "        SELECT jsonb_agg(DISTINCT d.document_id) INTO docs FROM (SELECT document_id FROM changed_rows "
                "UNION SELECT document_id FROM old_rows) d;\n"
                "      ELSE\n"
                "        SELECT jsonb_agg(DISTINCT document_id) INTO docs FROM changed_rows;\n"
                "      END IF;")
    else:
        docs = "NULL;"
    counter = f"annotator.notified_{table}"
    head = f"json_build_object('table', '{table}', 'op', "
    return f"""
CREATE OR REPLACE FUNCTION annotator_notify_{table}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  sent integer := coalesce(nullif(current_setting('{counter}', true), ''), '0')::integer;
  n bigint := NULL;
  ids jsonb := NULL;
  docs jsonb := NULL;
  payload text;
BEGIN
  IF sent > {MAX_PER_TRANSACTION} THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'TRUNCATE' THEN
    SELECT count(*) INTO n FROM changed_rows;
    IF n = 0 THEN
      RETURN NULL;
    END IF;
  END IF;
  PERFORM set_config('{counter}', (sent + 1)::text, true);
  IF sent = {MAX_PER_TRANSACTION} THEN
    PERFORM pg_notify('{CHANNEL}', {head}'MANY', 'count', NULL, 'ids', NULL, 'documents', NULL)::text);
    RETURN NULL;
  END IF;
  IF n IS NOT NULL AND n <= {MAX_IDS} THEN
    SELECT jsonb_agg({key}) INTO ids FROM changed_rows r;
    {docs}
  END IF;
  payload := {head}TG_OP, 'count', n, 'ids', ids, 'documents', docs)::text;
  IF octet_length(payload) > {MAX_PAYLOAD} THEN
    payload := {head}TG_OP, 'count', n, 'ids', NULL, 'documents', NULL)::text;
  END IF;
  PERFORM pg_notify('{CHANNEL}', payload);
  RETURN NULL;
END
$fn$"""


def _triggers(table: str) -> list[str]:
    run = f"FOR EACH STATEMENT EXECUTE FUNCTION annotator_notify_{table}()"
    return [
        f"CREATE TRIGGER annotator_notify_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS changed_rows {run}",
        f"CREATE TRIGGER annotator_notify_update AFTER UPDATE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed_rows {run}",
        f"CREATE TRIGGER annotator_notify_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS changed_rows {run}",
        f"CREATE TRIGGER annotator_notify_truncate AFTER TRUNCATE ON {table} {run}",
    ]


def install(conn) -> None:
    """Create or replace the notification functions and triggers on ``conn`` (a SQLAlchemy
    Connection in a transaction, as the owner of the tables)."""
    for table in TABLES:
        conn.exec_driver_sql(_function(table))
        for name in TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for statement in _triggers(table):
            conn.exec_driver_sql(statement)


_BACKENDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> its sessions' backend pids


def track_backends(engine) -> None:
    """Keep the backend pids of ``engine``'s connections as the pool opens and closes them (before
    its first connection), so ``own_backend`` tells this client's notifications from others'."""
    from sqlalchemy import event

    pids: set[int] = set()
    _BACKENDS[engine] = pids

    def opened(dbapi_connection, record) -> None:
        record.info["backend_pid"] = pid = dbapi_connection.info.backend_pid
        pids.add(pid)

    def closed(_dbapi_connection, record) -> None:
        pids.discard(record.info.pop("backend_pid", None))

    event.listen(engine, "connect", opened)
    event.listen(engine, "close", closed)
    event.listen(engine, "close_detached", lambda dbapi_connection: pids.discard(dbapi_connection.info.backend_pid))


def own_backend(engine, pid: int) -> bool:
    """Whether ``pid`` is the backend of one of ``engine``'s open connections (a write of this client)."""
    return pid in _BACKENDS.get(engine, ())


@dataclass(frozen=True)
class Event:
    """One notification: ``op`` INSERT, UPDATE, DELETE, TRUNCATE or MANY (reload ``table``);
    ``ids`` and ``documents`` None when there were too many to name; ``pid`` the sending backend's
    process id (a client may skip its own changes)."""

    table: str
    op: str
    ids: tuple | None
    documents: tuple[str, ...] | None
    count: int | None
    pid: int

    @property
    def reload(self) -> bool:
        """Whether the client must reload the whole table (the changed rows were not named)."""
        return self.ids is None


def parse(payload: str, pid: int = 0) -> Event | None:
    """The event of a payload, or None when it is not one of ours."""
    try:
        data: Any = json.loads(payload)
        table, op = data["table"], data["op"]
    except (ValueError, TypeError, KeyError):
        return None
    ids = data.get("ids")
    docs = data.get("documents")
    return Event(table=table, op=op, pid=pid, count=data.get("count"),
                 ids=None if ids is None else tuple(tuple(i) if isinstance(i, list) else i for i in ids),
                 documents=None if docs is None else tuple(docs))


def _conninfo(url) -> str:
    """A libpq connection string for ``url`` (a libpq URL, or a Location of a server)."""
    if isinstance(url, str):
        return url
    engine_url = url.engine_url()
    return engine_url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """LISTEN on one autocommit connection in a daemon thread; see the module's docstring."""

    def __init__(self, url, callback: Callable[[Event], None], *, channel: str = CHANNEL,
                 on_state: Callable[[bool], None] | None = None, backoff: tuple[float, float] = (0.1, 5.0),
                 poll: float = 0.2, skip: Callable[[int], bool] | None = None):
        self._conninfo = _conninfo(url)
        self._skip = skip
        self._callback, self._on_state, self._channel = callback, on_state, channel
        self._backoff, self._poll = backoff, poll
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._conn = None
        self._thread: threading.Thread | None = None
        self.backend_pid: int | None = None
        self.reconnects = 0

    def start(self) -> Listener:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="annotator-listener", daemon=True)
            self._thread.start()
        return self

    def wait_listening(self, timeout: float = 5.0) -> bool:
        """Wait until the listener is connected and listening; False after ``timeout`` seconds."""
        return self._listening.wait(timeout)

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening and close the connection (waits for the thread up to ``timeout``)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def __enter__(self) -> Listener:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _state(self, up: bool) -> None:
        if up:
            self._listening.set()
        else:
            self._listening.clear()
        if self._on_state is not None:
            try:
                self._on_state(up)
            except Exception:  # a broken callback must not end the listener
                log.exception("listener state callback failed")

    def _run(self) -> None:
        import psycopg

        delay = self._backoff[0]
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(f'LISTEN "{self._channel}"')
                    self.backend_pid = conn.info.backend_pid
                    if not first:
                        self.reconnects += 1
                    first = False
                    delay = self._backoff[0]
                    self._state(True)
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=self._poll):
                            self._deliver(note)
                            if self._stop.is_set():
                                break
            except psycopg.Error as exc:
                if self._listening.is_set():
                    self._state(False)
                if self._stop.is_set():
                    break
                log.info("listener connection lost (%s); reconnecting in %.1f s", exc.__class__.__name__, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, self._backoff[1])
        if self._listening.is_set():
            self._state(False)

    def _deliver(self, note) -> None:
        event = parse(note.payload, note.pid)
        if event is None or (self._skip is not None and self._skip(event.pid)):
            return
        try:
            self._callback(event)
        except Exception:  # a broken callback must not end the listener
            log.exception("listener callback failed")
