"""Issue 15 point 1 in the workspace: the gold layer is visibly distinct from the coders (a group of
its own in the layers panel, "★ Gold standard" in its own colours in the annotation table) and is
never offered as a coder (Switch Annotator, the status matrix)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.storage.tables import GOLD_ID
from annotator.gui import gold_layer
from annotator.gui.dialogs.coders_dialog import CodersDialog
from annotator.gui.main_window import MainWindow
from annotator.gui.models.annotation_table_model import ANNOTATOR, CATEGORY
from tests.cli.test_cli_against_gold import adjudicate

TEXT = "The council will spend two million on bike lanes. Critics call it a waste of money."


@pytest.fixture
def window(qtbot, project, dialogs):
    doc = project.add_document("Article", TEXT).document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    cats = {c.name: c.id for c in project.categories()}
    claim, critics = (0, TEXT.index(".")), (TEXT.index("Critics"), len(TEXT) - 1)
    project.add_annotations([
        dict(document_id=doc.id, category_id=cats["Factual claim"], annotator_id=alice.id, start=claim[0],
             end=claim[1]),
        dict(document_id=doc.id, category_id=cats["Factual claim"], annotator_id=bob.id, start=claim[0], end=20),
        dict(document_id=doc.id, category_id=cats["Opinion"], annotator_id=alice.id, start=critics[0],
             end=critics[1]),
    ])
    adjudicate(project, alice.id, lambda unit: ([(s.start, s.end, s.category) for s in unit.spans
                                                 if s.coder == alice.id], ""))
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    win.open_document(doc.id)
    return win


def test_the_layers_panel_lists_the_gold_apart_from_the_annotators(window, qtbot, shoot):
    layers = window.layers
    coders = [layers.annotators_root.child(i).text(0) for i in range(layers.annotators_root.childCount())]
    assert coders == [f"alice{' (you)' if window.context.annotator.name == 'alice' else ''} (2)", "bob (1)"]
    assert not layers.gold_root.isHidden() and layers.gold_root.text(0) == "Adjudication"
    [gold] = [layers.gold_root.child(i) for i in range(layers.gold_root.childCount())]
    assert gold.text(0) == "Gold standard (2)" and gold.data(0, Qt.ItemDataRole.UserRole) == GOLD_ID
    assert not gold.icon(0).isNull()  # a gold star
    assert gold.foreground(0).color().name() == gold_layer.INK and gold.font(0).bold()
    assert "Not a coder" in gold.toolTip(0)
    gold.setCheckState(0, Qt.CheckState.Unchecked)  # the gold layer hides and shows like a coder's
    assert GOLD_ID in window.view.hidden_annotators
    layers.show_only_annotators([GOLD_ID])
    assert window.view.hidden_annotators == {a for a in window.annotator_names if a != GOLD_ID}
    layers.show_all()
    assert window.view.hidden_annotators == set()
    shoot(window, "workspace-gold-layer.png")


def test_without_gold_the_adjudication_group_is_hidden(qtbot, project, dialogs):
    project.add_document("Article", TEXT)
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.open_document(project.documents()[0].id)
    assert win.layers.gold_root.isHidden()


def test_the_annotation_table_shows_the_gold_in_its_own_look(window, shoot):
    table = window.table_panel
    model = table.model
    rows = [model.annotation_at(r) for r in range(model.rowCount())]
    gold = [r for r, ann in enumerate(rows) if ann.annotator_id == GOLD_ID]
    coder = [r for r, ann in enumerate(rows) if ann.annotator_id != GOLD_ID]
    assert len(gold) == 2 and len(coder) == 3
    for r in gold:
        assert model.index(r, ANNOTATOR).data() == "★ Gold standard"
        assert model.index(r, ANNOTATOR).data(Qt.ItemDataRole.FontRole).bold()
        assert model.index(r, CATEGORY).data(Qt.ItemDataRole.BackgroundRole).color().name() == gold_layer.BACKGROUND
    for r in coder:
        assert model.index(r, ANNOTATOR).data(Qt.ItemDataRole.BackgroundRole) is None
    combo = table.annotator_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["All annotators", "alice", "bob", "★ Gold standard"]
    combo.setCurrentIndex(3)
    assert table.model.rowCount() == 2
    combo.setCurrentIndex(0)
    window.table_dock.setFloating(True)
    window.table_dock.resize(900, 240)
    shoot(window.table_dock, "table-gold-rows.png")


def test_switch_annotator_and_the_status_matrix_do_not_offer_the_gold(window, qtbot, monkeypatch, shoot):
    seen = {}

    def run(dialog):
        seen["rows"] = [dialog.list.topLevelItem(i).text(0) for i in range(dialog.list.topLevelItemCount())]
        shoot(dialog, "coders-dialog-with-gold.png")
        return 0

    monkeypatch.setattr(CodersDialog, "exec", run)
    window.actions["file.switch_annotator"].trigger()
    assert not any("Gold" in row for row in seen["rows"]) and len(seen["rows"]) >= 2
    window.actions["tools.status_matrix"].trigger()
    dialog = window.statuses.matrix_dialog
    qtbot.addWidget(dialog)
    table = dialog.table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == ["alice", "bob", "Done"]
    shoot(dialog, "status-matrix-with-gold.png")


def test_no_coder_is_named_after_the_gold(window, dialogs, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    before = window.context.annotator
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (" gold Standard ", True))
    assert not window.files.ask_annotator_name()
    assert window.context.annotator == before
    assert dialogs[-1][0] == "warning" and "the name of the adjudicated layer" in dialogs[-1][2]
