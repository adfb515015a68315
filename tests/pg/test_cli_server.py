"""Every CLI command's project argument takes a PostgreSQL URL (issue 19, point 1), with one-line
errors: a bad URL, no driver, no server, a refused login, not a project, an empty database. Real
server (tests/pg/conftest.py)."""

from __future__ import annotations

import json

import psycopg
import pytest

from annotator import paths
from annotator.applog import LOG_NAME
from annotator.cli import main
from annotator.core.project.project import Project
from annotator.core.storage import location as loc_module
from annotator.core.storage.location import DRIVER_HINT, parse_location
from tests.pg.cluster import require_psycopg
from tests.pg.test_engine import _require_passwords

require_psycopg()

@pytest.fixture
def run(capsys):
    def run(*args):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def server_project(pg_url, run):
    code, out, err = run("init", pg_url, "--name", "Lab")
    assert (code, err) == (0, "")
    return pg_url


def one_error(err: str) -> str:
    assert err.startswith("annotator: error: ") and err.count("\n") == 1, err
    return err


def test_init_creates_the_project_and_says_where_without_a_password(pg_url, run, tmp_path):
    url = pg_url.replace("postgres@", "postgres:s3cret@")  # trust auth: the password is not checked
    code, out, err = run("init", url)
    display = parse_location(pg_url).display
    assert (code, err) == (0, "") and out == f"created {display} with 4 categories\n"
    assert "s3cret" not in out
    code, out, err = run("coders", pg_url)
    assert code == 0, err
    code, out, err = run("schema", "show", pg_url)
    assert code == 0 and "Factual claim" in out, err
    code, out, err = run("schema", "export", pg_url, "-o", tmp_path / "schema.json")
    assert code == 0 and len(json.loads((tmp_path / "schema.json").read_text())["categories"]) == 4, err


def test_init_refuses_a_database_that_is_not_empty(server_project, run):
    code, out, err = run("init", server_project)
    assert code == 1 and "the database is not empty (an Annotator project already)" in one_error(err)


def test_commands_on_a_server_project(server_project, run):
    with Project.open(server_project) as project:
        project.add_annotator("Ana", "ana")
    code, out, err = run("coders", server_project, "--rename", "Ana", "Ana B.")
    assert code == 0, err
    code, out, err = run("coders", server_project, "--format", "json")
    assert code == 0 and "Ana B." in out
    code, out, err = run("settings", server_project, "--blind", "on")
    assert code == 0, err
    code, out, err = run("settings", server_project)
    assert code == 0 and "blind" in out
    with Project.open(server_project, mode="read") as project:
        assert project.setting("blind_coding") is True
    code, out, err = run("status", server_project)
    assert code == 0, err
    code, out, err = run("backups", server_project)
    assert code == 0 and out.startswith(f"no backups yet of {parse_location(server_project).display}")
    code, out, err = run("restore", server_project, "1")
    assert code == 1 and "a server project is not restored in place" in one_error(err)


