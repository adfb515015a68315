"""Tools → Agreement: the dashboard computes in the background, shows tables and heatmaps, opens a
disagreement in the text with both coders' layers, and exports CSV, JSON and HTML."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from annotator.gui.main_window import MainWindow

TEXT = ("The council will spend two million on bike lanes. Critics call it a waste of money. "
        "The mayor said the lanes would open in spring, and nobody believes her.")


@pytest.fixture
def window(qtbot, project, monkeypatch):
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: None)
    code_two_articles(project)
    win = MainWindow(project)
    qtbot.addWidget(win)
    win.resize(1300, 820)
    win.show()
    return win


def code_two_articles(project):
    """Two articles, each coded by alice and bob: one claim alike, one opinion of other lengths,
    and a prediction (alice) where bob saw an opinion elsewhere. Returns (alice, bob)."""
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
    return alice, bob


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
    assert len(overall) == 11  # with γ and γ-cat (γ-k is in the per-category table only)
    f1 = float(overall["Span F1, exact"])
    assert f1 == pytest.approx(1 / 3, abs=1e-3)  # 2 of 6 spans per coder per document match exactly
    assert float(overall["Span F1, overlap"]) == pytest.approx(2 / 3, abs=1e-3)
    assert dialog.per_category.rowCount() == 4 and dialog.per_document.rowCount() == 2
    assert dialog.pairs_map.values[0][1] == pytest.approx(2 / 3)  # overlap F1 of alice and bob
    assert dialog.confusion_map.rows[-1] == "(none)" and sum(map(sum, dialog.confusion_map.values)) > 0
    assert dialog.disagreements.rowCount() > 0
    from annotator.gui.dialogs.agreement_dialog import verdict

    alpha = dialog.report["overall"]["unitizing_alpha"]
    assert dialog.overall.item(0, 3).text() == verdict(alpha) != ""  # the reading aid per number
    # the bootstrap 95% interval beside the value (issue 18 point 5), the method in its tooltip
    ci = dialog.report["overall"]["unitizing_alpha_ci95"]
    assert dialog.overall.item(0, 2).text() == f"[{ci.low:.3f}, {ci.high:.3f}]"
    assert "resamples of the documents" in dialog.overall.item(0, 2).toolTip()
    rows = {dialog.overall.item(r, 0).text(): dialog.overall.item(r, 2).text() for r in range(8)}
    assert rows["Token κ (Cohen)"] == "" and rows["Span F1, overlap"].startswith("[")
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
    assert [dialog.lists["annotators"].item(i).text() for i in range(3)] == ["alice", "bob", "carol (no annotations)"]
    assert len(dialog.checked(dialog.lists["annotators"])) == 2
    compute(qtbot, dialog)
    assert "carol has no annotations in these sources; left out" in dialog.notes.text()  # issue 18 point 8
    item = dialog.disagreements.item(dialog.disagreements.rowCount() - 1, 0)
    data = item.data(0x0100)
    dialog._open_disagreement(item)
    assert window.document.id == data["document"]
    assert window.view.selection_range() is None  # outlined, not selected (issue 13, point 21)
    assert window.view.marked == [(data["start"], data["end"])]  # ASCII: Qt positions are code points
    coders = set(data["coders"])
    shown = {a for a in window.annotator_names if a not in window.view.hidden_annotators}
    assert shown == coders


def test_closing_the_main_window_closes_the_dashboard_and_reopening_makes_one(window, qtbot):
    """The dashboard is a window of its own: left open, it would keep the app running."""
    from annotator.gui.dialogs.agreement_dialog import AgreementDialog

    def shown():
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, AgreementDialog) and w.isVisible()]

    window.actions["tools.agreement"].trigger()
    window.actions["tools.agreement"].trigger()
    assert shown() == [window.schema.agreement_dialog]
    window.close()
    assert shown() == [] and window.schema.agreement_dialog is None


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


# -- issue 13, points 20 and 21 --------------------------------------------------------------------


def open_dashboard(window, qtbot):
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_a_value_that_rounds_to_zero_shows_as_zero_and_one_document_is_singular(window, qtbot):
    dialog = open_dashboard(window, qtbot)
    documents = dialog.lists["documents"]
    documents.item(1).setCheckState(Qt.CheckState.Unchecked)
    compute(qtbot, dialog)
    assert dialog.status.text() == "2 coders · 1 document"
    report = dict(dialog.report, overall=dict(dialog.report["overall"], token_kappa=-0.0001, token_alpha=-0.0004))
    dialog.show_report(report)
    table = dialog.overall
    shown = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert shown["Token κ (Cohen)"] == shown["Token α (Krippendorff)"] == "0.000"
    assert not any(text.startswith("-0.000") for text in shown.values())


def test_the_tables_fit_their_columns_at_the_default_size(window, qtbot, shoot):
    window.project.add_document("2026-03-14 Riverside Gazette — council budget debate on cycling infrastructure, "
                                "full transcript.txt", TEXT)
    dialog = open_dashboard(window, qtbot)
    compute(qtbot, dialog)
    for page, table in enumerate((dialog.overall, dialog.per_category, dialog.per_document, dialog.disagreements)):
        dialog.tabs.setCurrentIndex((0, 1, 4, 5)[page])
        qtbot.wait(10)
        header = table.horizontalHeader()
        assert header.length() <= table.viewport().width(), page
        assert not table.horizontalScrollBar().isVisible(), page
        fixed = [c for c in range(table.columnCount())
                 if header.sectionResizeMode(c) != header.ResizeMode.Stretch]
        for column in fixed:  # numbers, positions, headers: never cut
            needed = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
            assert header.sectionSize(column) >= needed, (page, column)
    shoot(dialog, "agreement-per-document.png")


def test_a_disagreement_shows_each_coder_s_quoted_text_and_a_compact_title(window, qtbot):
    long_title = "2026-03-14 Riverside Gazette — council budget debate on cycling infrastructure, full transcript.txt"
    dialog = open_dashboard(window, qtbot)
    first = next(iter(dialog.data.documents))
    dialog.data.documents[first] = long_title  # as if imported under that name
    compute(qtbot, dialog)
    table = dialog.disagreements
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Document", "Position", "alice", "bob"]
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert ["Opinion: “Critics call it a waste of money”", "nothing"] in [row[2:] for row in rows]
    assert ["nothing", "Opinion: “nobody believes her”"] in [row[2:] for row in rows]
    titles = {row[0] for row in rows}
    assert "Article 2" in titles and long_title not in titles
    short = next(t for t in titles if t != "Article 2")
    assert len(short) <= 40 and short.startswith("2026-03-14") and short.endswith("transcript.txt")
    assert table.item(0, 0).toolTip() == long_title


def test_opening_a_disagreement_outlines_it_in_view_and_brings_the_window_forward(qtbot, project, monkeypatch,
                                                                                   shoot):
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, **k: None)
    cats = {c.name: c.id for c in project.categories()}
    text = "\n\n".join(f"Paragraph {n}: the council met and talked about the budget." for n in range(300))
    doc = project.add_document("Minutes", text).document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    start = text.index("Paragraph 280")
    project.add_annotations([dict(document_id=doc.id, category_id=cats["Opinion"], annotator_id=alice.id,
                                  start=start, end=start + 40),
                             dict(document_id=doc.id, category_id=cats["Opinion"], annotator_id=bob.id,
                                  start=0, end=9)])
    window = MainWindow(project)
    qtbot.addWidget(window)
    window.resize(1300, 820)
    window.show()
    dialog = open_dashboard(window, qtbot)
    assert dialog.windowHandle().transientParent() is None  # not kept above the main window
    compute(qtbot, dialog)
    raised = []
    monkeypatch.setattr(window, "raise_", lambda: raised.append("raise"))
    monkeypatch.setattr(window, "activateWindow", lambda: raised.append("activate"))
    row = next(r for r in range(dialog.disagreements.rowCount())
               if dialog.disagreements.item(r, 0).data(0x0100)["start"] == start)
    dialog.disagreements.itemActivated.emit(dialog.disagreements.item(row, 1))
    view = window.view
    assert raised == ["raise", "activate"]
    assert view.selection_range() is None and view.marked == [(start, start + 40)]
    qtbot.wait(10)
    assert view.viewport().rect().contains(view.cursorRect())  # the place is on screen
    shoot(window, "agreement-disagreement-opened.png")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton)
    assert view.marked == []  # the outline goes with the next click


def test_long_names_in_the_choice_lists_are_cut_short_not_scrolled(qtbot):
    """The dashboard's Documents and Measures lists at their default size: a long title fits with
    "…" in its middle (no sideways scroll bar); the whole title is its tooltip."""
    from annotator.gui.widgets import check_list

    title = "Opinion: Norvale's “net zero by 2030” pledge is " + "a press release " * 8
    widget = check_list([("d1", title), ("d2", "Short")])
    qtbot.addWidget(widget)
    widget.resize(220, 120)
    widget.show()
    qtbot.waitExposed(widget)
    assert not widget.horizontalScrollBar().isVisible()
    assert widget.item(0).toolTip() == title


def test_the_confusion_pair_is_picked_and_exported(window, qtbot, tmp_path, monkeypatch):
    """Issue 18 point 8: a picker on the Confusion tab chooses the two coders; Export writes that pair."""
    project = window.project
    carol = project.add_annotator("carol")
    doc = project.documents()[0].id
    project.add_annotation(doc, project.categories()[0].id, carol.id, 0, 10)
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    dialog.lists["annotators"].item(2).setCheckState(Qt.CheckState.Checked)
    compute(qtbot, dialog)
    picker = dialog.confusion_pair
    assert [picker.itemText(i) for i in range(picker.count())] == ["alice / bob", "alice / carol", "bob / carol"]
    assert picker.currentIndex() == 0 and "alice's category" in dialog.confusion_label.text()
    picker.setCurrentIndex(2)
    assert "bob's category" in dialog.confusion_label.text() and dialog.confusion_map.column_title == "carol"
    target = tmp_path / "report.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.export("json")
    assert json.loads(target.read_text(encoding="utf-8"))["confusion"]["coders"] == ["bob", "carol"]


def test_unticking_a_category_keeps_the_documents_and_that_category_s_numbers(window, qtbot):
    """Issue 18 point 7 in the dashboard: in Article 2 bob marks only Opinion; a run on Factual claim
    alone still compares both articles, with the full report's numbers for it."""
    project = window.project
    second = project.documents()[1].id
    claim = next(c.id for c in project.categories() if c.name == "Factual claim")
    bob = next(a.id for a in project.annotators() if a.name == "bob")
    project.delete_annotations([r.id for r in project.annotation_rows(quote_limit=0)
                                if r.document_id == second and r.annotator_id == bob and r.category_id == claim],
                               by=bob)
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    compute(qtbot, dialog)
    full = dialog.report
    categories = dialog.lists["categories"]
    for i in range(categories.count()):
        if categories.item(i).data(Qt.ItemDataRole.UserRole) != claim:
            categories.item(i).setCheckState(Qt.CheckState.Unchecked)
    dialog.report = None
    compute(qtbot, dialog)
    assert dialog.report["documents"] == full["documents"] and len(full["documents"]) == 2
    follow = ("cu_alpha_2016", "gamma_k")  # both depend on the categories in the run
    mine = {k: v for k, v in dialog.report["per_category"][claim].items() if k not in follow}
    assert mine == {k: v for k, v in full["per_category"][claim].items() if k not in follow}


