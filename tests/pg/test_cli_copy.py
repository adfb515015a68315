"""``annotator copy`` on the command line with a real server (issue 19, point 3): file -> server ->
file, one line of output each, refusals as one line with exit status 1, never a password shown."""

from __future__ import annotations

from annotator.cli import main
from annotator.core.project.project import Project
from annotator.core.storage.location import parse_location
from tests.copy_fixtures import export_bytes, rich_project
from tests.pg.cluster import require_psycopg

require_psycopg()


def test_copy_file_to_server_to_file(tmp_path, pg_url, capsys):
    source = rich_project(tmp_path / "study.annotator")
    with Project.open(source) as project:
        before = export_bytes(project, tmp_path / "before.json")
    display = parse_location(pg_url).display
    assert main(["copy", str(source), pg_url]) == 0
    assert capsys.readouterr().out == (f"copied {source} to {display} (2 documents, 5 annotations, 3 coders, "
                                       "in one transaction)\n")
    back = tmp_path / "back.annotator"
    assert main(["copy", pg_url, str(back)]) == 0
    assert capsys.readouterr().out == f"copied {display} to {back} (2 documents, 5 annotations, 3 coders, checked)\n"
    with Project.open(back) as copy:
        assert export_bytes(copy, tmp_path / "after.json") == before

    assert main(["copy", str(source), pg_url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{display}: the database is not empty" in err
    assert main(["copy", pg_url, str(back)]) == 1
    assert "back.annotator: is an Annotator project" in capsys.readouterr().err


def test_a_password_in_the_url_is_never_shown(tmp_path, pg_url, capsys):
    source = rich_project(tmp_path / "study.annotator")
    with_password = pg_url.replace("postgres@", "postgres:s3cret@")  # trust auth: any password is taken
    assert main(["copy", str(source), with_password]) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out and parse_location(pg_url).display in out
    assert main(["copy", str(source), with_password]) == 1
    assert "s3cret" not in capsys.readouterr().err
