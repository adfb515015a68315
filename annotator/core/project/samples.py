"""The sample project: four short articles with example annotations, for a first look at Annotator.

The articles and annotations are shipped in resources/samples/: one ``.txt`` file per article (its
first line is the title; the whole file, title included, is the document's text, exactly as
``annotator import`` would store it) and ``annotations.json``, a list of
``{"document", "quote", "occurrence", "category", "note"}`` objects. Annotations are anchored by
quote, not by offsets, so the file stays readable and survives edits to the texts: ``occurrence``
says which occurrence of the quote is meant (1 = the first). A quote that cannot be found, a
category the default schema (resources/schemas/claims.json, which the sample project is made with)
lacks, or an unknown document is a bug in the resources and raises ``SampleError``.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from annotator import paths
from annotator.core import resources
from annotator.core.errors import NotAProjectError
from annotator.core.project.annotations import insert_annotations
from annotator.core.project.project import PROJECT_SUFFIX, NewDocument, Project, insert_documents
from annotator.core.storage.tables import Annotator, Category, Document, new_id, now

log = logging.getLogger(__name__)

SAMPLE_PROJECT_NAME = "Sample project"
SAMPLE_FILE_NAME = "sample" + PROJECT_SUFFIX
EXAMPLE_CODER = "Example coder"
_FOLDER = "samples"
_ANNOTATIONS = "annotations.json"
_SCHEMA = ("schemas", "claims.json")  # the default template's resource


class SampleError(Exception):
    """The shipped sample resources are inconsistent (a bug in Annotator, not a user error)."""


def sample_project_path() -> Path:
    """Where the sample project lives: ``sample.annotator`` in the projects folder."""
    return paths.data_dir() / SAMPLE_FILE_NAME


def create_sample_project(path: str | Path) -> Project:
    """Create the sample project at ``path`` (refused, like ``Project.create``, when the path holds
    a file) and return it open. The documents, the example coder and the annotations are added in
    one transaction; when that fails the new file is removed."""
    project = Project.create(path, name=SAMPLE_PROJECT_NAME, categories=resources.read_json(*_SCHEMA)["categories"])
    try:
        with project.transaction() as tx:
            _fill(tx.session)
    except BaseException:
        project.close()
        project.path.unlink(missing_ok=True)
        raise
    return project


def open_sample_project() -> Project:
    """Open the sample project, creating it first when it is missing.

    A file at ``sample_project_path()`` that is not a project Annotator can open (damaged, not a
    project, written by a newer version) is moved aside, not deleted, and a new sample is made.
    The sample is built under a temporary name and then moved into place, so an interruption
    never leaves a half-made sample behind."""
    path = sample_project_path()
    if path.exists():
        try:
            return Project.open(path)
        except NotAProjectError as exc:
            log.warning("sample project unusable, making a new one: %s", exc)
    _move_aside(path)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    create_sample_project(temporary).close()
    os.replace(temporary, path)
    return Project.open(path)


def locate(text: str, quote: str, occurrence: int = 1) -> tuple[int, int] | None:
    """``(start, end)`` code-point offsets of the ``occurrence``-th (1-based) occurrence of
    ``quote`` in ``text`` (occurrences may overlap), or None when there are fewer."""
    if not quote or type(occurrence) is not int or occurrence < 1:
        return None
    start = -1
    for _ in range(occurrence):
        start = text.find(quote, start + 1)
        if start < 0:
            return None
    return start, start + len(quote)


def _fill(s: Session) -> None:
    """Add the sample documents, the example coder and the example annotations in session ``s``."""
    names = resources.file_names(_FOLDER, suffix=".txt")
    if not names:
        raise SampleError(f"resources/{_FOLDER} holds no sample texts")
    items = []
    for name in names:
        text = resources.read_text(_FOLDER, name)
        items.append(NewDocument(title=text.split("\n", 1)[0].strip(), text=text, source=name))
    added = insert_documents(s, items)
    texts = {name: s.get(Document, a.document.id) for name, a in zip(names, added)}

    categories = {c.name: c.id for c in s.exec(select(Category)).all()}
    coder = Annotator(id=new_id(), name=EXAMPLE_CODER, created=now())
    s.add(coder)
    s.flush()
    rows = [_row(index, item, texts, categories, coder.id)
            for index, item in enumerate(resources.read_json(_FOLDER, _ANNOTATIONS), start=1)]
    insert_annotations(s, rows)


def _row(index: int, item: Mapping[str, Any], documents: Mapping[str, Document],
         categories: Mapping[str, str], annotator_id: str) -> dict[str, Any]:
    """One entry of annotations.json as an ``insert_annotations`` row; SampleError if it is wrong."""
    where = f"resources/{_FOLDER}/{_ANNOTATIONS}, annotation {index}"
    doc = documents.get(item.get("document"))
    if doc is None:
        raise SampleError(f"{where}: no sample text named {item.get('document')!r}")
    category_id = categories.get(item.get("category"))
    if category_id is None:
        raise SampleError(f"{where}: the default schema has no category {item.get('category')!r}")
    quote, occurrence = item.get("quote"), item.get("occurrence", 1)
    span = locate(doc.text, quote, occurrence) if isinstance(quote, str) else None
    if span is None:
        raise SampleError(f"{where}: occurrence {occurrence!r} of quote {quote!r} is not in {doc.source}")
    return dict(document_id=doc.id, category_id=category_id, annotator_id=annotator_id,
                start=span[0], end=span[1], note=item.get("note", ""))


def _move_aside(path: Path) -> None:
    """Rename an unusable sample file (and any SQLite journal beside it) out of the way."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists():
            aside = part.with_name(f"{path.name}.unusable-{stamp}{part.name[len(path.name):]}")
            log.warning("moving %s aside to %s", part, aside)
            os.replace(part, aside)
