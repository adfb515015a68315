"""The documents panel's full-text index (project format 5): SQLite FTS5 over the documents'
titles and texts, so the panel filters and sorts in SQL (issue 16, point 4).

``install(execute)`` creates the index in a new project and in the upgrade from format 4 (and
fills it there from the documents already in the file); ``execute(sql, params=())`` runs one SQL
statement and returns a cursor.

What it holds:

- ``document_search``: a contentless FTS5 table (``content=''``, so the texts are not stored
  twice) with the trigram tokenizer, over each document's title and text *folded by Python*
  (``str.casefold``). The panel's filter has always been "the casefolded needle is a substring
  of the casefolded title or text"; Python folds (SQLite's own folding is ASCII-only, or simple
  lower-casing, and would not give "ß" ~ "ss"), so the tokenizer is ``case_sensitive 1`` and folds
  nothing itself. Trigrams make any substring of 3 or more code points a phrase query; ``detail=full``
  keeps the positions phrases need. A needle shorter than 3 code points (after folding) cannot use
  trigrams: ``find`` returns None and the caller scans as before (``contains``).
- ``document_search_keys``: the index's rowid for each document id (an INTEGER PRIMARY KEY, so a
  VACUUM keeps it; the documents' own rowids it may renumber), and what the panel sorts by: the
  folded title and source in UTF-16 big-endian, so SQLite's byte order (memcmp) is the UTF-16
  code-unit order that Qt's sort of the same folded strings gave; the length, and the position and
  time of import that break ties (copies of the documents' columns, which never change: in the
  documents' rows they come after the text, so reading them there reads every text). It
  references the documents, so a document cannot be deleted while it is still in the index.

The rows are written by Python (SQLite cannot fold like Python, and a trigger calling a Python
function would fail in any other program that opens the file), in two steps, since tokenizing the
texts is most of what an import would cost (about four times the rest):

- ``add`` (wherever documents are added: an import, a restore, the upgrade from format 4) writes
  only the keys row, with ``indexed`` 0: the document is *pending*, it has no row in the index.
- ``index`` (the app calls it in idle time, ``Project.index_documents``) gives pending documents
  their index rows, a few at a time, and sets ``indexed`` to 1.

``find`` answers from the index for the indexed documents only; the caller scans the pending ones
as it scans for short needles (``contains``), so the answer is the same whatever has been indexed.

A needle of 1 or 2 code points (the first characters typed) has no trigram of its own, but every
place it occurs in a folded title or text is the start of a trigram of that value, except the last
two places: ``find_short`` looks up, in the index's vocabulary (an ``fts5vocab`` table in the
connection's temp schema, not in the file), the trigrams that start with the needle, matches them,
and checks the last two folded code points of each text (``Tails``: read once per document through
SQLite's blob I/O, which does not decode the text, and kept, since a document's text never changes)
and the titles (short, scanned). A needle that occurs early and often in most texts ("e", "th") is
answered faster by the scan, which stops at its first occurrence in each, than by matching its
many trigrams: a probe of a few documents estimates both costs (``scan_is_cheaper``).
SQLite 3.40 deletes from a contentless table only given the values that were indexed, so ``remove``
folds an indexed document's title and text again (the same Python ``casefold``; each row keeps the
Unicode version it was folded with, and a deletion meeting a row of another version makes the
whole index again, since a few new characters may fold otherwise); a pending document has only its
keys row to delete.
"""

from __future__ import annotations

import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable

from annotator.core.storage.engine_sql import POSTGRESQL, holds

