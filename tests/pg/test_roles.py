"""Each coder connects as themselves and the database enforces what the core enforces (issue 19,
point 4): server_roles.setup and add_coder on a real server, then the forbidden writes tried with
raw SQL as a coder's LOGIN role (a separate connection; the test cluster trusts local logins).

The refusals expected are PostgreSQL's documented ones: "permission denied for table" (GRANT),
"new row violates row-level security policy" (WITH CHECK), and an UPDATE/DELETE whose USING hides
the row matching 0 rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from annotator.core.errors import ValidationError
from annotator.core.storage import server_roles
from annotator.core.storage import tables as _tables  # noqa: F401  (registers the tables)
from annotator.core.storage.location import parse_location
from annotator.core.storage.server_roles import ServerSetupError, add_coder, role_names, setup
from annotator.core.storage.tables import GOLD_ID, GOLD_NAME
from tests.pg.cluster import require_psycopg

psycopg = require_psycopg()
Denied = psycopg.errors.InsufficientPrivilege

ANNOTATION = ("INSERT INTO annotations (id, document_id, category_id, annotator_id, start, \"end\", note, "
              "attributes, created, modified) VALUES (%s, 'd1', 'c1', %s, 5, 9, '', '{}', 'now', 'now')")
STATUS = "INSERT INTO document_status (document_id, annotator_id, status, modified) VALUES ('d1', %s, %s, 'now')"


def fill(engine) -> None:
    """A project's tables with one document, one category, the gold annotator and its span."""
    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO project (id, name, created, created_by) VALUES ('p', 'P', 'now', 'test')"))
        conn.execute(text("INSERT INTO documents (id, title, text, sha256, length, source, metadata, position, "
                          "created) VALUES ('d1', 'D', 'some text here', 'h1', 14, '', '{}', 0, 'now')"))
        conn.execute(text("INSERT INTO categories (id, name, colour, description, position, attributes, created, "
                          "modified) VALUES ('c1', 'C', '#000000', '', 0, '[]', 'now', 'now')"))
        conn.execute(text("INSERT INTO annotators (id, name, created) VALUES (:g, :n, 'now')"),
                     {"g": GOLD_ID, "n": GOLD_NAME})
        conn.execute(text("INSERT INTO annotations (id, document_id, category_id, annotator_id, start, \"end\", "
                          "note, attributes, created, modified) VALUES ('gold1', 'd1', 'c1', :g, 0, 4, '', '{}', "
                          "'now', 'now')"), {"g": GOLD_ID})


@dataclass
class Team:
    cluster: object
    engine: object
    database: str
    alice: server_roles.Coder
    bob: server_roles.Coder
    lead: server_roles.Coder

    def connect(self, coder: server_roles.Coder, database: str | None = None):
        return psycopg.connect(self.cluster.url(database or self.database, user=coder.role), autocommit=True)


def make_team(cluster, engine, url) -> Team:
    fill(engine)
    tag = uuid.uuid4().hex[:8]
    with engine.begin() as conn:
        setup(conn)
        alice = add_coder(conn, f"alice_{tag}", "Alice")
        bob = add_coder(conn, f"bob_{tag}", "Bob")
        lead = add_coder(conn, f"lena_{tag}", "Lena", lead=True)
        conn.execute(text(ANNOTATION.replace("%s", ":i", 1).replace("%s", ":a")), {"i": "bobs", "a": bob.annotator_id})
    return Team(cluster, engine, parse_location(url).url.database, alice, bob, lead)


@pytest.fixture
def team(pg_cluster, pg_url, pg_engine) -> Team:
    return make_team(pg_cluster, pg_engine, pg_url)


