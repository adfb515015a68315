"""The documents panel's full-text index (core/storage/document_search.py, issue 16 point 4): the
FTS5 answer must equal the filter it replaces, "the casefolded needle is a substring of the
casefolded title or text" (Python's ``str.casefold``, no normalisation), on the sample corpus and on
non-ASCII text; the index stays in step through imports, deletions, undo and the upgrade from
format 4; the panel's sort orders in SQL equal the keys it sorted by before."""

import random
import re
import sqlite3

import pytest

from annotator.core.errors import ValidationError
from annotator.core.project.project import NewDocument, Project
from annotator.core.project.samples import create_sample_project
from annotator.core.storage import db, document_search
from tests.old_formats import drop_format_6

pytestmark = pytest.mark.engines  # on SQLite and on PostgreSQL (tests/conftest.py)


def reference(project, needle, docs=None):
    """The filter as it was before the index (Project.find_documents on main); ``docs``: the
    project's (id, title, text), read once by the caller."""
    folded = needle.casefold()
    docs = docs or texts(project)
    return {i for i, title, text in docs if folded in title.casefold() or folded in text.casefold()}


def texts(project):
    return [(d.id, d.title, project.document(d.id).text) for d in project.documents()]


def indexed(project, needle):
    """What the index alone answers (None: a needle it cannot take)."""
    conn = sqlite3.connect(project.path)
    try:
        found = document_search.find(conn.execute, needle)
    finally:
        conn.close()
    return None if found is None else set(found)


