"""The main window (offscreen): default project on first run, document list, text, import, dialogs."""

from PySide6.QtWidgets import QFileDialog

from annotator.core.documents.readers import ImportOptions
from annotator.core.schema.templates import create_project
from annotator.gui import main_window as mw
from annotator.gui.app import open_main_window
from annotator.gui.operations import Operation


def test_first_run_opens_the_default_project_with_the_claims_schema(qtbot, annotator_home, shoot):
    window = open_main_window()
    qtbot.addWidget(window)
    default = annotator_home / "data" / "default.annotator"
    assert window.project.path == default and default.is_file()
    assert window.windowTitle() == "default — Annotator"
    assert window.stack.currentIndex() == 0  # the empty state with its import button
    assert window.import_button.text() == "Import documents…"
    assert window.sample_button.text() == "Open sample project"
    first = window.palette.list.topLevelItem(0)
    assert (first.text(0), first.text(1)) == ("Factual claim", "F")
    assert window.status_label.text().startswith("0 documents · 0 annotations · ")
    shoot(window, "main-window-empty.png")


def test_menus_are_built_from_the_actions_table(qtbot, project):
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    menus = {a.text(): [x.text() or "---" for x in a.menu().actions()] for a in window.menuBar().actions()}
    assert menus["&File"] == ["&New Project…", "New Project from &Template…", "New Project from &Handout…",
                              "&Open Project…", "Open Ser&ver Project…", "Open &Recent",
                              "Open &Sample Project", "---",
                              "&Import Documents…", "Import Fol&der…", "Import &Annotations…", "&Export Annotations…",
                              "Save a &Copy…",
                              "&Restore from Backup…", "---",
                              "Project Se&ttings…", "S&witch Annotator…", "---", "&Quit"]
    assert list(menus) == ["&File", "&Edit", "&Annotate", "&Schema", "&Tools", "&View", "&Help"]
    assert menus["&Annotate"][:4] == ["Annotate as Factual claim", "Annotate as Opinion",
                                      "Annotate as Unverified allegation", "Annotate as Prediction"]
    assert window.actions["file.quit"].shortcut().toString() == "Ctrl+Q"
    assert window.actions["file.import"].shortcut().toString() == "Ctrl+I"


def test_lists_documents_and_shows_the_selected_text(qtbot, project, shoot):
    project.add_document("First article", "Opening line “quoted” 😀\n\nA second paragraph.", source="a.txt")
    second = project.add_document("Second article", "Another text\u00a0with NBSP.", source="b.txt").document
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    model = window.documents_model
    assert model.rowCount() == 2 and window.stack.currentIndex() == 1
    assert [model.index(r, 0).data() for r in range(2)] == ["First article", "Second article"]
    assert window.view.toPlainText() == "Opening line “quoted” 😀\n\nA second paragraph."
    window.corpus.table.selectRow(1)
    assert window.text_title.text() == "Second article"
    # toPlainText() turns NBSP into a space; the document itself keeps the exact characters.
    shown = window.view.document().toRawText().replace("\u2029", "\n")
    assert shown == project.document(second.id).text
    assert window.view.isReadOnly()
    assert window.status_label.text().startswith("2 documents · 0 annotations")
    shoot(window, "main-window-documents.png")


def test_import_runs_in_the_background_and_reports(qtbot, project, tmp_path, dialogs):
    good = tmp_path / "good.txt"
    good.write_text("A good text.\n")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a docx")
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.context.operationEnded, timeout=20000):
        window.files.start_import([str(good), str(bad)], ImportOptions())
    assert window.documents_model.rowCount() == 1
    assert window.stack.currentIndex() == 1
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("warning", "Import finished")
    assert "1 document(s) imported" in text and "bad.docx: not a valid .docx file" in text


def test_opening_something_that_is_not_a_project_shows_a_dialog(qtbot, project, tmp_path, dialogs, monkeypatch):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a project")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(notes), ""))
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    window.files.open_project()
    [(kind, title, text)] = dialogs
    assert kind == "warning" and str(notes) in text and "not an Annotator project" in text
    assert window.project is project  # still on the old project
    assert notes.read_text() == "not a project"


def test_open_and_new_project_switch_the_window(qtbot, project, tmp_path, monkeypatch):
    other = tmp_path / "other.annotator"
    with create_project(other, name="Other") as p:
        p.add_document("Only", "only text")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    window.files.open_project()
    assert window.windowTitle() == "Other — Annotator"
    assert window.documents_model.rowCount() == 1
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "fresh"), ""))
    window.files.new_project()
    assert window.project.path == tmp_path / "fresh.annotator"
    assert window.stack.currentIndex() == 0


def test_window_state_is_kept_in_annotator_home(qtbot, project, annotator_home):
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.close()
    settings = annotator_home / "config" / "settings.ini"
    assert settings.is_file() and "geometry" in settings.read_text()


def test_qt_own_settings_also_go_to_annotator_home(qtbot, project, annotator_home):
    from PySide6.QtCore import QSettings

    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    qt_file = QSettings(QSettings.Scope.UserScope, "QtProject").fileName()  # where QFileDialog keeps history
    assert qt_file.startswith(str(annotator_home / "config"))


def _in_background(qtbot, window, start):
    """Start background work inside the wait, so its end cannot come before the wait begins."""
    with qtbot.waitSignal(window.context.operationEnded, timeout=20000):
        start()


