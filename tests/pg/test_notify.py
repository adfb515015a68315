"""Live updates through LISTEN/NOTIFY (issue 19, point 6, the core part): the triggers that
server_roles.setup installs and notify.Listener, on a real server.

PostgreSQL's documented behaviour relied on: notifications are delivered at commit and not at all
for a rolled-back transaction; a payload is at most 8000 bytes; pg_terminate_backend ends a session.
"""

from __future__ import annotations

import json
import queue
import time
import uuid

import pytest

from annotator.core.storage import notify
from annotator.core.storage.location import parse_location
from annotator.core.storage.notify import MAX_PER_TRANSACTION, Listener
from annotator.core.storage.server_roles import add_coder, setup
from tests.pg.cluster import require_psycopg
from tests.pg.test_roles import ANNOTATION, fill

psycopg = require_psycopg()


@pytest.fixture
def project(pg_engine):
    fill(pg_engine)
    with pg_engine.begin() as conn:
        setup(conn)
    return pg_engine


@pytest.fixture
def events(pg_url, project):
    got: queue.Queue = queue.Queue()
    listener = Listener(pg_url, got.put, poll=0.1)
    listener.start()
    assert listener.wait_listening(5)
    try:
        yield got, listener
    finally:
        listener.stop()


def drain(got: queue.Queue, quiet: float = 0.3) -> list[notify.Event]:
    """Everything that arrives until nothing has for ``quiet`` seconds."""
    out = []
    while True:
        try:
            out.append(got.get(timeout=quiet))
        except queue.Empty:
            return out


def test_a_committed_change_reaches_the_listener_within_a_second(pg_url, events):
    got, _ = events
    with psycopg.connect(pg_url, autocommit=True) as conn:
        started = time.monotonic()
        conn.execute(ANNOTATION, ("a1", "f4ce08dd-47bc-5fce-8c73-fd801b5855fa"))
        event = got.get(timeout=1)
        took = time.monotonic() - started
        assert (event.table, event.op, event.ids, event.documents, event.count) == (
            "annotations", "INSERT", ("a1",), ("d1",), 1)
        assert took < 1 and event.pid == conn.info.backend_pid and not event.reload
        conn.execute("UPDATE categories SET name = 'Claim' WHERE id = 'c1'")
        assert got.get(timeout=1).table == "categories"
        conn.execute("INSERT INTO settings (key, value, modified) VALUES ('blind_coding', 'true', 'now')")
        conn.execute("INSERT INTO document_status (document_id, annotator_id, status, modified) "
                     "VALUES ('d1', 'f4ce08dd-47bc-5fce-8c73-fd801b5855fa', 'done', 'now')")
        conn.execute("INSERT INTO decisions (id, document_id, start, \"end\", kind, sources, gold, replaces, "
                     "decided_by, decided, reason) VALUES ('dec', 'd1', 0, 4, 'created', '[]', '[]', '[]', "
                     "'x', 'now', '')")
        conn.execute("DELETE FROM annotations WHERE id = 'a1'")
        conn.execute("UPDATE annotations SET note = 'none' WHERE id = 'nothing-matches'")  # no row: no event
    seen = [(e.table, e.op, e.ids) for e in drain(got)]
    assert seen == [("settings", "INSERT", ("blind_coding",)),
                    ("document_status", "INSERT", (("d1", "f4ce08dd-47bc-5fce-8c73-fd801b5855fa"),)),
                    ("decisions", "INSERT", ("dec",)), ("annotations", "DELETE", ("a1",))]


def test_a_rolled_back_transaction_sends_nothing(pg_url, events):
    got, _ = events
    with psycopg.connect(pg_url) as conn:
        conn.execute(ANNOTATION, ("never", "f4ce08dd-47bc-5fce-8c73-fd801b5855fa"))
        conn.execute("UPDATE categories SET name = 'gone'")
        conn.rollback()
        conn.execute(ANNOTATION, ("kept", "f4ce08dd-47bc-5fce-8c73-fd801b5855fa"))
        conn.commit()
    assert [(e.table, e.ids) for e in drain(got)] == [("annotations", ("kept",))]


def test_a_bulk_insert_of_ten_thousand_annotations_sends_a_bounded_number(pg_url, events):
    got, _ = events
    rows = [(f"bulk{i:05}", "f4ce08dd-47bc-5fce-8c73-fd801b5855fa") for i in range(10_000)]
    with psycopg.connect(pg_url) as conn:
        with conn.cursor() as cur:
            cur.executemany(ANNOTATION, rows)  # 10,000 statements in one transaction
        conn.commit()
        # One statement of 10,000 rows: one notification, too many rows to name.
        conn.execute("UPDATE annotations SET note = 'seen'")
        conn.commit()
    seen = drain(got, quiet=0.5)
    inserts = [e for e in seen if e.op != "UPDATE"]
    assert len(inserts) == MAX_PER_TRANSACTION + 1
    assert all(e.ids and len(e.ids) == 1 for e in inserts[:-1]) and inserts[-1].op == "MANY" and inserts[-1].reload
    update = [e for e in seen if e.op == "UPDATE"]
    assert [(u.count, u.ids, u.documents) for u in update] == [(10_001, None, None)]


