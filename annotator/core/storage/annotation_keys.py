"""The annotation table's keys (project format 5): what the annotation table sorts and searches
by, kept in SQL so sorting, filtering and counting happen there (issue 16, point 3).

``annotation_keys`` holds one row per keyed annotation: ``rid`` (its INTEGER PRIMARY KEY) is the
annotation's rowid, ``id`` its id, ``quote`` the first ``QUOTE_LIMIT`` code points of its text (the
table shows it: quotes are not stored elsewhere), ``quote_key`` and ``note_key`` the sortable form
of ``collation_key`` (core/text.py) of the quote and the note, and ``search`` the folded quote and
note the text filter matches (in ``annotation_search``, beside).

Keys are derived data, computed in Python (``fold`` and ``collation_key`` have Python's Unicode
semantics), by ``catch_up`` before the table is queried, never at insert time (a trigger calling
back into Python would slow bulk inserts). What is out of date is found cheaply:

- new annotations are those with ``rowid > max(rid)``: SQLite gives a new row ``max(rowid) + 1``,
  and the DELETE trigger removes a deleted annotation's key row, so every keyed row's rowid is at
  most ``max(rowid)`` of the annotations and no unkeyed one sits below ``max(rid)``;
- an annotation whose span, note or document changes is listed in ``annotation_keys_stale`` by the
  UPDATE trigger (its key row is kept, so ``max(rid)`` stays true) and is keyed again;
- a VACUUM may renumber the annotations' rowids: ``catch_up`` compares counts and checks the ids at
  the lowest and highest rid, and keys everything again if they disagree.

``install(execute)`` creates the tables and triggers in a new project and in the upgrade from
format 4; ``execute`` runs one SQL statement.

On PostgreSQL (issue 19, survey items S8, S10) ``SERVER_SCHEMA`` (run by ``pg_schema.install``)
gives the annotations a ``rowid`` of their own (``BIGINT GENERATED ALWAYS AS IDENTITY``, so the
same SQL names it), the keys' sort columns as ``bytea`` (a sort key joins its parts with U+0000,
which PostgreSQL text cannot hold; UTF-8 bytes compare in code point order, as Python's strings
do), and no full-text table: the text filter searches the folded search text with LIKE, which a
pg_trgm GIN index serves where the extension is there (``SERVER_SEARCH_INDEXES``), or strpos for
needles of 1 or 2 code points. Several
clients write at once there, and a row's identity is taken when it is inserted, not when it is
committed, so ``rowid > max(rid)`` would miss a row committed late: triggers list every inserted
or changed annotation in ``annotation_keys_stale`` (``ON CONFLICT DO NOTHING`` for SQLite's
``INSERT OR IGNORE``) and ``catch_up`` keys that list alone, writing keys with ``ON CONFLICT (rid)
DO UPDATE`` so two clients keying the same rows agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from annotator.core.storage.engine_sql import Driver
from annotator.core.text import fold, sort_key

QUOTE_LIMIT = 200  # code points of a quote the table shows, sorts and searches (as before format 5)
_CHUNK = 50_000  # annotations keyed at a time
_BULK = 50_000  # more new annotations than this: the sort indexes are dropped and made again after
_TEXTS_KEPT = 64  # document texts kept while keying a chunk

TABLES = ("annotation_keys", "annotation_search", "annotation_keys_stale", "annotation_fts")

_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_annotation_keys_quote ON annotation_keys (quote_key)",
    "CREATE INDEX IF NOT EXISTS ix_annotation_keys_note ON annotation_keys (note_key)",
)
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS annotation_keys (rid INTEGER PRIMARY KEY, id TEXT NOT NULL,"
    " quote TEXT NOT NULL, quote_key TEXT NOT NULL, note_key TEXT NOT NULL)",
    *_INDEXES,
    # Apart, so the text filter scans only what it matches (a scan of the wide rows took 3 times as long).
    "CREATE TABLE IF NOT EXISTS annotation_search (rid INTEGER PRIMARY KEY, search TEXT NOT NULL)",
    # The full-text index of the search text: substrings of 3 characters or more are found by their
    # trigrams (the text is folded already, so the index compares exactly).
    "CREATE VIRTUAL TABLE IF NOT EXISTS annotation_fts USING fts5(search, content='annotation_search',"
    " content_rowid='rid', tokenize='trigram case_sensitive 1', detail=full)",
    "CREATE TABLE IF NOT EXISTS annotation_keys_stale (rid INTEGER PRIMARY KEY)",
    "CREATE TRIGGER IF NOT EXISTS annotation_keys_deleted AFTER DELETE ON annotations BEGIN"
    " DELETE FROM annotation_keys WHERE rid = old.rowid;"
    " INSERT INTO annotation_fts (annotation_fts, rowid, search) SELECT 'delete', rid, search"
    " FROM annotation_search WHERE rid = old.rowid;"
    " DELETE FROM annotation_search WHERE rid = old.rowid;"
    " DELETE FROM annotation_keys_stale WHERE rid = old.rowid; END",
    'CREATE TRIGGER IF NOT EXISTS annotation_keys_changed AFTER UPDATE OF start, "end", note, document_id'
    " ON annotations BEGIN INSERT OR IGNORE INTO annotation_keys_stale (rid) VALUES (new.rowid); END",
)


SERVER_TABLES = TABLES[:3]
SERVER_SCHEMA = (
    "ALTER TABLE annotations ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY",
    "CREATE UNIQUE INDEX ix_annotations_rowid ON annotations (rowid)",
    "CREATE TABLE annotation_keys (rid BIGINT PRIMARY KEY, id TEXT NOT NULL,"
    " quote TEXT NOT NULL, quote_key BYTEA NOT NULL, note_key BYTEA NOT NULL)",
    *_INDEXES,
    "CREATE TABLE annotation_search (rid BIGINT PRIMARY KEY, search TEXT NOT NULL)",
    "CREATE TABLE annotation_keys_stale (rid BIGINT PRIMARY KEY)",
    """CREATE FUNCTION annotation_keys_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO annotation_keys_stale (rid) SELECT rowid FROM added ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER annotation_keys_added AFTER INSERT ON annotations REFERENCING NEW TABLE AS added"
    " FOR EACH STATEMENT EXECUTE FUNCTION annotation_keys_added()",
    """CREATE FUNCTION annotation_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO annotation_keys_stale (rid) VALUES (NEW.rowid) ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    'CREATE TRIGGER annotation_keys_changed AFTER UPDATE OF start, "end", note, document_id ON annotations'
    " FOR EACH ROW EXECUTE FUNCTION annotation_keys_changed()",
    """CREATE FUNCTION annotation_keys_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM annotation_keys WHERE rid IN (SELECT rowid FROM gone);
        DELETE FROM annotation_search WHERE rid IN (SELECT rowid FROM gone);
        DELETE FROM annotation_keys_stale WHERE rid IN (SELECT rowid FROM gone);
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER annotation_keys_deleted AFTER DELETE ON annotations REFERENCING OLD TABLE AS gone"
    " FOR EACH STATEMENT EXECUTE FUNCTION annotation_keys_deleted()",
)


