"""Issue 16, point 2: edits cost what they touch. Creating, moving or deleting an annotation (and
undoing it) never reads the document's text from SQLite again (quotes are cut from the text the
view holds) and never counts the document's or the project's annotations (counts change by what
the edit changed). Every statement SQLite runs during the edit is traced."""

from __future__ import annotations

import pytest
from sqlalchemy import event

TEXT = "First line with words.\nA second line, 😀 with an emoji, and “quotes”.\nThe third line ends it.\n"


@pytest.fixture
def window(show_window, project, dialogs):
    project.add_document("Article", TEXT)
    project.add_document("Other", "A second document, short.\n")
    return show_window(project)


@pytest.fixture
def traced(window):
    """The SQL statements run from now on (each connection the project opens is traced)."""
    statements: list[str] = []
    engine = window.project._engine
    engine.dispose()  # new connections from here on, each traced
    event.listen(engine, "connect", lambda connection, _: connection.set_trace_callback(statements.append))
    return statements


def reads_text(statements):
    return [s for s in statements if "documents.text" in s or " text FROM documents" in s or "substr(" in s]


def counts(statements):
    return [s for s in statements if "count(" in s.lower()]


def table_rows(window):
    model = window.table_panel.model
    return [model.annotation_at(r) for r in range(model.rowCount())]


def annotate(window, quote, category="Opinion"):
    start = window.view.text().index(quote)
    window.view.select_range(start, start + len(quote))
    window.annotate(next(c.id for c in window.project.categories() if c.name == category))
    return window.view.selected_id


def test_creating_reads_no_text_and_counts_nothing(window, traced):
    annotation_id = annotate(window, "emoji")
    assert annotation_id and traced  # the edit ran, and was traced
    assert reads_text(traced) == [] and counts(traced) == []
    assert window.details.quote.text() == "“emoji”"
    assert [r.quote for r in table_rows(window)] == ["emoji"]
    assert window.documents_model.annotation_count(window.document.id) == 1
    assert window.count_label.text() == "1 annotation in this document"
    assert "· 1 annotation ·" in window.status_label.text()


def test_moving_deleting_and_undoing_read_no_text_and_count_nothing(window, traced):
    annotation_id = annotate(window, "emoji")
    annotate(window, "third", "Factual claim")
    window.view.select_annotation(annotation_id)
    start = TEXT.index("😀")
    traced.clear()
    window.annotating.set_span(annotation_id, start, start + len("😀 with an emoji"))
    [row] = [r for r in table_rows(window) if r.id == annotation_id]
    assert row.quote == "😀 with an emoji"
    window.annotating.delete_annotations([annotation_id])
    window.undo()
    window.undo()  # the move undone: back to "emoji"
    assert reads_text(traced) == [] and counts(traced) == []
    quotes = sorted(r.quote for r in table_rows(window))
    assert quotes == ["emoji", "third"]
    assert window.documents_model.annotation_count(window.document.id) == 2
    assert "· 2 annotations ·" in window.status_label.text()
    window.annotating.delete_annotations([annotation_id])
    assert window.documents_model.annotation_count(window.document.id) == 1
    assert "· 1 annotation ·" in window.status_label.text()
    assert window.project.count_annotations() == 1  # the incremental counts agree with a count
