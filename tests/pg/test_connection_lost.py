"""A connection to the server lost while a project is open (issue 19, point 7, the core's part):
one plain error (ConnectionLostError) naming the server, nothing half-written, the same project
working again once the server is back; a client killed mid-import leaves only whole imports.

Servers are stopped here, so these tests start throwaway clusters of their own (``own_cluster``)
rather than stopping the session's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from annotator.core.errors import ConnectionLostError, ServerUnavailableError, server_error
from annotator.core.project.project import NewDocument, Project, insert_documents
from annotator.core.storage import server_db
from annotator.core.storage.location import parse_location
from tests.conftest import REPO
from tests.pg.cluster import require_psycopg

psycopg = require_psycopg()


def terminate_clients(url: str) -> int:
    """End every Annotator session on the server (pg_terminate_backend, as an administrator may)."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                            "application_name = %s AND pid <> pg_backend_pid()",
                            (server_db.APPLICATION_NAME,)).fetchone()[0]


def test_a_session_ended_mid_transaction_writes_nothing_and_the_next_edit_reconnects(pg_url):
    display = parse_location(pg_url).display
    with Project.create(pg_url, name="Lab") as project:
        with pytest.raises(ConnectionLostError) as caught:
            with project.transaction() as tx:
                insert_documents(tx.session, [NewDocument(f"doc {i}", f"text {i}") for i in range(50)])
                assert terminate_clients(pg_url) >= 1
                tx.session.execute(text("SELECT 1"))
        message = str(caught.value)
        assert message == (f"{display}: the connection to the server was lost; nothing of what was being done "
                           "was saved (terminating connection due to administrator command)")
        assert isinstance(caught.value, ServerUnavailableError)
        assert project.counts().documents == 0  # the pool's dead connection is replaced (pre-ping)
        project.add_document("after", "the server answers again")
        assert [d.title for d in project.documents()] == ["after"]


def test_a_connection_replaced_between_edits_is_not_an_error(pg_url):
    with Project.create(pg_url) as project:
        project.add_document("one", "first")
        terminate_clients(pg_url)
        project.add_document("two", "second")
        assert project.counts().documents == 2


def test_a_stopped_server_is_a_lost_connection_and_the_project_works_when_it_is_back(own_cluster):
    url = own_cluster.url()
    location = parse_location(url)
    with Project.create(url, name="Lab") as project:
        project.add_document("kept", "before the server stopped")
        with project.transaction() as tx:  # a connection in the pool, alive until the stop
            tx.session.execute(text("SELECT 1"))
        own_cluster.pause()
        with pytest.raises(ConnectionLostError) as caught:
            project.add_document("lost", "while the server is away")
        assert str(caught.value).startswith(f"{location.display}: the connection to the server was lost; nothing "
                                            "of what was being done was saved (")
        assert not server_db.reachable(location, timeout_s=1)
        own_cluster.resume()
        assert server_db.reachable(location, timeout_s=2)
        assert [d.title for d in project.documents()] == ["kept"]
        project.add_document("after", "the server is back")
        assert project.counts().documents == 2


def test_a_server_that_crashes_mid_transaction_keeps_nothing_of_it(own_cluster):
    url = own_cluster.url()
    with Project.create(url) as project:
        with pytest.raises(ConnectionLostError), project.transaction() as tx:
            insert_documents(tx.session, [NewDocument(f"doc {i}", f"text {i}") for i in range(20)])
            tx.session.flush()
            own_cluster.pause(mode="immediate")
            tx.session.execute(text("SELECT 1"))
        own_cluster.resume()
        assert project.counts().documents == 0


def test_opening_an_unreachable_server_is_still_cannot_reach(pg_cluster):
    """Before a project is open a failed connection names a wrong or absent server, not a lost one."""
    import psycopg as pg

    try:
        pg.connect("postgresql://nobody@127.0.0.1:1/none", connect_timeout=2)
    except pg.OperationalError as exc:
        opening, open_already = server_error(exc, "S"), server_error(exc, "S", established=True)
    assert type(opening) is ServerUnavailableError and "cannot reach the PostgreSQL server" in str(opening)
    assert type(open_already) is ConnectionLostError


def _documents(count: int, tag: str) -> list[dict]:
    return [{"title": f"{tag} {i}", "text": f"{tag} document {i}: " + "the river was rising. " * 30}
            for i in range(count)]


def test_a_client_killed_mid_import_leaves_only_whole_imports(pg_url, tmp_path):
    """``annotator import`` of a folder (small files, then one file of 20,000 documents), killed
    while the big file's transaction is open on the server: every file is there whole or not at all."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    small = {f"a-{i}.txt": f"Small file {i}.\nIts second line." for i in range(5)}
    for name, body in small.items():
        (folder / name).write_text(body, encoding="utf-8")
    big = _documents(20_000, "row")
    (folder / "m-big.jsonl").write_text("".join(json.dumps(d) + "\n" for d in big), encoding="utf-8")
    with Project.create(pg_url, name="Lab"):
        pass
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-m", "annotator", "import", pg_url, str(folder)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            writing = wait_for_open_write(conn, child)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert writing, "the import's write transaction was never seen open"
    with Project.open(pg_url) as project:
        titles = [d.title for d in project.documents()]
        texts = {d.title: project.document(d.id).text for d in project.documents()}
        exported = tmp_path / "after.json"
        from annotator.core.exchange.export_file import write_export

        write_export(project, exported)
    rows = [t for t in titles if t.startswith("row ")]
    assert len(rows) in (0, len(big)), f"{len(rows)} of the big file's {len(big)} documents"
    print(f"killed mid-import: {len(titles) - len(rows)} small file(s) and {len(rows)} of the big file's rows kept")
    assert set(titles) - {f"row {i}" for i in range(len(big))} <= small.keys()
    for title in set(titles) & small.keys():  # each small file whole, text for text
        assert texts[title] == small[title]
    assert json.loads(exported.read_text(encoding="utf-8"))["format"]


def wait_for_open_write(conn, child, seconds: float = 120) -> bool:
    """Wait until an Annotator session holds a write transaction that has stored rows of the big
    file (a transaction id, and the small files committed before it); False if the child ended first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and child.poll() is None:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND "
                           "backend_xid IS NOT NULL AND state IN ('active', 'idle in transaction') AND "
                           "(SELECT count(*) FROM documents) >= 5",
                           (server_db.APPLICATION_NAME,)).fetchone()
        if row[0]:
            time.sleep(0.3)  # well inside the big file's rows
            return child.poll() is None
        time.sleep(0.05)
    return False



def test_an_import_stops_at_a_lost_connection_and_says_what_it_kept(own_cluster, tmp_path, monkeypatch):
    from annotator.core.documents import importing

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(f"the text of {name}", encoding="utf-8")
    read = importing.read_file

    def read_then_stop(path, options):  # the server goes away as the second file is read
        if path.name == "b.txt":
            own_cluster.pause()
        return read(path, options)

    monkeypatch.setattr(importing, "read_file", read_then_stop)
    url = own_cluster.url()
    with Project.create(url) as project:
        with pytest.raises(ConnectionLostError) as caught:
            importing.import_paths(project, [folder])
        assert str(caught.value).startswith(f"{project.where}: the connection to the server was lost; 1 of 3 "
                                            "file(s) were imported before it, each whole; b.txt and the files "
                                            "after it were not (")
        own_cluster.resume()
        assert [d.title for d in project.documents()] == ["a.txt"]
