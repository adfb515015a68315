"""The main window: the coder's workspace.

Documents and layers on the left, the document view in the middle (with the find bar; while there
are no documents, the welcome page of panels/welcome.py), the category palette and the selected
annotation's details on the right, the annotation table below.
Panels are dock widgets, so coders can rearrange them; their layout persists. The window builds
the widgets, holds the controllers (``files``, ``annotating``, ``schema``, ``panels``: see
annotator/gui/controllers) and shows the project; every change reaches the views through one
handler, ``on_changes``, given the ``Changes`` of an edit (from the History) or of background work.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QStackedWidget,
)

from annotator.core.errors import NotFoundError
from annotator.core.project.changes import Changes
from annotator.core.project.project import Project
from annotator.gui.actions import build_actions
from annotator.gui.context import ProjectContext
from annotator.gui.controllers.annotate import AnnotateController
from annotator.gui.controllers.connection import ConnectionController
from annotator.gui.controllers.files import FilesController
from annotator.gui.controllers.indexing import IdleIndexer, IdleKeyer
from annotator.gui.controllers.live import LiveUpdates
from annotator.gui.controllers.panels import PanelsController
from annotator.gui.controllers.read_only import read_only_bar, show_read_only
from annotator.gui.controllers.schema import SchemaController
from annotator.gui.controllers.status import StatusController
from annotator.gui.controllers.status_bar import StatusBarController
from annotator.gui.models.document_table_model import DocumentTableModel
from annotator.gui.panels.annotation_table import AnnotationTablePanel
from annotator.gui.panels.corpus import CorpusPanel
from annotator.gui.panels.details import DetailsPanel
from annotator.gui.panels.find_bar import FindBar
from annotator.gui.panels.layers import LayersPanel
from annotator.gui.panels.palette import CategoryPalette
from annotator.gui.panels.welcome import WelcomePage
from annotator.gui.settings import (
    redirect_qt_settings,
    remember_project,
    restore_window,
    save_position,
    save_window,
    saved_position,
    settings,
)
from annotator.gui.span_source import DocumentSpans
from annotator.gui.spans import Span
from annotator.gui.undo import History
from annotator.gui.views.document_view import DocumentView
from annotator.gui.widgets import add_dock, column


class MainWindow(QMainWindow):
    def __init__(self, project: Project) -> None:
        super().__init__()
        redirect_qt_settings()
        self.setObjectName("MainWindow")
        self.document = None  # the open Document
        self.category_names: dict[str, str] = {}
        self.annotator_names: dict[str, str] = {}
        self.categories = []
        self.resize(1280, 800)
        self.context = ProjectContext(project, self.changed_outside_history, self)
        self.history = History(project, self.on_changes, lambda message: self.annotating.on_error(message), self,
                               context=self.context)
        self.annotating = AnnotateController(self, self.context, self.history)
        self.schema = SchemaController(self, self.context, self.history)
        self.panels = PanelsController(self)
        self.statuses = StatusController(self, self.context, self.history)
        self.indexer = IdleIndexer(self.context, self)  # the documents' full-text index, filled in idle time
        self.keyer = IdleKeyer(self.context, self._held_texts, self)  # the annotation table's keys, likewise
        self.live = LiveUpdates(self, self)  # other clients' changes on a team server, as they commit

        # Centre: the welcome page, or the document with its title and find bar.
        self.view = DocumentView()
        self.view.tooltip_provider = self.annotating.tooltip_for
        self.view.menu_provider = self.annotating.context_menu
        self.view.edge_rule = self.annotating.dragged_edge  # a dragged edge snaps as a selection does
        self.text_title = QLabel()
        self.text_title.setTextFormat(Qt.TextFormat.PlainText)  # a title is never markup
        self.text_title.setWordWrap(True)
        title_font = QFont(self.view.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 3)
        title_font.setBold(True)
        self.text_title.setFont(title_font)
        self.find_bar = FindBar()
        self.find_bar.hide()
        self.welcome = WelcomePage()
        self.import_button, self.sample_button = self.welcome.import_button, self.welcome.sample_button
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(column(self.text_title, self.find_bar, self.view, margins=(8, 8, 8, 0), spacing=4))
        self.read_only_bar = read_only_bar()  # shown above the document when the project is open read-only
        self.connection = ConnectionController(self, self.context)  # its banner: while the server is away
        self.setCentralWidget(column(self.read_only_bar, self.connection.banner, self.stack))
        # The listener's connection drops first when the server goes: the banner shows before an edit fails.
        self.live.listening.connect(lambda up: up or self.connection.lost("the live-update connection dropped"))

        # Panels.
        self.documents_model = DocumentTableModel(project, self, shown=self.context.shown_annotator,
                                                  coder=lambda: self.context.annotator.id)
        self.corpus = CorpusPanel(self.documents_model, self._search_documents)
        self.layers = LayersPanel()
        self.palette = CategoryPalette()
        self.details = DetailsPanel()
        self.table_panel = AnnotationTablePanel()
        self.table_panel.model.rank_hint = self._rank_in_view
        self.documents_dock = add_dock(self, "Documents", self.corpus, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.layers_dock = add_dock(self, "Layers", self.layers, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.palette_dock = add_dock(self, "Categories", self.palette, Qt.DockWidgetArea.RightDockWidgetArea)
        self.details_dock = add_dock(self, "Annotation", self.details, Qt.DockWidgetArea.RightDockWidgetArea)
        self.table_dock = add_dock(self, "Annotations", self.table_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.resizeDocks([self.documents_dock, self.palette_dock], [300, 280], Qt.Orientation.Horizontal)
        self.resizeDocks([self.documents_dock, self.layers_dock], [460, 240], Qt.Orientation.Vertical)
        self.resizeDocks([self.palette_dock, self.details_dock], [250, 450], Qt.Orientation.Vertical)
        self.resizeDocks([self.table_dock], [220], Qt.Orientation.Vertical)

        self.status_bar = StatusBarController(self, self.history)  # its labels, as tests read them:
        bar = self.status_bar
        self.position_label, self.count_label = bar.position_label, bar.count_label
        self.annotator_label, self.status_label = bar.annotator_label, bar.status_label

        self.recent_menu = QMenu("Open &Recent", self)
        self.files = FilesController(self, self.context, self.history, self.recent_menu)
        self.actions = build_actions(self)
        self.menus["&File"].insertMenu(self.actions["file.sample"], self.recent_menu)
        self._build_extra_menus()
        self._connect()
        restore_window(self)
        self.set_project(project, first=True)

    # -- construction --------------------------------------------------------------------------

    def _build_extra_menus(self) -> None:
        view = self.menus["&View"]
        view.addSeparator()
        panels = view.addMenu("&Panels")
        for dock in (self.documents_dock, self.layers_dock, self.palette_dock, self.details_dock, self.table_dock):
            panels.addAction(dock.toggleViewAction())
        self.history.connect_actions(self.actions["edit.undo"], self.actions["edit.redo"])
        self.actions["annotate.snap"].setChecked(settings().value("annotate/snap", True, type=bool))

    def _connect(self) -> None:
        annotating = self.annotating
        self.welcome.importRequested.connect(lambda: self.files.import_documents())
        self.welcome.folderRequested.connect(lambda: self.files.import_folder())
        self.welcome.sampleRequested.connect(lambda: self.files.open_sample_project())
        self.corpus.documentActivated.connect(self.open_document)
        self.corpus.deleteRequested.connect(lambda document_id: annotating.delete_documents([document_id]))
        self.corpus.statusRequested.connect(self.statuses.set_status)
        self.view.annotationSelected.connect(self._annotation_selected)
        self.view.positionChanged.connect(self.status_bar.update_position)
        self.view.edgeDragged.connect(annotating.edge_dragged)
        self.view.spansLoaded.connect(lambda: (self.refresh_layers(), self.update_status()))  # the counts
        self.palette.categoryChosen.connect(self.annotate)
        self.palette.editRequested.connect(lambda: self.schema.edit_schema())
        self.layers.changed.connect(self.panels.layers_changed)
        self.details.categoryChanged.connect(annotating.change_category)
        self.details.spanChanged.connect(annotating.set_span)
        self.details.noteChanged.connect(annotating.set_note)
        self.details.attributesChanged.connect(annotating.set_attributes)
        self.details.deleteRequested.connect(lambda annotation_id: annotating.delete_annotations([annotation_id]))
        self.details.copyRequested.connect(annotating.ownership.copy_to_mine)
        self.view.can_edit = lambda annotation_id: annotating.ownership.editable([annotation_id])
        self.table_panel.can_delete = annotating.ownership.editable
        self.table_panel.jump_requested.connect(self.jump_to)
        self.table_panel.delete_requested.connect(annotating.delete_annotations)
        self.table_panel.mode_changed.connect(self.panels.table_mode_changed)
        self.keyer.progress.connect(self.table_panel.preparing_progress)
        self.keyer.finished.connect(self.fill_table)  # every key made: the project's rows again
        self.find_bar.matchChosen.connect(annotating.show_match)
        self.find_bar.matchesChanged.connect(self._find_matches_changed)
        self.find_bar.annotateAll.connect(annotating.annotate_matches)
        self.find_bar.closed.connect(self.view.setFocus)

    # -- conveniences for tests and benchmarks, which drive the window ---------------------------

    @property
    def project(self) -> Project:
        return self.context.project

    def annotate(self, category_id: str) -> None:
        self.annotating.annotate(category_id)

    def undo(self) -> None:
        self.annotating.undo()

    def redo(self) -> None:
        self.annotating.redo()

    # -- project and document ------------------------------------------------------------------

    def set_project(self, project: Project, first: bool = False) -> None:
        self.document = None
        self.schema.close_schema_dialogs()
        self.connection.reset()
        self.history.reset(project)
        self.context.set_project(project)
        self.keyer.start()  # before the table is shown: it is not keyed at its first query then
        self.documents_model.set_project(project)
        remember_project(project.where)
        last = settings().value(f"documents/{project.info().id}")  # read before anything opens
        self.refresh_schema()
        self.refresh(open_first=False)
        show_read_only(self)
        if not (isinstance(last, str) and self.corpus.select(last)):
            self.corpus.step(0) if self.documents_model.rowCount() else self.show_document(None)
        saved = saved_position(project.info().id, self.document.id) if self.document is not None else None
        if saved is not None:  # where the document was scrolled to when the app closed
            self.view.scroll_to(saved)
        self.indexer.start()
        self.live.set_project(project)

    def refresh(self, open_first: bool = True) -> None:
        """Reload the lists from the project (after an import, or another project)."""
        info = self.project.info()
        self.setWindowTitle(f"{info.name} — Annotator")
        current = self.document.id if self.document is not None else None
        self.table_panel.forget()  # read again when a document opens (an import, or another project)
        self.documents_model.refresh()
        self.corpus.apply_filter()
        self.refresh_names()
        has_documents = self.documents_model.rowCount() > 0
        self.stack.setCurrentIndex(1 if has_documents else 0)
        if has_documents and not (current and self.corpus.select(current)) and self.corpus.current_id() is None \
                and open_first:
            self.corpus.step(0)
        elif current:
            self.open_document(current, force=True)
        self.update_status()

    def refresh_schema(self) -> None:
        """The categories changed (or another project): palette, menus, colours, repaint."""
        self.categories = self.project.categories()
        self.category_names = {c.id: c.name for c in self.categories}
        self.view.colours = {c.id: QColor(c.colour) for c in self.categories}
        self.palette.set_categories(self.categories)
        self.details.set_categories(self.categories)
        self.find_bar.set_categories(self.categories)
        self.annotating.rebuild_category_actions(self.categories, enabled=not self.project.read_only)
        self.table_panel.set_names({c.id: (c.name, c.colour) for c in self.categories}, self.annotator_names)
        self.view.repaint_all()
        self.refresh_layers()
        self.schema.refresh_schema_dialogs()

    def open_document(self, document_id: str, force: bool = False) -> None:
        if self.document is not None and self.document.id == document_id and not force:
            return
        self.details.commit_note()
        try:
            document = self.project.document(document_id)
        except NotFoundError:
            return self.show_document(None)
        self.show_document(document)
        if self.corpus.current_id() != document_id:
            self.corpus.select(document_id)

    def show_document(self, document) -> None:
        paused = gc.isenabled()
        gc.disable()  # tens of thousands of small rows: no cyclic collections half-way (measured 60-100 ms)
        try:
            self._show_document(document)
        finally:
            if paused:
                gc.enable()

    def _show_document(self, document) -> None:
        same = document is not None and self.document is not None and self.document.id == document.id
        position = self.view.view_position() if same else None  # shown again (after an import): stay
        self.document = document
        if document is None:
            self.text_title.clear()
            self.view.clear_text()
            self.table_panel.set_rows([], self.table_panel.is_corpus_mode())
        else:
            self.text_title.setText(document.title)
            # The spans are read as the text is painted, the rest in idle time (issue 16).
            self.view.show_text(document.text, source=DocumentSpans(self.project, document.id,
                                                                    self.context.shown_annotator()))
            if position is not None:
                self.view.scroll_to(position)
            self.documents_model.set_annotation_count(document.id, self.view.index.count)
            if self.panels.shown_names().keys() - self.annotator_names.keys():  # coders imported since
                self.refresh_names()
            self.find_bar.set_text(document.text)
            self.fill_table()  # the corpus table is not read again for another document
            self.remember_document()
        self.show_details()
        self.refresh_layers()
        self.update_status()

    def fill_table(self) -> None:
        """The table shows the open document's annotations, or the corpus's (asked from the
        project a page at a time; a table already showing the same is left as it is)."""
        self.project.hold_texts(self._held_texts)  # an edit keys its rows in its own transaction
        if self.keyer.active() and self.table_panel.is_corpus_mode():
            self.table_panel.show_preparing(self.keyer.done, self.keyer.total)
        elif self.keyer.active() or (self.project.read_only and not self.project.annotation_keys_current()):
            # Keys it cannot make (another program added annotations): listed from memory instead.
            corpus = self.table_panel.is_corpus_mode()
            if corpus or self.document is not None:
                self.table_panel.set_rows(self.project.annotation_rows(
                    None if corpus else self.document.id, annotator_id=self.context.shown_annotator()), corpus)
            else:
                self.table_panel.set_rows([], False)
        elif self.table_panel.is_corpus_mode():
            self.table_panel.show_table(self.project, None, self.context.shown_annotator(), self._held_texts)
        elif self.document is not None:
            self.table_panel.show_table(self.project, self.document.id, self.context.shown_annotator(),
                                        self._held_texts)
        else:
            self.table_panel.set_rows([], False)

    def _held_texts(self) -> dict[str, str]:
        """The texts the window holds (the open document's), so keying its new annotations reads none."""
        return {self.document.id: self.view.text()} if self.document is not None else {}

    def remember_document(self) -> None:
        if self.document is not None:
            settings().setValue(f"documents/{self.project.info().id}", self.document.id)

    def _search_documents(self, text: str) -> set[str]:
        return self.project.find_documents(text)

    def jump_to(self, document_id: str, annotation_id: str) -> None:
        """Open a document at an annotation and select it (from the table)."""
        self.open_document(document_id)
        self.view.reveal_annotation(annotation_id)
        self.view.setFocus()

    # -- after each change -----------------------------------------------------------------------

    def on_changes(self, changes: Changes, remote: bool = False) -> None:
        """Bring every view in step with what changed: an edit done, undone or redone (the History
        passes the command's Changes), background work (``changed_outside_history``), or, ``remote``,
        another client (controllers/live.py: shown in place, never opening another document or
        moving the coder's selection)."""
        if changes.schema:
            self.refresh_schema()
        self.documents_model.update_statuses(changes.documents)  # a coder's status, or their first annotation
        if changes.corpus or (changes.schema and changes.annotations):
            # Documents listed, deleted or put back, or annotations a category took with it: reload.
            self.refresh()
            self.indexer.start()  # documents added or put back wait for the index
            return
        if changes.annotations:
            self._show_annotation_changes(changes, remote)

    def changed_outside_history(self, changes: Changes) -> None:
        """Background work wrote to the project: the steps on the undo stack were recorded against
        the project as it was and may no longer apply, so the history starts again."""
        self.history.stack.clear()
        if self.context.offline:  # nothing can be read now; the window reloads when the server is back
            return
        if changes.annotations and self.keyer.start():  # many new annotations (an import): keyed in idle time
            self.fill_table()  # the document's rows from memory, or the corpus table "being prepared"
        self.on_changes(changes)

    def _show_annotation_changes(self, changes: Changes, remote: bool = False) -> None:
        ids = list(changes.annotations)
        shown = self.context.shown_annotator()
        # Quotes are cut from the text the view holds: the document is not read again (issue 16).
        rows = {row.id: row for row in self.quoted(self.project.annotation_rows(ids=ids, annotator_id=shown,
                                                                                quote_limit=0))}
        documents = {row.document_id for row in rows.values()} | changes.documents
        current = self.document.id if self.document is not None else None
        before = len(self.view.index.spans) if self.view.index is not None else 0
        counts, recount = {}, False
        if current not in documents and len(documents) == 1 and not remote:
            # An undo or redo in another document: open it, so the coder sees what changed.
            self.open_document(next(iter(documents)))
            if self.table_panel.is_corpus_mode():  # not read again by the open
                self.table_panel.refresh()
            current = self.document.id if self.document is not None else None
            counts[current] = len(self.view.index.spans) if self.view.index is not None else 0
            recount = True
        else:
            edited = False if remote else self._edit_rank(ids)  # its place among the table's rows, before the edit
            for annotation_id in ids:
                row = rows.get(annotation_id)
                if row is not None and row.document_id == current:
                    self.view.add_span(Span(row.id, row.start, row.end, row.category_id, row.annotator_id))
                else:
                    self.view.remove_span(annotation_id)
            corpus = self.table_panel.is_corpus_mode()
            known = None if corpus or self.view.index is None else len(self.view.index.spans)
            follow = ids[0] if len(ids) == 1 and ids[0] in rows and rows[ids[0]].document_id == current \
                and not remote else None
            # One edited row moves in place; else asked again (the document's rows are the view's spans).
            if self.table_panel.take_edit([r for r in rows.values() if r.document_id == current or corpus],
                                          [i for i in ids if i not in rows]):
                pass  # rows listed from memory (the keys are being made): they take the edit
            elif edited is False or not self.table_panel.follow_edit(ids[0], edited, self.view.index.rank(ids[0]),
                                                                     rows.get(ids[0])):
                self.table_panel.refresh(total=known, select=follow)
            if current is not None:  # the view's index holds the open document's (shown) annotations
                counts[current] = len(self.view.index.spans)
                self.status_bar.count_changed(counts[current] - before)
        for document_id in documents:
            count = counts.get(document_id)
            if count is None:  # another document (the corpus table): counted
                count = self.project.count_annotations(document_id=document_id, annotator_id=shown)
                self.status_bar.count_changed(count - self.documents_model.annotation_count(document_id))
            self.documents_model.set_annotation_count(document_id, count)
        if len(ids) == 1 and ids[0] in rows and rows[ids[0]].document_id == current and not remote:
            self.view.select_annotation(ids[0], emit=False)
            if recount:  # opened anew above (the table follows the row in the refresh otherwise)
                self.table_panel.select_annotation(ids[0])
        self.refresh_layers()  # first: it learns the name of a coder whose first annotation this is
        if not remote or self.view.selected_id in changes.annotations:  # else a note being typed stays as it is
            self.show_details()
        self.status_bar.update(recount=recount)

    def _rank_in_view(self, document_id: str, annotation_id: str) -> int | None:
        """An annotation's place by (start, end, id) among the open document's, from the view's
        span index (which holds the same rows as the table of that document), else None."""
        index = self.view.index
        if index is None or self.document is None or self.document.id != document_id:
            return None
        return index.rank(annotation_id) if len(index.spans) == self.table_panel.model.total() else None

    def _edit_rank(self, ids: list[str]) -> int | None | bool:
        """Before one annotation's edit shows in the view: its rank among the open document's
        spans (None: not there), when the table shows the same rows as the view; else False."""
        index, model = self.view.index, self.table_panel.model
        if len(ids) != 1 or index is None or self.document is None or model.query.document_id != self.document.id \
                or len(index.spans) != model.total():
            return False
        return index.rank(ids[0])

    def quoted(self, rows: list, limit: int = 200) -> list:
        """``rows`` (read with ``quote_limit=0``) with their quotes: cut from the open document's
        text, or read for rows of other documents."""
        current = self.document.id if self.document is not None else None
        text = self.view.text()
        mine = [row._replace(quote=text[row.start:min(row.end, row.start + limit)])
                for row in rows if row.document_id == current]
        others = [row.id for row in rows if row.document_id != current]
        return mine + (self.project.annotation_rows(ids=others, quote_limit=limit) if others else [])

    # -- selection, layers, status -------------------------------------------------------------

    def _annotation_selected(self, annotation_id: str) -> None:
        self.show_details()
        if annotation_id:
            self.table_panel.select_annotation(annotation_id)

    def show_details(self) -> None:
        annotation_id = self.view.selected_id
        rows = self.quoted(self.project.annotation_rows(ids=[annotation_id], quote_limit=0),
                           limit=100_000) if annotation_id else []
        if not rows:
            self.details.show_annotation(None)
            self.annotating.ownership.show_in_panel(None)
            return
        row = rows[0]
        annotation = self.project.annotation(annotation_id)
        category = next((c for c in self.categories if c.id == row.category_id), None)
        self.details.show_annotation(row, self.annotator_names.get(row.annotator_id, "?"),
                                     len(self.view.text()), category.attributes if category else (),
                                     annotation.attributes)
        self.annotating.ownership.show_in_panel(row)

    def refresh_names(self) -> None:
        self.annotator_names = self.panels.shown_names()
        self.context.follow_names(self.annotator_names)  # the current coder renamed
        self.table_panel.set_names({c.id: (c.name, c.colour) for c in self.categories}, self.annotator_names)

    def refresh_layers(self) -> None:
        index = self.view.index
        by_category, by_annotator = (index.counts() or (None, None)) if index is not None else ({}, {})
        annotator = self.context.annotator
        if annotator.id is not None and annotator.id not in self.annotator_names:
            self.refresh_names()  # the coder's own row was just made
        self.layers.set_layers([(c.id, c.name, c.colour) for c in self.categories],
                               self.panels.annotator_layers(), by_category, by_annotator, annotator.id)
        self.actions["view.only_mine"].setChecked(self.layers.only_mine.isChecked())

    def update_status(self) -> None:
        self.status_bar.update()

    def _find_matches_changed(self) -> None:
        self.view.set_find_matches(self.find_bar.matches if self.find_bar.isVisible() else [])

    # -- window state --------------------------------------------------------------------------

    def closeEvent(self, event) -> None:
        self.details.commit_note()
        self.history.flush()  # edits waiting for another program's write lock are saved first
        save_window(self)
        store = settings()
        store.setValue("project/last", self.project.where)
        offline = self.context.offline  # the project's id cannot be read: its places are not kept this time
        self.connection.reset()
        if not offline:
            self.remember_document()
        if self.document is not None and not offline:
            save_position(self.project.info().id, self.document.id, self.view.view_position())
        store.sync()
        self.schema.close_schema_dialogs()
        self.live.stop()
        if self.context.operation is not None:
            self.context.operation.cancel()
            self.context.operation.wait(10000)
        self.project.close()
        super().closeEvent(event)
