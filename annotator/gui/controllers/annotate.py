"""Annotating: create, re-categorise, adjust, delete, notes and attributes, find and "annotate all",
undo/redo, the per-category actions and the context menu. Each edit is one core command run
through the History, so it is committed at once and undoable; the window refreshes from the
Changes the command returns (``MainWindow.on_changes``)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from annotator.core.errors import quoted
from annotator.core.project.commands import (
    AddAnnotations,
    DeleteAnnotations,
    DeleteDocuments,
    UpdateAnnotation,
)
from annotator.core.text import snap_to_words
from annotator.gui.actions import ACTIONS, VIEW_KEYS
from annotator.gui.context import ProjectContext
from annotator.gui.controllers import Workspace
from annotator.gui.controllers.ownership import Ownership
from annotator.gui.dialogs.shortcuts_dialog import ShortcutsDialog, describe_actions
from annotator.gui.settings import settings
from annotator.gui.undo import History
from annotator.gui.widgets import plain


class AnnotateController:
    """Uses the window's document, view, find bar, details, table, corpus and their docks, its
    actions and menus, the names it shows, and ``open_document``/``show_details``."""

    def __init__(self, window: Workspace, context: ProjectContext, history: History) -> None:
        self.window = window
        self.context = context
        self.history = history
        self.category_actions: list[QAction] = []  # "Annotate as …", one per category, in the Annotate menu
        self.ownership = Ownership(window, context, history)  # another coder's annotations are read-only

    @property
    def project(self):
        return self.context.project

    # -- creating ------------------------------------------------------------------------------

    def annotate(self, category_id: str) -> None:
        """The category's key, palette click or menu: annotate the selected text, or (with no text
        selected) move the selected annotation to this category."""
        if self.window.document is None:
            return
        selection = self.window.view.selection_range()
        if selection is None:
            if self.window.view.selected_id:
                self.change_category(self.window.view.selected_id, category_id)
            else:
                self.window.statusBar().showMessage("Select some text first, then press the category's key.", 4000)
            return
        start, end = self.snapped(*selection)
        if start >= end:
            self.window.statusBar().showMessage("The selection holds only white space.", 4000)
            return
        name = self.window.category_names.get(category_id, "annotation")
        command = AddAnnotations([dict(document_id=self.window.document.id, category_id=category_id,
                                       annotator_id=self.context.annotator_id(), start=start, end=end)],
                                 label=f"Add {name}",
                                 annotator=(self.context.annotator.id, self.context.annotator.name))
        if self.history.run(command):
            self.window.view.place_cursor(end)
            self.window.view.select_annotation(command.ids[0])

    def snapped(self, start: int, end: int) -> tuple[int, int]:
        """A selected span as an annotation takes it: with Snap to Word Boundaries on, widened to
        whole words and without the white space at its edges (``core.text.snap_to_words``)."""
        if self.window.actions["annotate.snap"].isChecked():
            return snap_to_words(self.window.view.text(), start, end)
        return start, end

    def dragged_edge(self, edge: str, start: int, end: int) -> tuple[int, int]:
        """The span an edge drag gives: the dragged edge follows the rule of a selection
        (``snapped``); the other stays where it is."""
        snapped_start, snapped_end = self.snapped(start, end)
        if snapped_start >= snapped_end:
            return start, start  # only white space: no span (the drag changes nothing)
        return (snapped_start, end) if edge == "start" else (start, snapped_end)

    def edge_dragged(self, annotation_id: str, start: int, end: int) -> None:
        """The view's edgeDragged: the annotation takes the dragged span (one undo step)."""
        span = self.window.view.index.spans[annotation_id]
        self.set_span(annotation_id, start, end, "Adjust start" if end == span.end else "Adjust end")

    def change_category(self, annotation_id: str, category_id: str) -> None:
        span = self.window.view.index.spans.get(annotation_id) if self.window.view.index else None
        if span is not None and span.category_id == category_id:
            return
        name = self.window.category_names.get(category_id, "")
        self._update(annotation_id, label=f"Change category to {name}", category_id=category_id)

    def set_span(self, annotation_id: str, start: int, end: int, label: str = "Adjust span") -> None:
        self._update(annotation_id, label=label, start=start, end=end)

    def set_note(self, annotation_id: str, note: str) -> None:
        self._update(annotation_id, note=note)

    def set_attributes(self, annotation_id: str, values: dict) -> None:
        self._update(annotation_id, attributes=values)

    def _update(self, annotation_id: str, label: str | None = None, **fields) -> None:
        """Every change to an annotation: refused (with a line in the status bar) when it is another coder's."""
        if self.ownership.allowed([annotation_id]):
            self.history.run(UpdateAnnotation(annotation_id, label=label, by=self.ownership.me(), **fields))
        else:
            self.window.show_details()  # the panel shows the stored values again

    def delete_annotations(self, ids: list[str]) -> None:
        if ids and self.ownership.allowed(ids):
            self.history.run(DeleteAnnotations(ids, by=self.ownership.me()))

    def delete_documents(self, ids: list[str]) -> None:
        """Delete documents with their annotations, after asking; undoable."""
        model = self.window.documents_model
        docs = [model.document_at(model.row_of(i)) for i in ids if model.row_of(i) is not None]
        if not docs:
            self.window.statusBar().showMessage("No document selected.", 3000)
            return
        shown = self.context.shown_annotator()  # blind coding: count only the coder's own
        n = sum(self.project.count_annotations(document_id=d.id, annotator_id=shown) for d in docs)
        what = f"the document “{docs[0].title}”" if len(docs) == 1 else f"{len(docs)} documents"
        annotations = "no annotations" if n == 0 else "its 1 annotation" if n == 1 else f"{n} annotations"
        annotations += " of yours (and any by other coders)" if shown else ""
        box = QMessageBox(QMessageBox.Icon.Question, "Delete document?",
                          f"Delete {what} and {annotations} with it?\n\nEdit → Undo puts it back.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # titles are shown as they are, never as HTML
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        box.deleteLater()
        if answer == QMessageBox.StandardButton.Yes:
            label = f"Delete document {quoted(docs[0].title)}" if len(docs) == 1 else None
            if self.history.run(DeleteDocuments([d.id for d in docs], label=label)):
                self.window.statusBar().showMessage(f"Deleted {what} with {annotations}.", 4000)

    def delete_current_document(self) -> None:
        self.delete_documents([self.window.corpus.current_id()] if self.window.corpus.current_id() else [])

    def delete_selected(self) -> None:
        """Delete key: the current document when the Documents list has focus, the rows selected
        in the table when it has focus, else the selected annotation."""
        if self.window.corpus.table.hasFocus():
            return self.delete_current_document()
        if self.window.table_panel.table.hasFocus():
            ids = self.window.table_panel.selected_ids()
        else:
            ids = [self.window.view.selected_id] if self.window.view.selected_id else []
        if ids:
            self.delete_annotations(ids)
        else:
            self.window.statusBar().showMessage("No annotation selected.", 3000)

    def _adjust(self, edge: str, delta: int) -> None:
        annotation_id = self.window.view.selected_id
        if not annotation_id:
            self.window.statusBar().showMessage("Select an annotation first (click it).", 3000)
            return
        span = self.window.view.index.spans[annotation_id]
        start, end = span.start, span.end
        if edge == "start":
            start += delta
        else:
            end += delta
        if 0 <= start < end <= len(self.window.view.text()):
            self.set_span(annotation_id, start, end, "Adjust start" if edge == "start" else "Adjust end")

    def move_start_left(self) -> None:
        self._adjust("start", -1)

    def move_start_right(self) -> None:
        self._adjust("start", 1)

    def move_end_left(self) -> None:
        self._adjust("end", -1)

    def move_end_right(self) -> None:
        self._adjust("end", 1)

    def edit_note(self) -> None:
        if self.window.view.selected_id:
            self.window.details_dock.show()
            self.window.details_dock.raise_()
            self.window.details.note.setFocus()

    def toggle_snap(self, on: bool) -> None:
        settings().setValue("annotate/snap", bool(on))

    def undo(self) -> None:
        self.window.details.commit_note()
        self.history.undo()

    def redo(self) -> None:
        self.history.redo()

    # -- refused edits -------------------------------------------------------------------------

    def on_error(self, message: str) -> None:
        QMessageBox.warning(self.window, "Cannot do that", plain(message))
        if not self.context.offline:  # (the server's values cannot be read while its connection is lost)
            self.window.show_details()  # the side panel shows the stored values again, not the refused ones

    # -- find ----------------------------------------------------------------------------------

    def find(self) -> None:
        if self.window.document is None:
            return
        selection = self.window.view.selection_range()
        initial = self.window.view.text()[selection[0]:selection[1]] if selection else ""
        self.window.find_bar.open_bar(initial)

    def find_next(self) -> None:
        if not self.window.find_bar.isVisible():
            return self.find()
        self.window.find_bar.next()

    def find_previous(self) -> None:
        if not self.window.find_bar.isVisible():
            return self.find()
        self.window.find_bar.previous()

    def annotate_all_matches(self) -> None:
        if not self.window.find_bar.isVisible() or not self.window.find_bar.matches:
            self.find()
            self.window.statusBar().showMessage("Type what to find, choose a category, then Annotate all.", 5000)
            return
        self.window.find_bar.annotate_button.click()

    def annotate_matches(self, category_id: str) -> None:
        """One undoable step adding an annotation on every match not already annotated the same way."""
        existing = {(s.start, s.end) for s in self.window.view.index.spans.values()
                    if s.category_id == category_id and s.annotator_id == self.context.annotator.id}
        items = [dict(document_id=self.window.document.id, category_id=category_id,
                      annotator_id=self.context.annotator_id(), start=start, end=end)
                 for start, end in self.window.find_bar.matches if (start, end) not in existing]
        name = self.window.category_names.get(category_id, "")
        if not items:
            self.window.statusBar().showMessage(f"Every match is already annotated as {name}.", 4000)
            return
        label = f"Annotate {len(items)} match{'es' if len(items) != 1 else ''} as {name}"
        annotator = (self.context.annotator.id, self.context.annotator.name)
        if self.history.run(AddAnnotations(items, label=label, annotator=annotator)):
            self.window.statusBar().showMessage(label, 4000)

    def show_match(self, start: int, end: int) -> None:
        self.window.view.select_range(start, end)

    # -- menus and help ------------------------------------------------------------------------

    def rebuild_category_actions(self, categories, enabled: bool = True) -> None:
        """One action per category in the Annotate menu, with its shortcut key."""
        menu = self.window.menus["&Annotate"]
        for action in self.category_actions:
            menu.removeAction(action)
            action.deleteLater()
        self.category_actions = []
        first = menu.actions()[0] if menu.actions() else None
        for cat in categories:
            action = QAction(f"Annotate as {cat.name}", self.window)
            if cat.shortcut:
                action.setShortcut(QKeySequence(cat.shortcut))
            action.setStatusTip(f"Annotate the selected text as {cat.name} (or move the selected annotation)")
            action.setData(cat.id)
            action.triggered.connect(lambda _=False, category_id=cat.id: self.annotate(category_id))
            action.setEnabled(enabled)
            menu.insertAction(first, action)
            self.category_actions.append(action)

    def context_menu(self, offset) -> QMenu:
        menu = QMenu(self.window)
        if self.window.view.selection_range() is not None:
            annotate = menu.addMenu("&Annotate as")
            for action in self.category_actions:
                annotate.addAction(action)
        if self.window.view.selected_id:
            selected = self.window.view.selected_id
            editable = self.ownership.editable([selected])
            change = menu.addMenu("&Change category to")
            change.setEnabled(editable)
            for cat_id, name in self.window.category_names.items():
                action = change.addAction(name)
                action.triggered.connect(lambda _=False, c=cat_id, a=selected: self.change_category(a, c))
            menu.addAction(self.window.actions["annotate.edit_note"])
            if editable:
                menu.addAction(self.window.actions["annotate.delete"])
            else:  # the menu's Delete would also mean the key, which still deletes documents elsewhere
                menu.addAction("&Delete Annotation").setEnabled(False)
            if self.ownership.others([selected]):
                menu.addAction(self.window.actions["annotate.copy_to_mine"])
            if len(self.window.view.spans_at(offset)) > 1:
                menu.addAction("Next annotation here\tTab", self.window.view.cycle)
        menu.addSeparator()
        menu.addAction(self.window.actions["edit.find"])
        return menu

    def tooltip_for(self, spans) -> str:
        notes = {row.id: row.note for row in self.project.annotation_rows(ids=[s.id for s in spans], quote_limit=0)}
        parts = []
        for span in spans:
            colour = self.window.view.colour_of(span).name()
            note = notes.get(span.id, "")
            note_html = f"<br><i>{html.escape(note[:300])}{'…' if len(note) > 300 else ''}</i>" if note else ""
            parts.append(f"<p style='margin:2px 0'><span style='color:{colour}'>■</span> "
                         f"<b>{html.escape(self.window.category_names.get(span.category_id, '?'))}</b> — "
                         f"{html.escape(self.window.annotator_names.get(span.annotator_id, '?'))}{note_html}</p>")
        return "".join(parts)

    def show_shortcuts(self) -> None:
        by_menu: dict[str, list[tuple[str, str]]] = {}
        for spec in ACTIONS:
            rows = describe_actions({spec.id: self.window.actions[spec.id]})
            by_menu.setdefault(spec.menu.replace("&", ""), []).extend(rows)
        categories = describe_actions({a.data(): a for a in self.category_actions})
        by_menu["Annotate"] = categories + by_menu.get("Annotate", [])
        sections = list(by_menu.items()) + [("Document view", list(VIEW_KEYS))]
        ShortcutsDialog(sections, self.window).exec()

