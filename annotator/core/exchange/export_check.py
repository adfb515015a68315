"""What the JSON Schema of the exchange file cannot say, checked on every read and before a merge
is written: unique ids, references, offsets, hashes, characters, (version 2) the statuses and
(version 3) the gold layer's decisions (exchange.decisions)."""

from __future__ import annotations

from typing import Any

from annotator.core.errors import ExchangeError, ValidationError
from annotator.core.exchange.decisions import check_decisions
from annotator.core.text import (
    CONTROL_CHARACTERS,
    LONE_SURROGATES,
    check_integer,
    check_timestamp,
    normalise,
    sha256_text,
)

LISTS = ("projects", "categories", "annotators", "documents", "annotations", "decisions")  # the lists with ids
MAX_INTEGER = 2**31 - 1  # offsets, lengths and positions (the JSON Schema says the same)


def json_path(parts) -> str:
    """``["annotations", 3, "start"]`` -> ``$.annotations[3].start``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part.encode('utf-8', 'backslashreplace').decode()}"
    return out



def check_export(data: dict[str, Any], name: str) -> None:
    """What the JSON Schema cannot say: unique ids, references, offsets, hashes, characters."""

    def fail(parts, reason: str):
        raise ExchangeError(f"{name}: {json_path(parts)}: {reason}")

    # Whole numbers: a file's 0.0 was made 0 on reading (_whole_numbers); a dict built in code must hold ints.
    for key, field, low in (("documents", "length", 1), ("annotations", "start", 0), ("annotations", "end", 1),
                            ("categories", "position", -MAX_INTEGER - 1)):
        for index, entry in enumerate(data[key]):
            try:
                check_integer(entry[field], "", low, MAX_INTEGER)
            except ValidationError as exc:
                fail([key, index, field], str(exc).strip())
    for index, ann in enumerate(data["annotations"]):
        for field in ("created", "modified"):
            try:
                check_timestamp(ann[field], "")
            except ValidationError as exc:
                fail(["annotations", index, field], str(exc).strip())

    for key in LISTS:
        seen: dict[str, int] = {}
        for index, entry in enumerate(data.get(key, ())):  # a dict built in code may lack "decisions"
            if entry["id"] in seen:
                fail([key, index, "id"], f"duplicate id {entry['id']} (also at {json_path([key, seen[entry['id']]])})")
            seen[entry["id"]] = index
    for key, fields in (("projects", ("name",)), ("categories", ("name", "description", "shortcut")),
                        ("annotators", ("name",)), ("documents", ("title", "source")),
                        ("annotations", ("note",))):
        for index, entry in enumerate(data[key]):
            for field in fields:
                value = entry.get(field)
                if isinstance(value, str) and (CONTROL_CHARACTERS.search(value) or LONE_SURROGATES.search(value)):
                    fail([key, index, field], "contains control characters or invalid Unicode")
    lengths: dict[str, int] = {}
    texts: dict[str, str] = {}
    for index, doc in enumerate(data["documents"]):
        lengths[doc["id"]] = doc["length"]
        text = doc.get("text")
        if text is None:
            continue
        if LONE_SURROGATES.search(text) or "\x00" in text:
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
            fail([*where, "end"],
                 f"end {ann['end']} is past the end of the document ({lengths[ann['document_id']]} characters)")
        for field in ("quote", "prefix", "suffix"):
            if LONE_SURROGATES.search(ann[field]) or "\x00" in ann[field]:
                fail([*where, field], "contains NUL or invalid Unicode")
    _check_statuses(data, set(lengths), coders, fail)
    check_decisions(data, lengths, fail)


def _check_statuses(data: dict[str, Any], documents: set[str], coders: set[str], fail) -> None:
    """Version 2: each status names a document and a coder of the file, once per pair, with a valid time."""
    seen: dict[tuple[str, str], int] = {}
    for index, status in enumerate(data.get("statuses", ())):
        where = ["statuses", index]
        if status["document_id"] not in documents:
            fail([*where, "document_id"], f"unknown document {status['document_id']}")
        if status["annotator_id"] not in coders:
            fail([*where, "annotator_id"], f"unknown annotator {status['annotator_id']}")
        try:
            check_timestamp(status["modified"], "")
        except ValidationError as exc:
            fail([*where, "modified"], str(exc).strip())
        pair = (status["document_id"], status["annotator_id"])
        if pair in seen:
            fail(where, f"a second status for document {pair[0]} and annotator {pair[1]} "
                        f"(also at {json_path(['statuses', seen[pair]])})")
        seen[pair] = index
