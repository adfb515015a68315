"""parse_location: a project path or a PostgreSQL URL (issue 19, point 1). No server needed.

The URL forms and their meaning are libpq's ("Connection URIs" in the PostgreSQL documentation).
What SQLAlchemy's psycopg dialect hands to the driver is read back through
``dialect.create_connect_args`` (SQLAlchemy 2.x, the version the project installs), and compared
with what libpq's own parser (PQconninfoParse, as ``psycopg.conninfo.conninfo_to_dict``; psycopg
3.3 with its bundled libpq) makes of the same URL: the reference for every expected value.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from annotator.cli.output import EXIT_FAILED, report_error
from annotator.core.errors import AnnotatorError, NotAProjectError
from annotator.core.storage import location as loc_module
from annotator.core.storage.location import DRIVER_HINT, DriverMissingError, is_server_url, parse_location
from tests.pg.cluster import require_psycopg

require_psycopg()  # create_connect_args of the psycopg dialect imports the driver

from psycopg.conninfo import conninfo_to_dict  # noqa: E402  (after the check above)


def connect_args(value: str) -> dict:
    """The keywords psycopg.connect would get for ``value`` (without its adapters context)."""
    from sqlalchemy import create_engine

    engine = create_engine(parse_location(value).engine_url())
    try:
        _, kwargs = engine.dialect.create_connect_args(engine.url)
    finally:
        engine.dispose()
    kwargs.pop("context", None)
    return kwargs


@pytest.mark.parametrize("value", ["project.annotator", "/data/team/corpus.annotator", Path("x/y.annotator"),
                                   "C:\\Users\\ana\\corpus.annotator", "postgresql.annotator",
                                   "./postgresql:/odd-file-name", "sqlite:///x.db"])
def test_paths_stay_paths(value):
    location = parse_location(value)
    assert location.kind == "sqlite" and location.path == Path(value) and location.url is None
    assert not location.is_server and location.safe_display() == str(Path(value))


@pytest.mark.parametrize(("value", "expected", "display"), [
    ("postgresql://alice@db.example.org:5433/lab",
     {"host": "db.example.org", "port": 5433, "user": "alice", "dbname": "lab"},
     "postgresql://alice@db.example.org:5433/lab"),
    ("postgres://alice@db.example.org/lab?sslmode=verify-full&sslrootcert=/etc/ssl/lab.pem",
     {"host": "db.example.org", "user": "alice", "dbname": "lab", "sslmode": "verify-full",
      "sslrootcert": "/etc/ssl/lab.pem"},
     "postgresql://alice@db.example.org/lab?sslmode=verify-full&sslrootcert=/etc/ssl/lab.pem"),
    # A Unix socket folder: as the host parameter, or percent-encoded in the host part (libpq, 32.1.1.2).
    ("postgresql:///lab?host=/var/run/postgresql&port=5439",
     {"host": "/var/run/postgresql", "port": "5439", "dbname": "lab"},
     "postgresql:///lab?host=/var/run/postgresql&port=5439"),
    ("postgresql://%2Fvar%2Frun%2Fpostgresql/lab", {"host": "/var/run/postgresql", "dbname": "lab"},
     "postgresql://%2Fvar%2Frun%2Fpostgresql/lab"),
    # Several hosts, tried in turn (libpq 32.1.1.3): psycopg gets libpq's comma-separated lists.
    ("postgresql://h1:5432,h2:5433/lab?target_session_attrs=read-write",
     {"host": "h1,h2", "port": "5432,5433", "dbname": "lab", "target_session_attrs": "read-write"},
     "postgresql://h1:5432,h2:5433/lab?target_session_attrs=read-write"),
    # A host parameter overrides the URL's host, not its port (as libpq's parser reads it).
    ("postgresql://%2Ftmp%2Fs:5433/db?host=h2", {"host": "h2", "port": "5433", "dbname": "db"},
     "postgresql://%2Ftmp%2Fs:5433/db?host=h2"),
    ("postgresql://?service=lab", {"service": "lab"}, "postgresql://?service=lab"),
    ("postgresql:///?service=lab&dbname=other", {"service": "lab", "dbname": "other"},
     "postgresql:///other?service=lab"),
    ("postgresql://[2001:db8::1]:5432/x", {"host": "2001:db8::1", "port": 5432, "dbname": "x"},
     "postgresql://[2001:db8::1]:5432/x"),
    ("postgresql://:5433/x", {"port": 5433, "dbname": "x"}, "postgresql://:5433/x"),
    ("postgresql+psycopg://u@h/d%C3%A9p%C3%B4t?application_name=Annotator%20client",
     {"host": "h", "user": "u", "dbname": "dépôt", "application_name": "Annotator client"},
     "postgresql://u@h/d%C3%A9p%C3%B4t?application_name=Annotator%20client"),
])
def test_urls(value, expected, display):
    location = parse_location(value)
    assert location.kind == "postgresql" and location.path is None and location.is_server
    assert location.url.drivername == "postgresql+psycopg"
    assert connect_args(value) == expected
    # The reference: libpq's own parser (PQconninfoParse, through psycopg.conninfo) reads the same.
    if not value.startswith("postgresql+psycopg"):
        assert conninfo_to_dict(value) == {key: str(item) for key, item in expected.items()}
    assert location.safe_display() == display == str(location)
    # What the app stores reads back as the same place.
    assert parse_location(location.safe_display()) == location


@pytest.mark.parametrize("value", [
    "postgresql://alice:s%40cret%21@db.example.org/lab?sslmode=require",
    "postgresql://alice@db.example.org/lab?password=s%40cret%21&sslmode=require",
])
def test_a_password_is_used_but_never_shown_or_stored(value):
    location = parse_location(value)
    assert connect_args(value) == conninfo_to_dict(value) == {
        "host": "db.example.org", "user": "alice", "dbname": "lab", "sslmode": "require", "password": "s@cret!"}
    assert location.has_password
    stored = location.safe_display()
    assert stored == "postgresql://alice@db.example.org/lab?sslmode=require"
    for shown in (stored, str(location), repr(location), str(location.url), location.url.render_as_string(False)):
        assert "cret" not in shown
    # What the app stored reopens the same database; libpq then takes the password from ~/.pgpass.
    again = parse_location(stored)
    assert again == location and not again.has_password
    assert "password" not in connect_args(stored)


def test_an_ssl_key_password_is_a_secret_too():
    location = parse_location("postgresql://a@h/d?sslkey=/k.pem&sslpassword=hush")
    assert "hush" not in location.safe_display() + repr(location)
    assert location.engine_url().query["sslpassword"] == "hush"


@pytest.mark.parametrize(("value", "reason"), [
    ("postgresql://alice@h/lab?sslmod=require", "unknown connection option 'sslmod'"),
    ("postgresql://alice@h:54x32/lab", "port '54x32' is not a number"),
    ("postgresql://alice@h:70000/lab", "port '70000' is not a number from 1 to 65535"),
    ("postgresql://alice@h/lab?port=0", "port '0' is not a number"),
    ("postgresql://alice@[::1/lab", "unclosed IPv6 address"),
])
def test_malformed_urls_get_one_plain_message(value, reason):
    with pytest.raises(NotAProjectError, match="not a PostgreSQL URL") as caught:
        parse_location(value)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_a_malformed_url_message_hides_the_password():
    with pytest.raises(NotAProjectError) as caught:
        parse_location("postgresql://alice:topsecret@h:99999/lab")
    assert "topsecret" not in str(caught.value) and "alice@h:99999/lab" in str(caught.value)


def test_without_the_driver_one_line_says_what_to_install(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(loc_module, "driver_available", lambda: False)
    with pytest.raises(DriverMissingError) as caught:
        parse_location("postgresql://alice@h/lab")
    assert isinstance(caught.value, AnnotatorError)
    assert str(caught.value) == DRIVER_HINT == "PostgreSQL projects need the driver: pip install 'annotator[postgres]'"
    # The CLI prints an AnnotatorError as its one line and exits 1 (annotator.cli.output.report_error).
    status = report_error(caught.value, argparse.Namespace(), ["list", "postgresql://alice@h/lab"], tmp_path / "log")
    out, err = capsys.readouterr()
    assert (status, out, err) == (EXIT_FAILED, "", f"annotator: error: {DRIVER_HINT}\n")
    # Paths need no driver; listing recent projects need not connect, so it may skip the check.
    assert parse_location("x.annotator").kind == "sqlite"
    assert parse_location("postgresql://alice@h/lab", require_driver=False).is_server


def test_is_server_url():
    assert is_server_url("postgresql://h/d") and is_server_url("  POSTGRES://h/d")
    assert not is_server_url(Path("postgresql:/h/d")) and not is_server_url("my-postgresql://x")
