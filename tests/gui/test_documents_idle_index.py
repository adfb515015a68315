"""The window fills the documents' full-text index in idle time (Project.index_documents in short
slices on a QTimer(0)), from when a project opens and after documents come in; the panel's filter
gives the same documents before, while and after (the project scans the pending ones)."""

import os
from pathlib import Path

from annotator.core.project.changes import Changes
from annotator.core.project.project import NewDocument, Project
from annotator.gui.controllers import indexing
from annotator.gui.main_window import MainWindow
from tests.core.test_document_index_pending import fts_rows
from tests.core.test_document_search import TEXTS, reference, texts

SHOTS = Path(os.environ.get("ANNOTATOR_SHOTS", "/tmp/doc-index-idle-shots"))


def filtered(win, needle):
    win.corpus.filter_edit.setText(needle)
    win.corpus.apply_filter()
    proxy = win.corpus.proxy
    return {win.documents_model.document_at(proxy.mapToSource(proxy.index(r, 0)).row()).id
            for r in range(proxy.rowCount())}


NEEDLES = ["strasse", "ÉCLAIR", "number 7", "number 1", "📚", "of many", "zzq", "ss", "晴れ"]


def test_the_window_indexes_pending_documents_in_idle_time(qtbot, project, monkeypatch):
    many = [NewDocument(f"doc {i}", f"number {i} of many, Straße {i}. " + "Words and more words. " * 200)
            for i in range(30)]
    project.add_documents([NewDocument(t, x) for t, x in TEXTS.items()] + many)
    total = len(TEXTS) + len(many)
    path = project.path
    project.close()
    monkeypatch.setattr(indexing, "SLICE_SECONDS", 0)  # the shortest slices: one document each
    slices = []
    real = Project.index_documents
    monkeypatch.setattr(Project, "index_documents",
                        lambda self, seconds=None: slices.append(seconds) or real(self, seconds))
    project = Project.open(path)
    assert project.documents_to_index() == total and fts_rows(path) == 0  # opened with every document pending
    win = MainWindow(project)
    qtbot.addWidget(win)
    assert win.indexer.active()
    before = {needle: filtered(win, needle) for needle in NEEDLES}  # the scan answers: nothing indexed yet
    docs = texts(project)
    assert before == {needle: reference(project, needle, docs) for needle in NEEDLES}
    assert project.documents_to_index() == total
    win.resize(1000, 700)
    win.show()
    qtbot.waitUntil(lambda: project.documents_to_index() == 0, timeout=60000)
    qtbot.waitUntil(lambda: not win.indexer.active())  # then the texts' last characters, for short filters
    assert fts_rows(path) == total and project.read_document_tails(0) == 0
    assert slices == [0] * total  # one slice a turn of the event loop, never all at once
    assert {needle: filtered(win, needle) for needle in NEEDLES} == before
    SHOTS.mkdir(parents=True, exist_ok=True)
    filtered(win, "number 7")
    assert win.corpus.grab().save(str(SHOTS / "documents-panel-indexed.png"))

    # documents coming in (an import tells the window with changes.corpus) are indexed in idle time too
    added = project.add_documents([NewDocument("Later", "A later Straßenbahn.")])
    win.changed_outside_history(Changes(corpus=True))
    assert win.indexer.active() and project.documents_to_index() == 1
    assert filtered(win, "STRASSENBAHN") == {added[0].document.id}
    qtbot.waitUntil(lambda: project.documents_to_index() == 0, timeout=10000)
    assert filtered(win, "STRASSENBAHN") == {added[0].document.id} and fts_rows(path) == total + 1
    qtbot.waitUntil(lambda: not win.indexer.active())
    assert project.read_document_tails(0) == 0 and filtered(win, "nn") == reference(project, "nn", texts(project))


def test_a_read_only_project_is_not_indexed(qtbot, project, tmp_path):
    project.add_documents([NewDocument(t, x) for t, x in TEXTS.items()])
    path = project.path
    project.close()
    with Project.open(path, mode="read") as reader:
        win = MainWindow(reader)
        qtbot.addWidget(win)
        qtbot.waitUntil(lambda: not win.indexer.active())
        docs = texts(reader)
        assert filtered(win, "strasse") == reference(reader, "strasse", docs) != set()
        assert reader.documents_to_index() == len(TEXTS)