# pg_trgm's GIN index of the search text, where the extension is (pg_schema.install_search_indexes):
# the table's text filter (annotation_table, engine_sql.holds) uses it, and scans without it.
SERVER_SEARCH_INDEXES = (("annotation_search_trgm", "annotation_search", "search"),)


def install(execute: Callable[[str], object]) -> None:
    """Create this module's tables, indexes and triggers (the keys are filled by ``catch_up``)."""
    for statement in _SCHEMA:
        execute(statement)


def keys_of(quote: str, note: str) -> tuple[str, str, str]:
    """``(quote_key, note_key, search)`` of a quote (already cut to QUOTE_LIMIT) and a note."""
    return sort_key(quote), sort_key(note), fold(quote + "\n" + note)


def catch_up(connection, texts: Mapping[str, str] | None = None, check: bool = True, limit: int | None = None,
             kept: dict[str, str] | None = None) -> int:
    """Bring the keys up to date inside the caller's write transaction on ``connection`` (sqlite3);
    return how many annotations were keyed. ``texts`` (document id -> text) are used instead of
    reading those documents again (the GUI holds the open one's). ``check``: count the keys and
    the annotations they should cover (once per opening: a renumbering VACUUM is not done to an
    open project); without it only the ids at the lowest and highest rid are checked. ``limit``:
    key at most that many (a slice of the keying, stale rows first, then the new in rowid order,
    so what is keyed stays below ``max(rid)``); ``kept``: texts read, kept for the next slice."""
    driver = Driver(connection)
    if driver.server:
        return _catch_up_listed(driver, texts, limit, kept)
    run = connection.execute
    high = run("SELECT coalesce(max(rid), 0) FROM annotation_keys").fetchone()[0]
    if high and not _consistent(run, high, check):
        run("INSERT INTO annotation_fts (annotation_fts) VALUES ('delete-all')")
        for table in TABLES[:3]:
            run(f"DELETE FROM {table}")
        high = 0
    done = 0
    run("DELETE FROM annotation_keys_stale WHERE rid > ?", (high,))  # not keyed yet: keyed below as new
    stale = [rid for (rid,) in run("SELECT rid FROM annotation_keys_stale ORDER BY rid LIMIT ?",
                                   (-1 if limit is None else limit,))]
    for at in range(0, len(stale), 500):
        chunk = tuple(stale[at:at + 500])
        marks = f"({', '.join('?' * len(chunk))})"
        run("INSERT INTO annotation_fts (annotation_fts, rowid, search) SELECT 'delete', rid, search"
            f" FROM annotation_search WHERE rid IN {marks}", chunk)
        for table in TABLES[:3]:
            run(f"DELETE FROM {table} WHERE rid IN {marks}", chunk)
        done += _key(driver, texts, f"rowid IN {marks}", chunk, kept)
    if limit is not None:  # a slice: the indexes stay (made again after would block for seconds)
        return done + _key_new(driver, texts, high, limit - done, kept)
    bulk = (run("SELECT coalesce(max(rowid), 0) FROM annotations").fetchone()[0] - high) > _BULK
    if bulk:  # an index made after the rows is sorted once, not updated row by row at random places
        for index in _INDEXES:
            run(f"DROP INDEX IF EXISTS {index.split()[5]}")
    done += _key_new(driver, texts, high)
    if bulk:
        for index in _INDEXES:
            run(index)
    return done


