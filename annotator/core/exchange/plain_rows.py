"""The import's short path for a chunk of annotations (exchange.apply): when every annotation of
the chunk is new to the project and plain, its rows are made from the chunk's columns (the lists
the quick checks took, chunk_check.Columns) and written by one executemany (bulk.insert_plain_rows),
without a dict per annotation and without the per-row tests of insert_annotations' short path,
each of which is made here once over the whole chunk.

Plain means that the step-by-step import (apply._apply's loop, then insert_annotations) would take
every annotation as it is: none of the gold layer, each document in the project, each quote where
its offsets say (nothing to re-anchor), attribute values that fit (remembered, bulk.KnownValues),
a plain id, times, note, origin and last coder (bulk.plain_id, plain_time, plain_note). Anything
else, in any annotation, sends the whole chunk down the step-by-step path, which reports, rejects
or refuses it in its own words; so the project and the report are the same either way
(tests/core/test_exchange_speed.py compares both).
"""

from __future__ import annotations

from itertools import compress
from operator import getitem, le

from annotator.core.exchange.chunk_check import Columns
from annotator.core.project.bulk import (
    EMPTY_JSON,
    KnownValues,
    all_plain_ids,
    all_plain_notes,
    all_plain_times,
)
from annotator.core.storage.tables import GOLD_ID


def plain_rows(columns: Columns, doc_map: dict[str, str], cat_map: dict[str, str], texts: dict[str, str],
               fitting: KnownValues, local_project: str) -> list[tuple] | None:
    """The rows (bulk.INSERT_ANNOTATION's columns) of the chunk whose ``columns`` are given, when
    every annotation of it is plain (see the module docstring), else None. ``doc_map`` and
    ``cat_map`` map the file's documents and categories to the project's, ``texts`` are the
    documents' texts by the file's id, ``fitting`` gives the stored JSON of attribute values that
    fit the (project's) category."""
    ids, documents, coders = columns["id"], columns["document_id"], columns["annotator_id"]
    if GOLD_ID in coders or not doc_map.keys() >= set(documents):
        return None
    starts, ends = columns["start"], columns["end"]
    chunk_texts = list(map(texts.__getitem__, documents))
    if (list(map(getitem, chunk_texts, map(slice, starts, ends))) != columns["quote"]
            or not all(map(le, ends, map(len, chunk_texts)))):
        return None
    categories = list(map(cat_map.__getitem__, columns["category_id"]))
    values = columns["attributes"]
    stored = [EMPTY_JSON] * len(values)
    for index in compress(range(len(values)), values):  # those with values
        stored[index] = fitting.stored(categories[index], values[index])
    if None in stored:
        return None
    projects = columns["project_id"]
    origins = list(map({local_project: None}.get, projects, projects))  # None: made in this project
    changed_by = columns["modified_by"]
    notes, created, modified = columns["note"], columns["created"], columns["modified"]
    if not (all_plain_ids(ids) and all_plain_ids(origins) and all_plain_ids(changed_by) and all_plain_notes(notes)
            and all_plain_times(created) and all_plain_times(modified)):
        return None
    return list(zip(ids, map(doc_map.__getitem__, documents), categories, coders, starts, ends, notes, stored,
                    created, modified, origins, changed_by))