def integrity(path):
    """FTS5's own check of the index (raises when it is inconsistent) and the keys' count."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO document_search(document_search) VALUES ('integrity-check')")
        return conn.execute("SELECT count(*) FROM document_search_keys").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def sample(tmp_path):
    with create_sample_project(tmp_path / "sample.annotator") as project:
        yield project


def test_the_index_finds_what_the_old_filter_found_in_the_sample_corpus(sample):
    assert sample.index_documents() == 0
    docs = texts(sample)
    words = sorted({w for _, title, text in docs for w in re.findall(r"\w+", title + " " + text) if len(w) >= 3})
    rng = random.Random(16)
    pieces = []
    for _, title, text in docs:
        for _ in range(40):
            size = rng.randint(3, 6)
            whole = title + "\n" + text
            start = rng.randrange(len(whole) - size)
            pieces.append(whole[start:start + size])
    needles = words + pieces + [w.upper() for w in words[::7]] + [w.capitalize() for w in words[::11]]
    needles += ["zzzq", "council and", "the council", ". T", "\n\n"]
    assert len(needles) > 500
    for needle in needles:
        expected = reference(sample, needle, docs)
        if len(needle.casefold()) >= 3:
            assert indexed(sample, needle) == expected, needle
        assert sample.find_documents(needle) == expected, needle
    assert integrity(sample.path) == len(docs)


TEXTS = {
    "Éclair": "Un ÉCLAIR au café, déjà vu.",
    "Straße": "Die Straße ist lang. GROSSE Freude, große Sorgen.",
    "Σίσυφος": "ΟΔΥΣΣΕΥΣ και Σίσυφος· τελικό ς στο τέλος: λόγος.",
    "İstanbul": "İSTANBUL, Istanbul and ıstanbul are three spellings.",
    "decomposed": "cafe\u0301 written with a combining accent, not café.",
    "東京": "東京都の天気は晴れです。大阪も晴れ。",
    "emoji": "Books 📚📚 and checks ✅ beside 🙂 faces 🙂🙂 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.",
    "marks": "a\u0308\u0301 stacked marks, and Z\u0335\u0321a\u0336l\u0338g\u0334o.",
    "lines": "first line\r\nsecond line\rthird\u2029fourth",
    'a "quoted" title': 'Syntax: "phrase" * (group) NEAR(a b) x AND y OR z NOT w -minus ^caret col:umn {a b}.',
    "ﬁ ligature": "The ﬃ and ﬁ ligatures fold to ffi and fi; ǅ is a titlecase letter.",
}
NEEDLES = [
    "é", "É", "éclair", "ÉCLAIR", "eclair", "café", "CAFÉ", "déjà",
    "ß", "ss", "SS", "straße", "STRASSE", "strasse", "große", "GROSSE", "grosse", "ßs",
    "σίσυφος", "ΣΊΣΥΦΟΣ", "οδυσσευσ", "ΟΔΥΣΣΕΥΣ", "οδυσσευς", "λόγος", "ΛΌΓΟΣ", "λογοσ", "τελικό σ",
    "İstanbul", "istanbul", "i\u0307stanbul", "ISTANBUL", "ıstanbul", "IST",
    "cafe\u0301", "CAFE\u0301", "e\u0301 w", "café written",
    "東京", "東京都", "晴れ", "天気は晴れ", "大阪も",
    "📚", "📚📚", "📚 and", "🙂🙂", "s 🙂", "𝔘𝔫𝔦", "✅ b",
    "a\u0308\u0301", "A\u0308\u0301 ST", "\u0335\u0321a", "stacked",
    "line\nsecond", "first line\n", "\r\n", "line\rthird", "\n", "third\nfourth", "\u2029",
    '"', '""', '"phrase"', 'a "quoted"', '"quoted" title', "*", "* (", "(group)", "near(a b)",
    "NEAR", "and", "AND y", "x and y", "OR z", "NOT w", "-minus", "^caret", "col:umn", "{a b}",
    "ﬁ", "fi", "ffi", "FFI", "ﬃ and", "ǆ", "ǅ", "Ǆ", "ǅ is",
    "  ", "no such thing", "\x00", "abc\x00",
]


@pytest.fixture
def unicode_project(project):
    project.add_documents([NewDocument(title, text) for title, text in TEXTS.items()])
    assert project.index_documents() == 0
    return project


def test_the_index_folds_non_ascii_text_exactly_as_the_old_filter(unicode_project, engine_kind):
    project = unicode_project
    docs = texts(project)
    for needle in NEEDLES:
        expected = reference(project, needle, docs)
        assert project.find_documents(needle) == expected, needle
        if engine_kind != "sqlite":  # the server has no FTS5 index of its own to ask (find_on_server)
            continue
        answer = indexed(project, needle)
        if len(needle.casefold()) >= 3 and "\x00" not in needle:
            assert answer == expected, needle
        else:
            assert answer is None, needle  # the scan answers these: the index cannot
    # the cases that make folding matter (casefold, not lower(); no normalisation)
    ids = {d.title: d.id for d in project.documents()}
    assert project.find_documents("STRASSE") == {ids["Straße"]}
    assert project.find_documents("οδυσσευσ") == {ids["Σίσυφος"]}  # final sigma folds to σ
    assert project.find_documents("café") == {ids["Éclair"], ids["decomposed"]}  # the precomposed é
    assert project.find_documents("cafe\u0301") == {ids["decomposed"]}  # e + U+0301 is another text
    assert project.find_documents("ffi") == {ids["ﬁ ligature"]}
    assert project.find_documents('"phrase" *') == {ids['a "quoted" title']}


def short(project, needle):
    """What ``find_short`` answers on its own connection (None: it leaves the needle to the scan)."""
    conn = sqlite3.connect(project.path)
    try:
        found = document_search.find_short(conn, needle, document_search.Tails())
    finally:
        conn.close()
    return None if found is None else set(found)


def short_needles(docs, seed):
    """Every needle of 1 or 2 code points of the titles and texts (as written and case-swapped),
    their last characters, and some that occur nowhere."""
    rng = random.Random(seed)
    needles = {"zq", "q", "Zq", "ẞ", "ǈ", "\U0010fffd", "\ud7ff", "\ue000"}
    for _, title, text in docs:
        for value in (title, text):
            needles.update(value[-2:], value[-1:], value[-2:].swapcase())
            for _ in range(30):
                start = rng.randrange(len(value))
                piece = value[start:start + rng.randint(1, 2)]
                needles.update((piece, piece.swapcase(), piece.upper()))
    return sorted(n for n in needles if 0 < len(n.casefold()) < 3)


ENDINGS = {  # where the trigrams cannot reach: the last two places of a text, and texts of 1 or 2
    "one": "x", "two": "ßQ", "sharp s at the end": "Ende der Straße", "astral end": "the end 📚",
    "final sigma": "λόγος", "title ends": "plain words", "ZQ": "rare pair at the end: ZQ",
}


@pytest.mark.engines("sqlite")  # the file's own index
def test_short_needles_through_the_vocabulary_equal_the_old_filter(unicode_project):
    project = unicode_project
    project.add_documents([NewDocument(title, text) for title, text in ENDINGS.items()])
    assert project.index_documents() == 0
    docs = texts(project)
    answered = 0
    for needle in short_needles(docs, seed=20) + ["é", "ß", "ǅ", "📚", "晴れ", "\n", "ab", "a\u0308", "ss", "zq"]:
        expected = reference(project, needle, docs)
        assert project.find_documents(needle) == expected, needle
        answer = short(project, needle)
        if answer is not None:
            answered += 1
            assert answer == expected, needle
        else:  # left to the scan only when the probe (every document, here) says it is cheaper
            assert document_search.scan_is_cheaper([t for _, _, t in docs], needle.casefold()), needle
    assert answered > 100
    ids = {d.title: d.id for d in project.documents()}
    # found only at the end of a text, or in a text too short for a trigram
    assert project.find_documents("zq") == {ids["ZQ"]} == short(project, "ZQ")
    assert short(project, "ss") >= {ids["two"], ids["sharp s at the end"], ids["Straße"]}
    assert short(project, "📚") == {ids["astral end"], ids["emoji"]}
    assert short(project, "x") >= {ids["one"]}
    assert indexed(project, "ab") is None  # the trigram index itself cannot take them
    assert project.find_documents("") == {d.id for d in project.documents()}


def test_every_needle_pending_indexed_deleted_and_restored_as_the_old_filter(project):
    """Through the project alone, so on both engines: pending documents, half indexed, all
    indexed, two deleted and restored (pending again), short needles and long."""
    project.add_documents([NewDocument(title, text) for title, text in {**TEXTS, **ENDINGS}.items()])
    docs = texts(project)
    needles = NEEDLES + short_needles(docs, seed=21)[::3]

    def same():
        for needle in needles:
            assert project.find_documents(needle) == reference(project, needle, docs), needle

    same()  # all pending
    while project.documents_to_index() > len(docs) // 2:
        project.index_documents(0)
    same()
    assert project.index_documents() == 0
    same()
    ids = {d.title: d.id for d in project.documents()}
    deleted = project.delete_documents([ids["Straße"], ids["emoji"]])
    assert project.find_documents("strasse") == {ids["sharp s at the end"]} and project.find_documents("📚📚") == set()
    project.restore_documents(deleted)
    assert project.documents_to_index() == 2
    same()
    assert project.find_documents("STRASSE") == {ids["Straße"], ids["sharp s at the end"]}


def test_short_needles_in_the_sample_corpus_and_a_partly_indexed_one(sample):
    total = sample.documents_to_index()
    while sample.documents_to_index() > total // 2:
        sample.index_documents(0)
    docs = texts(sample)
    needles = short_needles(docs, seed=21)[::3]
    for needle in needles:  # half indexed: the vocabulary for those, the scan for the rest
        assert sample.find_documents(needle) == reference(sample, needle, docs), needle
    assert sample.index_documents() == 0
    answered = 0
    for needle in needles:
        expected = reference(sample, needle, docs)
        assert sample.find_documents(needle) == expected, needle
        answer = short(sample, needle)
        answered += answer is not None
        assert answer == expected if answer is not None else len(expected) > len(docs) // 2, needle
    assert short(sample, "zq") == set() and answered >= 5


def test_the_scan_is_chosen_for_needles_early_and_often_in_every_text():
    texts = ["the quick brown fox jumps over the lazy dog. " * 200] * 20
    assert document_search.scan_is_cheaper(texts, "e") and document_search.scan_is_cheaper(texts, "th")
    assert not document_search.scan_is_cheaper(texts, "zq")  # in none: every text read and folded
    late = ["x" * 9_000 + " quiet" for _ in range(20)]  # once, near the end
    assert not document_search.scan_is_cheaper(late, "q")


@pytest.mark.engines("sqlite")  # the file's own index
def test_a_read_only_project_finds_short_needles_as_the_old_filter(unicode_project):
    path = unicode_project.path
    docs = texts(unicode_project)
    unicode_project.close()
    with Project.open(path, mode="read") as project:
        for needle in ("é", "ß", "zq", "📚", "ab"):
            assert project.find_documents(needle) == reference(project, needle, docs), needle


@pytest.mark.engines("sqlite")  # the file's own index
def test_tails_are_read_once_and_again_for_another_text(unicode_project):
    project = unicode_project
    tails = document_search.Tails()
    conn = sqlite3.connect(project.path)
    try:
        keys = conn.execute("SELECT document_id, length, created FROM document_search_keys").fetchall()
        by_id = {d.id: d.text for d in (project.document(k[0]) for k in keys)}
        assert tails.of(conn, keys) == [by_id[k[0]].casefold()[-2:] for k in keys]
        assert tails.of(conn, keys[:1]) == [by_id[keys[0][0]].casefold()[-2:]]  # kept
        other = (keys[0][0], keys[0][1] + 1, keys[0][2])  # the same id under another length: read again
        assert tails.of(conn, [other]) == [by_id[keys[0][0]].casefold()[-2:]]
    finally:
        conn.close()


@pytest.mark.engines("sqlite")  # the file's own index
def test_the_index_follows_imports_deletions_undo_and_restores(unicode_project):
    project = unicode_project
    ids = {d.title: d.id for d in project.documents()}
    assert integrity(project.path) == len(TEXTS)
    deleted = project.delete_documents([ids["Straße"], ids["emoji"]])
    assert integrity(project.path) == len(TEXTS) - 2
    assert project.find_documents("strasse") == set() and indexed(project, "📚📚 and") == set()
    project.restore_documents(deleted)
    assert integrity(project.path) == len(TEXTS)
    assert project.index_documents() == 0  # the restored documents wait for the index, as added ones do
    assert project.find_documents("STRASSE") == {ids["Straße"]} and indexed(project, "📚📚 and") == {ids["emoji"]}
    [added] = project.add_documents([NewDocument("Later", "A later Straßenbahn.")])
    assert project.find_documents("strassenbahn") == {added.document.id}
    assert project.find_documents("STRASSE") == {ids["Straße"], added.document.id}
    project.delete_documents([added.document.id])
    assert integrity(project.path) == len(TEXTS)
    for needle in NEEDLES:
        assert project.find_documents(needle) == reference(project, needle), needle


@pytest.mark.engines("sqlite")  # the file's own index
def test_a_row_folded_by_another_unicode_version_is_deleted_by_making_the_index_again(unicode_project):
    project = unicode_project
    doc = project.document(next(d.id for d in project.documents() if d.title == "Straße"))
    conn = sqlite3.connect(project.path)
    [(rowid,)] = conn.execute("SELECT rowid FROM document_search_keys WHERE document_id = ?", (doc.id,))
    conn.execute("INSERT INTO document_search (document_search, rowid, title, text) VALUES ('delete', ?, ?, ?)",
                 (rowid, doc.title.casefold(), doc.text.casefold()))
    conn.execute("INSERT INTO document_search (rowid, title, text) VALUES (?, ?, ?)",  # as another fold had it
                 (rowid, doc.title.lower(), doc.text.lower()))
    conn.execute("UPDATE document_search_keys SET unicode = '13.0.0' WHERE rowid = ?", (rowid,))
    conn.commit()
    raw = 'SELECT rowid FROM document_search WHERE document_search MATCH \'"aße"\''  # only in lower()'s fold
    assert conn.execute(raw).fetchall() == [(rowid,)]
    project.delete_documents([doc.id])
    assert conn.execute(raw).fetchall() == []  # this fold's "delete" would have left "aße" behind
    assert integrity(project.path) == len(TEXTS) - 1
    assert conn.execute("SELECT count(*) FROM document_search_docsize").fetchone()[0] == len(TEXTS) - 1
    conn.close()
    docs = texts(project)
    for needle in NEEDLES:
        assert indexed(project, needle) in (None, reference(project, needle, docs)), needle


@pytest.mark.engines("sqlite")  # the file's own index
def test_a_document_cannot_leave_the_index_behind(unicode_project):
    """The keys reference the documents: deleting a document without its index row is refused."""
    conn = sqlite3.connect(unicode_project.path)
    conn.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM documents WHERE title = 'Straße'")
    conn.close()


def as_format_4(path):
    """Make ``path`` a format-4 file: without format 5's tables, version 4."""
    conn = sqlite3.connect(path)
    for table in ("document_search_keys", "document_search"):
        conn.execute(f"DROP TABLE {table}")
    drop_format_6(conn.execute)
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()