def _catch_up_listed(driver: Driver, texts: Mapping[str, str] | None, limit: int | None,
                     kept: dict[str, str] | None) -> int:
    """``catch_up`` on a server: key the annotations the triggers listed (at most ``limit``)."""
    run, done = driver.execute, 0
    while limit is None or done < limit:
        size = 500 if limit is None else min(500, limit - done)
        chunk = tuple(rid for (rid,) in run("SELECT rid FROM annotation_keys_stale ORDER BY rid LIMIT ?", (size,)))
        if not chunk:
            break
        marks = f"({', '.join('?' * len(chunk))})"
        run(f"DELETE FROM annotation_keys_stale WHERE rid IN {marks}", chunk)
        done += _key(driver, texts, f"rowid IN {marks}", chunk, kept)
    return done


def waiting(connection) -> int:
    """How many annotations wait to be keyed: changed ones listed stale, and the new ones."""
    if Driver(connection).server:
        return Driver(connection).execute("SELECT count(*) FROM annotation_keys_stale").fetchone()[0]
    run = connection.execute
    high = run("SELECT coalesce(max(rid), 0) FROM annotation_keys").fetchone()[0]
    return (run("SELECT count(*) FROM annotation_keys_stale").fetchone()[0]
            + run("SELECT count(*) FROM annotations WHERE rowid > ?", (high,)).fetchone()[0])


def _key_new(driver: Driver, texts: Mapping[str, str] | None, high: int, limit: int | None = None,
             kept: dict[str, str] | None = None) -> int:
    """Key the annotations above rowid ``high`` (at most ``limit``), a chunk at a time."""
    run, done = driver.execute, 0
    while limit is None or done < limit:
        chunk = _CHUNK if limit is None else min(_CHUNK, limit - done)
        last = run("SELECT max(rowid) FROM (SELECT rowid FROM annotations WHERE rowid > ? ORDER BY rowid LIMIT ?)",
                   (high, chunk)).fetchone()[0]
        if last is None:
            break
        done += _key(driver, texts, "rowid > ? AND rowid <= ?", (high, last), kept)
        high = last
    return done


def _consistent(run, high: int, count: bool) -> bool:
    """Whether every key row still names its annotation's rowid (cheap: two ids, and counts)."""
    if count and (run("SELECT count(*) FROM annotations WHERE rowid <= ?", (high,)).fetchone()[0]
                  != run("SELECT count(*) FROM annotation_keys").fetchone()[0]):
        return False
    for rid, annotation_id in run("SELECT rid, id FROM annotation_keys WHERE rid IN"
                                  " ((SELECT min(rid) FROM annotation_keys), ?)", (high,)):
        row = run("SELECT id FROM annotations WHERE rowid = ?", (rid,)).fetchone()
        if row is None or row[0] != annotation_id:
            return False
    return True


def _key(driver: Driver, texts: Mapping[str, str] | None, where: str, params: tuple,
         kept: dict[str, str] | None = None) -> int:
    run = driver.execute
    rows = run(f'SELECT rowid, id, document_id, start, "end", note FROM annotations WHERE {where}'
               " ORDER BY document_id", params).fetchall()
    given = texts or {}
    kept = {} if kept is None else kept
    values = []
    for rid, annotation_id, document_id, start, end, note in rows:
        text = given.get(document_id)
        if text is None:
            text = kept.get(document_id)
        if text is None:
            if len(kept) >= _TEXTS_KEPT:
                kept.clear()
            text = kept[document_id] = run("SELECT text FROM documents WHERE id = ?", (document_id,)).fetchone()[0]
        quote = text[start:min(end, start + QUOTE_LIMIT)]
        values.append((rid, annotation_id, quote, *keys_of(quote, note)))
    search = [(value[0], value[5]) for value in values]
    if driver.server:  # bytea keys (no U+0000 in text there); another client may have keyed them too
        driver.executemany("INSERT INTO annotation_keys (rid, id, quote, quote_key, note_key) VALUES (?, ?, ?, ?, ?)"
                           " ON CONFLICT (rid) DO UPDATE SET id = excluded.id, quote = excluded.quote,"
                           " quote_key = excluded.quote_key, note_key = excluded.note_key",
                           [(*value[:3], value[3].encode(), value[4].encode()) for value in values])
        driver.executemany("INSERT INTO annotation_search (rid, search) VALUES (?, ?)"
                           " ON CONFLICT (rid) DO UPDATE SET search = excluded.search", search)
        return len(values)
    driver.executemany("INSERT INTO annotation_keys (rid, id, quote, quote_key, note_key) VALUES (?, ?, ?, ?, ?)",
                       [value[:5] for value in values])
    driver.executemany("INSERT INTO annotation_search (rid, search) VALUES (?, ?)", search)
    driver.executemany("INSERT INTO annotation_fts (rowid, search) VALUES (?, ?)", search)
    return len(values)
