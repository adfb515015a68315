"""The import options dialog and the keyboard shortcuts dialog (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from annotator.core.documents.readers import ImportOptions
from annotator.gui.dialogs.import_dialog import ImportDialog
from annotator.gui.dialogs.shortcuts_dialog import ShortcutsDialog, describe_actions


@pytest.fixture
def chosen(tmp_path):
    """Make files (and folders) named as given; returns their paths."""
    def make(*names: str):
        paths = []
        for name in names:
            path = tmp_path / name
            if name.endswith("/"):
                path.mkdir()
            else:
                path.write_text("some text\n", encoding="utf-8")
            paths.append(path)
        return paths
    return make


def make_dialog(qtbot, paths) -> ImportDialog:
    dialog = ImportDialog(paths)
    qtbot.addWidget(dialog)
    return dialog


# -- ImportDialog -------------------------------------------------------------------------------

def test_defaults_give_the_default_options(qtbot, chosen):
    dialog = make_dialog(qtbot, chosen("a.txt", "b.md"))
    assert dialog.options() == ImportOptions()
    assert dialog.ok_button.isEnabled() and dialog.ok_button.isDefault()
    assert dialog.encoding_box.currentText() == "Detect automatically"
    assert dialog.blank_lines.value() == 2
    assert not dialog.split_choices.isEnabled()


def test_lists_what_was_chosen(qtbot, chosen):
    paths = chosen("a.txt", "b.csv", "corpus/")
    dialog = make_dialog(qtbot, paths)
    assert dialog.summary.text() == "2 files and 1 folder chosen:"
    items = [dialog.path_list.topLevelItem(i) for i in range(dialog.path_list.topLevelItemCount())]
    assert [i.text(0) for i in items] == ["a.txt", "b.csv", "corpus/"]
    assert items[2].toolTip(0) == str(paths[2])
    assert make_dialog(qtbot, chosen("only.txt")).summary.text() == "1 file chosen:"


def test_many_files_scroll_in_a_list_of_bounded_height(qtbot, chosen, shoot):
    few = make_dialog(qtbot, chosen("one.txt"))
    many = make_dialog(qtbot, chosen(*(f"file{i:02}.txt" for i in range(40))))
    assert many.summary.text() == "40 files chosen:"
    assert many.path_list.topLevelItemCount() == 40
    assert few.path_list.height() < many.path_list.height() <= 200
    shoot(many, "import-dialog-many-files.png")
    assert many.path_list.verticalScrollBar().maximum() > 0


@pytest.mark.parametrize("typed, expected", [
    ("Detect automatically", None), ("", None), ("utf-16", "utf-16"), ("latin-1", "latin-1"),
    (" koi8-r ", "koi8-r"), ("UTF8", "UTF8"),
])
def test_encoding(qtbot, chosen, typed, expected):
    dialog = make_dialog(qtbot, chosen("a.txt"))
    dialog.encoding_box.setEditText(typed)
    assert dialog.ok_button.isEnabled() and dialog.encoding_error.isHidden()
    assert dialog.options() == ImportOptions(encoding=expected)


def test_encoding_from_the_list(qtbot, chosen):
    dialog = make_dialog(qtbot, chosen("a.txt"))
    dialog.encoding_box.setCurrentIndex(dialog.encoding_box.findText("cp1252"))
    assert dialog.options().encoding == "cp1252"


@pytest.mark.parametrize("typed, message", [
    ("utf-9", "Unknown encoding “utf-9”."),
    ("base64", "“base64” is not a text encoding."),  # codecs.lookup knows it, bytes.decode refuses it
])
def test_refuses_an_unusable_encoding(qtbot, chosen, typed, message, shoot):
    dialog = make_dialog(qtbot, chosen("a.txt"))
    qtbot.keyClicks(dialog.encoding_box.lineEdit(), "x")  # typing, as a user would
    dialog.encoding_box.setEditText(typed)
    assert not dialog.ok_button.isEnabled()
    assert dialog.encoding_error.isVisibleTo(dialog) and dialog.encoding_error.text() == message
    shoot(dialog, f"import-dialog-bad-encoding-{typed}.png")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter does not get past the problem
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    dialog.encoding_box.setEditText("utf-8")
    assert dialog.ok_button.isEnabled() and dialog.encoding_error.isHidden()


def test_a_message_makes_room_instead_of_squeezing_the_rows(qtbot, chosen):
    dialog = make_dialog(qtbot, chosen("a.txt"))
    dialog.show()
    dialog.split_check.setChecked(True)
    before = dialog.height()
    dialog.encoding_box.setEditText("nonsense")
    qtbot.keyClicks(dialog.regex_edit, "(")
    assert dialog.height() > before
    assert dialog.blank_lines.height() >= dialog.blank_lines.sizeHint().height()
    assert dialog.regex_edit.height() >= dialog.regex_edit.sizeHint().height()


def test_split_on_blank_lines(qtbot, chosen):
    dialog = make_dialog(qtbot, chosen("a.txt"))
    dialog.split_check.setChecked(True)
    assert dialog.split_choices.isEnabled() and dialog.split_blank.isChecked()
    assert dialog.options() == ImportOptions(split_blank_lines=2)
    dialog.blank_lines.setValue(3)
    assert dialog.options() == ImportOptions(split_blank_lines=3)
    assert dialog.blank_lines.minimum() == 1  # as the CLI's --split-on-blank-lines
    dialog.split_check.setChecked(False)
    assert dialog.options() == ImportOptions()


def test_split_on_a_regex(qtbot, chosen, shoot):
    dialog = make_dialog(qtbot, chosen("a.txt"))
    dialog.split_check.setChecked(True)
    qtbot.keyClicks(dialog.regex_edit, r"^Chapter \d+")  # typing the pattern chooses that way to split
    assert dialog.split_regex.isChecked()
    assert dialog.options() == ImportOptions(split_regex=r"^Chapter \d+")
    assert dialog.ok_button.isEnabled()
    shoot(dialog, "import-dialog-split-regex.png")
    dialog.split_blank.setChecked(True)  # the pattern stays but is not used
    assert dialog.options() == ImportOptions(split_blank_lines=2)


def test_refuses_a_bad_regex(qtbot, chosen, shoot):
    dialog = make_dialog(qtbot, chosen("a.txt"))
    dialog.split_check.setChecked(True)
    qtbot.keyClicks(dialog.regex_edit, "^(Chapter")
    assert not dialog.ok_button.isEnabled()
    assert dialog.split_error.isVisibleTo(dialog)
    assert dialog.split_error.text().startswith("Invalid regular expression: missing ), unterminated subpattern")
    shoot(dialog, "import-dialog-bad-regex.png")
    # Not refused when the regex is not used.
    dialog.split_blank.setChecked(True)
    assert dialog.ok_button.isEnabled() and dialog.split_error.isHidden()
    dialog.split_regex.setChecked(True)
    assert not dialog.ok_button.isEnabled()
    dialog.split_check.setChecked(False)
    assert dialog.ok_button.isEnabled()
    dialog.split_check.setChecked(True)
    dialog.regex_edit.setText("^(Chapter)")
    assert dialog.ok_button.isEnabled() and dialog.split_error.isHidden()


def test_an_empty_regex_is_refused(qtbot, chosen):
    dialog = make_dialog(qtbot, chosen("a.txt"))
    dialog.split_check.setChecked(True)
    dialog.split_regex.setChecked(True)
    assert not dialog.ok_button.isEnabled()
    assert dialog.split_error.text().startswith("Type the regular expression")


@pytest.mark.parametrize("names, relevant", [
    (("a.txt", "b.docx", "c.pdf"), False),
    (("a.txt", "b.CSV"), True),
    (("a.tsv",), True),
    (("a.jsonl",), True),
    (("a.txt", "folder/"), True),  # a folder may hold tables
])
def test_column_fields_only_when_relevant(qtbot, chosen, names, relevant):
    dialog = make_dialog(qtbot, chosen(*names))
    assert dialog.text_field.isEnabled() is relevant and dialog.title_field.isEnabled() is relevant
    assert dialog.text_field.placeholderText() == "text" and dialog.title_field.placeholderText() == "title"


def test_column_fields(qtbot, chosen, shoot):
    dialog = make_dialog(qtbot, chosen("rows.csv"))
    qtbot.keyClicks(dialog.text_field, " body ")
    qtbot.keyClicks(dialog.title_field, "headline")
    assert dialog.options() == ImportOptions(text_field="body", title_field="headline")
    dialog.title_field.clear()
    assert dialog.options() == ImportOptions(text_field="body")
    shoot(dialog, "import-dialog-csv.png")


def test_everything_at_once_and_enter_imports(qtbot, chosen, shoot):
    dialog = make_dialog(qtbot, chosen("a.txt", "b.jsonl", "corpus/"))
    dialog.encoding_box.setEditText("cp1252")
    dialog.split_check.setChecked(True)
    dialog.blank_lines.setValue(4)
    dialog.text_field.setText("content")
    assert dialog.options() == ImportOptions(encoding="cp1252", split_blank_lines=4, text_field="content")
    shoot(dialog, "import-dialog-everything.png")
    qtbot.keyClick(dialog.text_field, Qt.Key.Key_Return)  # OK is the default button
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_shows_the_defaults(qtbot, chosen, shoot):
    dialog = make_dialog(qtbot, chosen("a.txt", "b.docx"))
    shoot(dialog, "import-dialog-default.png")
    assert dialog.isVisible() and dialog.windowTitle() == "Import documents"
    assert dialog.summary.text() == "2 files chosen:" and dialog.path_list.topLevelItemCount() == 2
    assert dialog.options() == ImportOptions() and dialog.ok_button.isDefault()


# -- choosing folders and seeing the documents each file makes (issue 13, points 16 and 17) ------

def _counts(dialog) -> dict[str, str]:
    """File (a folder's files as folder/path) → the Documents column."""
    tree, rows = dialog.path_list, {}
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        rows[item.text(0)] = item.text(1)
        for j in range(item.childCount()):
            rows[item.text(0) + item.child(j).text(0)] = item.child(j).text(1)
    return rows


def _wait_for_counts(qtbot, dialog) -> dict[str, str]:
    qtbot.waitUntil(lambda: not dialog.preview.busy, timeout=10000)
    return _counts(dialog)


def test_a_folder_can_be_added_and_its_files_are_listed_with_their_subfolders(qtbot, tmp_path, monkeypatch, shoot):
    from PySide6.QtWidgets import QFileDialog

    corpus = tmp_path / "corpus"
    (corpus / "2024" / "march").mkdir(parents=True)
    (corpus / "a.txt").write_text("First.\n", encoding="utf-8")
    (corpus / "2024" / "b.md").write_text("Second.\n", encoding="utf-8")
    (corpus / "2024" / "march" / "rows.csv").write_text("text\nr1\nr2\n", encoding="utf-8")
    (corpus / "notes.xyz").write_text("not importable")
    (tmp_path / "one.txt").write_text("One.\n", encoding="utf-8")
    dialog = make_dialog(qtbot, [tmp_path / "one.txt"])
    assert dialog.folder_note.isHidden() and not dialog.text_field.isEnabled()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(corpus))
    dialog.add_folder_button.click()
    assert dialog.paths == [tmp_path / "one.txt", corpus]
    assert dialog.summary.text() == "1 file and 1 folder chosen:"
    assert dialog.text_field.isEnabled()  # the folder may hold tables
    dialog.show()
    assert not dialog.folder_note.isHidden() and "with all their subfolders" in dialog.folder_note.text()
    assert _wait_for_counts(qtbot, dialog) == {
        "one.txt": "1 document", "corpus/": "4 documents from 3 files",
        "corpus/2024/b.md": "1 document", "corpus/2024/march/rows.csv": "2 documents", "corpus/a.txt": "1 document",
    }
    assert dialog.preview_label.text() == "Will make 5 documents from 4 files."
    dialog.resize(640, dialog.height())
    shoot(dialog, "import-dialog-folder.png")
    # Removing the folder (selecting one of its files selects it) leaves the file.
    dialog.path_list.topLevelItem(1).child(0).setSelected(True)
    dialog.remove_button.click()
    assert dialog.paths == [tmp_path / "one.txt"] and dialog.folder_note.isHidden()
    assert dialog.ok_button.isEnabled()
    dialog.remove_button.click()  # nothing selected: nothing removed
    dialog.path_list.topLevelItem(0).setSelected(True)
    dialog.remove_button.click()
    assert dialog.paths == [] and not dialog.ok_button.isEnabled()
    assert dialog.summary.text() == "Nothing chosen yet: add files or a folder."


