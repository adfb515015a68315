"""The engine switch (issue 19, point 1): a Project on a PostgreSQL URL through the same core as on a
file. Real server (tests/pg/conftest.py); no mocks."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from annotator.core.errors import (
    LoginFailedError,
    NotAProjectError,
    ProjectBusyError,
    ReadOnlyError,
    ServerUnavailableError,
    user_message,
)
from annotator.core.project.project import Project, lock_wait
from annotator.core.storage import db, server_db
from annotator.core.storage import location as loc_module
from annotator.core.storage.location import DriverMissingError, parse_location
from annotator.core.storage.tables import ProjectSetting
from tests.pg.cluster import require_psycopg

require_psycopg()

# Documents on a server need the server's SQL of branch `sql` (document_search.SERVER_SCHEMA...).
def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        return {r[0] for r in rows}


def test_create_on_an_empty_database_makes_the_tables_and_the_format_row(pg_url):
    with Project.create(pg_url, name="Team study", categories=[{"id": "claim", "name": "Claim"}]) as project:
        assert project.is_server and project.path is None
        assert project.location.display == parse_location(pg_url).display
        assert project.label == project.location.display == project.where
        assert project.info().name == "Team study"
        assert [c.id for c in project.categories()] == ["claim"]
    assert server_db.wanted_tables() <= tables(pg_url)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT application_id, version FROM annotator_format").fetchall() == [
            (db.APPLICATION_ID, db.SCHEMA_VERSION)]


def test_create_refuses_a_database_that_holds_tables(pg_url):
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(NotAProjectError, match="the database is not empty") as caught:
        Project.create(pg_url)
    assert "annotator init needs an empty database" in str(caught.value)
    assert tables(pg_url) == {"invoices"}  # nothing was created


def test_create_twice_is_refused_and_the_first_project_is_kept(pg_url):
    Project.create(pg_url, name="first").close()
    with pytest.raises(NotAProjectError, match="an Annotator project already"):
        Project.create(pg_url, name="second")
    with Project.open(pg_url) as project:
        assert project.info().name == "first"


def test_a_refused_category_creates_nothing(pg_url):
    with pytest.raises(Exception):  # noqa: B017  (the category's own error; what matters is what is left)
        Project.create(pg_url, categories=[{"id": "a", "name": ""}])
    assert tables(pg_url) == set()


def test_open_refuses_an_empty_database_and_another_applications(pg_url):
    with pytest.raises(NotAProjectError, match="empty database") as caught:
        Project.open(pg_url)
    assert f"annotator init {parse_location(pg_url).display}" in str(caught.value)
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(NotAProjectError, match="not an Annotator project"):
        Project.open(pg_url)
    with pytest.raises(NotAProjectError, match="not an Annotator project"):
        Project.open(pg_url, mode="read")


def test_open_info_setting_and_reopen(pg_url):
    Project.create(pg_url, name="corpus").close()
    with Project.open(pg_url) as project:
        first = project.info()
        project.add_annotator("Ana", "ana")
        project.set_setting("blind_coding", True, by="ana")
        assert project.setting("blind_coding") is True
    with Project.open(pg_url) as project:
        assert project.info().id == first.id and project.info().name == "corpus"
        assert project.setting("blind_coding") is True
        assert [a.id for a in project.annotators()] == ["ana"]


def test_a_document_is_added_and_read_back(pg_url):
    Project.create(pg_url).close()
    text = "Zoë said: 😀 ok\n"
    with Project.open(pg_url) as project:
        added = project.add_document("first", text)
    with Project.open(pg_url, mode="read") as project:
        doc = project.document(added.document.id)
        assert (doc.title, doc.text, doc.length) == ("first", text, len(text))
        assert [d.id for d in project.documents()] == [added.document.id]


def test_a_newer_format_is_refused_with_the_files_message(pg_url):
    Project.create(pg_url).close()
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE annotator_format SET version = %s", (db.SCHEMA_VERSION + 1,))
    newer, ours = db.SCHEMA_VERSION + 1, db.SCHEMA_VERSION
    with pytest.raises(NotAProjectError, match=rf"made by a newer Annotator \(project format {newer}; this version "
                                               rf"reads up to {ours}\)\. Update Annotator to open it\."):
        Project.open(pg_url)


def test_a_missing_table_is_damage(pg_url):
    Project.create(pg_url).close()
    with psycopg.connect(pg_url) as conn:
        conn.execute("DROP TABLE document_status")
    with pytest.raises(Exception, match="table document_status missing"):
        Project.open(pg_url)


def test_read_mode_refuses_writes(pg_url):
    Project.create(pg_url).close()
    with Project.open(pg_url, mode="read") as project:
        assert project.read_only and project.info() is not None
        with pytest.raises(ReadOnlyError, match="open read-only"):
            project.add_annotator("Ana", "ana")
        with pytest.raises(ReadOnlyError):
            with project.transaction() as tx:
                tx.session.add(ProjectSetting(key="blind_coding", value=True))
    with Project.open(pg_url) as project:
        assert project.annotators() == [] and project.setting("blind_coding") is None


def test_a_write_waits_for_another_clients_write_then_gives_up(pg_url):
    Project.create(pg_url).close()
    first, second = Project.open(pg_url), Project.open(pg_url)
    held, release = threading.Event(), threading.Event()

    def hold():
        with first.transaction() as tx:
            tx.session.add(ProjectSetting(key="blind_coding", value=True))
            tx.session.flush()
            held.set()
            release.wait(10)

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with lock_wait(300), pytest.raises(ProjectBusyError, match="another client is writing") as caught:
            second.add_annotator("Ana", "ana")
        waited = time.monotonic() - started
        assert 0.25 <= waited < 5, waited
        assert first.location.display in str(caught.value)
    finally:
        release.set()
        worker.join()
    # once the first has committed, the second's write goes through and reads what the first wrote
    second.add_annotator("Ana", "ana")
    assert second.setting("blind_coding") is True and [a.id for a in first.annotators()] == ["ana"]
    first.close()
    second.close()


def test_a_waiting_write_goes_through_when_the_lock_is_released(pg_url):
    Project.create(pg_url).close()
    first, second = Project.open(pg_url), Project.open(pg_url)
    held = threading.Event()

    def hold():
        with first.transaction() as tx:
            tx.session.add(ProjectSetting(key="lead_override", value=True))
            tx.session.flush()
            held.set()
            time.sleep(0.5)

    worker = threading.Thread(target=hold)
    worker.start()
    assert held.wait(10)
    started = time.monotonic()
    with lock_wait(5000):
        second.add_annotator("Bo", "bo")
    assert time.monotonic() - started >= 0.3  # it waited for the first to commit
    worker.join()
    assert second.setting("lead_override") is True
    first.close()
    second.close()


def test_transaction_backup_only_when_something_changed(pg_url, monkeypatch):
    Project.create(pg_url).close()
    taken = []
    with Project.open(pg_url) as project:
        monkeypatch.setattr(project, "backup", lambda reason: taken.append(reason) or reason)
        with project.transaction(backup="before-nothing") as tx:
            tx.session.get(ProjectSetting, "lead")
        assert tx.backup is None
        with project.transaction(backup="before-import") as tx:
            tx.session.add(ProjectSetting(key="blind_coding", value=True))
        assert taken == ["before-import"] and tx.backup == "before-import"


def test_the_backup_of_a_server_project(pg_url):
    Project.create(pg_url).close()
    with Project.open(pg_url) as project:
        with project.transaction(backup="before-import") as tx:
            tx.session.add(ProjectSetting(key="blind_coding", value=True))
        assert tx.backup is not None and tx.backup.is_file()


def test_open_or_create_makes_a_project_in_an_empty_database_only(pg_url):
    with Project.open_or_create(pg_url, categories=[{"id": "c", "name": "C"}]) as project:
        project_id = project.info().id
    with Project.open_or_create(pg_url) as project:
        assert project.info().id == project_id and [c.id for c in project.categories()] == ["c"]


def test_an_unreachable_server_and_a_missing_database_are_plain_messages(pg_cluster):
    url = f"postgresql://ana:topsecret@127.0.0.1:{_closed_port()}/lab?connect_timeout=2"
    with pytest.raises(ServerUnavailableError, match="cannot reach the PostgreSQL server") as caught:
        Project.open(url)
    message = user_message(caught.value)
    assert "topsecret" not in message and message.startswith(f"postgresql://ana@127.0.0.1:{_closed_port()}/lab")
    with pytest.raises(NotAProjectError, match="no such database"):
        Project.open(pg_cluster.url("no_such_db"))


def test_a_refused_login_is_a_plain_message(pg_cluster, pg_url):
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS carla")
        conn.execute("CREATE ROLE carla LOGIN PASSWORD 'right'")
    hba = pg_cluster.data_dir / "pg_hba.conf"
    try:
        _require_passwords(pg_cluster, hba)
        url = pg_cluster.tcp_url(parse_location(pg_url).url.database, user="carla").replace(
            "carla@", "carla:wrong@")
        with pytest.raises(LoginFailedError, match="the server refused the login") as caught:
            Project.open(url)
        assert "wrong" not in str(caught.value).replace("password authentication", "")
    finally:
        _require_passwords(pg_cluster, hba, undo=True)
        with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
            conn.execute("DROP ROLE IF EXISTS carla")


def test_without_the_driver_opening_a_url_says_what_to_install(monkeypatch, pg_url):
    monkeypatch.setattr(loc_module, "driver_available", lambda: False)
    with pytest.raises(DriverMissingError, match=r"pip install 'annotator\[postgres\]'"):
        Project.open(pg_url)
    with pytest.raises(DriverMissingError):
        Project.create(pg_url)


def _closed_port() -> int:
    return 1  # nothing listens on port 1 of 127.0.0.1 here


def _require_passwords(cluster, hba, undo: bool = False) -> None:
    """Ask for a password on TCP for role carla (the test cluster trusts everyone)."""
    line = "host all carla 127.0.0.1/32 scram-sha-256\n"
    text = hba.read_text()
    hba.write_text(text.replace(line, "") if undo else line + text)
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("SELECT pg_reload_conf()")
    time.sleep(0.2)