INDEX = "document_search"
KEYS = "document_search_keys"
# The tables this module adds (the FTS5 table's shadow tables included), for the missing-tables check.
TABLES = (INDEX, f"{INDEX}_data", f"{INDEX}_idx", f"{INDEX}_docsize", f"{INDEX}_config", KEYS)
MIN_INDEXED = 3  # code points: the shortest needle the trigram index can find
VOCAB = "document_search_vocab"  # the index's vocabulary, in each connection's temp schema
PROBE = 64  # documents read to estimate whether a short needle is cheaper to scan for or to look up
# What a short needle costs per document, in nanoseconds, fitted on 10,000 documents of 10,000
# characters (bench_documents_panel.py's project, both ways timed for "e", "t", "th", "k", "x", "q",
# "zq", "w", "é", ","): through the vocabulary, a fixed part (the keys, the tails, the titles) and
# each occurrence of the needle (its trigram's list and positions, read for the vocabulary's count
# and for the match); the scan reads each text, runs instr up to the needle's first occurrence as
# stored (the title's Python check included in the fixed part) and, where there is none, folds the
# text in Python. Only their ratio matters: they choose between two exact answers.
LOOKUP_NS, LOOKUP_NS_PER_OCCURRENCE = 9_000, 90
SCAN_NS, SCAN_NS_PER_CHARACTER, FOLD_NS_PER_CHARACTER = 12_000, 5, 16
UNICODE = unicodedata.unidata_version  # the Unicode version of this Python's casefold, kept with each row

Execute = Callable[..., object]

# On PostgreSQL (issue 19, survey item S7) there is no FTS5: the index is a plain table of the
# folded title and text (folded by Python, as here: PostgreSQL's lower() is not casefold), which
# ``find_on_server`` searches with LIKE (served by pg_trgm's trigram indexes where they exist) or,
# for needles of 1 or 2 code points, strpos; the keys table is the same. Made by
# ``pg_schema.install`` with the project's tables.
SERVER_TABLES = (INDEX, KEYS)
SERVER_SCHEMA = (
    f"""CREATE TABLE {KEYS} (rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        document_id TEXT NOT NULL UNIQUE REFERENCES documents(id),
        title_key BYTEA NOT NULL, source_key BYTEA NOT NULL,
        length INTEGER NOT NULL, position INTEGER NOT NULL, created TEXT NOT NULL,
        unicode TEXT NOT NULL, indexed INTEGER NOT NULL DEFAULT 0)""",
    f"CREATE INDEX {KEYS}_pending ON {KEYS} (rowid) WHERE indexed = 0",
    f"CREATE TABLE {INDEX} (rowid BIGINT PRIMARY KEY REFERENCES {KEYS}(rowid) ON DELETE CASCADE,"
    " title TEXT NOT NULL, text TEXT NOT NULL)",
)
# pg_trgm's GIN indexes of the folded copy, where the extension is (pg_schema.install_search_indexes):
# (index, table, column). find_on_server's LIKE uses them; without them it scans, with the same answer.
SERVER_SEARCH_INDEXES = ((f"{INDEX}_title_trgm", INDEX, "title"), (f"{INDEX}_text_trgm", INDEX, "text"))


def _on_server(execute: Execute) -> bool:
    return getattr(execute, "server", False)


def install(execute: Execute) -> None:
    """Create the index and its keys, and the keys of the documents the file already holds, all
    pending (an index left by a file that only claims an older format is made again)."""
    execute(f"DROP TABLE IF EXISTS {KEYS}")
    execute(f"DROP TABLE IF EXISTS {INDEX}")
    execute(f"CREATE VIRTUAL TABLE {INDEX} USING fts5(title, text, content='', "
            f"tokenize='trigram case_sensitive 1', detail=full)")
    execute(f"""CREATE TABLE {KEYS} (rowid INTEGER PRIMARY KEY,
                document_id TEXT NOT NULL UNIQUE REFERENCES documents(id),
                title_key BLOB NOT NULL, source_key BLOB NOT NULL,
                length INTEGER NOT NULL, position INTEGER NOT NULL, created TEXT NOT NULL,
                unicode TEXT NOT NULL, indexed INTEGER NOT NULL DEFAULT 0)""")
    execute(f"CREATE INDEX {KEYS}_pending ON {KEYS} (rowid) WHERE indexed = 0")
    fill(execute)