def test_setup_makes_the_roles_and_maps_each_coder_to_its_row(team):
    roles = role_names(team.database)
    with team.engine.connect() as conn:
        rows = conn.execute(text("SELECT a.name, r.role_name FROM annotator_roles r JOIN annotators a "
                                 "ON a.id = r.annotator_id ORDER BY a.name")).all()
        assert [tuple(r) for r in rows] == [("Alice", team.alice.role), ("Bob", team.bob.role),
                                            ("Lena", team.lead.role)]
        assert {c.role: c.lead for c in server_roles.coders(conn)} == {
            team.alice.role: False, team.bob.role: False, team.lead.role: True}
        groups = dict(conn.execute(text("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN (:l, :c)"),
                                   {"l": roles.lead, "c": roles.coders}).all())
    assert groups == {roles.lead: False, roles.coders: False}
    assert team.alice.created_role and team.alice.created_annotator
    with team.connect(team.alice) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == team.alice.role
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1  # a coder reads the project


def test_a_coder_is_refused_every_write_that_is_not_their_own(team):
    other = team.bob.annotator_id
    with team.connect(team.alice) as conn:
        # The lead's tables: no privilege at all.
        for forbidden in ("INSERT INTO documents (id, title, text, sha256, length, source, metadata, position, "
                          "created) VALUES ('x', 'X', 't', 'h2', 1, '', '{}', 1, 'now')",
                          "UPDATE categories SET name = 'renamed'",
                          "INSERT INTO categories (id, name, colour, description, position, attributes, created, "
                          "modified) VALUES ('c2', 'New', '#ffffff', '', 1, '[]', 'now', 'now')",
                          "DELETE FROM annotators WHERE name = 'Bob'",
                          "INSERT INTO settings (key, value, modified) VALUES ('lead_override', 'true', 'now')",
                          "INSERT INTO decisions (id, document_id, start, \"end\", kind, sources, gold, replaces, "
                          "decided_by, decided, reason) VALUES ('x', 'd1', 0, 4, 'created', '[]', '[]', '[]', "
                          "'me', 'now', '')",
                          "INSERT INTO annotator_roles (role_name, annotator_id) VALUES ('someone', 'x')",
                          "DELETE FROM annotator_roles"):
            with pytest.raises(Denied, match="permission denied for table"):
                conn.execute(forbidden)
        # Annotations and statuses of another coder, or of the gold standard: refused by the policies.
        for row in (("forged", other), ("gold2", GOLD_ID)):
            with pytest.raises(Denied, match="new row violates row-level security policy"):
                conn.execute(ANNOTATION, row)
        with pytest.raises(Denied, match="new row violates row-level security policy"):
            conn.execute(STATUS, (other, "done"))
        # Changing or deleting another coder's rows: an error, not 0 rows matched in silence.
        conn.execute(STATUS, (team.alice.annotator_id, "in progress"))
        with team.engine.begin() as owner:
            owner.execute(text(STATUS.replace("%s", ":a", 1).replace("%s", "'done'")), {"a": other})
        for sql in ("UPDATE annotations SET note = 'mine now' WHERE id = 'bobs'",
                    "DELETE FROM annotations WHERE id = 'bobs'",
                    "UPDATE annotations SET note = 'x' WHERE id = 'gold1'",
                    "UPDATE annotations SET annotator_id = (SELECT annotator_id FROM annotator_roles "
                    "WHERE role_name = current_user) WHERE id = 'bobs'",  # taking it over
                    "DELETE FROM annotations WHERE annotator_id <> (SELECT annotator_id FROM annotator_roles "
                    "WHERE role_name = current_user)",
                    "UPDATE document_status SET status = 'in progress'",
                    "DELETE FROM document_status"):
            with pytest.raises(Denied, match="permission denied for this row of table .*another coder's"):
                conn.execute(sql)
        # Their own: allowed; moving it to another coder is not.
        conn.execute(ANNOTATION, ("alices", team.alice.annotator_id))
        assert conn.execute("UPDATE document_status SET status = 'done' WHERE annotator_id = "
                            "(SELECT annotator_id FROM annotator_roles WHERE role_name = current_user)").rowcount == 1
        with pytest.raises(Denied, match="new row violates row-level security policy"):
            conn.execute("UPDATE annotations SET annotator_id = %s WHERE id = 'alices'", (other,))
        with pytest.raises(Denied, match="new row violates row-level security policy"):
            conn.execute("UPDATE document_status SET annotator_id = %s WHERE annotator_id <> %s", (other, other))
        assert conn.execute("UPDATE annotations SET note = 'checked' WHERE id = 'alices'").rowcount == 1
        # Blind coding off: they read everyone's annotations and the statuses.
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 3
    with team.connect(team.bob) as conn:
        with pytest.raises(Denied, match="another coder's"):
            conn.execute("DELETE FROM annotations WHERE id = 'alices'")
    with team.engine.connect() as conn:  # the owner sees what really happened
        rows = conn.execute(text("SELECT id, annotator_id, note FROM annotations ORDER BY id")).all()
        statuses = conn.execute(text("SELECT annotator_id, status FROM document_status ORDER BY status")).all()
    assert [tuple(r) for r in rows] == [("alices", team.alice.annotator_id, "checked"), ("bobs", other, ""),
                                        ("gold1", GOLD_ID, "")]
    assert sorted(tuple(r) for r in statuses) == sorted([(team.alice.annotator_id, "done"), (other, "done")])


