"""The roles of a team server through the core (issue 19, point 4): a coder opens the project by
URL as their own role and works through ``Project``; the database refuses what is not theirs with
one plain message naming the URL, while their own annotations, statuses and the caches the app
keeps (document index, annotation keys) work.

Needs the engine switch (Project opening a PostgreSQL URL) and the placeholders of the raw SQL;
skipped on a tree without them.
"""

from __future__ import annotations

import importlib.util
import uuid

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.project.project import Project
from annotator.core.storage import server_roles
from annotator.core.storage.location import parse_location
from tests.pg.cluster import require_psycopg

require_psycopg()
pytestmark = pytest.mark.skipif(importlib.util.find_spec("annotator.core.storage.server_db") is None,
                                reason="Project does not open PostgreSQL URLs in this tree yet")


def test_a_coder_works_through_the_core_and_is_refused_the_rest(pg_cluster, pg_url):
    with Project.create(pg_url) as project:
        document = project.add_document("D", "some text here").document.id
        category = project.add_category("Claim").id
    tag = uuid.uuid4().hex[:8]
    with server_roles.transaction(pg_url) as conn:
        server_roles.setup(conn)
        alice = server_roles.add_coder(conn, f"alice_{tag}", "Alice")
        bob = server_roles.add_coder(conn, f"bob_{tag}", "Bob")
    with Project.open(pg_url) as project:  # the owner adds a span of Bob's
        project.add_annotation(document, category, bob.annotator_id, 5, 9)
    url = pg_cluster.url(parse_location(pg_url).url.database, user=alice.role)
    shown = parse_location(url).safe_display()
    with Project.open(url) as project:
        mine = project.add_annotation(document, category, alice.annotator_id, 0, 4).id
        project.set_document_status(document, alice.annotator_id, "done")
        project.update_annotation(mine, note="checked", by=alice.annotator_id)
        project.index_documents()
        project.refresh_annotation_keys()
        assert project.find_documents("text") == {document}
        refusals = {
            "another coder's annotation": lambda: project.add_annotation(document, category, bob.annotator_id, 0, 4),
            "a category": lambda: project.add_category("New"),
            "a document": lambda: project.add_document("X", "other text"),
            "another coder's status": lambda: project.set_document_status(document, bob.annotator_id, "done"),
            "a setting": lambda: project.set_setting("blind_coding", True),
        }
        for what, write in refusals.items():
            with pytest.raises(AnnotatorError) as refused:
                write()
            message = str(refused.value)
            assert message.startswith(f"{shown}: ") and ("permission denied" in message
                                                         or "row-level security" in message), (what, message)
        assert len(project.annotations()) == 2
        project.delete_annotations([mine], by=alice.annotator_id)
    with Project.open(pg_url) as project:  # the owner sees what happened: Bob's only, Alice's status
        assert [a.annotator_id for a in project.annotations()] == [bob.annotator_id]
        assert project.document_status(document, alice.annotator_id) == "done"
        assert project.document_status(document, bob.annotator_id) == "in progress"  # by his first span
        project.set_setting("blind_coding", True)
    with Project.open(url) as project:  # blind coding: the database shows Alice none of Bob's
        project.add_annotation(document, category, alice.annotator_id, 0, 4)
        assert [a.annotator_id for a in project.annotations()] == [alice.annotator_id]


def test_blind_coding_hides_other_coders_spans_from_the_table_and_its_keys(pg_cluster, pg_url):
    from annotator.core.project.annotation_table import TableQuery

    psycopg = require_psycopg()
    with Project.create(pg_url) as project:
        document = project.add_document("D", "some text here").document.id
        category = project.add_category("Claim").id
        project.set_setting("blind_coding", True)
    tag = uuid.uuid4().hex[:8]
    with server_roles.transaction(pg_url) as conn:
        server_roles.setup(conn)
        alice = server_roles.add_coder(conn, f"alice_{tag}", "Alice")
        bob = server_roles.add_coder(conn, f"bob_{tag}", "Bob")
    database = parse_location(pg_url).url.database
    with Project.open(pg_cluster.url(database, user=bob.role)) as project:
        project.add_annotation(document, category, bob.annotator_id, 5, 9, note="secret")
        project.refresh_annotation_keys()
    url = pg_cluster.url(database, user=alice.role)
    with Project.open(url) as project:
        project.add_annotation(document, category, alice.annotator_id, 0, 4, note="mine")
        project.refresh_annotation_keys()
        everything = TableQuery(document_id=None)
        assert project.table_count(everything, everything=True) == 1
        assert [row.note for row in project.table_page(everything, 0, 10)] == ["mine"]
        assert project.table_count(TableQuery(document_id=None, text="secret")) == 0
    with psycopg.connect(url, autocommit=True) as conn:  # nor with psql: the keys hold quotes and notes
        assert conn.execute("SELECT quote FROM annotation_keys").fetchall() == [("some",)]
        assert conn.execute("SELECT search FROM annotation_search").fetchall() == [("some\nmine",)]
        # Alice deletes hers: its keys go with it (the trigger deleting them runs as Alice).
        with Project.open(url) as project:
            project.delete_annotations([a.id for a in project.annotations()], by=alice.annotator_id)
    with Project.open(pg_url) as project:  # the owner sees Bob's, and only its keys
        assert [a.note for a in project.annotations()] == ["secret"]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM annotation_keys").fetchone()[0] == 1
        assert conn.execute("SELECT search FROM annotation_search").fetchall() == [("text\nsecret",)]