def test_export_and_import_annotations_in_the_background(qtbot, project, tmp_path, dialogs):
    doc = project.add_document("Doc", "A text with 😀 and a “claim”.").document
    coder = project.add_annotator("alice")
    start = "A text with 😀 and a “claim”.".index("“claim”")
    project.add_annotation(doc.id, project.categories()[0].id, coder.id, start, start + 7)
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    for name in ("team.json", "team.csv", "team.jsonld"):
        _in_background(qtbot, window, lambda name=name: window.files.start_export(tmp_path / name))
        assert (tmp_path / name).is_file()
    assert [d[1] for d in dialogs] == ["Export finished"] * 3
    with create_project(tmp_path / "other.annotator", template=None) as other:
        second = mw.MainWindow(other)
        qtbot.addWidget(second)
        _in_background(qtbot, second, lambda: second.files.start_annotation_import([str(tmp_path / "team.json")]))
        assert dialogs[-1][1] == "Annotations imported"
        assert "annotations: 1 added" in dialogs[-1][2]
        assert second.documents_model.rowCount() == 1
        assert "1 annotation" in second.status_label.text()


def test_a_bad_export_file_shows_one_message_and_changes_nothing(qtbot, project, tmp_path, dialogs, dump):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "annotator-export", "version": 9}')
    before = dump(project)
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    _in_background(qtbot, window, lambda: window.files.start_annotation_import([str(bad)]))
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("critical", "Import annotations failed")
    assert text.startswith(f"{bad}: export version 9 was written by a newer Annotator")
    assert dump(project) == before


def test_background_results_arrive_on_the_gui_thread(qtbot, project):
    from PySide6.QtCore import QThread

    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    seen = {}

    def task(project, progress):
        seen["task"] = QThread.currentThread()
        return 42

    Operation(window, task, label="Test", context=window.context).success(
        lambda result: seen.update(done=QThread.currentThread(), result=result)).run()
    qtbot.waitUntil(lambda: "done" in seen, timeout=10000)
    gui = window.thread()
    assert seen["result"] == 42
    assert seen["done"] is gui or seen["done"] == gui
    assert seen["task"] != gui


def test_export_dialog_limits_what_is_exported(qtbot, project, tmp_path, dialogs, monkeypatch, shoot):
    import json

    from PySide6.QtCore import Qt

    from annotator.gui.dialogs.export_dialog import ExportDialog

    doc = project.add_document("Doc", "Alice and Bob disagree here.").document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    cats = project.categories()
    project.add_annotation(doc.id, cats[0].id, alice.id, 0, 5)
    project.add_annotation(doc.id, cats[1].id, bob.id, 10, 13)
    dialog = ExportDialog(project)
    qtbot.addWidget(dialog)
    coders = dialog.lists["annotators"]
    for row in range(coders.count()):
        if coders.item(row).text() == "bob":
            coders.item(row).setCheckState(Qt.CheckState.Unchecked)
    dialog.include_text.setChecked(False)
    dialog.show()
    shoot(dialog, "export-dialog.png")
    fmt, extension, scope, include_text = dialog.choice()
    assert (fmt, extension, include_text) == ("annotator", ".json", False)
    assert scope.annotators == frozenset({alice.id}) and scope.documents is None and scope.categories is None
    dialog.format_box.setCurrentIndex(1)
    assert dialog.choice()[:2] == ("csv", ".csv") and not dialog.include_text.isEnabled()

    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    _in_background(qtbot, window, lambda: window.files.start_export(tmp_path / "alice.json", fmt, scope, include_text))
    data = json.loads((tmp_path / "alice.json").read_text(encoding="utf-8"))
    assert [a["annotator_id"] for a in data["annotations"]] == [alice.id]
    assert "text" not in data["documents"][0]


def test_export_dialog_exports_the_gold_standard_alone(qtbot, project, tmp_path, dialogs, shoot):
    """Issue 15, point 8: "Gold standard only" in the export dialog; the file holds the gold
    annotations and the decisions, not the coders' annotations."""
    import json

    from annotator.core.agreement.adjudication import adjudication_units
    from annotator.core.exchange.export_file import GOLD_ONLY
    from annotator.core.project.gold import GoldSpan
    from annotator.core.storage.tables import GOLD_ID
    from annotator.gui.dialogs.export_dialog import ExportDialog

    doc = project.add_document("Doc", "Alice and Bob disagree here.").document
    alice, bob = project.add_annotator("alice"), project.add_annotator("bob")
    cats = project.categories()
    a = project.add_annotation(doc.id, cats[0].id, alice.id, 0, 5)
    project.add_annotation(doc.id, cats[1].id, bob.id, 0, 9)
    before = ExportDialog(project)
    qtbot.addWidget(before)
    assert not before.gold_only.isEnabled()  # no gold standard yet
    [unit] = adjudication_units(project)
    project.decide(doc.id, unit_id=unit.id, start=0, end=9, kind="accepted", spans=[GoldSpan(0, 5, cats[0].id)],
                   sources=[a.id], by=alice.id)
    dialog = ExportDialog(project)
    qtbot.addWidget(dialog)
    assert dialog.gold_only.isEnabled() and dialog.gold_only.text().startswith("Gold standard only")
    dialog.gold_only.setChecked(True)
    assert not dialog.lists["annotators"].isEnabled()
    dialog.show()
    shoot(dialog, "export-dialog-gold.png")
    fmt, extension, scope, include_text = dialog.choice()
    assert scope.annotators == GOLD_ONLY
    window = mw.MainWindow(project)
    qtbot.addWidget(window)
    _in_background(qtbot, window, lambda: window.files.start_export(tmp_path / "gold.json", fmt, scope, include_text))
    data = json.loads((tmp_path / "gold.json").read_text(encoding="utf-8"))
    assert {x["annotator_id"] for x in data["annotations"]} == {GOLD_ID}
    assert [d["kind"] for d in data["decisions"]] == ["accepted"]
    blind = ExportDialog(project, only=alice.id)  # a coder under blind coding exports their own work only
    qtbot.addWidget(blind)
    assert not blind.gold_only.isEnabled()