def test_the_lead_may_do_everything(team):
    with team.connect(team.lead) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == team.lead.role
        conn.execute("INSERT INTO documents (id, title, text, sha256, length, source, metadata, position, created) "
                     "VALUES ('d2', 'D2', 'more', 'h2', 4, '', '{}', 1, 'now')")
        conn.execute("UPDATE categories SET name = 'Claim'")
        conn.execute("INSERT INTO annotators (id, name, created) VALUES ('carl', 'Carl', 'now')")
        conn.execute("INSERT INTO settings (key, value, modified) VALUES ('blind_coding', 'false', 'now')")
        conn.execute("INSERT INTO decisions (id, document_id, start, \"end\", kind, sources, gold, replaces, "
                     "decided_by, decided, reason) VALUES ('dec', 'd1', 5, 9, 'accepted', '[\"bobs\"]', '[\"g2\"]', "
                     "'[]', 'lena', 'now', '')")
        conn.execute(ANNOTATION, ("g2", GOLD_ID))  # the gold layer
        conn.execute(ANNOTATION, ("for-alice", team.alice.annotator_id))  # any coder's (the core checks the override)
        assert conn.execute("UPDATE annotations SET note = 'lead was here' WHERE id = 'bobs'").rowcount == 1
        conn.execute(STATUS, (team.bob.annotator_id, "done"))
        assert conn.execute("UPDATE document_status SET status = 'in progress'").rowcount == 1
        assert conn.execute("DELETE FROM document_status").rowcount == 1
        assert conn.execute("DELETE FROM annotations WHERE id = 'for-alice'").rowcount == 1
        conn.execute("INSERT INTO annotator_roles (role_name, annotator_id) VALUES ('carl_role', 'carl')")


def test_blind_coding_hides_other_coders_annotations_from_coders(team):
    with team.engine.begin() as conn:
        conn.execute(text("INSERT INTO settings (key, value, modified) VALUES ('blind_coding', 'true', 'now')"))
        conn.execute(text("INSERT INTO decisions (id, document_id, start, \"end\", kind, sources, gold, replaces, "
                          "decided_by, decided, reason) VALUES ('dec', 'd1', 0, 4, 'created', '[]', '[\"gold1\"]', "
                          "'[]', 'lena', 'now', '')"))
    with team.connect(team.alice) as conn:
        conn.execute(ANNOTATION, ("alices", team.alice.annotator_id))
        seen = [r[0] for r in conn.execute("SELECT id FROM annotations ORDER BY id")]
        assert seen == ["alices"]  # not Bob's, not the gold standard's
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM document_status").fetchone()[0] == 0
        # What blind coding hides is not there for a change either (no error says it exists).
        assert conn.execute("UPDATE annotations SET note = 'x' WHERE id = 'bobs'").rowcount == 0
        assert conn.execute("DELETE FROM annotations WHERE id <> 'alices'").rowcount == 0
    with team.connect(team.lead) as conn:
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 3
        conn.execute("UPDATE settings SET value = 'false' WHERE key = 'blind_coding'")
    with team.connect(team.alice) as conn:  # the lead turned it off: everyone's again
        assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1


