"""The main window's controllers, one per kind of work, composed by ``MainWindow``:
``files`` (projects, imports, exports, backups, the coder's name), ``annotating`` (edits, find,
the category actions, help), ``schema`` (the category editor, guidelines, schema files,
agreement) and ``panels`` (the View menu). Each is built with what it uses: the window (as the
``Workspace`` below: its widgets and the ways it shows things), the ``ProjectContext`` and, for
edits, the ``History``. Controllers never set state on the window."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QStatusBar

from annotator.gui.models import DocumentTableModel
from annotator.gui.panels.annotation_table import AnnotationTablePanel
from annotator.gui.panels.corpus import CorpusPanel
from annotator.gui.panels.details import DetailsPanel
from annotator.gui.panels.find_bar import FindBar
from annotator.gui.panels.layers import LayersPanel
from annotator.gui.views.document_view import DocumentView


class Workspace(Protocol):
    """What controllers use of the main window (a QMainWindow, also the parent of their dialogs)."""

    document: object | None  # the open Document
    categories: list
    category_names: dict[str, str]
    annotator_names: dict[str, str]
    view: DocumentView
    find_bar: FindBar
    corpus: CorpusPanel
    documents_model: DocumentTableModel
    layers: LayersPanel
    details: DetailsPanel
    table_panel: AnnotationTablePanel
    documents_dock: QDockWidget
    layers_dock: QDockWidget
    details_dock: QDockWidget
    table_dock: QDockWidget
    actions: dict[str, QAction]
    menus: dict[str, QMenu]

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 (Qt name)

    def open_document(self, document_id: str, force: bool = False) -> None: ...

    def set_project(self, project) -> None: ...

    def remember_document(self) -> None: ...

    def fill_table(self) -> None: ...

    def show_details(self) -> None: ...

    def refresh_layers(self) -> None: ...

    def update_status(self) -> None: ...
