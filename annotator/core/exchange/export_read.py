"""Reading an export file as a stream: ``open_export`` gives the file's head (everything but its
annotations), checked and as version 3, and then its annotations in chunks, each checked as it is
read, so that a file of any size is read in memory that does not grow with its annotations (the
ids seen, to refuse a duplicate, aside). ``read_export`` reads a whole file into one dict the
same way; ``parse_export`` checks bytes already in memory.

The file is read by json_stream: Annotator's own layout (annotations last, one per line) a line at
a time; any other layout of valid JSON as well. When the annotations come before a key that
checking them needs (another program's key order), they are set aside in a temporary file, one
line each, until the rest has been read. Every refusal names the file, the JSON path and the
reason, in the same words as a check of the whole file (export_schema.checked). A file over
MAX_FILE_BYTES is refused before it is read: a protection against reading a wrong file (a disk
image) for minutes, not a limit of the format; every export Annotator writes is below it.
"""

from __future__ import annotations

import gc
import json
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.errors import ExchangeError, ReadError
from annotator.core.exchange.chunk_check import Columns
from annotator.core.exchange.export_schema import HeadCheck, checked, not_an_export, required, upgraded
from annotator.core.exchange.json_stream import JSONStream, StreamedList, StreamError
from annotator.core.files import MissingFileError, open_bounded, parse_json

MAX_FILE_BYTES = 8 * 1024**3  # 8 GiB; an export of 1,000,000 annotations is about 0.7 GB
CHUNK = 5000  # annotations checked (and imported) at a time, at most
CHUNK_CHARS = 8 * 1024 * 1024  # and at most about this many characters of the file (long notes)
GC_YOUNG = 50_000  # see _collecting_less
_NOT_AN_EXPORT = "; not an Annotator export"  # after "not UTF-8 text"


@dataclass
class StreamedExport:
    """An export file being read: ``head`` is checked and upgraded to version 3 (its
    "annotations" an empty list); ``chunks()`` gives the annotations, once, in lists of at most
    CHUNK, each checked before it is given, and raises ExchangeError at the first problem (the
    last checks, which need every annotation, run after the last chunk)."""

    name: str
    head: dict[str, Any]
    _chunks: Iterator[tuple[list[dict[str, Any]], Columns | None]]

    def chunks(self) -> Iterator[list[dict[str, Any]]]:
        return (chunk for chunk, _ in self._chunks)

    def columned(self) -> Iterator[tuple[list[dict[str, Any]], Columns | None]]:
        """``chunks``, each with its columns where the quick checks took them
        (export_schema.HeadCheck.chunk), else None."""
        return self._chunks


@contextmanager
def open_export(path: str | Path) -> Iterator[StreamedExport]:
    """The export file at ``path``, being read (see StreamedExport); ExchangeError, naming the
    file, when it is missing, unreadable, too large or not a valid export."""
    path = Path(path)
    try:
        with open_bounded(path, MAX_FILE_BYTES, "exports") as handle, _collecting_less():
            with tempfile.TemporaryFile() as spool:
                yield _read(JSONStream(handle, _NOT_AN_EXPORT), str(path), spool)
    except MissingFileError:
        raise ExchangeError(f"{path}: no such file") from None
    except ReadError as exc:
        raise ExchangeError(f"{path}: {exc}") from None
    except StreamError as exc:
        raise ExchangeError(f"{path}: {exc}") from None


@contextmanager
def _collecting_less() -> Iterator[None]:
    """The garbage collector's youngest generation collected after GC_YOUNG more objects made than
    freed instead of 700 while a file is read (put back afterwards): each annotation makes dicts
    that live until their chunk is done, and collecting every 700 of them took about 8 % of the
    time of reading a large file (they are freed by their reference counts: no cycles)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_YOUNG), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def read_export(path: str | Path) -> dict[str, Any]:
    """Read and check a whole export file (see ``open_export``); an older file comes back as version 3."""
    with open_export(path) as export:
        annotations = [ann for chunk in export.chunks() for ann in chunk]
    return dict(export.head, annotations=annotations)


def parse_export(raw: bytes, name: str) -> dict[str, Any]:
    """Check the bytes of an export file; see ``read_export``. As the streamed reader does, a file
    with two "annotations" lists, or a key both before and after them, is refused (a JSON parser
    would keep the last one silently)."""
    data = parse_json(raw, name, ExchangeError, _NOT_AN_EXPORT, truncated=True)
    if isinstance(data, dict) and "annotations" in data:
        top: list = []
        json.loads(raw, object_pairs_hook=lambda pairs: top.append(pairs) or dict(pairs))
        keys = [key for key, _ in top[-1]]  # the top-level object is the last one decoded
        first = keys.index("annotations")
        twice = next((k for k in keys[first + 1:] if k in keys[:first] or k == "annotations"), None)
        if twice is not None:
            raise ExchangeError(f'{name}: $: "{twice}" is there twice')
    return checked(data, name)


def _read(stream: JSONStream, name: str, spool) -> StreamedExport:
    members = stream.members(frozenset({"annotations"}))
    head: dict[str, Any] = {}
    live: Iterable[Any] | None = None
    spooled = False
    for key, value in members:
        if key == "":  # the top-level value is not an object (or a key "", which no export has)
            not_an_export(name)
        if isinstance(value, StreamedList):
            if live is not None or spooled:
                raise ExchangeError(f"{name}: $: \"annotations\" is there twice")
            needed = required(head.get("version"))
            if needed is not None and all(k in head for k in needed if k != "annotations"):
                live = value  # everything checking them needs came first (Annotator's own order)
                break
            for item in value:  # another order: set them aside until the rest is read
                spool.write(json.dumps(item).encode() + b"\n")
            spooled = True
        else:
            head[key] = value
    if live is None and not spooled:  # no annotations list: the schema says what is wrong
        checked(head, name)
    check = HeadCheck(head, name)
    if spooled:
        spool.seek(0)
        sized = ((json.loads(line), len(line)) for line in spool)
    else:
        sized = _sized(live, stream)
    return StreamedExport(name, upgraded(dict(head, annotations=[])), _chunks(check, sized, members, head, name))


def _sized(items: Iterable[Any], stream: JSONStream) -> Iterator[tuple[Any, int]]:
    """Each item with the characters it took in the file."""
    before = stream.position
    for item in items:
        yield item, stream.position - before
        before = stream.position


def _chunks(check: HeadCheck, sized: Iterator[tuple[Any, int]], members, head: dict[str, Any],
            name: str) -> Iterator[tuple[list[dict[str, Any]], Columns | None]]:
    chunk, chars = [], 0
    for item, size in sized:
        chunk.append(item)
        chars += size
        if len(chunk) >= CHUNK or chars >= CHUNK_CHARS:
            yield chunk, check.chunk(chunk)
            chunk, chars = [], 0
    if chunk:
        yield chunk, check.chunk(chunk)
    late = dict(members)  # what follows the annotations (nothing, in Annotator's own layout)
    if late:
        if any(key in head or key == "annotations" for key in late):
            raise ExchangeError(f"{name}: $: \"{next(k for k in late if k in head or k == 'annotations')}\" "
                                "is there twice")
        HeadCheck(dict(head, **late), name)  # a key the schema does not know: its words
    check.finish()
