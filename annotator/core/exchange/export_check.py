"""What the JSON Schema of the exchange file cannot say, checked on every read and before a merge
is written: unique ids, references, offsets, hashes, characters, (version 2) the statuses and
(version 3) the gold layer's decisions (exchange.decisions)."""

from __future__ import annotations

from typing import Any

from annotator.core.errors import ExchangeError, ValidationError
from annotator.core.exchange.chunk_check import Columns, annotations_pass
from annotator.core.exchange.decisions import check_decisions
from annotator.core.storage.tables import GOLD_ID
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
    check = ExportCheck(data, name)
    check.annotations(data["annotations"])
    check.finish()


class ExportCheck:
    """``check_export`` in steps, for a file read as a stream: everything but the annotations when
    made (``head`` is the file without them), then each chunk of annotations as it is read
    (``annotations``), then what needs all of them (``finish``). It holds the ids seen (to find a
    duplicate) and, of the annotations, only those the decisions name."""

    def __init__(self, head: dict[str, Any], name: str):
        self.head, self.name, self.count = head, name, 0
        for key, field, low in (("documents", "length", 1), ("categories", "position", -MAX_INTEGER - 1)):
            for index, entry in enumerate(head[key]):
                self._integer(entry[field], [key, index, field], low)
        self.seen: dict[str, int] = {}  # annotation id -> index
        for key in LISTS:
            if key == "annotations":
                continue
            seen: dict[str, int] = {}
            for index, entry in enumerate(head.get(key, ())):  # a dict built in code may lack "decisions"
                self._unique(seen, key, index, entry["id"])
        for key, fields in (("projects", ("name",)), ("categories", ("name", "description", "shortcut")),
                            ("annotators", ("name",)), ("documents", ("title", "source"))):
            for index, entry in enumerate(head[key]):
                for field in fields:
                    self._characters(entry.get(field), [key, index, field])
        self.lengths: dict[str, int] = {}
        for index, doc in enumerate(head["documents"]):
            self.lengths[doc["id"]] = doc["length"]
            text = doc.get("text")
            if text is None:
                continue
            if LONE_SURROGATES.search(text) or "\x00" in text:
                self.fail(["documents", index, "text"], "contains NUL or invalid Unicode")
            if text != normalise(text):
                self.fail(["documents", index, "text"], "line endings are not normalised to \\n")
            if len(text) != doc["length"]:
                self.fail(["documents", index, "length"], f"is {doc['length']} but the text has {len(text)} characters")
            if sha256_text(text) != doc["sha256"]:
                self.fail(["documents", index, "sha256"], "does not match the SHA-256 of the included text")
        self.categories = {c["id"]: c for c in head["categories"]}
        for index, cat in enumerate(head["categories"]):
            parent, steps = cat["parent_id"], 0
            while parent is not None:
                if parent not in self.categories:
                    self.fail(["categories", index, "parent_id"], f"unknown category {parent}")
                parent, steps = self.categories[parent]["parent_id"], steps + 1
                if steps > len(self.categories):
                    self.fail(["categories", index, "parent_id"], "categories form a cycle")
        self.coders = {a["id"] for a in head["annotators"]}
        self.projects = {p["id"] for p in head["projects"]}
        decisions = head.get("decisions", ())
        self.named = {ann_id for d in decisions for key in ("gold", "sources") for ann_id in d[key]}
        self.gold_made = {ann_id for d in decisions for ann_id in d["gold"]}
        self.found: dict[str, dict[str, Any]] = {}  # the annotations the decisions name
        self.orphan: tuple[int, str] | None = None  # the first gold annotation no decision made

    def fail(self, parts, reason: str):
        raise ExchangeError(f"{self.name}: {json_path(parts)}: {reason}")

    def _integer(self, value, parts, low: int) -> None:
        # Whole numbers: a file's 0.0 was made 0 on reading (_whole_numbers); a dict built in code must hold ints.
        try:
            check_integer(value, "", low, MAX_INTEGER)
        except ValidationError as exc:
            self.fail(parts, str(exc).strip())

    def _unique(self, seen: dict[str, int], key: str, index: int, an_id: str) -> None:
        if an_id in seen:
            self.fail([key, index, "id"], f"duplicate id {an_id} (also at {json_path([key, seen[an_id]])})")
        seen[an_id] = index

    def _characters(self, value, parts) -> None:
        if isinstance(value, str) and (CONTROL_CHARACTERS.search(value) or LONE_SURROGATES.search(value)):
            self.fail(parts, "contains control characters or invalid Unicode")

    def annotations(self, chunk: list[dict[str, Any]], columns: Columns | None = None) -> None:
        """Check the next annotations of the file (after those already checked): in one pass
        (chunk_check; ``columns``: those of ``chunk`` already taken), and one at a time only when
        that finds something to look at closer."""
        if annotations_pass(self, chunk, columns):
            return
        lengths, seen = self.lengths, self.seen
        for index, ann in enumerate(chunk, self.count):
            where = ["annotations", index]
            self._integer(ann["start"], [*where, "start"], 0)
            self._integer(ann["end"], [*where, "end"], 1)
            for field in ("created", "modified"):
                try:
                    check_timestamp(ann[field], "")
                except ValidationError as exc:
                    self.fail([*where, field], str(exc).strip())
            self._unique(seen, "annotations", index, ann["id"])
            self._characters(ann.get("note"), [*where, "note"])
            if ann["document_id"] not in lengths:
                self.fail([*where, "document_id"], f"unknown document {ann['document_id']}")
            if ann["category_id"] not in self.categories:
                self.fail([*where, "category_id"], f"unknown category {ann['category_id']}")
            if ann["annotator_id"] not in self.coders:
                self.fail([*where, "annotator_id"], f"unknown annotator {ann['annotator_id']}")
            if ann["project_id"] not in self.projects:
                self.fail([*where, "project_id"], f"unknown project {ann['project_id']}")
            if ann["start"] >= ann["end"]:
                self.fail([*where, "end"], f"end {ann['end']} is not after start {ann['start']}")
            length = lengths[ann["document_id"]]
            if ann["end"] > length:
                self.fail([*where, "end"], f"end {ann['end']} is past the end of the document ({length} characters)")
            for field in ("quote", "prefix", "suffix"):
                if LONE_SURROGATES.search(ann[field]) or "\x00" in ann[field]:
                    self.fail([*where, field], "contains NUL or invalid Unicode")
            if ann["id"] in self.named:
                self.found[ann["id"]] = {"annotator_id": ann["annotator_id"], "document_id": ann["document_id"]}
            if self.orphan is None and ann["annotator_id"] == GOLD_ID and ann["id"] not in self.gold_made:
                self.orphan = (index, ann["id"])
        self.count += len(chunk)

    def finish(self) -> None:
        """The checks that need every annotation: statuses, then decisions, in check_export's order."""
        _check_statuses(self.head, set(self.lengths), self.coders, self.fail)
        check_decisions(self.head, self.lengths, self.fail, self.found)
        if self.orphan is not None:
            index, ann_id = self.orphan
            self.fail(["annotations", index], f"gold annotation {ann_id} is made by no decision in the file")


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