@pytest.mark.engines("sqlite")  # the file's own index
def test_the_upgrade_from_format_4_indexes_every_document(unicode_project, annotator_home):
    path = unicode_project.path
    many = [NewDocument(f"doc {i}", f"number {i} of many, Straße {i}") for i in range(450)]  # several batches
    unicode_project.add_documents(many)
    unicode_project.close()
    as_format_4(path)
    assert "document_search" in db.missing_tables(path, 5) and db.missing_tables(path, 4) == []
    with Project.open(path) as project:
        assert db.read_header(path)[1] == db.SCHEMA_VERSION
        assert project.documents_to_index() == len(TEXTS) + 450  # the upgrade writes only the keys
        assert len(project.find_documents("STRASSE")) == 451  # found by the scan
        assert project.index_documents() == 0
        assert integrity(path) == len(TEXTS) + 450
        assert len(project.find_documents("STRASSE")) == 451
        assert project.find_documents("number 123 of") == {d.id for d in project.documents() if d.title == "doc 123"}
        docs = texts(project)
        for needle in NEEDLES:
            assert indexed(project, needle) in (None, reference(project, needle, docs)), needle


@pytest.mark.engines("sqlite")  # the file's own index
def test_a_file_without_the_index_is_refused_as_damaged(unicode_project):
    from annotator.core.errors import DamagedProjectError

    path = unicode_project.path
    unicode_project.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE document_search")
    conn.commit()
    conn.close()
    assert db.missing_tables(path, 5) == ["document_search", "document_search_config", "document_search_data",
                                          "document_search_docsize", "document_search_idx"]
    with pytest.raises(DamagedProjectError, match="table document_search.* missing"):
        Project.open(path)


