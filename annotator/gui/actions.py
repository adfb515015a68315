"""Every user action in one table (id, title, shortcut, menu, handler); menus are built from it.

Handlers are method names on the main window. Later features add rows here, not menu code.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence


@dataclass(frozen=True)
class ActionSpec:
    id: str
    title: str
    menu: str
    handler: str
    shortcut: QKeySequence.StandardKey | str | None = None
    tip: str = ""
    separator_before: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("file.new", "&New Project…", "&File", "new_project", QKeySequence.StandardKey.New,
               "Create a new project file with the default Claims schema"),
    ActionSpec("file.open", "&Open Project…", "&File", "open_project", QKeySequence.StandardKey.Open,
               "Open an existing project file"),
    ActionSpec("file.import", "&Import Documents…", "&File", "import_documents", "Ctrl+I",
               "Import .txt, .md, .html, .docx, .pdf, .csv, .tsv or .jsonl files, or whole folders",
               separator_before=True),
    ActionSpec("file.import_annotations", "Import &Annotations…", "&File", "import_annotations", "Ctrl+Shift+I",
               "Import export files from other coders: documents, categories, coders and annotations"),
    ActionSpec("file.export_annotations", "&Export Annotations…", "&File", "export_annotations", "Ctrl+E",
               "Export the project as Annotator JSON, CSV, doccano JSONL or W3C Web Annotation"),
    # "Ctrl+Q" rather than StandardKey.Quit, which is empty on some Linux desktops; Qt shows Cmd+Q on macOS.
    ActionSpec("file.quit", "&Quit", "&File", "close", "Ctrl+Q", "Quit Annotator", separator_before=True),
    ActionSpec("help.about", "&About Annotator", "&Help", "show_about", None, "Version and data folders"),
)


def build_actions(window) -> dict[str, QAction]:
    """Create the QActions for ``window`` and its menu bar, in table order."""
    actions: dict[str, QAction] = {}
    menus: dict[str, object] = {}
    for spec in ACTIONS:
        action = QAction(spec.title, window)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.tip:
            action.setStatusTip(spec.tip)
            action.setToolTip(spec.tip)
        action.triggered.connect(getattr(window, spec.handler))
        if spec.menu not in menus:
            menus[spec.menu] = window.menuBar().addMenu(spec.menu)
        if spec.separator_before:
            menus[spec.menu].addSeparator()
        menus[spec.menu].addAction(action)
        actions[spec.id] = action
    return actions
