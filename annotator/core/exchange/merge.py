"""Merging export files offline (``annotator merge A.json B.json ... -o TEAM.json``).

The merge is a join: for every id, the merged file holds one version chosen by a total order, so
merging is commutative, associative and idempotent (merge(A, B) and merge(B, A) are byte-identical;
merge(A, A) is A):

- annotations: the newer ``modified`` wins; equal times fall back to comparing the canonical JSON;
- categories, annotators, projects: the canonical JSON decides (a report names each difference);
- documents: the same text (SHA-256) under several ids becomes one document with the smallest id,
  and its annotations and statuses follow it; a version with the text wins over one without. The
  same document id with different texts refuses the merge, naming both files;
- statuses (version 2): per (document, coder) the newer ``modified`` wins; equal times fall back to
  comparing the canonical JSON (so "done" beats "in progress" set in the same microsecond);
- settings (version 2): per key, a value all files agree on is kept; different values are reported
  and the canonical JSON decides. Version-1 files (read as version 3) bring no statuses or settings;
- decisions (version 3): joined by id like annotations (the newer ``decided`` wins); a decision
  another names in ``replaces`` is dropped, with the gold annotations only it made; two or more
  decisions left on one unit are a conflict: all are kept, and ``MergeReport.decision_conflicts``
  says who decided what there (exchange.decisions). Older files bring no decisions.

Every annotator's annotations are kept, with their annotator and the project they were made in.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import ExchangeError, quoted
from annotator.core.exchange.chunk_check import kept_pass
from annotator.core.exchange.decisions import (
    canonical_decision,
    conflict_lines,
    join_versions,
    kept_gold,
    surviving,
)
from annotator.core.exchange.export_check import ExportCheck
from annotator.core.exchange.export_file import (
    FORMAT,
    OFFSETS,
    VERSION,
    canonical,
    check_export,
    encode_item,
    save,
)
from annotator.core.exchange.export_read import CHUNK, open_export
from annotator.core.storage.tables import GOLD_ID


@dataclass
class MergeReport:
    files: int = 0
    conflicts: list[str] = field(default_factory=list)  # differences resolved by the merge's order
    decision_conflicts: list[str] = field(default_factory=list)  # units two or more decisions name


_decode = json.JSONDecoder().raw_decode


def _key(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=True)


def merge_files(paths: Iterable[str | Path]) -> tuple[dict[str, Any], MergeReport]:
    """Read, check and merge export files (each read as a stream; the merged file as one dict)."""
    with _opened(paths) as exports, _Annotations() as store:
        merged, report = _merge(exports, store)
        merged["annotations"] = list(store.merged(merged["gold"]))
    del merged["gold"]
    check_export(merged, "merged file")
    return merged, report


def write_merge(paths: Iterable[str | Path], output: str | Path) -> tuple[dict[str, int], MergeReport]:
    """``merge_files`` written to ``output`` (``-``: standard output) as it is made: each file is
    read as a stream and the merged annotations wait in a temporary file, so memory holds per
    annotation only its id, place and time. The merged file is checked as it is written (a file
    that fails leaves ``output`` as it was). Returns the list sizes written and the report."""
    with _opened(paths) as exports, _Annotations() as store:
        merged, report = _merge(exports, store)
        gold = merged.pop("gold")
        check = ExportCheck(merged, "merged file")

        def annotations() -> Iterator[bytes]:  # each chunk of lines checked before it is written, as it was kept
            kept: list[tuple[str, tuple, bytes]] = []
            for item in store.kept(gold):
                kept.append(item)
                if len(kept) == CHUNK:
                    _check_kept(check, kept)
                    yield from (line for _, _, line in kept)
                    kept = []
            _check_kept(check, kept)
            check.finish()
            yield from (line for _, _, line in kept)

        merged["annotations"] = annotations()
        return save(merged, output), report


def _check_kept(check: ExportCheck, kept: list[tuple[str, tuple, bytes]]) -> None:
    """``check.annotations`` of the kept annotations (id, index entry, line), without decoding
    them where kept_pass can tell from what the index holds (each was checked in its own file)."""
    if not kept_pass(check, kept, _decoded):
        check.annotations([_decoded(line) for _, _, line in kept])


def _decoded(line: bytes) -> dict[str, Any]:
    return _decode(line.decode("utf-8"))[0]  # encode_item's UTF-8: no byte-order mark to look for


@contextmanager
def _opened(paths: Iterable[str | Path]) -> Iterator[list[tuple[str, dict[str, Any], Iterable[list[dict[str, Any]]]]]]:
    """Every file open at once, as (name, head, chunks of annotations): the documents of all of
    them decide where each annotation goes before any annotation is read."""
    with ExitStack() as stack:
        yield [(str(path), export.head, export.chunks())
               for path in paths for export in [stack.enter_context(open_export(path))]]


def _better(new: dict[str, Any], held: dict[str, Any], by_time: bool = False) -> bool:
    """Whether ``new`` beats ``held`` (two different versions of one id) in the merge's total order."""
    if by_time and new["modified"] != held["modified"]:
        return new["modified"] > held["modified"]
    return _key(new) > _key(held)


