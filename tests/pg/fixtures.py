"""Fixtures of the PostgreSQL tests (issue 19, point 8): one real throwaway cluster per test session
(tests/pg/cluster.py) and fresh empty databases. tests/conftest.py imports them, so every test
(tests/pg's and the core's run on both engines, tests/conftest.py ``engine_kind``) shares one cluster.

``pg_cluster`` (session): the running cluster; it is started only when a test asks for it, and
stopped and removed at the end of the session, also when tests fail. Where no server can be
started (the postgresql package or psycopg missing) the tests are skipped with the reason; on CI
(CI=true) they fail instead, as CI installs both (.ci/setup.sh test).
``pg_url`` (function): the libpq URL of a new empty database, made from template0 under a unique
name and dropped after the test. ``pg_engine``: a SQLAlchemy engine on it (postgresql+psycopg).
``own_cluster`` (function): a cluster of one test alone, which it may stop and start again
(``Cluster.pause``/``resume``: a server that goes away) without disturbing the others.
``pg_database`` (function): a factory, ``pg_database()`` gives the URL of one more fresh
database; all are dropped after the test.
"""

from __future__ import annotations

import uuid

import pytest

from tests.pg.cluster import Cluster, UnavailableError, in_ci

STARTED: list[str] = []  # what the cluster took to start, shown at the end of the run


def _unavailable(reason: str):
    if in_ci():
        pytest.fail(f"PostgreSQL tests cannot run: {reason} (CI must have a server)", pytrace=False)
    pytest.skip(reason)


def _start() -> Cluster:
    """A new cluster, or the test skipped (failed on CI) with the reason none can start."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed: pip install -e '.[test]' (or 'annotator[postgres]')")
    try:
        return Cluster.start()
    except UnavailableError as exc:
        _unavailable(str(exc))


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = _start()
    STARTED.append(f"PostgreSQL {cluster.version}: throwaway cluster started in {cluster.started_seconds:.2f} s "
                   f"(initdb + pg_ctl start, {cluster.folder})")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def own_cluster():
    cluster = _start()
    try:
        yield cluster
    finally:
        cluster.stop()


def admin(cluster: Cluster):
    """An autocommit psycopg connection to the cluster's ``postgres`` database as the superuser."""
    import psycopg

    return psycopg.connect(cluster.url(), autocommit=True)


def create_database(cluster: Cluster, options: str = "") -> str:
    """A new empty database (UTF-8, from template0, with ``options`` of CREATE DATABASE); its name."""
    name = f"annotator_test_{uuid.uuid4().hex[:12]}"
    with admin(cluster) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' {options}')
    return name


def drop_database(cluster: Cluster, name: str) -> None:
    with admin(cluster) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_cluster):
    """The URL of a fresh empty database (UTF-8, from template0), dropped after the test."""
    name = create_database(pg_cluster)
    try:
        yield pg_cluster.url(name)
    finally:
        drop_database(pg_cluster, name)


@pytest.fixture
def pg_database(pg_cluster):
    """``pg_database(options="")``: the URL of one more fresh database; all are dropped after the test."""
    made: list[str] = []

    def make(options: str = "") -> str:
        made.append(create_database(pg_cluster, options))
        return pg_cluster.url(made[-1])

    try:
        yield make
    finally:
        for name in made:
            drop_database(pg_cluster, name)


@pytest.fixture
def pg_engine(pg_url):
    """A SQLAlchemy engine (postgresql+psycopg) on the fresh database of ``pg_url``."""
    from sqlalchemy import create_engine

    engine = create_engine("postgresql+psycopg" + pg_url[len("postgresql"):])
    try:
        yield engine
    finally:
        engine.dispose()
