"""Issue 16, point 3: a read-only project cannot make the annotation table's keys; when another
program added annotations it never keyed, the table lists them from memory instead of leaving
them out (the SQL-backed table only shows keyed rows)."""

from __future__ import annotations

from annotator.core.project.project import Project
from annotator.gui.main_window import MainWindow

TEXT = "First claim here. A second one, with “quotes” and 😀.\nThe third line.\n"


def test_a_read_only_project_shows_annotations_nobody_keyed(qtbot, project):
    doc = project.add_document("Article", TEXT).document
    coder = project.add_annotator("ann").id
    cat = project.categories()[0].id
    spans = [(0, 5), (18, 24), (41, 49), (55, 64)]
    project.add_annotations([dict(document_id=doc.id, category_id=cat, annotator_id=coder, start=a, end=b)
                             for a, b in spans])  # no table asked: not keyed
    path = project.path
    project.close()
    with Project.open(path, mode="read") as reader:
        assert not reader.annotation_keys_current()
        win = MainWindow(reader)
        qtbot.addWidget(win)
        win.open_document(doc.id)
        model = win.table_panel.model
        assert model.rowCount() == len(spans)
        assert [model.annotation_at(r).quote for r in range(model.rowCount())] == [TEXT[a:b] for a, b in spans]
        win.table_panel.mode_combo.setCurrentIndex(1)  # all documents
        assert win.table_panel.model.rowCount() == len(spans)
    with Project.open(path) as writer:  # a writable open keys them; read-only then takes the SQL table
        writer.refresh_annotation_keys()
        assert writer.annotation_keys_current()