def test_files_can_be_added_without_duplicates(qtbot, chosen, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    a, b = chosen("a.txt", "b.txt")
    dialog = make_dialog(qtbot, [a])
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_, **__: ([str(a), str(b)], ""))
    dialog.add_files_button.click()
    assert dialog.paths == [a, b]


def test_the_count_per_file_follows_the_split_options(qtbot, tmp_path, shoot):
    posts = tmp_path / "posts.txt"
    posts.write_text("First post\nbody\n\n\nSecond post\nbody\n\nstill the second\n\n\nThird\n", encoding="utf-8")
    book = tmp_path / "book.md"
    book.write_text("Chapter 1\nIt begins.\nChapter 2\nIt goes on.\nChapter 3\nIt ends.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    dialog = make_dialog(qtbot, [posts, book, empty])
    dialog.show()
    counts = _wait_for_counts(qtbot, dialog)
    assert counts == {"posts.txt": "1 document", "book.md": "1 document", "empty.txt": "file is empty"}
    assert dialog.preview_label.text() == "Will make 2 documents from 2 files; 1 file cannot be read."
    dialog.split_check.setChecked(True)  # at 2 or more blank lines
    assert _wait_for_counts(qtbot, dialog)["posts.txt"] == "3 documents"
    dialog.blank_lines.setValue(1)
    assert _wait_for_counts(qtbot, dialog)["posts.txt"] == "4 documents"
    qtbot.keyClicks(dialog.regex_edit, r"^Chapter \d")
    assert _wait_for_counts(qtbot, dialog) == {"posts.txt": "1 document", "book.md": "3 documents",
                                               "empty.txt": "file is empty"}
    assert dialog.preview_label.text() == "Will make 4 documents from 2 files; 1 file cannot be read."
    shoot(dialog, "import-dialog-counts.png")
    qtbot.keyClicks(dialog.regex_edit, "(")  # a pattern that cannot be used: no count until it is fixed
    assert _wait_for_counts(qtbot, dialog) == {"posts.txt": "", "book.md": "", "empty.txt": ""}
    assert dialog.preview_label.text() == ""


def test_the_count_is_made_by_the_import_code(qtbot, tmp_path, monkeypatch):
    from annotator.core.documents import importing

    (tmp_path / "a.txt").write_text("A.\n", encoding="utf-8")
    seen = []
    real = importing.read_file
    monkeypatch.setattr(importing, "read_file",
                        lambda path, options: seen.append((path, options)) or real(path, options))
    dialog = make_dialog(qtbot, [tmp_path / "a.txt"])
    dialog.show()
    _wait_for_counts(qtbot, dialog)
    assert seen == [(tmp_path / "a.txt", ImportOptions())]


# -- ShortcutsDialog ----------------------------------------------------------------------------

SECTIONS = [
    ("File", [("New Project…", "Ctrl+N"), ("Import Documents…", "Ctrl+I"), ("Quit", "Ctrl+Q")]),
    ("Annotate", [("Next document", "Ctrl+PgDown"), ("Delete annotation", "Del"), ("Add note", "—")]),
    ("Help", [("About Annotator", "—")]),
]


def make_shortcuts(qtbot, sections=SECTIONS) -> ShortcutsDialog:
    dialog = ShortcutsDialog(sections)
    qtbot.addWidget(dialog)
    return dialog


def test_shows_all_rows_grouped_by_section(qtbot, shoot):
    dialog = make_shortcuts(qtbot)
    assert dialog.visible_rows() == [(title, text, keys) for title, rows in SECTIONS for text, keys in rows]
    assert [dialog.tree.topLevelItem(i).text(0) for i in range(3)] == ["File", "Annotate", "Help"]
    assert dialog.filter_edit.placeholderText() == "Type to filter…"
    shoot(dialog, "shortcuts-dialog.png")


@pytest.mark.parametrize("typed, expected", [
    ("import", [("File", "Import Documents…", "Ctrl+I")]),
    ("  NEXT ", [("Annotate", "Next document", "Ctrl+PgDown")]),
    ("ctrl+q", [("File", "Quit", "Ctrl+Q")]),  # the shortcut column is searched too
    ("help", [("Help", "About Annotator", "—")]),  # a matching section shows all its rows
    ("o", [("File", "New Project…", "Ctrl+N"), ("File", "Import Documents…", "Ctrl+I"),
           ("Annotate", "Next document", "Ctrl+PgDown"), ("Annotate", "Delete annotation", "Del"),
           ("Annotate", "Add note", "—"), ("Help", "About Annotator", "—")]),
])
def test_filters_case_insensitively(qtbot, typed, expected):
    dialog = make_shortcuts(qtbot)
    qtbot.keyClicks(dialog.filter_edit, typed)
    assert dialog.visible_rows() == expected
    assert dialog.no_match.isHidden()


def test_filter_without_matches_and_back(qtbot, shoot):
    dialog = make_shortcuts(qtbot)
    qtbot.keyClicks(dialog.filter_edit, "zzz")
    assert dialog.visible_rows() == []
    assert dialog.no_match.isVisibleTo(dialog)
    assert all(dialog.tree.topLevelItem(i).isHidden() for i in range(3))
    shoot(dialog, "shortcuts-dialog-no-match.png")
    dialog.filter_edit.clear()
    assert len(dialog.visible_rows()) == 7 and dialog.no_match.isHidden()


def test_close_button_and_escape(qtbot):
    dialog = make_shortcuts(qtbot)
    dialog.show()
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_describe_actions(qtbot):
    from PySide6.QtWidgets import QWidget

    owner = QWidget()
    qtbot.addWidget(owner)
    new = QAction("&New Project…", owner)
    new.setShortcut(QKeySequence("Ctrl+N"))
    save_as = QAction("Save &As…", owner)
    save_as.setShortcuts([QKeySequence("Ctrl+Shift+S"), QKeySequence("F12")])
    about = QAction("&About Tom && Jerry", owner)
    actions = {"file.new": new, "file.save_as": save_as, "help.about": about}
    native = QKeySequence.SequenceFormat.NativeText
    assert describe_actions(actions) == [
        ("New Project…", QKeySequence("Ctrl+N").toString(native)),
        ("Save As…", f"{QKeySequence('Ctrl+Shift+S').toString(native)}, F12"),
        ("About Tom & Jerry", "—"),
    ]
    dialog = make_shortcuts(qtbot, [("Menu", describe_actions(actions))])
    assert [row[1] for row in dialog.visible_rows()] == ["New Project…", "Save As…", "About Tom & Jerry"]
