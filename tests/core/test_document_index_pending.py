"""Documents are indexed in idle time, not when added (issue 16 point 4's import cost): adding
writes only a document's keys and leaves it pending; ``Project.index_documents`` indexes pending
documents; ``find_documents`` answers from the index for the indexed documents and scans the
pending ones, so its answer is the old filter's whatever has been indexed."""

import random
import re
import sqlite3

import pytest

from annotator.core.project.project import NewDocument
from annotator.core.project.samples import create_sample_project
from annotator.core.storage import document_search
from tests.core.test_document_search import NEEDLES, TEXTS, indexed, integrity, reference, texts


def fts_rows(path):
    """How many documents the FTS table itself holds (its docsize shadow table: one row a document)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM document_search_docsize").fetchone()[0]
    finally:
        conn.close()


def needles_of(docs, seed=16):
    words = sorted({w for _, title, text in docs for w in re.findall(r"\w+", title + " " + text) if len(w) >= 3})
    rng = random.Random(seed)
    pieces = []
    for _, title, text in docs:
        whole = title + "\n" + text
        for _ in range(15):
            size = rng.randint(1, 6)
            start = rng.randrange(len(whole) - size)
            pieces.append(whole[start:start + size])
    return words[::3] + pieces + [w.upper() for w in words[::13]] + NEEDLES


@pytest.fixture
def sample(tmp_path):
    """The sample corpus and the non-ASCII texts of test_document_search, all added (so pending)."""
    with create_sample_project(tmp_path / "sample.annotator") as project:
        project.add_documents([NewDocument(title, text) for title, text in TEXTS.items()])
        yield project


def same_as_the_old_filter(project, needles):
    docs = texts(project)
    for needle in needles:
        assert project.find_documents(needle) == reference(project, needle, docs), needle


def test_added_documents_wait_for_the_index_and_are_found_by_the_scan(sample):
    docs = texts(sample)
    assert sample.documents_to_index() == len(docs) == 4 + len(TEXTS)
    assert fts_rows(sample.path) == 0  # nothing tokenized when they were added
    assert integrity(sample.path) == len(docs)  # their keys are there: the panel sorts by them
    assert indexed(sample, "the") == set()  # the index alone knows nothing yet
    same_as_the_old_filter(sample, needles_of(docs))


def test_a_partly_indexed_project_finds_what_the_old_filter_found(sample):
    total = sample.documents_to_index()
    left = total
    while left > total // 2:
        left = sample.index_documents(0)  # at least one document per call
    assert 0 < left < total and fts_rows(sample.path) == total - left
    assert sample.documents_to_index() == left
    same_as_the_old_filter(sample, needles_of(texts(sample), seed=17))
    # the index answers for the indexed documents only, the scan for the others
    docs = texts(sample)
    assert indexed(sample, "the") < reference(sample, "the", docs)


def test_a_fully_indexed_project_answers_from_the_index(sample):
    assert sample.index_documents() == 0 and sample.documents_to_index() == 0
    docs = texts(sample)
    assert fts_rows(sample.path) == len(docs) and integrity(sample.path) == len(docs)
    needles = needles_of(docs, seed=18)
    same_as_the_old_filter(sample, needles)
    for needle in needles:
        if len(needle.casefold()) >= document_search.MIN_INDEXED and "\x00" not in needle:
            assert indexed(sample, needle) == reference(sample, needle, docs), needle
    assert sample.index_documents() == 0  # nothing more to do


def test_deleting_pending_and_indexed_documents_then_undo(project):
    added = project.add_documents([NewDocument(title, text) for title, text in TEXTS.items()])
    ids = {a.document.title: a.document.id for a in added}
    while project.documents_to_index() > len(TEXTS) - 4:
        project.index_documents(0)  # the first four (in import order) indexed, the rest pending
    indexed_ids, pending_ids = [ids["Éclair"], ids["Straße"]], [ids["emoji"], ids["東京"]]
    deleted = project.delete_documents(indexed_ids + pending_ids)
    assert integrity(project.path) == len(TEXTS) - 4
    assert fts_rows(project.path) == 2 and project.documents_to_index() == len(TEXTS) - 6
    assert project.find_documents("straße") == set() and project.find_documents("📚") == set()
    same_as_the_old_filter(project, NEEDLES)
    project.restore_documents(deleted)  # undo: the four are back, pending
    assert integrity(project.path) == len(TEXTS) and fts_rows(project.path) == 2
    assert project.documents_to_index() == len(TEXTS) - 2
    assert project.find_documents("STRASSE") == {ids["Straße"]} and project.find_documents("📚📚 and") == {ids["emoji"]}
    same_as_the_old_filter(project, NEEDLES)
    assert project.index_documents() == 0
    assert integrity(project.path) == len(TEXTS) == fts_rows(project.path)
    same_as_the_old_filter(project, NEEDLES)
    deleted = project.delete_documents(indexed_ids + pending_ids)  # all indexed now
    assert fts_rows(project.path) == len(TEXTS) - 4
    project.restore_documents(deleted)
    assert project.index_documents() == 0 and integrity(project.path) == len(TEXTS)
    same_as_the_old_filter(project, NEEDLES)
