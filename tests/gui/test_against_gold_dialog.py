"""The agreement dashboard's "Against gold" tab (issue 15 point 7): each coder against the gold
standard, what the adjudicator changed, a change opened in the text, and the same bytes as
``annotator agreement --against-gold``."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.core.storage.tables import GOLD_ID
from annotator.gui.main_window import MainWindow
from tests.cli.test_cli_against_gold import adjudicate
from tests.gui.test_agreement_dialog import TEXT, code_two_articles


@pytest.fixture
def window(qtbot, project, monkeypatch):
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: None)
    alice, _ = code_two_articles(project)

    def choose(unit):  # alice's version everywhere, and "nobody believes her" rejected
        mine = [(s.start, s.end, s.category) for s in unit.spans if s.coder == alice.id]
        return mine, "" if mine else "not an opinion, a report"

    adjudicate(project, alice.id, choose)
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.resize(1300, 820)
    win.show()
    return win


def open_dashboard(window, qtbot):
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.operation is None, timeout=30000)
    return dialog


def test_against_gold_tab_shows_each_coder_and_the_changes(window, qtbot, shoot):
    dialog = open_dashboard(window, qtbot)
    tab = dialog.gold_tab
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Against &gold"
    coders = [tab.measures.item(r, 0).text() for r in range(tab.measures.rowCount())]
    assert coders == ["alice", "bob"]  # the gold is not among the coders
    headers = [tab.measures.horizontalHeaderItem(c).text().replace(",\n", ", ").replace("\n", " ")
               for c in range(tab.measures.columnCount())]
    alice = {h: tab.measures.item(0, c).text() for c, h in enumerate(headers)}
    bob = {h: tab.measures.item(1, c).text() for c, h in enumerate(headers)}
    assert alice["Span F1, exact"] == alice["Token κ (Cohen)"] == "1.000" and alice["Changes"] == "0"
    # bob, per document: the claim matches exactly, "Critics call it a waste" (Opinion) overlaps alice's
    # gold Opinion, "nobody believes her" was rejected and the gold's Prediction is one bob missed:
    # exact F1 = 2·1/(3 + 3), overlap F1 = 2·2/6
    assert bob["Span F1, exact"] == "0.333" and bob["Span F1, overlap"] == "0.667"
    assert bob["Changes"] == "6" and bob["Documents"] == "2"
    kinds = [tab.changes.item(r, 3).text() for r in range(tab.changes.rowCount())]
    assert sorted(kinds) == sorted(["boundary", "missed", "rejected"] * 2)
    rejected = kinds.index("rejected")
    assert tab.changes.item(rejected, 8).text() == "not an opinion, a report"
    assert tab.changes.item(rejected, 7).text() == "rejected by alice"
    tab.coder_filter.setCurrentIndex(1)  # alice: nothing changed
    assert tab.changes.rowCount() == 0
    tab.coder_filter.setCurrentIndex(2)
    assert tab.changes.rowCount() == 6
    category_rows = [tab.per_category.item(r, 0).text() for r in range(tab.per_category.rowCount())]
    assert "Opinion" in category_rows and tab.per_category.columnCount() == 3
    dialog.tabs.setCurrentWidget(tab)
    shoot(dialog, "agreement-against-gold.png")

    item = tab.changes.item(rejected, 0)
    document, start, end, coder = item.data(0x0100)
    tab._open(item)
    assert window.document.id == document and window.view.marked == [(start, end)]
    shown = {a for a in window.annotator_names if a not in window.view.hidden_annotators}
    assert shown == {coder, GOLD_ID}


def test_cli_and_dashboard_write_the_same_bytes_against_gold(window, qtbot, tmp_path, monkeypatch, capsys):
    from annotator.cli import main

    dialog = open_dashboard(window, qtbot)
    for fmt, raw in (("json", False), ("csv", False), ("csv", True)):
        target = tmp_path / f"gold-{raw}.{fmt}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, _target=target, **k: (str(_target), ""))
        dialog.raw_csv.setChecked(raw)
        dialog.export(f"gold-{fmt}")
        capsys.readouterr()
        args = ["agreement", str(window.project.path), "--against-gold", "--format", fmt]
        assert main(args + (["--raw-csv"] if raw else [])) == 0
        out, err = capsys.readouterr()
        assert err == "" and out.encode("utf-8") == target.read_bytes(), fmt
    assert json.loads((tmp_path / "gold-False.json").read_text(encoding="utf-8"))["coders"] == ["alice", "bob"]


def test_no_gold_tab_without_a_gold_layer(qtbot, project, monkeypatch):
    from annotator.core.agreement.sources import from_project
    from annotator.gui.dialogs.agreement_dialog import AgreementDialog

    doc = project.add_document("A", TEXT).document
    cat = project.categories()[0].id
    for name in ("alice", "bob"):
        project.add_annotation(doc.id, cat, project.add_annotator(name).id, 0, 3)
    dialog = AgreementDialog(from_project(project))
    qtbot.addWidget(dialog)
    assert dialog.gold_tab is None and dialog.tabs.count() == 6
    assert not any("gold" in a.text().lower() for a in dialog.export_button.menu().actions())