def merge_exports(named: list[tuple[str, dict[str, Any]]]) -> tuple[dict[str, Any], MergeReport]:
    """Merge checked export dicts, given with the names used in messages."""
    with _Annotations() as store:
        merged, report = _merge([(name, data, [data["annotations"]]) for name, data in named], store)
        merged["annotations"] = list(store.merged(merged.pop("gold")))
    check_export(merged, "merged file")
    return merged, report


def _merge(named: list[tuple[str, dict[str, Any], Iterable[list[dict[str, Any]]]]],
           store: _Annotations) -> tuple[dict[str, Any], MergeReport]:
    """The merge of (name, head, chunks of annotations): the merged head in canonical order, its
    "gold" the gold annotations kept (the caller takes the annotations from ``store``)."""
    report = MergeReport(files=len(named))
    if not named:
        raise ExchangeError("merge needs at least one export file")
    chosen: dict[str, dict[str, tuple[dict[str, Any], str]]] = {k: {} for k in ("projects", "categories", "annotators")}
    for name, data, _ in named:
        for key, held_items in chosen.items():
            for item in data[key]:
                held = held_items.get(item["id"])
                if held is None:
                    held_items[item["id"]] = (item, name)
                elif held[0] != item:  # canonical keys only where versions really differ
                    report.conflicts.append(f"{key[:-1]} {item['id']} differs between {held[1]} and {name}")
                    if _better(item, held[0]):
                        held_items[item["id"]] = (item, name)

    # Documents: one per SHA-256 under its smallest id; the same id with two texts is an error.
    by_id: dict[str, tuple[str, str]] = {}  # id -> (sha256, file)
    by_sha: dict[str, dict[str, Any]] = {}
    ids_of_sha: dict[str, set[str]] = {}
    for name, data, _ in named:
        for doc in data["documents"]:
            seen = by_id.get(doc["id"])
            if seen is not None and seen[0] != doc["sha256"]:
                raise ExchangeError(f"document {doc['id']} ({quoted(doc['title'])}) has different texts in "
                                    f"{seen[1]} and {name} (SHA-256 {seen[0][:12]}… and {doc['sha256'][:12]}…); "
                                    "they cannot be merged")
            by_id.setdefault(doc["id"], (doc["sha256"], name))
            ids_of_sha.setdefault(doc["sha256"], set()).add(doc["id"])
            held = by_sha.get(doc["sha256"])
            if held is None or (held != doc and _document_rank(doc) > _document_rank(held)):
                by_sha[doc["sha256"]] = doc
    canonical_id = {doc_id: min(ids_of_sha[sha]) for doc_id, (sha, _) in by_id.items()}
    documents = [doc if doc["id"] == min(ids_of_sha[sha]) else dict(doc, id=min(ids_of_sha[sha]))
                 for sha, doc in by_sha.items()]

    for source, (_, _, chunks) in enumerate(named):
        for chunk in chunks:
            for ann in chunk:
                target = canonical_id[ann["document_id"]]
                store.add(ann if target == ann["document_id"] else dict(ann, document_id=target), source, named, report)

    decisions, gold = _decisions(named, canonical_id, report)
    report.decision_conflicts = conflict_lines(decisions, {doc["id"]: doc["title"] for doc in documents},
                                               {a["id"]: a["name"] for a, _ in chosen["annotators"].values()})

    statuses: dict[tuple[str, str], dict[str, Any]] = {}
    settings: dict[str, tuple[Any, str]] = {}
    for name, data, _ in named:
        for status in data.get("statuses", ()):
            status = dict(status, document_id=canonical_id[status["document_id"]])
            pair = (status["document_id"], status["annotator_id"])
            held = statuses.get(pair)
            if held is None or (held != status and _better(status, held, by_time=True)):
                statuses[pair] = status
        for key, value in sorted(data.get("settings", {}).items()):
            held_setting = settings.get(key)
            if held_setting is None:
                settings[key] = (value, name)
            elif held_setting[0] != value:
                report.conflicts.append(f"setting {key} differs between {held_setting[1]} and {name}")
                if _key({"value": value}) > _key({"value": held_setting[0]}):
                    settings[key] = (value, name)

    merged = canonical({
        "format": FORMAT,
        "version": VERSION,
        "offsets": dict(OFFSETS),
        "settings": {key: value for key, (value, _) in sorted(settings.items())},
        "statuses": list(statuses.values()),
        "projects": [v[0] for v in chosen["projects"].values()],
        "categories": [v[0] for v in chosen["categories"].values()],
        "annotators": [v[0] for v in chosen["annotators"].values()],
        "documents": documents,
        "annotations": [],
        "decisions": decisions,
    })
    merged["gold"] = gold
    return merged, report


