"""The main window's annotating: create, re-categorise, adjust, delete, notes and attributes, find and
"annotate all", undo/redo, and keeping every view in step after each edit.
(A mixin of MainWindow.) Each edit is one core command run through the window's History, so it is
committed at once and undoable."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from annotator.core.project.commands import (
    AddAnnotations, AddCategory, DeleteAnnotations, DeleteCategory, DeleteDocuments, MergeCategory,
    MoveCategory, ReorderCategories, UpdateAnnotation, UpdateCategory,
)
from annotator.core.text import snap_to_words
from annotator.gui.actions import ACTIONS, VIEW_KEYS
from annotator.gui.dialogs.shortcuts_dialog import ShortcutsDialog, describe_actions
from annotator.gui.file_actions import settings
from annotator.gui.spans import Span
from annotator.gui.widgets import plain

_SCHEMA_COMMANDS = (AddCategory, UpdateCategory, ReorderCategories, MoveCategory, DeleteCategory, MergeCategory)


class AnnotateActions:
    # -- creating ------------------------------------------------------------------------------

    def annotate(self, category_id: str) -> None:
        """The category's key, palette click or menu: annotate the selected text, or (with no text
        selected) move the selected annotation to this category."""
        if self.document is None:
            return
        selection = self.view.selection_range()
        if selection is None:
            if self.view.selected_id:
                self.change_category(self.view.selected_id, category_id)
            else:
                self.statusBar().showMessage("Select some text first, then press the category's key.", 4000)
            return
        start, end = selection
        if self.actions["annotate.snap"].isChecked():
            start, end = snap_to_words(self.view.text(), start, end)
        if start >= end:
            self.statusBar().showMessage("The selection holds only white space.", 4000)
            return
        name = self.category_names.get(category_id, "annotation")
        command = AddAnnotations([dict(document_id=self.document.id, category_id=category_id,
                                       annotator_id=self.annotator_id(), start=start, end=end)],
                                 label=f"Add {name}", annotator=(self.annotator.id, self.annotator.name))
        if self.history.run(command):
            self.view.place_cursor(end)
            self.view.select_annotation(command.ids[0])

    def change_category(self, annotation_id: str, category_id: str) -> None:
        span = self.view.index.spans.get(annotation_id) if self.view.index else None
        if span is not None and span.category_id == category_id:
            return
        name = self.category_names.get(category_id, "")
        self.history.run(UpdateAnnotation(annotation_id, label=f"Change category to {name}", category_id=category_id))

    def set_span(self, annotation_id: str, start: int, end: int, label: str = "Adjust span") -> None:
        self.history.run(UpdateAnnotation(annotation_id, label=label, start=start, end=end))

    def set_note(self, annotation_id: str, note: str) -> None:
        self.history.run(UpdateAnnotation(annotation_id, note=note))

    def set_attributes(self, annotation_id: str, values: dict) -> None:
        self.history.run(UpdateAnnotation(annotation_id, attributes=values))

    def delete_annotations(self, ids: list[str]) -> None:
        if ids:
            self.history.run(DeleteAnnotations(ids))

    def delete_documents(self, ids: list[str]) -> None:
        """Delete documents with their annotations, after asking; undoable."""
        model = self.documents_model
        docs = [model.document_at(model.row_of(i)) for i in ids if model.row_of(i) is not None]
        if not docs:
            self.statusBar().showMessage("No document selected.", 3000)
            return
        n = sum(self.project.count_annotations(document_id=d.id) for d in docs)
        what = f"the document “{docs[0].title}”" if len(docs) == 1 else f"{len(docs)} documents"
        annotations = "no annotations" if n == 0 else "its 1 annotation" if n == 1 else f"{n} annotations"
        box = QMessageBox(QMessageBox.Icon.Question, "Delete document?",
                          f"Delete {what} and {annotations} with it?\n\nEdit → Undo puts it back.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # titles are shown as they are, never as HTML
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        box.deleteLater()
        if answer == QMessageBox.StandardButton.Yes:
            label = f"Delete document {docs[0].title!r}" if len(docs) == 1 else None
            if self.history.run(DeleteDocuments([d.id for d in docs], label=label)):
                self.statusBar().showMessage(f"Deleted {what} with {annotations}.", 4000)

    def delete_current_document(self) -> None:
        self.delete_documents([self.corpus.current_id()] if self.corpus.current_id() else [])

    def delete_selected(self) -> None:
        """Delete key: the current document when the Documents list has focus, the rows selected
        in the table when it has focus, else the selected annotation."""
        if self.corpus.table.hasFocus():
            return self.delete_current_document()
        if self.table_panel.table.hasFocus():
            ids = self.table_panel.selected_ids()
        else:
            ids = [self.view.selected_id] if self.view.selected_id else []
        if ids:
            self.delete_annotations(ids)
        else:
            self.statusBar().showMessage("No annotation selected.", 3000)

    def _adjust(self, edge: str, delta: int) -> None:
        annotation_id = self.view.selected_id
        if not annotation_id:
            self.statusBar().showMessage("Select an annotation first (click it).", 3000)
            return
        span = self.view.index.spans[annotation_id]
        start, end = span.start, span.end
        if edge == "start":
            start += delta
        else:
            end += delta
        if 0 <= start < end <= len(self.view.text()):
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
        if self.view.selected_id:
            self.details_dock.show()
            self.details_dock.raise_()
            self.details.note.setFocus()

    def toggle_snap(self, on: bool) -> None:
        settings().setValue("annotate/snap", bool(on))

    def undo(self) -> None:
        self.details.commit_note()
        self.history.stack.undo()

    def redo(self) -> None:
        self.history.stack.redo()

    # -- after each edit -----------------------------------------------------------------------

    def on_command(self, command) -> None:
        """Bring every view in step with what a command (done, undone or redone) changed."""
        if isinstance(command, DeleteDocuments):
            self.refresh()  # the open document, if deleted, closes; put back, it is listed again
            return
        if isinstance(command, _SCHEMA_COMMANDS):
            self.refresh_schema()
            if type(command) not in (AddCategory, UpdateCategory, ReorderCategories, MoveCategory):
                # A delete or merge moved or removed annotations: reload what shows them.
                self.refresh()
            return
        ids = list(getattr(command, "ids", None) or getattr(command, "changes", {}).keys())
        rows = {row.id: row for row in self.project.annotation_rows(ids=ids)}
        documents = {row.document_id for row in rows.values()} | _documents_named_by(command)
        current = self.document.id if self.document is not None else None
        if current not in documents and len(documents) == 1:
            # An undo or redo in another document: open it, so the coder sees what changed.
            self.open_document(next(iter(documents)))
            current = self.document.id if self.document is not None else None
        else:
            for annotation_id in ids:
                row = rows.get(annotation_id)
                if row is not None and row.document_id == current:
                    self.view.add_span(Span(row.id, row.start, row.end, row.category_id, row.annotator_id))
                else:
                    self.view.remove_span(annotation_id)
            corpus = self.table_panel.is_corpus_mode()
            self.table_panel.upsert_rows([r for r in rows.values() if corpus or r.document_id == current])
            self.table_panel.remove_ids([i for i in ids if i not in rows or not (corpus or rows[i].document_id == current)])
        for document_id in documents:
            self.documents_model.set_annotation_count(document_id, self.project.count_annotations(document_id=document_id))
        if len(ids) == 1 and ids[0] in rows and rows[ids[0]].document_id == current:
            self.view.select_annotation(ids[0], emit=False)
        self.show_details()
        self.refresh_layers()
        self.update_status()

    def on_error(self, message: str) -> None:
        QMessageBox.warning(self, "Cannot do that", plain(message))
        self.show_details()  # the side panel shows the stored values again, not the refused ones

    # -- find ----------------------------------------------------------------------------------

    def find(self) -> None:
        if self.document is None:
            return
        selection = self.view.selection_range()
        initial = self.view.text()[selection[0]:selection[1]] if selection else ""
        self.find_bar.open_bar(initial)

    def find_next(self) -> None:
        if not self.find_bar.isVisible():
            return self.find()
        self.find_bar.next()

    def find_previous(self) -> None:
        if not self.find_bar.isVisible():
            return self.find()
        self.find_bar.previous()

    def annotate_all_matches(self) -> None:
        if not self.find_bar.isVisible() or not self.find_bar.matches:
            self.find()
            self.statusBar().showMessage("Type what to find, choose a category, then Annotate all.", 5000)
            return
        self.find_bar.annotate_button.click()

    def annotate_matches(self, category_id: str) -> None:
        """One undoable step adding an annotation on every match not already annotated the same way."""
        existing = {(s.start, s.end) for s in self.view.index.spans.values()
                    if s.category_id == category_id and s.annotator_id == self.annotator.id}
        items = [dict(document_id=self.document.id, category_id=category_id, annotator_id=self.annotator_id(),
                      start=start, end=end) for start, end in self.find_bar.matches if (start, end) not in existing]
        name = self.category_names.get(category_id, "")
        if not items:
            self.statusBar().showMessage(f"Every match is already annotated as {name}.", 4000)
            return
        label = f"Annotate {len(items)} match{'es' if len(items) != 1 else ''} as {name}"
        if self.history.run(AddAnnotations(items, label=label, annotator=(self.annotator.id, self.annotator.name))):
            self.statusBar().showMessage(label, 4000)

    def _show_match(self, start: int, end: int) -> None:
        self.view.select_range(start, end)

    # -- menus and help ------------------------------------------------------------------------

    def rebuild_category_actions(self, categories) -> None:
        """One action per category in the Annotate menu, with its shortcut key."""
        menu = self.menus["&Annotate"]
        for action in self.category_actions:
            menu.removeAction(action)
            action.deleteLater()
        self.category_actions = []
        first = menu.actions()[0] if menu.actions() else None
        for cat in categories:
            action = QAction(f"Annotate as {cat.name}", self)
            if cat.shortcut:
                action.setShortcut(QKeySequence(cat.shortcut))
            action.setStatusTip(f"Annotate the selected text as {cat.name} (or move the selected annotation)")
            action.setData(cat.id)
            action.triggered.connect(self._category_action)
            menu.insertAction(first, action)
            self.category_actions.append(action)

    def _category_action(self) -> None:
        action = self.sender()
        if action is not None:
            self.annotate(action.data())

    def context_menu(self, offset) -> QMenu:
        menu = QMenu(self)
        if self.view.selection_range() is not None:
            annotate = menu.addMenu("&Annotate as")
            for action in self.category_actions:
                annotate.addAction(action)
        if self.view.selected_id:
            selected = self.view.selected_id
            change = menu.addMenu("&Change category to")
            for cat_id, name in self.category_names.items():
                action = change.addAction(name)
                action.triggered.connect(lambda _=False, c=cat_id, a=selected: self.change_category(a, c))
            menu.addAction(self.actions["annotate.edit_note"])
            menu.addAction(self.actions["annotate.delete"])
            if len(self.view.spans_at(offset)) > 1:
                menu.addAction("Next annotation here\tTab", self.view.cycle)
        menu.addSeparator()
        menu.addAction(self.actions["edit.find"])
        return menu

    def tooltip_for(self, spans) -> str:
        notes = {row.id: row.note for row in self.project.annotation_rows(ids=[s.id for s in spans], quote_limit=0)}
        parts = []
        for span in spans:
            colour = self.view.colour_of(span).name()
            note = notes.get(span.id, "")
            note_html = f"<br><i>{html.escape(note[:300])}{'…' if len(note) > 300 else ''}</i>" if note else ""
            parts.append(f"<p style='margin:2px 0'><span style='color:{colour}'>■</span> "
                         f"<b>{html.escape(self.category_names.get(span.category_id, '?'))}</b> — "
                         f"{html.escape(self.annotator_names.get(span.annotator_id, '?'))}{note_html}</p>")
        return "".join(parts)

    def show_shortcuts(self) -> None:
        by_menu: dict[str, list[tuple[str, str]]] = {}
        for spec in ACTIONS:
            by_menu.setdefault(spec.menu.replace("&", ""), []).extend(describe_actions({spec.id: self.actions[spec.id]}))
        by_menu["Annotate"] = describe_actions({a.data(): a for a in self.category_actions}) + by_menu.get("Annotate", [])
        sections = list(by_menu.items()) + [("Document view", list(VIEW_KEYS))]
        ShortcutsDialog(sections, self).exec()


def _documents_named_by(command) -> set[str]:
    """Documents a command's own records name (deleted annotations leave no row to ask)."""
    rows = list(getattr(command, "items", []) or []) + list(getattr(command, "_rows", []) or [])
    return {row["document_id"] for row in rows if "document_id" in row}
