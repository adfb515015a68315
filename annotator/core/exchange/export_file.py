"""Annotator's exchange file (format ``annotator-export``, version 3): writing and reading it.

docs/exchange-format.md documents every field; resources/formats/annotator-export-v3.schema.json
(and -v1, -v2 for the older files, which are still read) describes the file and is used on every read.
Writing is deterministic: lists in a fixed order, keys sorted, UTF-8, one item per line, and no
time of export, so two exports of the same content are byte-identical and a team can diff them.
Reading refuses, with the file, the JSON path and the reason, anything that is not a valid
version-1, -2 or -3 export; it never changes a project.
An older file is read as the version-3 file it equals: a version-1 file has no settings, no
statuses, and no ``modified_by`` (null) on its annotations; neither version has decisions, and each
annotator gets its ``role``. Version 3 carries the gold layer: the gold annotations (annotator
``GOLD_ID``, role "gold") and the decisions that made them (exchange.decisions).
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.errors import quoted
from annotator.core.exchange.decisions import canonical_decision, decision_order, role
from annotator.core.exchange.export_check import LISTS, check_export, json_path
from annotator.core.exchange.export_lines import read_lines
from annotator.core.exchange.export_read import MAX_FILE_BYTES, open_export, parse_export, read_export
from annotator.core.exchange.export_schema import FORMAT, READS, VERSION
from annotator.core.files import open_bounded, open_output
from annotator.core.project.project import LOCAL_SETTINGS
from annotator.core.storage.tables import GOLD_ID
from annotator.core.text import mend_value

log = logging.getLogger(__name__)

OFFSETS = {"unit": "code_point", "end": "exclusive"}
CONTEXT_CHARS = 32  # prefix and suffix kept with each quote
WRITTEN = ("projects", "categories", "annotators", "documents", "statuses", "decisions", "annotations")  # file order

__all__ = ["FORMAT", "LISTS", "OFFSETS", "READS", "VERSION", "Scope", "build_export", "canonical", "check_export",
           "dumps", "export_stream", "json_path", "open_export", "parse_export", "read_export", "save", "write_export"]


@dataclass(frozen=True)
class Scope:
    """What to export: None means everything; otherwise sets of ids. The gold layer (its
    annotations and decisions) goes with the annotators unless they leave GOLD_ID out;
    ``Scope(annotators=GOLD_ONLY)`` is the gold layer alone."""

    documents: frozenset[str] | None = None
    annotators: frozenset[str] | None = None
    categories: frozenset[str] | None = None


# -- writing ---------------------------------------------------------------------------------


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def encode_item(item: Any) -> bytes:
    """A list item as the file holds it (write_stream), without the comma and the line end."""
    return _ENCODE(item).encode("utf-8")


def _object(text: str, what: str, warn, empty: Any = None) -> Any:
    """A JSON column's value, made valid for writing: a value stored before such values were
    refused (a lone surrogate, NaN) is written as U+FFFD or null, and text that is not JSON at all
    (a damaged project, exported for what is readable) as ``empty`` ({} unless given), with one
    ``warn`` line each."""
    if text == "{}":
        return {}
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        empty = {} if empty is None else empty
        warn(f"{what}: the stored value is not JSON; written as {json.dumps(empty)}")
        return empty
    return mend_value(value, what, warn)


def export_stream(project, scope: Scope = Scope(), include_text: bool = True, warn=None) -> dict[str, Any]:
    """The export of ``project`` (limited to ``scope``) with every list in canonical order. The
    annotations are an iterator that reads the database while the file is written, so exporting
    a large project takes little memory; ``build_export`` makes real lists of them. ``warn`` (by
    default the log) gets one line for each stored value that had to be made valid."""
    warn = warn or log.warning
    info = project.info()
    rows = project.export_rows()
    cats, coders, origins, refs = rows.categories, rows.annotators, rows.origins, rows.references
    docs = [d for d in rows.documents if scope.documents is None or d[0] in scope.documents]
    texts = {d[0]: d[6] for d in docs}
    parents = {c[0]: c[5] for c in cats}
    keep = None
    if scope.categories is not None:
        keep = set()
        for cid in scope.categories:
            while cid is not None and cid in parents and cid not in keep:
                keep.add(cid)  # with its ancestors, so the hierarchy stays whole
                cid = parents[cid]
    decisions, gold_ids = _gold_layer(project, scope, texts, warn)
    deciders = {d["decided_by"] for d in decisions}
    coders = [a for a in coders if scope.annotators is None or a[0] in scope.annotators or a[0] in deciders]
    coder_ids = {a[0] for a in coders if scope.annotators is None or a[0] in scope.annotators}

    def wanted(doc_id: str, cat_id: str, coder_id: str) -> bool:
        return (doc_id in texts and coder_id in coder_ids
                and (scope.categories is None or cat_id in scope.categories))

    names = {info.id: info.name, **origins}
    used = sorted({origin or info.id for doc_id, cat_id, coder_id, origin in refs if wanted(doc_id, cat_id, coder_id)})

    def annotations():
        for row in project.iter_export_annotations():
            ann_id, doc_id, start, end, cat_id, coder_id, origin, note, attrs, created, modified, modified_by = row
            if not wanted(doc_id, cat_id, coder_id) or (coder_id == GOLD_ID and ann_id not in gold_ids):
                continue
            text = texts[doc_id]
            yield {
                "annotator_id": coder_id, "attributes": _object(attrs, f"annotation {quoted(ann_id)} attributes", warn),
                "category_id": cat_id,
                "created": created, "document_id": doc_id, "end": end, "id": ann_id, "modified": modified,
                "modified_by": modified_by,
                "note": note, "prefix": text[max(0, start - CONTEXT_CHARS):start], "project_id": origin or info.id,
                "quote": text[start:end], "start": start, "suffix": text[end:end + CONTEXT_CHARS],
            }

    documents = []
    for doc_id, title, sha, length, source, metadata, text in docs:
        doc = {"id": doc_id, "length": length,
               "metadata": _object(metadata, f"document {quoted(title)} metadata", warn),
               "sha256": sha, "source": source,
               "title": title}
        if include_text:
            doc["text"] = text
        documents.append(doc)
    return {
        "format": FORMAT,
        "version": VERSION,
        "offsets": dict(OFFSETS),
        "projects": [{"id": pid, "name": names.get(pid, "")} for pid in used],
        "categories": [
            {"attributes": _object(c[7], f"category {quoted(c[1])} attributes", warn, []), "colour": c[2],
             "description": c[3], "id": c[0], "name": c[1], "parent_id": c[5], "position": c[6], "shortcut": c[4]}
            for c in cats if keep is None or c[0] in keep
        ],
        "settings": {key: _object(value, f"setting {quoted(key)}", warn) for key, value in rows.settings.items()
                     if key not in LOCAL_SETTINGS},  # a lead's local permission never travels
        "annotators": [{"id": a[0], "name": a[1], "role": role(a[0])} for a in coders],
        "documents": documents,
        "statuses": [{"annotator_id": coder_id, "document_id": doc_id, "modified": modified, "status": status}
                     for doc_id, coder_id, status, modified in rows.statuses
                     if doc_id in texts and coder_id in coder_ids],
        "annotations": annotations(),
        "decisions": decisions,
    }


GOLD_ONLY = frozenset({GOLD_ID})  # a Scope's annotators: the gold layer alone


def _gold_layer(project, scope: Scope, documents, warn) -> tuple[list[dict[str, Any]], set[str]]:
    """The decisions the export holds, in canonical order, and the ids of the gold annotations they
    made (the only gold annotations it holds): those of the documents in scope, none when the
    annotators leave the gold layer out, and with a category scope only the decisions whose gold
    annotations all are of those categories (a rejection, which makes none, goes with its document)."""
    if scope.annotators is not None and GOLD_ID not in scope.annotators:
        return [], set()
    category = {a.id: a.category_id for a in project.annotations(annotator_id=GOLD_ID)}
    decisions = []
    for d in project.decisions():
        if d.document_id not in documents:
            continue
        if any(g not in category for g in d.gold):
            warn(f"decision {d.id} names a gold annotation the project does not hold; not exported")
            continue
        if scope.categories is not None and any(category[g] not in scope.categories for g in d.gold):
            continue
        decisions.append(canonical_decision({
            "decided": d.decided, "decided_by": d.decided_by, "document_id": d.document_id, "end": d.end,
            "gold": list(d.gold), "id": d.id, "kind": d.kind, "reason": d.reason, "replaces": list(d.replaces),
            "rule": d.rule, "sources": list(d.sources), "start": d.start, "unit_id": d.unit_id}))
    decisions.sort(key=decision_order)
    return decisions, {g for d in decisions for g in d["gold"]}


def build_export(project, scope: Scope = Scope(), include_text: bool = True, warn=None) -> dict[str, Any]:
    """The export of ``project`` (limited to ``scope``) as a dict with real lists, in canonical order."""
    data = export_stream(project, scope, include_text, warn)
    data["annotations"] = list(data["annotations"])
    return data


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """Put every list in its fixed order (annotations and decisions by document, start, end, id;
    statuses by document and coder; the rest by id; a decision's lists of ids sorted)."""
    out = dict(data)
    for key in ("projects", "categories", "annotators", "documents"):
        out[key] = sorted(data[key], key=lambda item: item["id"])
    out["statuses"] = sorted(data.get("statuses", ()), key=lambda s: (s["document_id"], s["annotator_id"]))
    out.setdefault("settings", {})
    out["annotations"] = sorted(data["annotations"], key=lambda a: (a["document_id"], a["start"], a["end"], a["id"]))
    out["decisions"] = sorted(map(canonical_decision, data.get("decisions", ())), key=decision_order)
    return out


def write_stream(out: BinaryIO, data: dict[str, Any]) -> dict[str, int]:
    """Write the file to ``out``: UTF-8, header fields first, then each list with one item per line.
    The lists must already be in canonical order (they may be iterators; an item may come already
    encoded, as ``encode_item`` bytes). Returns their sizes."""
    counts: dict[str, int] = {}
    out.write(b"{\n")
    for key in ("format", "version", "offsets", "settings"):
        out.write(f'"{key}":{_ENCODE(data[key])},\n'.encode())
    for index, key in enumerate(WRITTEN):
        end = b"]\n" if index == len(WRITTEN) - 1 else b"],\n"
        items = iter(data[key])
        held = next(items, _END)
        if held is _END:
            out.write(f'"{key}":['.encode() + end)
            counts[key] = 0
            continue
        out.write(f'"{key}":[\n'.encode())
        count = 1
        for item in items:
            out.write(_line(held) + b",\n")
            held = item
            count += 1
        out.write(_line(held) + b"\n")
        out.write(end)
        counts[key] = count
    out.write(b"}\n")
    return counts


_END = object()


def _line(item: Any) -> bytes:
    return item if type(item) is bytes else _ENCODE(item).encode("utf-8")


def dumps(data: dict[str, Any]) -> bytes:
    """The file's bytes for an export dict (any list order)."""
    buffer = io.BytesIO()
    write_stream(buffer, canonical(data))
    return buffer.getvalue()


def save(data: dict[str, Any], path: str | Path) -> dict[str, int]:
    """Write an export whose lists are in canonical order (they may be iterators) to ``path``,
    streaming. Returns the list sizes."""
    with open_output(path) as handle:
        return write_stream(handle, data)


def write_export(project, path: str | Path, scope: Scope = Scope(), include_text: bool = True,
                 warn=None) -> dict[str, int]:
    """Export ``project`` to ``path``; returns how many items of each list were written."""
    return save(export_stream(project, scope, include_text, warn), path)


# -- reading (export_read) -------------------------------------------------------------------


def _read_lines(source: Path | BinaryIO) -> dict[str, Any] | None:
    """The file (a path, or a handle at its start) read whole a line at a time (export_lines), or
    None when it is not in Annotator's layout. export_read reads every layout as a stream."""
    if isinstance(source, Path):
        with open_bounded(source, MAX_FILE_BYTES, "exports") as handle:
            return read_lines(handle)
    return read_lines(source)