def _document_rank(doc: dict[str, Any]) -> tuple[bool, str]:
    """A version with the text beats one without; then the canonical JSON (the id aside) decides."""
    return "text" in doc, _key({k: v for k, v in doc.items() if k != "id"})


def _decisions(named: list[tuple[str, dict[str, Any], Any]], canonical_id: dict[str, str],
               report: MergeReport) -> tuple[list[dict[str, Any]], set[str]]:
    """The decisions kept (joined by id, the replaced ones dropped) and the gold annotations they made."""
    joined: dict[str, tuple[dict[str, Any], str]] = {}
    for name, data, _ in named:
        for decision in data.get("decisions", ()):
            decision = canonical_decision(dict(decision, document_id=canonical_id[decision["document_id"]]))
            held = joined.get(decision["id"])
            if held is not None and dict(held[0], replaces=[]) != dict(decision, replaces=[]):
                report.conflicts.append(f"decision {decision['id']} differs between {held[1]} and {name}; "
                                        "the newer was kept")
            version = join_versions(held and held[0], decision)
            joined[decision["id"]] = (version, name if held is None or version is not held[0] else held[1])
    kept, _ = surviving(version for version, _ in joined.values())
    return kept, kept_gold(kept)


_READ = 1 << 20  # bytes of the temporary file read at a time where the lines kept follow each other


class _Annotations:
    """The merge's annotations: the version of each id kept so far, as its line of the file (the
    export's own encoding) in a temporary file; in memory only (document, start, end, place in the
    temporary file, length, source file, whether of the gold layer) per id. ``merged`` gives them
    back in canonical order (document, start, end, id)."""

    def __init__(self):
        self._spool = tempfile.TemporaryFile()
        self._size = 0
        self._at_end = True  # the temporary file's position is its end (no read since the last write)
        self._index: dict[str, tuple[str, int, int, int, int, int, bool]] = {}

    def __enter__(self) -> _Annotations:
        return self

    def __exit__(self, *exc) -> None:
        self._spool.close()

    def _read(self, entry: tuple) -> bytes:
        self._at_end = False
        self._spool.seek(entry[3])
        return self._spool.read(entry[4])

    def add(self, ann: dict[str, Any], source: int, named: list, report: MergeReport) -> None:
        line = encode_item(ann)
        held = self._index.get(ann["id"])
        if held is not None:
            old = self._read(held)
            if old == line:
                return
            kept = json.loads(old)
            if kept == ann:
                return
            report.conflicts.append(f"annotation {ann['id']} differs between {named[held[5]][0]} and "
                                    f"{named[source][0]}; the newer was kept")
            if not _better(ann, kept, by_time=True):
                return
        if not self._at_end:  # a seek writes out the buffer: only after a read
            self._spool.seek(self._size)
            self._at_end = True
        self._spool.write(line)
        self._index[ann["id"]] = (ann["document_id"], ann["start"], ann["end"], self._size, len(line), source,
                                  ann["annotator_id"] == GOLD_ID)
        self._size += len(line)

    def kept(self, gold: set[str]) -> Iterator[tuple[str, tuple, bytes]]:
        """The annotations kept (of the gold layer, those in ``gold``), in canonical order, each
        as (id, its entry of the index, its line of the file: ``encode_item``)."""
        order = sorted((entry[0], entry[1], entry[2], ann_id) for ann_id, entry in self._index.items()
                       if not entry[6] or ann_id in gold)
        block, first = b"", 0  # what was read last, and where it starts in the temporary file
        for *_, ann_id in order:
            entry = self._index[ann_id]
            at, size = entry[3] - first, entry[4]
            if at < 0 or at + size > len(block):  # not read yet: the next _READ bytes if it follows on
                self._at_end = False
                self._spool.seek(entry[3])
                block = self._spool.read(max(size, _READ) if at == len(block) else size)
                first, at = entry[3], 0
            yield ann_id, entry, block[at:at + size]

    def merged(self, gold: set[str]) -> Iterator[dict[str, Any]]:
        """The annotations kept (see ``kept``), decoded."""
        return (json.loads(line) for _, _, line in self.kept(gold))
