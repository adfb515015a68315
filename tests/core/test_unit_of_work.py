"""Project's public unit of work: ``Project.transaction`` (commit, roll back whole, a backup only when
the block changed something), ``Project.create(categories=...)`` without template knowledge, and
the rule that no module outside core.project and core.storage reaches the database itself."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import annotator
from annotator.core.errors import ValidationError
from annotator.core.project.documents import NewDocument, insert_documents
from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project, template_categories
from annotator.core.storage import backups

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)

PACKAGE = Path(annotator.__file__).parent


def test_a_transaction_commits_its_steps_and_backs_up_the_state_before(project, annotator_home):
    project.add_document("First", "the text that was there before")
    with project.transaction(backup="before-test") as tx:
        insert_documents(tx.session, [NewDocument("A", "one"), NewDocument("B", "two")])
    assert [d.title for d in project.documents()] == ["First", "A", "B"]
    assert tx.backup is not None and tx.backup.exists()
    assert [b.reason for b in backups.list_backups(project.path, id=project.info().id)] == ["before-test"]
    with Project.open(tx.backup, mode="read") as before:
        assert [d.title for d in before.documents()] == ["First"]


def test_a_transaction_that_changes_nothing_takes_no_backup(project, annotator_home):
    project.add_document("First", "some text")
    with project.transaction(backup="before-test") as tx:
        insert_documents(tx.session, [NewDocument("Again", "some text")])  # a duplicate: nothing added
    assert tx.backup is None and backups.list_backups(project.path, id=project.info().id) == []
    with project.transaction() as tx:
        insert_documents(tx.session, [NewDocument("New", "other text")])
    assert tx.backup is None  # no reason given: no backup


def test_a_failing_step_rolls_the_whole_transaction_back(project):
    with pytest.raises(ValidationError):
        with project.transaction() as tx:
            insert_documents(tx.session, [NewDocument("A", "kept only if all succeed")])
            insert_documents(tx.session, [NewDocument("Blank", "   ")])
    assert project.documents() == []


def test_create_takes_the_categories_and_knows_no_templates(tmp_path):
    with Project.create(tmp_path / "empty.annotator") as empty:
        assert empty.categories() == []
    nodes = [{"name": "Parent", "children": [{"name": "Child", "shortcut": "c"}]}]
    with Project.create(tmp_path / "own.annotator", categories=nodes) as own:
        assert [(c.name, c.shortcut) for c in own.categories()] == [("Parent", None), ("Child", "c")]
    with create_project(tmp_path / "claims.annotator") as claims:
        assert [c.name for c in claims.categories()][:1] == [template_categories()[0]["name"]]
    loaded = subprocess.run([sys.executable, "-c", "import sys, annotator.core.project.project; "
                             "print(sorted(m for m in sys.modules if m.startswith('annotator.core.schema')))"],
                            capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['annotator.core.schema', 'annotator.core.schema.rules']"


def _reaches_the_database(path: Path) -> list[str]:
    """Uses of Project's privates, sessions opened and SQL run, in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in ("_tx", "_tx_backed_up", "_engine", "exec_driver_sql"):
            found.append(f"{node.attr} (line {node.lineno})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Session":
            found.append(f"Session() (line {node.lineno})")
    return found


def test_only_core_project_and_core_storage_reach_the_database():
    allowed = (PACKAGE / "core" / "project", PACKAGE / "core" / "storage")
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if not path.is_relative_to(allowed[0]) and not path.is_relative_to(allowed[1]):
            found = _reaches_the_database(path)
            if found:
                offenders[str(path.relative_to(PACKAGE))] = found
    assert offenders == {}
