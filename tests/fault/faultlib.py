"""Mutations for the fault suite: byte-level damage for any file, and value-level damage for the
JSON and CSV files Annotator reads. Everything is driven by a ``random.Random`` the caller seeds,
so a failing case can be replayed from its seed and index."""

from __future__ import annotations

import io
import json
import random
import zipfile
from copy import deepcopy
from typing import Any

# Byte runs that have broken readers before: quote and delimiter runs (csv.Sniffer), newline and
# tag runs (HTML text extraction), NUL and BOM bytes, and a stray high byte.
BYTE_RUNS = [b'"' * 300, b"," * 300, b"\t;|" * 100, b"\n" * 2000, b"<b>" * 2000, b"\r" * 500,
             b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\x1b[2J", b"]]>", b"<!DOCTYPE x [",
             b"&amp;" * 200, b"%PDF-1.7", b"PK\x03\x04"]

# Values that have broken the exchange and schema readers: integral floats, numbers past SQLite's
# 64-bit range or Python's 4,300-digit int limit, non-finite floats, lone surrogates, control
# characters, non-ISO timestamps, wrong types and sizes.
VALUES: list[Any] = [0.0, 1.0, -1, 2**63, -(2**63) - 1, 10**30, float("nan"), float("inf"),
                     float("-inf"), 1.5, True, None, "", "\udc00", "a\ud800b", "\x00", "\x1b]0;x\x07",
                     "2026-13-45T99:99:99Z", "yesterday", "x" * 5000, [], {}, [[[[[]]]]], {"\udc00": 1}]


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """One to three byte-level changes: flips, insertions, deletions, duplications, truncation."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(7)
        at = rng.randrange(len(out) + 1) if out else 0
        if kind == 0 and out:  # flip a few bits
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(out))
                out[i] ^= 1 << rng.randrange(8)
        elif kind == 1:  # insert a known troublesome run
            out[at:at] = rng.choice(BYTE_RUNS)
        elif kind == 2:  # insert random bytes
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        elif kind == 3 and out:  # delete a range
            out[at:at + rng.randint(1, 256)] = b""
        elif kind == 4 and out:  # duplicate a chunk
            chunk = out[at:at + rng.randint(1, 512)]
            out[at:at] = chunk * rng.randint(1, 8)
        elif kind == 5 and out:  # truncate
            del out[rng.randrange(len(out)):]
        elif kind == 6 and out:  # overwrite with random bytes
            n = rng.randint(1, 32)
            out[at:at + n] = bytes(rng.randrange(256) for _ in range(n))
    return bytes(out)


def _nodes(value: Any, path: tuple = ()) -> list[tuple]:
    """Every path into a JSON value (dict keys and list indexes)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_nodes(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_nodes(item, (*path, index)))
    return found


def mutate_json_value(value: Any, rng: random.Random) -> Any:
    """A copy of ``value`` with one to three nodes replaced, removed, duplicated or renamed."""
    value = json.loads(json.dumps(value))
    for _ in range(rng.randint(1, 3)):
        paths = [p for p in _nodes(value) if p]
        if not paths:
            return deepcopy(rng.choice(VALUES))
        path = rng.choice(paths)
        parent = value
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        kind = rng.randrange(4)
        if kind == 0 or kind == 3 and not isinstance(parent, dict):  # replace
            parent[last] = deepcopy(rng.choice(VALUES))  # a fresh object: no shared or circular values
        elif kind == 1:  # remove
            del parent[last]
        elif kind == 2 and isinstance(parent, list):  # duplicate a list item
            parent.insert(last, json.loads(json.dumps(parent[last])))
        elif kind == 3:  # rename a key to a troublesome one
            parent[rng.choice(["\udc00", "", "x" * 300, "id", "start"])] = parent.pop(last)
    return value


def dump_json(value: Any) -> bytes:
    """JSON as Python writes it with NaN and Infinity allowed and surrogates as \\u escapes."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode("ascii")


def mutate_json_file(data: bytes, rng: random.Random) -> bytes:
    """Half the time value-level damage of the parsed file, else byte-level damage."""
    if rng.random() < 0.5:
        return dump_json(mutate_json_value(json.loads(data), rng))
    return mutate_bytes(data, rng)


def mutate_jsonl_file(data: bytes, rng: random.Random) -> bytes:
    lines = data.decode("utf-8").splitlines()
    if rng.random() < 0.5 and lines:
        i = rng.randrange(len(lines))
        lines[i] = dump_json(mutate_json_value(json.loads(lines[i]), rng)).decode("ascii")
        return ("\n".join(lines) + "\n").encode("utf-8")
    return mutate_bytes(data, rng)


def mutate_csv_file(data: bytes, rng: random.Random) -> bytes:
    """Replace a few cells with troublesome values, or damage the bytes."""
    if rng.random() < 0.5:
        rows = [line.split(",") for line in data.decode("utf-8").splitlines()]
        for _ in range(rng.randint(1, 3)):
            row = rng.choice(rows)
            cell = rng.choice(["1" * 5000, "1e999", "-0", "nan", "\udc00", '"', "", "x,y", "=1+1", "\x1b[2J"])
            row[rng.randrange(len(row))] = cell
        text = "\n".join(",".join(r) for r in rows) + "\n"
        return text.encode("utf-8", "surrogatepass")
    return mutate_bytes(data, rng)


def mutate_zip_member(data: bytes, member: str, rng: random.Random) -> bytes:
    """Half the time the archive stays valid and one member's bytes are damaged, else the archive is."""
    if rng.random() < 0.5:
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == member:
                    content = mutate_bytes(content, rng)
                target.writestr(info.filename, content)
        return out.getvalue()
    return mutate_bytes(data, rng)


# -- running commands ------------------------------------------------------------------------

import contextlib  # noqa: E402
import faulthandler  # noqa: E402
import sqlite3  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

HANG_GUARD_S = 60  # a case that runs this long dumps every thread's stack and ends the test run


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def refused(self) -> bool:
        """The command said no to its input (one 'error:' line), as opposed to succeeding."""
        return self.code != 0 and "error:" in self.err


class _Text(io.StringIO):
    """stdout/stderr stand-in with a binary buffer, as a real stream has."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = io.BytesIO()


def run_cli(*args: str) -> Outcome:
    """``annotator ARGS`` in this process (a subprocess would cost 0.4 s of start-up per case),
    with stdout and stderr captured and a hang guard."""
    from annotator.cli import main

    out, err = _Text(), _Text()
    faulthandler.dump_traceback_later(HANG_GUARD_S, exit=True)
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
    finally:
        faulthandler.cancel_dump_traceback_later()
    return Outcome(code, out.getvalue(), err.getvalue(), time.perf_counter() - started)


def assert_plain(outcome: Outcome, what: str) -> None:
    """No exit 70, no traceback, no 'unexpected error', every message one short line."""
    text = outcome.out + outcome.err
    assert outcome.code in (0, 1), f"{what}: exit {outcome.code}: {outcome.err[-2000:]}"
    for marker in ("internal error", "unexpected error", "Traceback", "Background on this error", "[SQL:"):
        assert marker not in text, f"{what}: {marker!r} in the output: {text[-2000:]}"
    for line in outcome.err.splitlines():
        assert len(line) <= 1000, f"{what}: a {len(line)}-character message"


def snapshot(path: Path) -> dict[str, list]:
    """Every row of every table of a project file, read without changing it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in sorted(tables)}
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def python_exe() -> str:
    return sys.executable
