"""Exports of the same project are byte-identical on SQLite and on PostgreSQL (issue 19, point 2),
also on a server database whose collation is not code point order (ICU's root collation, where
"a" < "B" < "b" and "-z" sorts after "a" ignoring the hyphen): every order that reaches an export
or a listing is code point order on both engines (``COLLATE "C"`` or bytea keys on the server).

A project is built on one engine, exported, imported into an empty project on the other, and
exported again: the two files must be equal byte for byte, both ways. Then the orders a view asks
the database for (the annotation table's columns, the documents panel's keys, listings) are
compared between the two projects, which hold the same rows.
"""

from __future__ import annotations

import pytest

from annotator.core.agreement.adjudication import adjudication_units
from annotator.core.exchange.apply import import_annotations
from annotator.core.exchange.export_file import write_export
from annotator.core.project.annotation_table import COLUMNS, TableQuery
from annotator.core.project.gold import GoldSpan
from annotator.core.project.project import NewDocument
from annotator.core.schema.templates import create_project

ICU = "LOCALE_PROVIDER icu ICU_LOCALE 'und' LOCALE 'C.UTF-8'"  # a collation that is not code point order
# Ids and names whose code point order differs from a linguistic collation's.
DOCUMENTS = [("b-doc", "Zebra", "Über alles, zebra crossing.\nß and SS 😀 end"),
             ("B-doc", "apple", "An apple: 𝔸 and “quotes” here; another apple."),
             ("-z", "Éclair", "éclair Eclair eclair, e\u0301clair and a tab\there."),
             ("a_doc", "_under", "under_score and Under score; ǅ ǆ Ǆ.")]
CODERS = [("bob", "bob"), ("Alice", "Alice"), ("_x", "Zoë"), ("alice", "ålice")]


def build(project) -> None:
    """The same operations, whatever the engine: documents, categories, coders, annotations with
    notes and attribute values, statuses, settings and a gold decision."""
    project.add_documents([NewDocument(title, text, source=f"{doc_id}.txt", metadata={"k": title, "n": 1}, id=doc_id)
                           for doc_id, title, text in DOCUMENTS])
    coders = {coder_id: project.add_annotator(name, id=coder_id).id for coder_id, name in CODERS}
    cats = project.categories()
    sub = project.add_category("ärger", parent_id=cats[0].id, colour="#123456",
                               attributes=[{"name": "checked", "type": "boolean"}])
    project.add_category("Zulu")
    project.add_category("alpha")
    rows = []
    for n, (doc_id, _, text) in enumerate(DOCUMENTS):
        for m, coder_id in enumerate(coders):
            start = (n + 3 * m) % (len(text) - 6)
            rows.append(dict(id=f"{'aB-_'[m]}{doc_id}{m}", document_id=doc_id, annotator_id=coder_id,
                             category_id=(sub.id if m % 2 else cats[m % len(cats)].id), start=start, end=start + 5,
                             note=["", "Note", "note", "Ärger"][m], attributes={"checked": True} if m % 2 else None))
    project.add_annotations(rows)
    for doc_id, _, _ in DOCUMENTS[:3]:
        for coder_id in ("bob", "Alice"):
            project.set_document_status(doc_id, coder_id, "done" if doc_id.isupper() else "in progress")
    project.set_setting("blind_coding", True)
    unit = adjudication_units(project, documents=["B-doc"])[0]
    project.decide(unit.document, unit_id=unit.id, start=unit.start, end=unit.end, kind="accepted",
                   spans=[GoldSpan(unit.start, unit.end, cats[0].id)], sources=["aB-doc0"], by="alice",
                   reason="Alice's, «kept»")


def exported(project, path) -> bytes:
    write_export(project, path)
    return path.read_bytes()


@pytest.mark.parametrize("first", ["sqlite", "postgresql"])
def test_the_export_is_byte_identical_after_crossing_engines(tmp_path, pg_database, first):
    on_file, on_server = tmp_path / "file.annotator", pg_database(ICU)
    source, target = (on_file, on_server) if first == "sqlite" else (on_server, on_file)
    with create_project(source) as project:
        build(project)
        before = exported(project, tmp_path / "a.json")
    with create_project(target, template=None) as copy:
        summary = import_annotations(copy, [tmp_path / "a.json"])
        assert summary.annotations_added == len(DOCUMENTS) * len(CODERS) + 1  # and the gold span
        after = exported(copy, tmp_path / "b.json")
    assert b'"B-doc"' in before and b'"decisions"' in before
    assert after == before


def test_the_orders_a_view_asks_for_are_the_same_on_both_engines(tmp_path, pg_database):
    server_url = pg_database(ICU)
    with create_project(tmp_path / "file.annotator") as source:
        build(source)
        write_export(source, tmp_path / "a.json")
    with create_project(tmp_path / "f.annotator", template=None) as on_file, \
            create_project(server_url, template=None) as on_server:
        for project in (on_file, on_server):
            import_annotations(project, [tmp_path / "a.json"])
            project.index_documents()
        names = {"categories": {c.id: c.name for c in on_file.categories()},
                 "annotators": {a.id: a.name for a in on_file.annotators()}}

        def orders(project):
            out = {}
            for column in COLUMNS:
                for descending in (False, True):
                    for document_id in (None, "b-doc"):
                        query = TableQuery(document_id=document_id, column=column, descending=descending, **names)
                        out[column, descending, document_id] = [r.id for r in project.table_page(query, 0, 100)]
                        assert project.table_count(query) == len(out[column, descending, document_id])
            for text in ("ä", "not", "NOTE", "𝔸 a"):
                query = TableQuery(text=text, column="quote", **names)
                out["filter", text] = [r.id for r in project.table_page(query, 0, 100)]
            for key in ("title", "length", "source", "annotations", "status"):
                out["documents", key] = project.document_order(key, coder_id="bob")
            out["rows"] = project.annotation_rows()
            out["annotations"] = [a.id for a in project.annotations()]
            out["statuses"] = project.document_statuses()
            out["find"] = [sorted(project.find_documents(n)) for n in ("e", "ss", "ÉCLAIR", "apple:", "ǆ")]
            return out

        assert orders(on_server) == orders(on_file)
