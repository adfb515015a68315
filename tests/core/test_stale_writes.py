"""Issue 19, point 5: no lost writes. Two client processes load the same category, setting or unit,
both write from what they loaded; exactly one write lands, the other gets StaleWriteError with
nothing of it written (file and server alike). And in one process: the message, the writes
without a version, and undo over another client's change."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from annotator.core.agreement.adjudication import adjudication_units
from annotator.core.errors import StaleWriteError
from annotator.core.project import commands
from annotator.core.project.gold import GoldSpan, seen_on
from annotator.core.project.project import Project
from tests.conftest import REPO

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)


def where(project) -> str:
    return str(project.path) if project.path is not None else project.location.safe_display()


def race(project, jobs: list[dict]) -> list[str]:
    """Run one client process per job against ``project``; each loads first, then all write at once.
    Returns what each printed last."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    clients = [subprocess.Popen([sys.executable, str(REPO / "tests" / "stale_client.py"),
                                 json.dumps(dict(job, location=where(project)))],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env) for job in jobs]
    try:
        for client in clients:
            assert client.stdout.readline().strip() == "loaded"
        for client in clients:  # both have read: now both write
            client.stdin.write("go\n")
            client.stdin.flush()
        results = [client.communicate(timeout=60)[0].strip() for client in clients]
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
    assert all(client.returncode == 0 for client in clients)
    return results


def one_won(results: list[str]) -> int:
    assert sorted(r.split(":")[0] for r in results) == ["ok", "stale"], results
    return results.index("ok")


def test_two_processes_rename_one_category_and_one_is_refused(project):
    cat = project.categories()[0]
    results = race(project, [dict(what="category", key=cat.id, value=f"Name {i}") for i in (1, 2)])
    winner = one_won(results)
    loser = results[1 - winner]
    assert f"the category 'Name {winner + 1}' was changed by another coder" in loser  # named as it is now
    assert f"(version 2, you had {cat.version})" in loser and "nothing was written" in loser
    now = project.category(cat.id)
    assert (now.name, now.version) == (f"Name {winner + 1}", cat.version + 1)


def test_two_processes_set_one_setting_and_one_is_refused(project):
    alice = project.add_annotator("alice")
    results = race(project, [dict(what="setting", key="blind_coding", value=on, by=alice.id) for on in (True, False)])
    winner = one_won(results)
    assert "the setting 'blind_coding' was changed by alice since you loaded it (version 1, it was not set yet)" \
        in results[1 - winner]
    assert project.setting("blind_coding") is (True, False)[winner] and project.setting_version("blind_coding") == 1


@pytest.fixture
def unit(project):
    doc = project.add_document("One", "The minister said taxes will rise next year.").document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    claim, opinion = project.categories()[:2]
    a = project.add_annotation(doc.id, claim.id, alice.id, 0, 5)
    project.add_annotation(doc.id, opinion.id, bob.id, 0, 7)
    return doc, adjudication_units(project)[0], alice, claim, a


def test_two_adjudicators_decide_one_unit_and_one_is_refused(project, unit):
    doc, u, alice, claim, a = unit
    project.decide(doc.id, unit_id=u.id, start=u.start, end=u.end, kind="accepted",
                   spans=[GoldSpan(0, 5, claim.id)], sources=[a.id], by=alice.id)
    first = project.decisions()[0]
    job = dict(what="unit", key=u.id, document_id=doc.id, start=u.start, end=u.end, by=alice.id)
    results = race(project, [dict(job, value=f"reason {i}") for i in (1, 2)])
    winner = one_won(results)
    assert "the decision on 'One' 0–7 was changed by alice since you loaded it (version 2, you had 1)" \
        in results[1 - winner]
    (now,) = project.decisions()
    assert (now.kind, now.reason, now.version, now.replaces) == ("rejected", f"reason {winner + 1}", 2, [first.id])


def test_a_write_without_a_version_is_based_on_its_own_read(project):
    cat = project.categories()[0]
    project.update_category(cat.id, name="Other")
    assert project.update_category(cat.id, colour="#112233").version == cat.version + 2  # no version: no refusal
    project.set_setting("blind_coding", True)
    project.set_setting("blind_coding", False)
    assert project.setting_version("blind_coding") == 2


def test_a_stale_write_is_refused_whole(project):
    cat = project.categories()[0]
    with Project.open(project.location) as other:  # another client
        other.update_category(cat.id, description="theirs")
    with pytest.raises(StaleWriteError, match="changed by another coder since you loaded it"):
        project.update_category(cat.id, name="Mine", colour="#010203", version=cat.version)
    now = project.category(cat.id)
    assert (now.name, now.colour, now.description) == (cat.name, cat.colour, "theirs")
    with Project.open(project.location) as other:
        other.delete_category(cat.id, delete_annotations=True)
    with pytest.raises(StaleWriteError, match="the category was deleted by another coder"):
        project.update_category(cat.id, name="Mine", version=now.version)


def test_deleting_merging_or_moving_a_category_another_client_changed_is_refused(project):
    first, second = project.categories()[:2]
    with Project.open(project.location) as other:  # another client renames both after this one loaded them
        other.update_category(first.id, name="Theirs")
        other.update_category(second.id, description="their guideline")
    delete = commands.DeleteCategory(first.id, version=first.version)
    with pytest.raises(StaleWriteError, match="the category 'Theirs' was changed by another coder"):
        delete.do(project)
    merge = commands.MergeCategory(second.id, first.id, version=second.version)
    with pytest.raises(StaleWriteError, match="changed by another coder since you loaded it"):
        merge.do(project)
    move = commands.MoveCategory(second.id, None, 0, version=second.version)
    with pytest.raises(StaleWriteError, match="changed by another coder since you loaded it"):
        move.do(project)
    assert [c.name for c in project.categories()][:2] == ["Theirs", second.name]  # nothing deleted, merged, moved
    now = project.category(first.id)
    delete = commands.DeleteCategory(first.id, version=now.version)  # from the current state: done,
    delete.do(project)
    delete.undo(project)
    delete.do(project)  # and its redo is its own history, not another client's change
    assert first.id not in {c.id for c in project.categories()}


def test_undo_over_another_clients_change_is_refused(project, unit):
    doc, u, alice, claim, a = unit
    cat = project.categories()[0]
    rename = commands.UpdateCategory(cat.id, version=cat.version, name="Renamed")
    rename.do(project)
    rename.undo(project)
    rename.do(project)  # redo: its own history is no other client's change
    decide = commands.Decide(doc.id, by=alice.id, unit_id=u.id, start=u.start, end=u.end, kind="accepted",
                             spans=[GoldSpan(0, 5, claim.id)], sources=[a.id], seen=[])
    decide.do(project)
    with Project.open(project.location) as other:
        other.update_category(cat.id, colour="#445566")
        (held,) = other.decisions()
        other.set_decision_reason(held.id, "theirs", by=alice.id, version=held.version)
    with pytest.raises(StaleWriteError, match="category 'Renamed' was changed"):
        rename.undo(project)
    with pytest.raises(StaleWriteError, match="the decision on 'One' 0–7 was changed by alice"):
        decide.undo(project)
    assert project.category(cat.id).name == "Renamed" and project.decisions()[0].reason == "theirs"
    stale = commands.Decide(doc.id, by=alice.id, unit_id=u.id, start=u.start, end=u.end, kind="rejected",
                            spans=[], sources=[], seen=[])  # made from a view that showed the unit open
    with pytest.raises(StaleWriteError):
        stale.do(project)
    assert seen_on(project.decisions()) == [(held.id, held.version + 1)]
