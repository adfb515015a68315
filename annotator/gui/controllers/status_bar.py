"""The status bar: a message area on the left (the History's notice, then the project's totals and
path), then the position in the document, the document's count of annotations, and the annotator."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotator.gui.controllers import Workspace
from annotator.gui.undo import History


class StatusBarController:
    """Builds its labels into the window's status bar; shows the window's project, open document
    and view, then brings its documents model's statuses and the ownership state up to date."""

    def __init__(self, window: Workspace, history: History) -> None:
        self.window = window
        self._counts: list[int] | None = None  # documents, (shown) annotations of the project
        # Status bar: a message area on the left, then position, document count, the annotator.
        self.position_label = QLabel()
        self.count_label = QLabel()
        self.annotator_label = QLabel()
        self.status_label = QLabel()  # the project's totals and path
        for label in (self.annotator_label, self.status_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.position_label, self.count_label, self.annotator_label):
            window.statusBar().addPermanentWidget(label)
        window.statusBar().addWidget(history.notice)  # "Waiting for another program…"
        window.statusBar().addWidget(self.status_label)

    def update(self, recount: bool = True) -> None:
        """Show the counts and the position; ``recount=False`` after an edit of annotations, whose
        changes ``count_changed`` was told of (the project is not counted again)."""
        window, view = self.window, self.window.view
        if recount or self._counts is None:
            counts = window.project.counts()
            self._counts = [counts.documents, window.panels.shown_total(counts.annotations)]
        documents, annotations = self._counts
        self.status_label.setText(
            f"{documents} document{'s' if documents != 1 else ''} · "
            f"{window.panels.shown_count(annotations)} · {window.project.where}")
        if window.document is not None and view.index is not None:
            index = view.index
            total = index.count
            hidden = view.hidden_categories or view.hidden_annotators
            # Those shown are counted once a long document is read (spansLoaded updates this).
            shown = (sum(1 for s in index.loaded.values() if view.is_shown(s)) if index.complete else "…") \
                if hidden else total
            text = f"{total} annotation{'s' if total != 1 else ''} in this document"
            self.count_label.setText(text if shown == total else f"{text} ({shown} shown)")
        else:
            self.count_label.clear()
        self.annotator_label.setText(f"Annotator: {window.context.annotator.name}")
        window.documents_model.update_statuses(())  # reloads them all when the coder changed
        self.update_position()
        window.annotating.ownership.show_state()

    def count_changed(self, delta: int) -> None:
        """The project's (shown) annotations grew or shrank by ``delta``."""
        if self._counts is not None:
            self._counts[1] += delta

    def update_position(self) -> None:
        window, view = self.window, self.window.view
        if window.document is None:
            self.position_label.clear()
            return
        selection = view.selection_range()
        position = f"Position {view.cursor_offset():,}"
        if selection:
            position += f" · {selection[1] - selection[0]:,} selected"
        self.position_label.setText(position)
