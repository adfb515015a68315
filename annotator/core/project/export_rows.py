"""The rows an export file is written from (``Project.export_rows``, ``Project.iter_export_annotations``).

The SQL lives here, beside the tables it reads, so core.exchange writes the file without knowing
the database. Rows are plain tuples in a fixed column order; JSON columns stay as their stored text
(the exporter mends values stored before such values were refused).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine


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
    with engine.connect() as conn:
        docs = conn.exec_driver_sql(
            "SELECT id, title, sha256, length, source, metadata, text FROM documents ORDER BY id").fetchall()
        cats = conn.exec_driver_sql("SELECT id, name, colour, description, shortcut, parent_id, position, attributes"
                                    " FROM categories ORDER BY id").fetchall()
        coders = conn.exec_driver_sql("SELECT id, name FROM annotators ORDER BY id").fetchall()
        origins = dict(conn.exec_driver_sql("SELECT id, name FROM origins").fetchall())
        refs = conn.exec_driver_sql(
            "SELECT document_id, category_id, annotator_id, origin_id FROM annotations").fetchall()
        settings = dict(conn.exec_driver_sql("SELECT key, value FROM settings ORDER BY key").fetchall())
        statuses = conn.exec_driver_sql("SELECT document_id, annotator_id, status, modified FROM document_status"
                                        " ORDER BY document_id, annotator_id").fetchall()
    return ExportRows(docs, cats, coders, origins, refs, settings, statuses)


def iter_export_annotations(engine: Engine) -> Iterator[tuple]:
    """``(id, document_id, start, end, category_id, annotator_id, origin_id, note, attributes JSON,
    created, modified, modified_by)`` of every annotation by document, start, end and id, read while iterated."""
    with engine.connect() as conn:
        yield from conn.exec_driver_sql(
            'SELECT id, document_id, start, "end", category_id, annotator_id, origin_id, note, attributes,'
            ' created, modified, modified_by FROM annotations ORDER BY document_id, start, "end", id')
