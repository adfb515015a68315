"""What a write of many annotation rows at once uses (``insert_annotations``): a quick test for
a plain note, fresh ids that sort in the order they are made, and a larger SQLite page cache for
the time of the insert."""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from collections.abc import Iterator

from annotator.core.text import CONTROL_CHARACTERS, LIMITS, LONE_SURROGATES, NON_CHARACTERS

EMPTY_JSON = "{}"  # the attributes of a row without values
BULK_ROWS = 50_000  # from this many rows on, an insert gets a larger page cache ...
BULK_CACHE_KIB = 262_144  # ... of 256 MiB
# What in a note the full check changes (normalise: a BOM, CR, U+2029) or refuses (check_field).
_NOTE_CHECKED = re.compile("|".join(p.pattern for p in (CONTROL_CHARACTERS, LONE_SURROGATES, NON_CHARACTERS))
                           + "|[\ufeff\u2029]")


def plain_note(note: object) -> bool:
    """Is ``note`` text that the full check of a note (annotations._check_note) keeps as it is,
    with nothing to normalise or refuse? Then a bulk insert takes it without that check."""
    return type(note) is str and (not note or len(note) <= LIMITS["note"] and _NOTE_CHECKED.search(note) is None)


def fresh_ids() -> Iterator[str]:
    """New annotation ids for one call: UUIDv7 (RFC 9562, section 5.7: the Unix time in
    milliseconds, the version 7, then random bits), counting up within the call from a random
    start (section 6.2, method 2, "monotonic random"). Ids made one after another sort one after
    another, so a million of them go onto the end of the id index instead of into a million
    random places of it (benchmarks/README.md, "Bulk paths")."""
    head = (int(time.time() * 1000) & (1 << 48) - 1) << 80 | 0x7 << 76 | secrets.randbits(12) << 64
    head |= 0b10 << 62 | secrets.randbits(14) << 48  # the variant, then 14 of rand_b's 62 bits random
    text = f"{head:032x}"
    prefix = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-"
    counter = secrets.randbits(47)  # the other 48 bits: a counter from a random start in the lower half
    while True:
        yield f"{prefix}{counter:012x}"
        counter += 1


@contextlib.contextmanager
def bulk_cache(conn, count: int) -> Iterator[None]:
    """A larger page cache on the SQLAlchemy connection ``conn`` while ``count`` rows go in (an
    insert of a million rows otherwise spills index pages to the WAL and reads them back, over
    and over), put back afterwards so the memory is given back."""
    if count < BULK_ROWS:
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")  # negative: KiB, not pages
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {before}")
