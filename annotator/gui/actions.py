"""Every user action in one table (id, title, shortcut, menu, handler); menus are built from it.

A handler is a callable given the main window and returning the slot, usually a controller's
method (``lambda w: w.files.open_project``). Later features add rows here, not menu code. The
Annotate menu also gets one action per category (its shortcut key), built from the schema, and
the View menu the panels' show/hide toggles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction, QKeySequence

Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    id: str
    title: str
    menu: str
    handler: Callable[[Any], Callable[..., Any]]  # the window → the slot
    shortcut: QKeySequence.StandardKey | str | None = None
    tip: str = ""
    separator_before: bool = False
    checkable: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("file.new", "&New Project…", "&File", lambda w: w.files.new_project, Key.New,
               "Create a new project file with the default Claims schema"),
    ActionSpec("file.new_from_template", "New Project from &Template…", "&File",
               lambda w: w.files.new_project_from_template,
               None, "Create a new project whose schema is a saved template"),
    ActionSpec("file.new_from_handout", "New Project from &Handout…", "&File",
               lambda w: w.files.new_project_from_handout, None,
               "Start a coder's project from a lead's handout: its documents, schema and settings"),
    ActionSpec("file.open", "&Open Project…", "&File", lambda w: w.files.open_project,
               Key.Open, "Open an existing project file"),
    ActionSpec("file.open_server", "Open Ser&ver Project…", "&File", lambda w: w.files.open_server_project, None,
               "Open a project in a PostgreSQL database, by its URL (postgresql://user@host/dbname)"),
    ActionSpec("file.sample", "Open &Sample Project", "&File", lambda w: w.files.open_sample_project, None,
               "A few short articles with example annotations, to try annotating"),
    ActionSpec("file.import", "&Import Documents…", "&File", lambda w: w.files.import_documents, "Ctrl+I",
               "Import .txt, .md, .html, .docx, .pdf, .csv, .tsv or .jsonl files, or whole folders",
               separator_before=True),
    ActionSpec("file.import_folder", "Import Fol&der…", "&File", lambda w: w.files.import_folder, None,
               "Import every supported file in a folder and its subfolders"),
    ActionSpec("file.import_annotations", "Import &Annotations…", "&File", lambda w: w.files.import_annotations,
               "Ctrl+Shift+I",
               "Import export files from other coders: documents, categories, coders and annotations"),
    ActionSpec("file.export_annotations", "&Export Annotations…", "&File", lambda w: w.files.export_annotations,
               "Ctrl+E",
               "Export the project as Annotator JSON, CSV, doccano JSONL or W3C Web Annotation"),
    ActionSpec("file.save_copy", "Save a &Copy…", "&File", lambda w: w.files.save_copy, None,
               "Write a checked single-file copy of the project, safe to send or keep while it is open"),
    ActionSpec("file.restore", "&Restore from Backup…", "&File", lambda w: w.files.restore_backup, None,
               "Go back to one of the project's automatic backups (the current state is backed up first)"),
    ActionSpec("file.project_settings", "Project Se&ttings…", "&File", lambda w: w.files.project_settings, None,
               "Settings for the whole team, such as blind coding", separator_before=True),
    ActionSpec("file.switch_annotator", "S&witch Annotator…", "&File", lambda w: w.files.switch_annotator, None,
               "Change the name new annotations are made under"),
    # "Ctrl+Q" rather than StandardKey.Quit, which is empty on some Linux desktops; Qt shows Cmd+Q on macOS.
    ActionSpec("file.quit", "&Quit", "&File", lambda w: w.close, "Ctrl+Q", "Quit Annotator", separator_before=True),
    ActionSpec("edit.undo", "&Undo", "&Edit", lambda w: w.annotating.undo, Key.Undo, "Undo the last edit"),
    ActionSpec("edit.redo", "&Redo", "&Edit", lambda w: w.annotating.redo, "Ctrl+Shift+Z", "Redo the edit undone last"),
    ActionSpec("edit.find", "&Find in Document…", "&Edit", lambda w: w.annotating.find,
               Key.Find, "Search the open document",
               separator_before=True),
    ActionSpec("edit.find_next", "Find &Next", "&Edit", lambda w: w.annotating.find_next, "F3"),
    ActionSpec("edit.find_previous", "Find Pre&vious", "&Edit", lambda w: w.annotating.find_previous, "Shift+F3"),
    ActionSpec("edit.annotate_all", "&Annotate All Matches…", "&Edit", lambda w: w.annotating.annotate_all_matches,
               "Ctrl+Shift+A",
               "Annotate every match of the search with the category chosen in the find bar"),
    ActionSpec("edit.delete_document", "&Delete Document…", "&Edit", lambda w: w.annotating.delete_current_document,
               None,
               "Delete the open document and its annotations (undoable)", separator_before=True),
    ActionSpec("edit.lead_override", "Allow &Changing Other Coders' Annotations", "&Edit",
               lambda w: w.annotating.ownership.toggle_override, None,
               "For a lead cleaning up: let this project's coders change and delete each other's annotations",
               separator_before=True, checkable=True),
    ActionSpec("annotate.delete", "&Delete Annotation", "&Annotate", lambda w: w.annotating.delete_selected, Key.Delete,
               "Delete the selected annotation(s)", separator_before=True),
    ActionSpec("annotate.start_left", "Move Start &Left", "&Annotate", lambda w: w.annotating.move_start_left,
               "Alt+Left",
               "Widen the selected annotation by one character at its start"),
    ActionSpec("annotate.start_right", "Move Start &Right", "&Annotate", lambda w: w.annotating.move_start_right,
               "Alt+Right",
               "Narrow the selected annotation by one character at its start"),
    ActionSpec("annotate.end_left", "Move End L&eft", "&Annotate", lambda w: w.annotating.move_end_left,
               "Alt+Shift+Left",
               "Narrow the selected annotation by one character at its end"),
    ActionSpec("annotate.end_right", "Move End Ri&ght", "&Annotate", lambda w: w.annotating.move_end_right,
               "Alt+Shift+Right",
               "Widen the selected annotation by one character at its end"),
    ActionSpec("annotate.edit_note", "Edit &Note", "&Annotate", lambda w: w.annotating.edit_note, "Ctrl+Return",
               "Write a note on the selected annotation"),
    ActionSpec("annotate.cycle_status", "Cycle My Document Stat&us", "&Annotate", lambda w: w.statuses.cycle_current,
               "Ctrl+Shift+D", "Your status of the open document: not started → in progress → done"),
    ActionSpec("annotate.copy_to_mine", "&Copy to My Layer", "&Annotate",
               lambda w: lambda: w.annotating.ownership.copy_to_mine(), None,
               "Make an annotation of your own with the selected annotation's span and category"),
    ActionSpec("annotate.snap", "&Snap to Word Boundaries", "&Annotate", lambda w: w.annotating.toggle_snap,
               "Ctrl+Shift+W",
               "Widen new annotations to whole words", separator_before=True, checkable=True),
    ActionSpec("schema.edit", "&Edit Categories…", "&Schema", lambda w: w.schema.edit_schema, "Ctrl+Shift+K",
               "Add, rename, recolour, reorder, merge or delete categories; keys, guidelines, attributes"),
    ActionSpec("schema.guidelines", "Coding &Guidelines", "&Schema", lambda w: w.schema.show_guidelines, None,
               "The schema's categories with colours, keys and guidelines, as a page to read or print"),
    ActionSpec("schema.import", "&Import Schema…", "&Schema", lambda w: w.schema.import_schema, None,
               "Merge categories from an Annotator schema (.json) or a REFI-QDA codebook (.qdc)",
               separator_before=True),
    ActionSpec("schema.export", "&Export Schema…", "&Schema", lambda w: w.schema.export_schema, None,
               "Write the categories as an Annotator schema (.json) or a REFI-QDA codebook (.qdc)"),
    ActionSpec("schema.save_template", "Save Schema as &Template…", "&Schema",
               lambda w: w.schema.save_schema_as_template, None,
               "Keep this schema so new projects can start from it", separator_before=True),
    ActionSpec("tools.agreement", "&Agreement…", "&Tools", lambda w: w.schema.show_agreement, "Ctrl+Shift+G",
               "Inter-annotator agreement: unitizing alpha, span F1, token kappa and alpha, per category and document"),
    ActionSpec("tools.adjudicate", "Ad&judicate…", "&Tools", lambda w: lambda: _adjudicate(w), "Ctrl+Shift+R",
               "Make the gold standard: go through the coders' disagreements unit by unit and decide each"),
    ActionSpec("tools.status_matrix", "Document &Status Matrix…", "&Tools", lambda w: w.statuses.show_matrix, None,
               "Every document's status for every coder: not started, in progress, done"),
    ActionSpec("view.next_document", "&Next Document", "&View", lambda w: w.panels.next_document, "Ctrl+PgDown"),
    ActionSpec("view.previous_document", "&Previous Document", "&View", lambda w: w.panels.previous_document,
               "Ctrl+PgUp"),
    ActionSpec("view.focus_documents", "Go to &Documents", "&View", lambda w: w.panels.focus_documents, "Ctrl+1",
               separator_before=True),
    ActionSpec("view.focus_text", "Go to &Text", "&View", lambda w: w.panels.focus_text, "Ctrl+2"),
    ActionSpec("view.focus_table", "Go to Annotation &Table", "&View", lambda w: w.panels.focus_table, "Ctrl+3"),
    ActionSpec("view.focus_layers", "Go to &Layers", "&View", lambda w: w.panels.focus_layers, "Ctrl+4"),
    ActionSpec("view.only_mine", "Show &Only My Annotations", "&View", lambda w: w.panels.toggle_only_mine, "Ctrl+M",
               separator_before=True, checkable=True),
    ActionSpec("view.show_all", "Show &All Layers", "&View", lambda w: w.panels.show_all_layers, "Ctrl+Shift+L"),
    ActionSpec("view.corpus_table", "Table: Whole &Corpus", "&View", lambda w: w.panels.toggle_corpus_table,
               "Ctrl+Shift+T",
               "List the annotations of every document in the table", checkable=True),
    ActionSpec("help.shortcuts", "&Keyboard Shortcuts", "&Help", lambda w: w.annotating.show_shortcuts, "F1"),
    ActionSpec("help.documentation", "&Documentation", "&Help", lambda w: lambda: w.files.show_documentation(),
               None, "The documentation installed with Annotator: the workspace, formats, agreement measures"),
    ActionSpec("help.agreement", "&Agreement Measures", "&Help",
               lambda w: lambda: w.files.show_documentation("agreement-spans.md"), None,
               "What each agreement measure means and how to read it"),
    ActionSpec("help.guidelines", "Coding &Guidelines", "&Help", lambda w: w.schema.show_guidelines, None,
               "The schema's categories with colours, keys and guidelines, as a page to read or print"),
    ActionSpec("help.about", "&About Annotator", "&Help", lambda w: w.files.show_about,
               None, "Version and data folders"),
)

# Keys the document view handles itself (listed in Help → Keyboard shortcuts).
VIEW_KEYS: tuple[tuple[str, str], ...] = (
    ("Select text", "Shift+arrows, or drag with the mouse"),
    ("Select the annotation under the mouse", "Click"),
    ("Next / previous annotation at the same place", "Click again, or Tab / Shift+Tab"),
    ("Move an edge of the selected annotation", "Drag its first or last character's edge"),
    ("Clear the selection", "Esc"),
    ("Context menu (annotate, change, delete)", "Right click, or the Menu key"),
)


def _adjudicate(window) -> None:
    from annotator.gui.adjudication import open_adjudication  # the window's modules load when first opened

    open_adjudication(window)


def build_actions(window) -> dict[str, QAction]:
    """Create the QActions for ``window`` and its menu bar, in table order; the menus are kept in
    ``window.menus`` by title."""
    actions: dict[str, QAction] = {}
    menus: dict[str, object] = {}
    for spec in ACTIONS:
        action = QAction(spec.title, window)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
        action.setCheckable(spec.checkable)
        action.triggered.connect(spec.handler(window))
        if spec.menu not in menus:
            menus[spec.menu] = window.menuBar().addMenu(spec.menu)
        if spec.separator_before:
            menus[spec.menu].addSeparator()
        menus[spec.menu].addAction(action)
        actions[spec.id] = action
    window.menus = menus
    return actions
