"""Several programs on one project at once: writers take the write lock before they read
(BEGIN IMMEDIATE), so no edit is lost and no check-then-insert races (issue 10, point 14)."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from annotator.core.errors import ProjectBusyError
from annotator.core.project.project import Project, lock_wait
from annotator.core.schema.templates import create_project
from annotator.core.storage import db

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _annotate(path: str, document_id: str, category_id: str, name: str, start: multiprocessing.Event) -> None:
    with Project.open(path) as project:
        annotator = project.add_annotator(name)
        start.wait()
        for i in range(200):
            project.add_annotation(document_id, category_id, annotator.id, i, i + 1)


def test_two_processes_adding_200_annotations_each_keep_all_400(project):
    doc = project.add_document("Doc", "x" * 1000).document
    category = project.categories()[0]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=_annotate, args=(str(project.path), doc.id, category.id, name, start))
               for name in ("alice", "bob")]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    assert project.count_annotations() == 400


def _cli(*args, env):
    return subprocess.Popen([sys.executable, "-m", "annotator", *args], env=env, cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_imports_of_the_same_files_at_once_skip_the_duplicates(tmp_path, annotator_home):
    files = []
    for i in range(30):
        path = tmp_path / f"text{i:02}.txt"
        path.write_text(f"Text number {i}.\n" * 50, encoding="utf-8")
        files.append(str(path))
    env = dict(os.environ, PYTHONPATH=REPO_ROOT, ANNOTATOR_HOME=str(annotator_home))
    for round_ in range(3):
        target = tmp_path / f"p{round_}.annotator"
        create_project(target).close()
        runs = [_cli("import", str(target), *files, env=env) for _ in range(2)]
        results = [run.communicate(timeout=120) + (run.returncode,) for run in runs]
        for out, err, code in results:
            assert code == 0, err
            assert "IntegrityError" not in out + err and "internal error" not in err
        skipped = sum(out.count("skipped ") for out, _, _ in results)
        assert skipped == 30, [r[0] for r in results]
        with Project.open(target) as project:
            assert project.counts().documents == 30


@pytest.fixture
def locked(project):
    """A document, a category and a coder, and another connection that can hold the write lock."""
    doc = project.add_document("Doc", "some text").document
    annotator = project.add_annotator("alice")
    holder = sqlite3.connect(project.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    yield project, dict(document_id=doc.id, category_id=project.categories()[0].id,
                        annotator_id=annotator.id, start=0, end=4), holder
    holder.close()


def test_a_write_waits_for_the_lock_and_goes_through_when_it_is_released(locked):
    project, item, holder = locked
    threading.Timer(0.5, holder.commit).start()
    project.add_annotations([item])  # waits (up to 5 s), then writes
    assert project.count_annotations() == 1


def test_a_write_that_cannot_get_the_lock_changes_nothing_and_says_so(locked, monkeypatch):
    project, item, holder = locked
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 20_000)
    began = time.monotonic()
    with lock_wait(50), pytest.raises(ProjectBusyError) as caught:
        project.add_annotations([item])
    assert time.monotonic() - began < 10  # the short wait, not the default
    assert str(caught.value) == ("test.annotator: the database is locked by another program; "
                                 "try again when it has finished")
    assert project.documents()  # reads go on while another program writes
    holder.rollback()
    assert project.count_annotations() == 0
    project.add_annotations([item])  # the same edit, tried again
    assert project.count_annotations() == 1
