"""Tools → Agreement: the dashboard computes in the background, shows tables and heatmaps, opens a
disagreement in the text with both coders' layers, and exports CSV, JSON and HTML."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.gui.main_window import MainWindow

TEXT = ("The council will spend two million on bike lanes. Critics call it a waste of money. "
        "The mayor said the lanes would open in spring, and nobody believes her.")


@pytest.fixture
def window(qtbot, project, monkeypatch):
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: None)
    cats = {c.name: c.id for c in project.categories()}
    docs = [project.add_document(f"Article {n}", TEXT + f" ({n})").document for n in (1, 2)]
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")

    def span(quote):
        start = TEXT.index(quote)
        return start, start + len(quote)

    items = []
    for doc in docs:
        for coder, quote, cat in ((alice, "The council will spend two million on bike lanes", "Factual claim"),
                                  (bob, "The council will spend two million on bike lanes", "Factual claim"),
                                  (alice, "Critics call it a waste of money", "Opinion"),
                                  (bob, "Critics call it a waste", "Opinion"),
                                  (alice, "the lanes would open in spring", "Prediction"),
                                  (bob, "nobody believes her", "Opinion")):
            start, end = span(quote)
            items.append(dict(document_id=doc.id, category_id=cats[cat], annotator_id=coder.id, start=start, end=end))
    project.add_annotations(items)
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.resize(1300, 820)
    win.show()
    return win


def compute(qtbot, dialog):
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.operation is None, timeout=30000)


def test_dashboard_computes_and_shows_every_part(window, qtbot, shoot):
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    compute(qtbot, dialog)
    overall = {dialog.overall.item(r, 0).text(): dialog.overall.item(r, 1).text()
               for r in range(dialog.overall.rowCount())}
    assert len(overall) == 8
    f1 = float(overall["Span F1, exact"])
    assert f1 == pytest.approx(1 / 3, abs=1e-3)  # 2 of 6 spans per coder per document match exactly
    assert float(overall["Span F1, overlap"]) == pytest.approx(2 / 3, abs=1e-3)
    assert dialog.per_category.rowCount() == 4 and dialog.per_document.rowCount() == 2
    assert dialog.pairs_map.values[0][1] == pytest.approx(2 / 3)  # overlap F1 of alice and bob
    assert dialog.confusion_map.rows[-1] == "(none)" and sum(map(sum, dialog.confusion_map.values)) > 0
    assert dialog.disagreements.rowCount() > 0
    from annotator.gui.dialogs.agreement_dialog import verdict

    alpha = dialog.report["overall"]["unitizing_alpha"]
    assert dialog.overall.item(0, 2).text() == verdict(alpha) != ""  # the reading aid per number
    assert verdict(0.85) == "reliable (≥ 0.800)"
    assert verdict(0.7).startswith("tentative") and verdict(0.2).startswith("unreliable")
    dialog.tabs.setCurrentIndex(2)
    shoot(dialog, "agreement-pairs.png")
    dialog.tabs.setCurrentIndex(0)
    shoot(dialog, "agreement-overall.png")


def test_a_disagreement_opens_the_document_with_both_coders_layers(window, qtbot):
    window.project.add_annotator("carol")  # a third coder without annotations: not checked at first
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    assert [dialog.lists["annotators"].item(i).text() for i in range(3)] == ["alice", "bob", "carol"]
    assert len(dialog.checked(dialog.lists["annotators"])) == 2
    compute(qtbot, dialog)
    item = dialog.disagreements.item(dialog.disagreements.rowCount() - 1, 0)
    data = item.data(0x0100)
    dialog._open_disagreement(item)
    assert window.document.id == data["document"]
    assert window.view.selection_range() == (data["start"], data["end"])
    coders = set(data["coders"])
    shown = {a for a in window.annotator_names if a not in window.view.hidden_annotators}
    assert shown == coders


def test_report_exports_to_csv_json_and_html(window, qtbot, tmp_path, monkeypatch):
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    compute(qtbot, dialog)
    for fmt in ("csv", "json", "html"):
        target = tmp_path / f"report.{fmt}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, _target=target, **k: (str(_target), ""))
        dialog.export(fmt)
        assert target.is_file()
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert set(data["overall"]) >= {"unitizing_alpha", "span_f1_exact", "token_kappa"}
    assert data["names"]["annotators"]
    rows = (tmp_path / "report.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "scope,item,measure,value,note" and any(r.startswith("overall,,span_f1_exact,") for r in rows)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Krippendorff" in page and "alice" in page


def test_cli_and_dashboard_write_the_same_bytes(window, qtbot, tmp_path, monkeypatch, capsys):
    from annotator.cli import main

    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    compute(qtbot, dialog)
    for fmt, raw in (("json", False), ("csv", False), ("csv", True), ("html", False)):
        target = tmp_path / f"report-{raw}.{fmt}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, _target=target, **k: (str(_target), ""))
        dialog.raw_csv.setChecked(raw)
        dialog.export(fmt)
        capsys.readouterr()
        assert main(["agreement", str(window.project.path), "--format", fmt] + (["--raw-csv"] if raw else [])) == 0
        out, err = capsys.readouterr()
        assert err == "" and out.encode("utf-8") == target.read_bytes(), fmt


def test_agreement_needs_two_coders(qtbot, project, monkeypatch):
    seen = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: seen.append(text))
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.actions["tools.agreement"].trigger()
    assert seen and "at least two coders" in seen[0]