def test_a_payload_stays_under_the_limit_and_names_up_to_max_ids(pg_url, events):
    got, _ = events
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO annotations (id, document_id, category_id, annotator_id, start, \"end\", note, "
                     "attributes, created, modified) SELECT 'many' || i, 'd1', 'c1', "
                     "'f4ce08dd-47bc-5fce-8c73-fd801b5855fa', 0, 1, '', '{}', 'now', 'now' "
                     "FROM generate_series(1, %s) i", (notify.MAX_IDS,))
        conn.commit()
    (event,) = drain(got)
    assert event.count == notify.MAX_IDS and len(event.ids) == notify.MAX_IDS
    payload = json.dumps({"table": event.table, "op": event.op, "count": event.count, "ids": list(event.ids),
                          "documents": list(event.documents)})
    assert len(payload.encode()) < 8000


def test_the_listener_survives_the_loss_of_its_session(pg_cluster, pg_url, events):
    got, listener = events
    states = []
    listener._on_state = states.append
    first = listener.backend_pid
    with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (first,)).fetchone()[0] is True
    deadline = time.monotonic() + 10
    while (listener.backend_pid == first or not listener.listening) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.listening and listener.backend_pid != first and listener.reconnects == 1
    assert states == [False, True]  # the client is told, so it reloads what it may have missed
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE categories SET colour = '#ffffff'")
    assert got.get(timeout=1).table == "categories"


def test_the_listener_stops_cleanly_and_retries_while_the_server_is_unreachable(pg_cluster):
    states = []
    listener = Listener(pg_cluster.url("no_such_database_here"), lambda e: None, on_state=states.append,
                        backoff=(0.05, 0.1))
    listener.start()
    assert not listener.wait_listening(0.5)
    started = time.monotonic()
    listener.stop()
    assert time.monotonic() - started < 1 and listener._thread is None and states == []


def test_a_coder_role_fires_the_triggers_too(pg_cluster, pg_url, project, events):
    got, _ = events
    with project.begin() as conn:
        coder = add_coder(conn, f"cleo_{uuid.uuid4().hex[:8]}", "Cleo")
    assert [e.table for e in drain(got)] == ["annotators"]  # the coder's new row
    database = parse_location(pg_url).url.database
    with psycopg.connect(pg_cluster.url(database, user=coder.role), autocommit=True) as conn:
        conn.execute(ANNOTATION, ("cleos", coder.annotator_id))
    assert [(e.table, e.ids) for e in drain(got)] == [("annotations", ("cleos",))]


def test_a_payload_too_long_for_the_ids_says_reload(pg_url, events):
    got, _ = events
    coder = "0" * 36
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO annotators (id, name, created) VALUES (%s, 'Z', 'now')", (coder,))
        conn.execute("INSERT INTO documents (id, title, text, sha256, length, source, metadata, position, created) "
                     "SELECT lpad(i::text, 36, 'd'), 'T', 't', 'sha' || i, 1, '', '{}', i, 'now' "
                     "FROM generate_series(1, 100) i")
        conn.execute("INSERT INTO document_status (document_id, annotator_id, status, modified) "
                     "SELECT id, %s, 'done', 'now' FROM documents WHERE id LIKE 'ddd%%'", (coder,))
        conn.commit()
    events_seen = {e.table: e for e in drain(got)}
    # 100 ids of 36 characters fit; 100 pairs of them and their documents would not (> 7000 bytes).
    assert len(events_seen["documents"].ids) == 100
    status = events_seen["document_status"]
    assert (status.count, status.ids, status.documents, status.reload) == (100, None, None, True)


def test_a_new_server_project_has_the_triggers_and_its_own_writes_are_skipped(pg_url):
    """Installed in the creating transaction (pg_schema.install), not only by server setup; a
    project's listener does not hear the project's own writes, only another client's."""
    from annotator.core.project.project import Project

    with Project.create(pg_url, categories=[{"name": "Claim"}]) as project:
        with project._engine.connect() as conn:
            triggers = conn.exec_driver_sql("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'annotator_notify_%%'")
            assert triggers.scalar() == len(notify.TRIGGERS) * len(notify.TABLES)
        got: queue.Queue = queue.Queue()
        listener = project.listener(got.put).start()
        try:
            assert listener.wait_listening(5)
            project.add_document("Mine", "written by this client")
            with Project.open(pg_url) as other:
                other.add_document("Theirs", "written by another client")
            assert [(e.table, e.op) for e in drain(got)] == [("documents", "INSERT")]
        finally:
            listener.stop()