def test_import_list_export_and_agreement_on_a_server_project(server_project, run, tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("One claim here. 😀\n", encoding="utf-8")
    code, out, err = run("import", server_project, text)
    assert code == 0, err
    code, out, err = run("documents", server_project, "--format", "json")
    assert code == 0 and [d["title"] for d in json.loads(out)] == ["a.txt"]
    code, out, err = run("export", server_project, "-o", tmp_path / "out.json")
    assert code == 0, err
    code, out, err = run("agreement", server_project)
    assert code in (0, 1) and "Traceback" not in err


def test_init_from_a_handout_starts_a_server_project(pg_url, run, tmp_path):
    """A lead's handout (documents, schema, settings, no annotations) starts a team server project."""
    lead = tmp_path / "lead.annotator"
    (tmp_path / "a.txt").write_text("The council will spend money on bike lanes, critics say. \U0001F600\n")
    (tmp_path / "b.txt").write_text("A second text, about schools.\n")
    assert run("init", lead)[0] == 0
    assert run("import", lead, tmp_path / "a.txt", tmp_path / "b.txt")[0] == 0
    assert run("settings", lead, "--blind", "on")[0] == 0
    handout = tmp_path / "handout.json"
    assert run("export", lead, "--handout", "-o", handout)[0] == 0
    code, out, err = run("init", pg_url, "--from", handout)
    assert (code, err) == (0, ""), err
    assert out.startswith(f"created {parse_location(pg_url).display} from the handout {handout}: 2 document(s)")
    with Project.open(lead, mode="read") as source, Project.open(pg_url, mode="read") as server:
        texts = {d.title: d.text for d in (source.document(s.id) for s in source.documents())}
        assert {d.title: d.text for d in (server.document(s.id) for s in server.documents())} == texts
        assert [c.name for c in server.categories()] == [c.name for c in source.categories()]
        assert server.setting("blind_coding") is True


def test_init_from_a_file_with_annotations_leaves_the_database_empty(pg_url, run, tmp_path):
    lead = tmp_path / "lead.annotator"
    (tmp_path / "a.txt").write_text("One claim here.\n")
    assert run("init", lead)[0] == 0 and run("import", lead, tmp_path / "a.txt")[0] == 0
    with Project.open(lead) as project:
        coder = project.add_annotator("Alice")
        project.add_annotation(project.documents()[0].id, project.categories()[0].id, coder.id, 0, 3)
    export = tmp_path / "work.json"
    assert run("export", lead, "-o", export)[0] == 0
    code, out, err = run("init", pg_url, "--from", export)
    assert code == 1 and "not a handout: it holds 1 annotation(s)" in one_error(err)
    code, out, err = run("init", pg_url)  # refused before anything was created: still empty
    assert (code, err) == (0, ""), err


@pytest.mark.parametrize(("args", "message"), [
    (("coders", "postgresql://h:99999/lab"), "not a PostgreSQL URL (port '99999' is not a number from 1 to 65535)"),
    (("init", "postgresql://h/lab?sslmod=require"), "unknown connection option 'sslmod'"),
])
def test_a_bad_url_is_one_line(run, args, message):
    code, out, err = run(*args)
    assert code == 1 and message in one_error(err)


def test_without_the_driver_one_line_says_what_to_install(run, monkeypatch, pg_url):
    monkeypatch.setattr(loc_module, "driver_available", lambda: False)
    for args in (("init", pg_url), ("coders", pg_url), ("backups", pg_url), ("agreement", pg_url)):
        code, out, err = run(*args)
        assert (code, err) == (1, f"annotator: error: {DRIVER_HINT}\n"), args


def test_an_unreachable_server_is_one_line_without_the_password(run):
    url = "postgresql://ana:topsecret@127.0.0.1:1/lab?connect_timeout=2"
    for args in (("coders", url), ("init", url), ("status", url), ("adjudicate", url)):
        code, out, err = run(*args)
        assert code == 1 and "postgresql://ana@127.0.0.1:1/lab" in one_error(err), (args, err)
        assert "cannot reach the PostgreSQL server" in err and "topsecret" not in err
    log = (paths.log_dir() / LOG_NAME).read_text(encoding="utf-8") if (paths.log_dir() / LOG_NAME).exists() else ""
    assert "topsecret" not in log


def test_a_refused_login_is_one_line_without_the_password(pg_cluster, pg_url, run):
    name = parse_location(pg_url).url.database
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS carla")
        conn.execute("CREATE ROLE carla LOGIN PASSWORD 'right'")
    hba = pg_cluster.data_dir / "pg_hba.conf"
    try:
        _require_passwords(pg_cluster, hba)
        url = pg_cluster.tcp_url(name, user="carla").replace("carla@", "carla:Wr0ngPass@")
        code, out, err = run("coders", url)
        assert code == 1 and "the server refused the login" in one_error(err)
        assert "Wr0ngPass" not in err
    finally:
        _require_passwords(pg_cluster, hba, undo=True)
        with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
            conn.execute("DROP ROLE IF EXISTS carla")


def test_an_empty_database_and_another_applications_are_one_line(pg_url, run):
    code, out, err = run("coders", pg_url)
    assert code == 1 and f"empty database, not an Annotator project yet (create one in it with: annotator init " \
                          f"{parse_location(pg_url).display})" in one_error(err)
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    for args in (("coders", pg_url), ("documents", pg_url), ("backups", pg_url), ("agreement", pg_url)):
        code, out, err = run(*args)
        assert code == 1 and "not an Annotator project (the database holds other tables: invoices)" in one_error(err)


def test_a_missing_database_is_one_line(pg_cluster, run):
    code, out, err = run("coders", pg_cluster.url("no_such_database"))
    assert code == 1 and "no such database on the server" in one_error(err)
