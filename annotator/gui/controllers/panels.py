"""The View menu: moving between documents, going to a panel, the layers shown, and whether the
table lists the open document or the whole corpus."""

from __future__ import annotations

from annotator.gui import gold_layer
from annotator.gui.controllers import Workspace


class PanelsController:
    """Uses the window's corpus, view, layers and table with their docks, its actions, and
    ``fill_table``/``update_status``."""

    def __init__(self, window: Workspace) -> None:
        self.window = window

    def next_document(self) -> None:
        self.window.corpus.step(1)

    def previous_document(self) -> None:
        self.window.corpus.step(-1)

    def focus_documents(self) -> None:
        self.window.documents_dock.show()
        self.window.corpus.table.setFocus()

    def focus_text(self) -> None:
        self.window.view.setFocus()

    def focus_table(self) -> None:
        self.window.table_dock.show()
        self.window.table_panel.table.setFocus()

    def focus_layers(self) -> None:
        self.window.layers_dock.show()
        self.window.layers.tree.setFocus()

    def toggle_only_mine(self, on: bool) -> None:
        self.window.layers.only_mine.setChecked(bool(on))

    def show_all_layers(self) -> None:
        self.window.layers.show_all()

    def toggle_corpus_table(self, on: bool) -> None:
        table = self.window.table_panel
        if table.is_corpus_mode() != bool(on):
            table.mode_combo.setCurrentIndex(1 if on else 0)

    def table_mode_changed(self, corpus: bool) -> None:
        window = self.window
        window.actions["view.corpus_table"].setChecked(corpus)
        window.fill_table()
        if window.view.selected_id:
            window.table_panel.select_annotation(window.view.selected_id)

    # -- blind coding: the window shows only the coder's own annotations -------------------------

    def annotator_layers(self) -> list[tuple[str, str]]:
        """The coders the Layers panel lists, as (id, name): all of them, or with blind coding on
        only the current coder (and the panel says why)."""
        window = self.window
        shown = window.context.shown_annotator()
        window.layers.show_blind(shown is not None)
        return [(i, name) for i, name in window.annotator_names.items() if shown is None or i == shown]

    def shown_names(self) -> dict[str, str]:
        """The coders' names the window may show, by id: every coder's, or with blind coding on
        only the current coder's (so no table filter or tooltip names the others); the gold
        layer's as "★ Gold standard"."""
        shown = self.window.context.shown_annotator()
        return {a.id: gold_layer.label(a.name) if gold_layer.is_gold(a.id) else a.name
                for a in self.window.project.annotators() if shown is None or a.id == shown}

    def shown_total(self, total: int) -> int:
        """How many annotations the status bar counts: the project's ``total``, or with blind
        coding on the coder's own."""
        shown = self.window.context.shown_annotator()
        return total if shown is None else self.window.project.count_annotations(annotator_id=shown)

    def shown_count(self, shown: int) -> str:
        """The status bar's words for ``shown_total``."""
        if self.window.context.shown_annotator() is None:
            return f"{shown} annotation{'s' if shown != 1 else ''}"
        return f"{shown} annotation{'s' if shown != 1 else ''} of yours (blind coding)"

    def layers_changed(self) -> None:
        window, view, layers = self.window, self.window.view, self.window.layers
        hidden = (layers.hidden_categories, layers.hidden_annotators)
        if hidden == (view.hidden_categories, view.hidden_annotators):
            return  # nothing shown changed: no repaint of a long document
        view.hidden_categories, view.hidden_annotators = hidden
        window.actions["view.only_mine"].setChecked(layers.only_mine.isChecked())
        if view.selected_id and view.index is not None:
            span = view.index.spans.get(view.selected_id)
            if span is not None and not view.is_shown(span):
                view.select_annotation(None)
        view.repaint_all()
        window.update_status()