def test_a_measure_of_some_scopes_is_a_column_only_where_it_has_values(window, qtbot, monkeypatch):
    """gamma (overall and per document) and gamma_k (per category), as the gamma branch adds them:
    each shows in its own tables only."""
    from annotator.core.agreement import report as module
    from annotator.gui.dialogs import agreement_dialog

    extra = tuple(module.Measure(key, label, key, "test measure", **module._scopes(key))
                  for key, label in (("gamma", "Gamma γ"), ("gamma_k", "Gamma γ-k")))
    monkeypatch.setattr(module, "SPAN_MEASURES", module.SPAN_MEASURES + extra)
    for m in extra:
        monkeypatch.setitem(module.CATALOGUE, m.key, m)
    monkeypatch.setattr(agreement_dialog, "SPAN_MEASURES", module.SPAN_MEASURES)
    window.actions["tools.agreement"].trigger()
    dialog = window.schema.agreement_dialog
    qtbot.addWidget(dialog)
    compute(qtbot, dialog)
    rep = dialog.report
    rep["overall"]["gamma"] = 0.5
    for values in rep["per_category"].values():
        values["gamma_k"] = 0.25
    for values in rep["per_document"].values():
        values["gamma"] = 0.75
    dialog.show_report(rep)

    def headers(table):
        return [table.horizontalHeaderItem(c).text().replace("\n", " ") for c in range(table.columnCount())]

    assert "Gamma γ-k" in headers(dialog.per_category) and "Gamma γ" not in headers(dialog.per_category)
    assert "Gamma γ" in headers(dialog.per_document) and "Gamma γ-k" not in headers(dialog.per_document)
    overall = {dialog.overall.item(r, 0).text(): dialog.overall.item(r, 1).text()
               for r in range(dialog.overall.rowCount())}
    assert overall["Gamma γ"] == "0.500" and "Gamma γ-k" not in overall
    column = headers(dialog.per_category).index("Gamma γ-k")
    assert {dialog.per_category.item(r, column).text() for r in range(dialog.per_category.rowCount())} == {"0.250"}
