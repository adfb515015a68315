"""Shared test set-up: Qt runs offscreen and every test gets its own ANNOTATOR_HOME, so no test
touches the real user folders.

Both engines (issue 19, point 2): a module that says ``pytestmark = pytest.mark.engines`` runs each
of its tests that uses ``project``, ``filled`` or ``new_project`` (or a fixture of its own built on
them) twice, on an SQLite file and on a fresh database of a real PostgreSQL server (the throwaway
cluster of tests/pg/cluster.py, one per session, started only when such a test runs; a database
whose collation is not code point order, LINGUISTIC); a test about
files alone says ``@pytest.mark.engines("sqlite")``. Elsewhere those fixtures give SQLite projects.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.pg.fixtures import (  # noqa: F401  (fixtures)
    STARTED,
    own_cluster,
    pg_cluster,
    pg_database,
    pg_engine,
    pg_url,
)

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # not setdefault: a developer's DISPLAY must not matter
# A session-wide fallback in case anything resolves paths before the per-test fixture runs.
os.environ["ANNOTATOR_HOME"] = tempfile.mkdtemp(prefix="annotator-test-home-")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"  # the project's sample data beside the repo (CI has a copy there)
CORPUS = SHARED / "corpus"
SCREENSHOTS = REPO / "tests" / "screenshots"  # git-ignored; look at these pictures


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def shared(path: Path) -> Path:
    """``path`` (a file or folder of ../shared), which the test reads: where it is missing the test
    is skipped with the reason, but in CI (CI=true) it fails, as CI always has ../shared."""
    if not path.exists():
        reason = f"sample data not found at {path} (../shared beside the repo)"
        if in_ci():
            pytest.fail(f"{reason}: CI must have it", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(autouse=True)
def annotator_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "annotator-home"
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def streamed_export_equals_full_parse(monkeypatch):
    """Every export file read as a stream is also parsed whole; both must agree (stream_check)."""
    from annotator.core.exchange import export_read
    from tests.stream_check import read_and_compare

    monkeypatch.setattr(export_read, "_read", read_and_compare)


@pytest.fixture(autouse=True)
def merge_quick_check_equals_full_check(monkeypatch):
    """Every chunk of a merged file that the merge checks without decoding it is also decoded and
    checked in full; both must agree (stream_check.kept_and_compare)."""
    from annotator.core.exchange import chunk_check, merge
    from tests import stream_check

    stream_check.KEPT_PASS = chunk_check.kept_pass
    monkeypatch.setattr(merge, "kept_pass", stream_check.kept_and_compare)


@pytest.fixture
def corpus() -> Path:
    """The shared sample corpus beside the repo (read, never copied); see ``shared``."""
    return shared(CORPUS)


ENGINES = ("sqlite", "postgresql")
# The server's databases sort text by ICU's root collation ("a" < "B" < "b"), not code point order,
# so an ORDER BY that reaches an export or a view without COLLATE "C" shows up as a difference.
LINGUISTIC = "LOCALE_PROVIDER icu ICU_LOCALE 'und' LOCALE 'C.UTF-8'"


def pytest_configure(config):
    config.addinivalue_line("markers", "engines: run the module's project tests on SQLite and on PostgreSQL")


def pytest_terminal_summary(terminalreporter):
    for line in STARTED:
        terminalreporter.write_line(f"[pg] {line}")


def pytest_generate_tests(metafunc):
    """``engine_kind`` for the tests that use it: SQLite alone, or the engines the closest ``engines``
    marker names (none named: both; a test of files alone says ``@pytest.mark.engines("sqlite")``)."""
    if "engine_kind" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("engines")
        kinds = ENGINES[:1] if marker is None else marker.args or ENGINES
        metafunc.parametrize("engine_kind", kinds, scope="function")


@pytest.fixture
def new_project(request, tmp_path, engine_kind):
    """``new_project(name="test", template=DEFAULT, title=name)``: a new project called ``title``
    on the test's engine (the file ``name``.annotator in ``tmp_path``, or a fresh PostgreSQL
    database), made by ``create_project``; all are closed after the test."""
    from annotator.core.schema.templates import DEFAULT, create_project

    made = []

    def make(name: str = "test", template=DEFAULT, title: str | None = None):
        if engine_kind == "sqlite":
            location = tmp_path / f"{name}.annotator"
        else:
            location = request.getfixturevalue("pg_database")(LINGUISTIC)
        made.append(create_project(location, name=title or name, template=template))
        return made[-1]

    yield make
    for proj in made:
        proj.close()


@pytest.fixture
def project(new_project):
    """A new project with the default template, on the test's engine (see the module's docstring)."""
    return new_project()


@pytest.fixture
def filled(project):
    """A project with two documents (one with emoji), an annotator and a few annotations."""
    doc1 = project.add_document("One", "Hello 😀 world, a “quoted” claim.\nSecond line  \n").document
    doc2 = project.add_document("Two", "Another text with an NBSP:\u00a0here.").document
    alice = project.add_annotator("alice")
    bob = project.add_annotator("bob")
    cats = project.categories()
    project.add_annotation(doc1.id, cats[0].id, alice.id, 0, 5)
    project.add_annotation(doc1.id, cats[1].id, bob.id, 6, 13, note="emoji inside")
    project.add_annotation(doc2.id, cats[0].id, alice.id, 8, 12)
    return project, (doc1, doc2), (alice, bob), cats


@pytest.fixture
def dump():
    """A function giving everything a project holds as plain data, for before/after comparisons."""
    return _dump


def _dump(project) -> dict:
    return {
        "documents": [d.__dict__ for d in project.documents()],
        # a category's version counts changes, an undo's too (core/project/versions.py): not content
        "categories": [c.model_dump(exclude={"version"}) for c in project.categories()],
        "annotators": [a.model_dump() for a in project.annotators()],
        "annotations": [a.model_dump() for a in project.annotations()],
    }