# -- sorting in SQL ----------------------------------------------------------------------------

def utf16(value):
    """How Qt compared the panel's string keys (QString::compare: UTF-16 code units)."""
    return value.encode("utf-16-be")


def test_document_order_sorts_as_the_panel_did(unicode_project):
    project = unicode_project
    project.add_documents([NewDocument("\uff21 fullwidth", "x" * 5, source="b.txt"),
                           NewDocument("😀 emoji first", "y" * 5, source="B.TXT"),
                           NewDocument("éclair au lait", "z" * 40, source="a.txt"),
                           NewDocument("ÉCLAIR AU LAIT", "w" * 40)])
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    docs = project.documents()
    category = project.categories()[0].id
    for n, doc in enumerate(docs):
        for i in range(n % 4):
            project.add_annotation(doc.id, category, (alice, bob)[i % 2].id, i, i + 1)
    project.set_document_status(docs[1].id, alice.id, "done")
    project.set_document_status(docs[2].id, alice.id, "in progress")
    project.set_document_status(docs[3].id, bob.id, "done")
    import_order = [d.id for d in docs]

    def key_functions(annotator_id=None):
        counts = project.annotation_counts_by_document(annotator_id)
        statuses = {s.document_id: s.status for s in project.document_statuses(annotator_id=alice.id)}
        rank = {"not started": 0, "in progress": 1, "done": 2}
        return {"title": lambda d: utf16(d.title.casefold()), "length": lambda d: d.length,
                "annotations": lambda d: counts.get(d.id, 0), "source": lambda d: utf16(d.source.casefold()),
                "status": lambda d: rank[statuses.get(d.id, "not started")]}

    def keys_of(key):
        return {d.id: key_functions()[key](d) for d in docs}

    def expected(key, descending, annotator_id=None):
        keys = key_functions(annotator_id)
        # a stable sort of the import order, as QSortFilterProxyModel's std::stable_sort was (Python's
        # sort keeps equal keys in order with reverse=True too, as Qt's greater-than sort did)
        return [d.id for d in sorted(docs, key=keys[key], reverse=descending)]

    for key in ("title", "length", "annotations", "source", "status"):
        for descending in (False, True):
            order = project.document_order(key, descending, coder_id=alice.id)
            got = [i for i, _ in order]
            assert got == expected(key, descending), (key, descending)
            assert sorted(got) == sorted(import_order)
            ranks = [rank for _, rank in order]  # equal keys share a rank, the next key the next one
            keys = [keys_of(key)[i] for i in got]
            assert ranks[0] == 1 and all(b == a + (kb != ka) for a, b, ka, kb in zip(ranks, ranks[1:], keys, keys[1:]))
    assert [i for i, _ in project.document_order("annotations", annotator_id=bob.id)] == \
        expected("annotations", False, bob.id)
    titles = [project.document(i).title for i, _ in project.document_order("title")]
    assert titles.index("😀 emoji first") < titles.index("\uff21 fullwidth")  # UTF-16 order, as Qt had it
    assert titles.index("éclair au lait") < titles.index("ÉCLAIR AU LAIT")  # equal folded: import order
    with pytest.raises(ValidationError, match="cannot sort documents by"):
        project.document_order("colour")

