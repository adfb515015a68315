"""Where a project lives: a file (SQLite) or a PostgreSQL database named by a URL (issue 19, point 1).

``parse_location(value)`` tells the two apart wherever a project is named (the GUI's Open Project
and Open Recent, every CLI command's project argument). A value that starts with ``postgresql://``
or ``postgres://`` (libpq's two URI schemes; ``postgresql+psycopg://``, SQLAlchemy's spelling, is
taken too) is a server project; anything else is a path. libpq's URI form is followed
(https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS):

    postgresql://user@host:5432/dbname?sslmode=require
    postgresql:///dbname?host=/var/run/postgresql      (a Unix socket folder)
    postgresql://%2Fvar%2Frun%2Fpostgresql/dbname       (the same, the folder percent-encoded)
    postgresql://h1:5432,h2:5433/dbname?target_session_attrs=read-write
    postgresql://?service=lab                           (everything from pg_service.conf)

A password in the URL (``user:secret@`` or ``?password=``) is accepted, so that a pasted URL
works, but it is kept apart from everything the app shows or stores: ``safe_display()`` is the
URL without it, the string to put in recent-project lists, settings, logs and messages; the
password stays in the ``Location`` object only (not in its repr) for the connection. Stored
passwords belong in libpq's own places (``~/.pgpass``, PGPASSFILE, a service file, PGPASSWORD),
which libpq reads when the URL has none.

Naming a URL without the driver installed raises DriverMissingError, one line saying what to
install. This module only parses: connecting is the storage engine's work (next session).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote

from sqlalchemy import URL

from annotator.core.errors import AnnotatorError, NotAProjectError, brief

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
DRIVER = "psycopg"
DRIVER_HINT = "PostgreSQL projects need the driver: pip install 'annotator[postgres]'"
# The desktop bundle (PyInstaller sets sys.frozen) carries no driver and no TLS: it opens project files.
BUNDLE_HINT = ("this desktop bundle opens project files only; for a PostgreSQL project, install Annotator with "
               "pip: pip install 'annotator[postgres]'")
# libpq's connection keywords (PostgreSQL 17), the ones a URL's query may carry. A typo such as
# "sslmod" is refused here with a plain message, rather than by libpq at connection time.
LIBPQ_KEYWORDS = frozenset((
    "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth", "channel_binding",
    "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
    "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
    "replication", "gssencmode", "sslmode", "sslnegotiation", "requiressl", "sslcompression", "sslcert",
    "sslkey", "sslcertmode", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
    "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation",
    "service", "target_session_attrs", "load_balance_hosts",
))
SECRETS = frozenset(("password", "sslpassword"))  # never shown, never stored


class DriverMissingError(AnnotatorError):
    """A PostgreSQL URL was named, but psycopg (the ``postgres`` extra) is not installed."""

    def __init__(self, message: str | None = None):
        if message is None:
            message = BUNDLE_HINT if getattr(sys, "frozen", False) else DRIVER_HINT
        super().__init__(message)


@dataclass(frozen=True)
class Location:
    """A project's place: ``kind`` "sqlite" with ``path``, or "postgresql" with ``url`` (SQLAlchemy's
    ``postgresql+psycopg`` URL, without any password) and ``display`` (the libpq URL without any
    password). ``secrets`` (the password, an SSL key's password) are only for ``engine_url``."""

    kind: Literal["sqlite", "postgresql"]
    path: Path | None = None
    url: URL | None = None
    display: str = ""
    secrets: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    @property
    def is_server(self) -> bool:
        return self.kind == "postgresql"

    @property
    def has_password(self) -> bool:
        return bool(self.secrets)

    def safe_display(self) -> str:
        """What the app may show and store (recent projects, settings, logs, messages): the path,
        or the URL without its password; ``parse_location`` of it gives this location back, less
        the password (which libpq then finds in ~/.pgpass or a service file)."""
        return str(self.path) if self.kind == "sqlite" else self.display

    def engine_url(self) -> URL:
        """The URL to connect with: ``url`` plus the secrets the user typed into it, if any."""
        if self.url is None:
            raise ValueError("a file project has no server URL")
        values = dict(self.secrets)
        url = self.url
        if "password" in values:
            url = url.set(password=values.pop("password"))
        if values:
            url = url.update_query_dict(values)
        return url

    def __str__(self) -> str:
        return self.safe_display()


def is_server_url(value: str | Path) -> bool:
    """Whether ``value`` names a PostgreSQL database rather than a file."""
    return isinstance(value, str) and value.strip().lower().startswith(SCHEMES)


def driver_available() -> bool:
    return importlib.util.find_spec(DRIVER) is not None


def parse_location(value: str | Path, require_driver: bool = True) -> Location:
    """The location ``value`` names: a PostgreSQL URL (see the module's docstring) or a file path.

    Raises NotAProjectError for a malformed URL (the message shows it without its password), and
    DriverMissingError for a URL when psycopg is missing and ``require_driver`` (listing recent
    projects passes False: it only shows them)."""
    if not is_server_url(value):
        return Location(kind="sqlite", path=Path(value))
    location = _parse_url(str(value).strip())
    if require_driver and not driver_available():
        raise DriverMissingError()
    return location


def _bad(shown: str, reason: str) -> NotAProjectError:
    return NotAProjectError(f"{shown}: not a PostgreSQL URL ({reason})")


def _parse_url(value: str) -> Location:
    scheme, rest = value.split("://", 1)
    if "#" in rest:
        rest = rest.split("#", 1)[0]
    rest, _, query = rest.partition("?")
    netloc, slash, path = rest.partition("/")
    userinfo, at, hostspec = netloc.rpartition("@")
    if not at:
        userinfo, hostspec = "", netloc
    user, colon, password = userinfo.partition(":")
    user, password = unquote(user), unquote(password) if colon else None
    shown_user = quote(user, safe="") + "@" if user else ""
    # Messages show the URL without its password: the password must not reach a log either.
    shown = f"{scheme}://{shown_user}{hostspec}{slash}{path}" + ("?…" if query else "")

    hosts = [_split_host(part, shown) for part in hostspec.split(",")] if hostspec else []
    dbname = unquote(path) if slash else ""
    params: list[tuple[str, str]] = []
    secrets: list[tuple[str, str]] = [("password", password)] if password else []
    for key, item in parse_qsl(query, keep_blank_values=True, strict_parsing=False):
        if key not in LIBPQ_KEYWORDS:
            raise _bad(shown, f"unknown connection option {brief(key, 40)}; libpq's options are "
                              "sslmode, service, host, port, connect_timeout, application_name, …")
        if key in SECRETS:
            secrets.append((key, item))
        elif key == "dbname":
            dbname = item
        elif key == "user":
            user = item
        else:
            params.append((key, item))
    ports = [item for key, item in params if key == "port"]
    for port in [p for _, p in hosts if p] + [p for item in ports for p in item.split(",") if p]:
        if not (port.isdigit() and 0 < int(port) < 65536):
            raise _bad(shown, f"port {brief(port, 20)} is not a number from 1 to 65535")

    query_dict: dict[str, str | tuple[str, ...]] = {}
    for key, item in params:
        query_dict[key] = item if key not in query_dict else (*_as_tuple(query_dict[key]), item)
    url_host, url_port = None, None
    if "host" in query_dict:  # libpq: a host parameter overrides the URL's hosts (not their port)
        if len(hosts) == 1 and hosts[0][1] and "port" not in query_dict:
            query_dict["port"] = hosts[0][1]
    elif len(hosts) == 1 and not hosts[0][0].startswith("/"):  # one host name or address (or only a port)
        url_host, url_port = hosts[0][0] or None, int(hosts[0][1]) if hosts[0][1] else None
    elif hosts:  # a socket folder, or several hosts: SQLAlchemy's psycopg dialect takes them in the query
        query_dict["host"] = tuple(f"{h}:{p}" if p else h for h, p in hosts) if len(hosts) > 1 else hosts[0][0]
        if len(hosts) == 1 and hosts[0][1]:
            query_dict["port"] = hosts[0][1]
    url = URL.create("postgresql+psycopg", username=user or None, host=url_host, port=url_port,
                     database=dbname or None, query=query_dict)

    display = f"postgresql://{quote(user, safe='') + '@' if user else ''}{hostspec}"
    display += f"/{quote(dbname, safe='')}" if dbname else ""
    if params:
        display += "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='/,')}" for k, v in params)
    return Location(kind="postgresql", url=url, display=display, secrets=tuple(secrets))


def _as_tuple(item: str | tuple[str, ...]) -> tuple[str, ...]:
    return item if isinstance(item, tuple) else (item,)


def _split_host(part: str, shown: str) -> tuple[str, str]:
    """``(host, port)`` of one host of a URL: ``name``, ``name:port``, ``[v6]:port``, or a
    percent-encoded socket folder."""
    if part.startswith("["):
        host, bracket, after = part[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise _bad(shown, f"unclosed IPv6 address {brief(part, 40)}")
        return host, after[1:]
    host, colon, port = part.rpartition(":")
    return (unquote(host), port) if colon else (unquote(part), "")