def test_setup_run_twice_changes_nothing_and_keeps_working(team):
    with team.engine.begin() as conn:
        report = setup(conn)
        again = add_coder(conn, team.alice.role, "Alice")
    assert report.created_roles == () and report.connect_restricted
    assert (again.annotator_id, again.created_role, again.created_annotator) == (team.alice.annotator_id, False, False)
    with team.engine.connect() as conn:
        policies = conn.execute(text("SELECT tablename, count(*) FROM pg_policies GROUP BY tablename "
                                     "ORDER BY tablename")).all()
        triggers = conn.execute(text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'annotator_notify_%'")).one()
    assert [tuple(p) for p in policies] == [("annotations", 5), ("decisions", 2), ("document_status", 5)]
    assert triggers[0] == 4 * 7
    with team.engine.connect() as conn:
        guards = conn.execute(text("SELECT count(*) FROM pg_trigger WHERE tgname = 'annotator_own_rows_only'")).one()
    assert guards[0] == 2
    with team.connect(team.alice) as conn:
        with pytest.raises(Denied, match="row-level security"):
            conn.execute(ANNOTATION, ("forged", team.bob.annotator_id))
        conn.execute(ANNOTATION, ("alices", team.alice.annotator_id))


def test_two_projects_on_one_cluster_keep_their_coders_apart(pg_cluster, team):
    other_db = f"annotator_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{other_db}" TEMPLATE template0 ENCODING \'UTF8\'')
    from sqlalchemy import create_engine
    engine = create_engine("postgresql+psycopg" + pg_cluster.url(other_db)[len("postgresql"):])
    try:
        second = make_team(pg_cluster, engine, pg_cluster.url(other_db))
        assert role_names(other_db) != role_names(team.database)
        # A coder of the first project cannot even connect to the second (CONNECT is the groups').
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            team.connect(team.alice, other_db)
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            second.connect(second.lead, team.database)
        with second.connect(second.alice) as conn:
            conn.execute(ANNOTATION, ("alices", second.alice.annotator_id))
            with pytest.raises(Denied, match="row-level security"):
                conn.execute(ANNOTATION, ("x", second.bob.annotator_id))
    finally:
        engine.dispose()
        with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{other_db}" WITH (FORCE)')


def test_setup_refuses_a_database_without_a_project_and_add_coder_before_setup(pg_engine):
    refused = pytest.raises(ServerSetupError, match="holds no Annotator project .* annotator init")
    with refused, pg_engine.begin() as conn:
        setup(conn)
    fill(pg_engine)
    with pytest.raises(ServerSetupError, match="run annotator server setup URL first"), pg_engine.begin() as conn:
        add_coder(conn, f"zoe_{uuid.uuid4().hex[:8]}")


def test_add_coder_refuses_bad_names_and_reuses_a_coder_row(team):
    with team.engine.begin() as conn:
        for bad, reason in (("", "non-empty"), ("pg_x", "PostgreSQL's own"), ("x" * 64, "at most 63 bytes"),
                            (role_names(team.database).coders, "group roles"), ("postgres", "superuser")):
            with pytest.raises(ValidationError, match=reason):
                add_coder(conn, bad)
        with pytest.raises(ValidationError, match="already connects as the role"):
            add_coder(conn, f"alice2_{uuid.uuid4().hex[:8]}", "Alice")
        with pytest.raises(ValidationError, match="made by adjudication"):
            add_coder(conn, f"goldie_{uuid.uuid4().hex[:8]}", GOLD_NAME)


def test_role_names_are_identifiers_unique_per_database():
    assert role_names("lab") == server_roles.RoleNames("lab_lead", "lab_coders")
    odd = role_names("Lab Project ü")
    assert odd.lead.startswith("lab_project___") and odd != role_names("lab_project___")
    long = role_names("x" * 63)
    assert len(long.coders) <= 63 and long != role_names("x" * 62)
    assert role_names("1db").lead[0].isalpha()


