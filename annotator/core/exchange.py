"""Annotator's exchange file (format ``annotator-export``, version 1): writing and reading it.

docs/exchange-format.md documents every field; resources/formats/annotator-export-v1.schema.json
describes the file and is used on every read. Writing is deterministic: lists in a fixed order,
keys sorted, UTF-8, one item per line, and no time of export, so two exports of the same content
are byte-identical and a team can diff them. Reading refuses, with the file, the JSON path and the
reason, anything that is not a valid version-1 export; it never changes a project.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from annotator.core import resources
from annotator.core.errors import ExchangeError
from annotator.core.text import normalise, sha256_text

FORMAT = "annotator-export"
VERSION = 1
OFFSETS = {"unit": "code_point", "end": "exclusive"}
CONTEXT_CHARS = 32  # prefix and suffix kept with each quote
MAX_FILE_BYTES = 128 * 1024 * 1024
LISTS = ("projects", "categories", "annotators", "documents", "annotations")

# Control characters refused in names, titles, notes and descriptions (tab and newline are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Scope:
    """What to export: None means everything; otherwise sets of ids."""

    documents: frozenset[str] | None = None
    annotators: frozenset[str] | None = None
    categories: frozenset[str] | None = None


# -- writing ---------------------------------------------------------------------------------


def build_export(project, scope: Scope = Scope(), include_text: bool = True) -> dict[str, Any]:
    """The export of ``project`` (limited to ``scope``) as a dict, in canonical order."""
    info = project.info()
    with project._engine.connect() as conn:
        docs = conn.exec_driver_sql(
            "SELECT id, title, sha256, length, source, metadata, text FROM documents").fetchall()
        cats = conn.exec_driver_sql(
            "SELECT id, name, colour, description, shortcut, parent_id, position, attributes FROM categories").fetchall()
        coders = conn.exec_driver_sql("SELECT id, name FROM annotators").fetchall()
        origins = dict(conn.exec_driver_sql("SELECT id, name FROM origins").fetchall())
        anns = conn.exec_driver_sql(
            'SELECT id, document_id, start, "end", category_id, annotator_id, origin_id, note, attributes,'
            " created, modified FROM annotations").fetchall()

    docs = [d for d in docs if scope.documents is None or d[0] in scope.documents]
    texts = {d[0]: d[6] for d in docs}
    categories = {c[0]: c for c in cats}
    if scope.categories is not None:
        keep: set[str] = set()
        for cid in scope.categories:
            while cid is not None and cid in categories and cid not in keep:
                keep.add(cid)
                cid = categories[cid][5]  # ancestors keep the hierarchy whole
        categories = {k: v for k, v in categories.items() if k in keep}
    coders = [a for a in coders if scope.annotators is None or a[0] in scope.annotators]
    coder_ids = {a[0] for a in coders}

    annotations = []
    project_names = {info.id: info.name}
    used_projects: set[str] = set()
    for ann_id, doc_id, start, end, cat_id, coder_id, origin, note, attrs, created, modified in anns:
        if doc_id not in texts or coder_id not in coder_ids:
            continue
        if scope.categories is not None and cat_id not in scope.categories:
            continue
        text = texts[doc_id]
        project_id = origin or info.id
        used_projects.add(project_id)
        annotations.append({
            "id": ann_id, "document_id": doc_id, "start": start, "end": end,
            "quote": text[start:end],
            "prefix": text[max(0, start - CONTEXT_CHARS):start],
            "suffix": text[end:end + CONTEXT_CHARS],
            "category_id": cat_id, "annotator_id": coder_id, "project_id": project_id,
            "note": note, "attributes": json.loads(attrs), "created": created, "modified": modified,
        })
    project_names.update(origins)
    documents = []
    for doc_id, title, sha, length, source, metadata, text in docs:
        doc = {"id": doc_id, "title": title, "sha256": sha, "length": length, "source": source,
               "metadata": json.loads(metadata)}
        if include_text:
            doc["text"] = text
        documents.append(doc)
    return canonical({
        "format": FORMAT,
        "version": VERSION,
        "offsets": dict(OFFSETS),
        "projects": [{"id": pid, "name": project_names.get(pid, "")} for pid in used_projects],
        "categories": [
            {"id": c[0], "name": c[1], "colour": c[2], "description": c[3], "shortcut": c[4], "parent_id": c[5],
             "position": c[6], "attributes": json.loads(c[7])}
            for c in categories.values()
        ],
        "annotators": [{"id": a[0], "name": a[1]} for a in coders],
        "documents": documents,
        "annotations": annotations,
    })


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """Put every list in its fixed order (annotations by document, start, end, id; the rest by id)."""
    out = dict(data)
    for key in ("projects", "categories", "annotators", "documents"):
        out[key] = sorted(data[key], key=lambda item: item["id"])
    out["annotations"] = sorted(data["annotations"], key=lambda a: (a["document_id"], a["start"], a["end"], a["id"]))
    return out


def dumps(data: dict[str, Any]) -> bytes:
    """The file's bytes: UTF-8, header fields first, then each list with one item per line."""

    def item(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    data = canonical(data)
    lines = ["{"]
    lines.append(f'"format":{item(data["format"])},')
    lines.append(f'"version":{item(data["version"])},')
    lines.append(f'"offsets":{item(data["offsets"])},')
    for index, key in enumerate(LISTS):
        values = data[key]
        comma = "," if index < len(LISTS) - 1 else ""
        if not values:
            lines.append(f'"{key}":[]{comma}')
            continue
        lines.append(f'"{key}":[')
        lines.extend(item(v) + ("," if i < len(values) - 1 else "") for i, v in enumerate(values))
        lines.append(f"]{comma}")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- reading ---------------------------------------------------------------------------------

_validator = None


def _schema_validator():
    global _validator
    if _validator is None:
        schema = resources.read_json("formats", "annotator-export-v1.schema.json")
        _validator = jsonschema_rs.validator_for(schema)
    return _validator


def json_path(parts) -> str:
    """``["annotations", 3, "start"]`` -> ``$.annotations[3].start``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def read_export(path: str | Path) -> dict[str, Any]:
    """Read and check an export file; ExchangeError (naming the file, the place and the reason)
    for anything that is not a valid version-1 Annotator export."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ExchangeError(f"{path}: is a folder, not an export file")
        if size > MAX_FILE_BYTES:
            raise ExchangeError(f"{path}: the file is {size / 2**20:.0f} MiB; exports of up to "
                                f"{MAX_FILE_BYTES // 2**20} MiB are accepted")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExchangeError(f"{path}: no such file") from None
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return parse_export(raw, str(path))


def parse_export(raw: bytes, name: str) -> dict[str, Any]:
    """Check the bytes of an export file; see ``read_export``."""
    if not raw.strip():
        raise ExchangeError(f"{name}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExchangeError(f"{name}: not UTF-8 text (byte {exc.start}); not an Annotator export") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = "the file ends too early (truncated?)" if exc.pos >= len(text.rstrip()) else exc.msg
        raise ExchangeError(f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno}: {where}") from None
    except RecursionError:
        raise ExchangeError(f"{name}: JSON nested too deeply") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExchangeError(f"{name}: not an Annotator export (no \"format\": \"{FORMAT}\"; another tool's JSON?)")
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise ExchangeError(f"{name}: export version {version} was written by a newer Annotator; "
                            f"this one reads version {VERSION}. Update Annotator.")
    error = next(iter(_schema_validator().iter_errors(data)), None)
    if error is not None:
        raise ExchangeError(f"{name}: {json_path(error.instance_path)}: {_schema_message(error)}")
    check_export(data, name)
    return data


def _schema_message(error) -> str:
    """The validator's message, without repeating a huge value back at the user."""
    if type(error.kind).__name__ == "MaxLength" and isinstance(error.instance, str):
        return f"is {len(error.instance):,} characters long; at most {error.kind.limit:,} are allowed"
    message = error.message
    return message if len(message) <= 200 else message[:200] + "…"


def check_export(data: dict[str, Any], name: str) -> None:
    """What the JSON Schema cannot say: unique ids, references, offsets, hashes, characters."""

    def fail(parts, reason: str):
        raise ExchangeError(f"{name}: {json_path(parts)}: {reason}")

    for key in LISTS:
        seen: dict[str, int] = {}
        for index, entry in enumerate(data[key]):
            if entry["id"] in seen:
                fail([key, index, "id"], f"duplicate id {entry['id']} (also at {json_path([key, seen[entry['id']]])})")
            seen[entry["id"]] = index
    for key, fields in (("projects", ("name",)), ("categories", ("name", "description", "shortcut")),
                        ("annotators", ("name",)), ("documents", ("title", "source")),
                        ("annotations", ("note",))):
        for index, entry in enumerate(data[key]):
            for field in fields:
                value = entry.get(field)
                if isinstance(value, str) and (_CONTROL.search(value) or _SURROGATE.search(value)):
                    fail([key, index, field], "contains control characters or invalid Unicode")
    lengths: dict[str, int] = {}
    texts: dict[str, str] = {}
    for index, doc in enumerate(data["documents"]):
        lengths[doc["id"]] = doc["length"]
        text = doc.get("text")
        if text is None:
            continue
        if _SURROGATE.search(text) or "\x00" in text:
            fail(["documents", index, "text"], "contains NUL or invalid Unicode")
        if text != normalise(text):
            fail(["documents", index, "text"], "line endings are not normalised to \\n")
        if len(text) != doc["length"]:
            fail(["documents", index, "length"], f"is {doc['length']} but the text has {len(text)} characters")
        if sha256_text(text) != doc["sha256"]:
            fail(["documents", index, "sha256"], "does not match the SHA-256 of the included text")
        texts[doc["id"]] = text
    categories = {c["id"]: c for c in data["categories"]}
    for index, cat in enumerate(data["categories"]):
        parent, steps = cat["parent_id"], 0
        while parent is not None:
            if parent not in categories:
                fail(["categories", index, "parent_id"], f"unknown category {parent}")
            parent, steps = categories[parent]["parent_id"], steps + 1
            if steps > len(categories):
                fail(["categories", index, "parent_id"], "categories form a cycle")
    coders = {a["id"] for a in data["annotators"]}
    projects = {p["id"] for p in data["projects"]}
    for index, ann in enumerate(data["annotations"]):
        where = ["annotations", index]
        if ann["document_id"] not in lengths:
            fail([*where, "document_id"], f"unknown document {ann['document_id']}")
        if ann["category_id"] not in categories:
            fail([*where, "category_id"], f"unknown category {ann['category_id']}")
        if ann["annotator_id"] not in coders:
            fail([*where, "annotator_id"], f"unknown annotator {ann['annotator_id']}")
        if ann["project_id"] not in projects:
            fail([*where, "project_id"], f"unknown project {ann['project_id']}")
        if ann["start"] >= ann["end"]:
            fail([*where, "end"], f"end {ann['end']} is not after start {ann['start']}")
        if ann["end"] > lengths[ann["document_id"]]:
            fail([*where, "end"], f"end {ann['end']} is past the end of the document ({lengths[ann['document_id']]} characters)")
        for field in ("quote", "prefix", "suffix"):
            if _SURROGATE.search(ann[field]) or "\x00" in ann[field]:
                fail([*where, field], "contains NUL or invalid Unicode")


def write_export(project, path: str | Path, scope: Scope = Scope(), include_text: bool = True) -> dict[str, Any]:
    """Export ``project`` to ``path`` (written to a temporary file, then moved into place)."""
    data = build_export(project, scope, include_text)
    atomic_write(Path(path), dumps(data))
    return data


def atomic_write(path: Path, content: bytes) -> None:
    """Write a file so that a reader never sees it half-written."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(content)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExchangeError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