def fill(execute: Execute) -> None:
    """Write the keys of every document, pending (in a file whose keys are empty), a few hundred at a time."""
    last = 0
    while True:
        rows = execute("SELECT rowid, id, title, source, length, position, created FROM documents "
                       "WHERE rowid > ? ORDER BY rowid LIMIT 200", (last,)).fetchall()
        if not rows:
            return
        add(execute, [row[1:] for row in rows])
        last = rows[-1][0]


def sort_key(value: str) -> bytes:
    """The stored sort key of a title or source: folded, in UTF-16 code-unit order."""
    return value.casefold().encode("utf-16-be")


def add(execute: Execute, documents: Iterable[tuple[str, str, str, int, int, str]]) -> None:
    """Write the keys of documents given as ``(id, title, source, length, position, created)``,
    pending: ``index`` gives them their index rows later."""
    for doc_id, title, source, length, position, created in documents:
        execute(f"INSERT INTO {KEYS} (document_id, title_key, source_key, length, position, created, unicode) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc_id, sort_key(title), sort_key(source), length, position, created, UNICODE))


def index(execute: Execute, seconds: float | None = None) -> int:
    """Give pending documents their index rows, oldest first, until none is left or about
    ``seconds`` have passed (None: all; at least one document is indexed per call); returns how
    many are still pending."""
    stop = None if seconds is None else time.perf_counter() + seconds
    while True:
        rows = execute(f"SELECT k.rowid, d.title, d.text FROM {KEYS} k JOIN documents d ON d.id = k.document_id "
                       f"WHERE k.indexed = 0 ORDER BY k.rowid LIMIT ?", (200 if stop is None else 1,)).fetchall()
        if not rows:
            return 0
        for rowid, title, text in rows:
            execute(f"INSERT INTO {INDEX} (rowid, title, text) VALUES (?, ?, ?)",
                    (rowid, title.casefold(), text.casefold()))
            execute(f"UPDATE {KEYS} SET indexed = 1, unicode = ? WHERE rowid = ?", (UNICODE, rowid))
        if stop is not None and time.perf_counter() >= stop:
            return pending(execute)


def pending(execute: Execute) -> int:
    """How many documents have no index rows yet."""
    return execute(f"SELECT count(*) FROM {KEYS} WHERE indexed = 0").fetchone()[0]


def remove(execute: Execute, documents: Iterable[tuple[str, str, str]]) -> None:
    """Take documents given as ``(id, title, text)`` (as stored) out of the index. One indexed
    by a Python of another Unicode version may have been folded otherwise than this one folds it,
    and a contentless row is removed only given the values indexed: then the index is made again,
    without these documents."""
    documents = list(documents)
    if _on_server(execute):  # a plain table: its rows go by their key, whatever the folding
        for doc_id, _title, _text in documents:
            execute(f"DELETE FROM {KEYS} WHERE document_id = ?", (doc_id,))  # the index row cascades
        return
    for doc_id, title, text in documents:
        row = execute(f"SELECT rowid, unicode, indexed FROM {KEYS} WHERE document_id = ?", (doc_id,)).fetchone()
        if row is None:
            continue
        if not row[2]:  # pending: no index row
            execute(f"DELETE FROM {KEYS} WHERE rowid = ?", (row[0],))
            continue
        if row[1] != UNICODE:
            execute(f"INSERT INTO {INDEX} ({INDEX}) VALUES ('delete-all')")
            execute(f"UPDATE {KEYS} SET indexed = 0")
            for gone in documents:
                execute(f"DELETE FROM {KEYS} WHERE document_id = ?", (gone[0],))
            index(execute)
            return
        execute(f"INSERT INTO {INDEX} ({INDEX}, rowid, title, text) VALUES ('delete', ?, ?, ?)",
                (row[0], title.casefold(), text.casefold()))
        execute(f"DELETE FROM {KEYS} WHERE rowid = ?", (row[0],))


def phrase(folded: str) -> str:
    """``folded`` as one FTS5 string: in double quotes, a double quote doubled, nothing else
    special (``*``, parentheses, NEAR, AND, OR are plain characters inside a string)."""
    return '"' + folded.replace('"', '""') + '"'


def find(execute: Execute, needle: str) -> list[str] | None:
    """Ids of the indexed documents whose folded title or text contains the folded ``needle`` (the
    pending ones are the caller's to scan); None when the index cannot answer (a needle shorter
    than 3 code points once folded, or holding NUL)."""
    folded = needle.casefold()
    if len(folded) < MIN_INDEXED or "\x00" in folded:
        return None
    rows = execute(f"SELECT document_id FROM {KEYS} WHERE rowid IN "
                   f"(SELECT rowid FROM {INDEX} WHERE {INDEX} MATCH ?)", (phrase(folded),)).fetchall()
    return [row[0] for row in rows]


def find_on_server(execute: Execute, needle: str) -> set[str]:
    """On PostgreSQL: ids of the documents whose folded title or text contains the folded
    ``needle`` (not empty), of any length: the indexed ones on the folded copy (engine_sql.holds:
    LIKE, through the trigram indexes where there are some, or strpos), the pending ones (no copy
    yet) folded in Python. No text holds NUL (the server refuses it)."""
    folded = needle.casefold()
    if "\x00" in folded:
        return set()
    title, pattern = holds("i.title", folded, POSTGRESQL)
    text = holds("i.text", folded, POSTGRESQL)[0]
    found = {row[0] for row in execute(
        f"SELECT k.document_id FROM {KEYS} k JOIN {INDEX} i ON i.rowid = k.rowid WHERE {title} OR {text}",
        (pattern, pattern))}
    for doc_id, title, text in execute(f"SELECT d.id, d.title, d.text FROM {KEYS} k JOIN documents d"
                                       " ON d.id = k.document_id WHERE k.indexed = 0", ()):
        if contains(title, folded) or contains(text, folded):
            found.add(doc_id)
    return found


def contains(value: str, folded_needle: str) -> bool:
    """The scan's test, for needles the index cannot take: the same folding as the index."""
    return folded_needle in value.casefold()


class Tails:
    """The last two code points of each indexed document's folded text, by document: where a
    needle of 1 or 2 code points can occur without a trigram of the index starting there. Read
    through SQLite's blob I/O (the last 8 bytes of the UTF-8 text, no decoding of the rest) when a
    document is first asked for, or ahead in idle time (``read``), then kept: a document's text
    never changes, and an entry is kept under the document's id, length and import time, so a
    document deleted and imported again with another text under the same id is read again."""

    def __init__(self) -> None:
        self._tails: dict[tuple[str, int, str], str] = {}

    def read(self, connection: sqlite3.Connection, keys: list[tuple[str, int, str]],
             seconds: float | None = None) -> int:
        """Read the tails not read yet of the documents given as ``(id, length, created)``, until
        about ``seconds`` have passed (None: all); returns how many are left."""
        missing = [key for key in keys if key not in self._tails]
        stop = None if seconds is None else time.perf_counter() + seconds
        for first in range(0, len(missing), 200):
            wanted = {key[0]: key for key in missing[first:first + 200]}
            for doc_id, rowid in connection.execute(
                    f"SELECT id, rowid FROM documents WHERE id IN ({','.join('?' * len(wanted))})", list(wanted)):
                with connection.blobopen("documents", "text", rowid, readonly=True) as blob:
                    blob.seek(max(0, len(blob) - 8))
                    end = blob.read(8)
                start = next((k for k, byte in enumerate(end) if byte & 0xC0 != 0x80), len(end))
                self._tails[wanted[doc_id]] = end[start:].decode("utf-8")[-2:].casefold()[-2:]
            if stop is not None and time.perf_counter() >= stop:
                return max(0, len(missing) - first - 200)
        return 0

    def of(self, connection: sqlite3.Connection, keys: list[tuple[str, int, str]]) -> list[str]:
        """The tails of the documents given as ``(id, length, created)``, in that order."""
        self.read(connection, keys)
        return [self._tails[key] for key in keys]


def indexed_keys(execute: Execute) -> list[tuple[str, int, str, bytes]]:
    """``(id, length, created, folded title in UTF-16BE)`` of every indexed document (the title as
    folded when its keys were written, which the panel's sort orders by too)."""
    return execute(f"SELECT document_id, length, created, title_key FROM {KEYS} WHERE indexed = 1").fetchall()


def _temp_vocabulary(connection: sqlite3.Connection) -> None:
    """The index's vocabulary as a table in the connection's temp schema. A read-only connection
    (``query_only``, on a file opened with ``mode=ro``) refuses even that: ``query_only`` is lifted
    for this one statement, which writes nothing to the file."""
    create = f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{VOCAB} USING fts5vocab(main, {INDEX}, 'row')"
    try:
        connection.execute(create)
    except sqlite3.OperationalError:
        if not connection.execute("PRAGMA query_only").fetchone()[0]:
            raise
        connection.execute("PRAGMA query_only = OFF")
        try:
            connection.execute(create)
        finally:
            connection.execute("PRAGMA query_only = ON")


def _after(prefix: str) -> str | None:
    """The least string greater than every string starting with ``prefix`` (None: there is none)."""
    if not prefix:
        return None
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following < 0xE000:  # surrogates are not characters (nor valid UTF-8)
        following = 0xE000
    return prefix[:-1] + chr(following) if following <= 0x10FFFF else _after(prefix[:-1])


def scan_is_cheaper(texts: list[str], folded: str) -> bool:
    """Whether scanning for the folded short needle costs less than looking it up in the index's
    vocabulary, estimated on ``texts`` (a probe of the documents) with the costs measured above."""
    lookup = scan = 0
    for text in texts:
        lookup += LOOKUP_NS + LOOKUP_NS_PER_OCCURRENCE * text.casefold().count(folded)
        first = text.find(folded)
        scan += SCAN_NS + (SCAN_NS_PER_CHARACTER * first if first >= 0
                           else (SCAN_NS_PER_CHARACTER + FOLD_NS_PER_CHARACTER) * len(text))
    return scan < lookup


def find_short(connection: sqlite3.Connection, needle: str, tails: Tails) -> list[str] | None:
    """Ids of the indexed documents whose folded title or text contains the folded ``needle`` of 1
    or 2 code points (see the module's docstring), or None when the scan is the faster answer
    (``scan_is_cheaper``) or the index cannot answer (a database not in UTF-8, whose texts' last
    bytes are not UTF-8)."""
    folded = needle.casefold()
    execute = connection.execute
    if not 0 < len(folded) < MIN_INDEXED or "\x00" in folded or execute("PRAGMA encoding").fetchone()[0] != "UTF-8":
        return None
    keys = indexed_keys(execute)
    if not keys:
        return []
    probe = [keys[k][0] for k in range(0, len(keys), max(1, len(keys) // PROBE))][:PROBE]
    rows = execute(f"SELECT text FROM documents WHERE id IN ({','.join('?' * len(probe))})", probe)
    if scan_is_cheaper([row[0] for row in rows], folded):
        return None
    _temp_vocabulary(connection)
    after = _after(folded)
    terms = [row[0] for row in execute(f"SELECT term FROM temp.{VOCAB} WHERE term >= ?"
                                       + (" AND term < ?" if after is not None else ""),
                                       (folded,) + ((after,) if after is not None else ()))]
    found: set[str] = set()
    if terms:
        query = " OR ".join(phrase(term) for term in terms)
        found.update(row[0] for row in execute(
            f"SELECT document_id FROM {KEYS} WHERE rowid IN (SELECT rowid FROM {INDEX} WHERE {INDEX} MATCH ?)",
            (query,)))
    texts = [key[:3] for key in keys]
    found.update(key[0] for key, tail in zip(keys, tails.of(connection, texts))
                 if folded in tail or folded in key[3].decode("utf-16-be"))
    return list(found)
