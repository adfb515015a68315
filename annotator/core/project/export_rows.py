"""The rows an export file is written from (``Project.export_rows``, ``Project.iter_export_annotations``).

The SQL lives here, beside the tables it reads, so core.exchange writes the file without knowing
the database. Rows are plain tuples in a fixed column order; JSON columns stay as their stored text
(the exporter mends values stored before such values were refused).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from annotator.core.storage import dialect
from annotator.core.storage.dialect import statement
from annotator.core.storage.engine_sql import json_text, ordered


@dataclass(frozen=True)
class ExportRows:
    """Everything an export holds but its annotations, each list ordered by id."""

    documents: list[tuple]  # (id, title, sha256, length, source, metadata JSON, text)
    categories: list[tuple]  # (id, name, colour, description, shortcut, parent_id, position, attributes JSON)
    annotators: list[tuple]  # (id, name)
    origins: dict[str, str]  # id -> name of the other projects annotations came from
    references: list[tuple]  # (document_id, category_id, annotator_id, origin_id) of every annotation
    settings: dict[str, str] = field(default_factory=dict)  # key -> JSON text of each setting the project set
    statuses: list[tuple] = field(default_factory=list)  # (document_id, annotator_id, status, modified)


def read_export_rows(engine: Engine) -> ExportRows:
    k = dialect.kind(engine)
    with engine.connect() as conn:
        def run(sql: str):
            return conn.exec_driver_sql(statement(sql, k)).fetchall()

        docs = run(f"SELECT id, title, sha256, length, source, {json_text('metadata', k)}, text FROM documents"
                   f" ORDER BY {ordered('id', k)}")
        cats = run("SELECT id, name, colour, description, shortcut, parent_id, position,"
                   f" {json_text('attributes', k)} FROM categories ORDER BY {ordered('id', k)}")
        coders = run(f"SELECT id, name FROM annotators ORDER BY {ordered('id', k)}")
        origins = dict(run("SELECT id, name FROM origins"))
        refs = run("SELECT document_id, category_id, annotator_id, origin_id FROM annotations")
        settings = dict(run(f"SELECT key, {json_text('value', k)} FROM settings ORDER BY {ordered('key', k)}"))
        statuses = run("SELECT document_id, annotator_id, status, modified FROM document_status"
                       f" ORDER BY {ordered('document_id', k)}, {ordered('annotator_id', k)}")
    return ExportRows(docs, cats, coders, origins, refs, settings, statuses)


def iter_export_annotations(engine: Engine) -> Iterator[tuple]:
    """``(id, document_id, start, end, category_id, annotator_id, origin_id, note, attributes JSON,
    created, modified, modified_by)`` of every annotation by document, start, end and id, read while iterated."""
    k = dialect.kind(engine)
    with engine.connect() as conn:
        yield from conn.exec_driver_sql(statement(
            'SELECT id, document_id, start, "end", category_id, annotator_id, origin_id, note,'
            f" {json_text('attributes', k)}, created, modified, modified_by FROM annotations"
            f' ORDER BY {ordered("document_id", k)}, start, "end", {ordered("id", k)}', k))