def test_the_server_commands_set_up_add_and_list_coders(pg_cluster, pg_url, pg_engine, capsys):
    from annotator.cli import main

    fill(pg_engine)
    role = f"maya_{uuid.uuid4().hex[:8]}"
    database = parse_location(pg_url).url.database
    roles = role_names(database)
    assert main(["server", "setup", pg_url]) == 0
    out = capsys.readouterr().out
    assert f"lead group {roles.lead}, coders group {roles.coders} (made {roles.lead}, {roles.coders}" in out
    assert main(["server", "setup", pg_url]) == 0 and "roles already there" in capsys.readouterr().out
    assert main(["server", "add-coder", pg_url, role, "--name", "Maya"]) == 0
    out = capsys.readouterr().out
    assert f"made the login role {role} (coder) is made the coder Maya" in out and "\\password" in out
    assert main(["server", "coders", pg_url]) == 0
    assert [line.split() for line in capsys.readouterr().out.splitlines()[-1:]] == [[role, "Maya", "coders"]]
    with psycopg.connect(pg_cluster.url(database, user=role), autocommit=True) as conn:
        with pytest.raises(Denied, match="permission denied for table"):
            conn.execute("UPDATE categories SET name = 'x'")
    # A coder running setup or adding coders: one line naming the URL, from the server's refusal.
    coder_url = pg_cluster.url(database, user=role)
    assert main(["server", "setup", coder_url]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"annotator: error: {parse_location(coder_url).safe_display()}: the project's tables "
                          f"belong to the role postgres; run annotator server setup as postgres (you are {role})")
    assert main(["server", "add-coder", coder_url, f"eve_{uuid.uuid4().hex[:8]}"]) == 1
    err = capsys.readouterr().err
    assert "permission denied to create role" in err and "CREATEROLE" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_the_server_commands_refuse_a_file_and_an_empty_database(pg_url, tmp_path, capsys):
    from annotator.cli import main

    assert main(["server", "setup", str(tmp_path / "p.annotator")]) == 1
    assert "a team server is a PostgreSQL URL" in capsys.readouterr().err
    assert main(["server", "setup", pg_url]) == 1
    err = capsys.readouterr().err
    assert f"{parse_location(pg_url).safe_display()}: database " in err and "annotator init" in err


def test_a_lead_who_is_no_superuser_sets_up_the_project_it_owns(pg_cluster):
    """The real case (docs/team-server.md): the admin makes a lead role with CREATEROLE and a
    database it owns; the lead creates the tables, runs setup and adds coders."""
    from sqlalchemy import create_engine

    tag = uuid.uuid4().hex[:8]
    lead, database = f"lena_{tag}", f"annotator_test_{tag}"
    with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{lead}" LOGIN CREATEROLE')
        admin.execute(f'CREATE DATABASE "{database}" OWNER "{lead}" TEMPLATE template0 ENCODING \'UTF8\'')
    url = pg_cluster.url(database, user=lead)
    engine = create_engine("postgresql+psycopg" + url[len("postgresql"):])
    try:
        fill(engine)
        with server_roles.transaction(url) as conn:
            report = setup(conn)
            alice = add_coder(conn, f"alice_{tag}", "Alice")
        assert report.owner == lead and report.connect_restricted
        with server_roles.transaction(url) as conn:
            assert setup(conn).created_roles == ()
        with psycopg.connect(pg_cluster.url(database, user=alice.role), autocommit=True) as conn:
            conn.execute(ANNOTATION, ("alices", alice.annotator_id))
            with pytest.raises(Denied, match="another coder's"):
                conn.execute("DELETE FROM annotations WHERE id = 'gold1'")
            with pytest.raises(Denied, match="permission denied for table categories"):
                conn.execute("UPDATE categories SET name = 'x'")
        with psycopg.connect(url, autocommit=True) as conn:  # the lead: anything
            assert conn.execute("DELETE FROM annotations").rowcount == 2
    finally:
        engine.dispose()
        with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
