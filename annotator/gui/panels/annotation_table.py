"""The annotation table panel: a filter bar over the annotation table
(gui/models/annotation_table_model.py). Its owner hands it the project to show one document or
the corpus from (``show_table``; the model asks the project for counts and pages of rows, sorted
and filtered in SQL), or rows as a list (``set_rows``), and names, and hears back ids through signals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.project.annotations import AnnotationRow
from annotator.gui import gold_layer
from annotator.gui.models.annotation_table_model import (
    ANNOTATOR,
    CATEGORY,
    DOCUMENT,
    NOTE,
    QUOTE,
    SPAN,
    AnnotationTableModel,
    swatch,
)
from annotator.gui.models.rows import ID_ROLE

_SHALLOW = 2000  # rows: a page at an offset up to here is read in a few milliseconds
_RESELECT = 1000  # selected rows selected again after a sort, a filter or an edit


class AnnotationTableView(QTableView):
    """A table that reports Return/Enter and Delete/Backspace instead of handling them."""

    return_pressed = Signal()
    delete_pressed = Signal()

    def keyPressEvent(self, event) -> None:
        key = event.key()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.return_pressed.emit()
        elif plain and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class AnnotationTablePanel(QWidget):
    """Filter bar over the annotation table. Signals carry ids; the owner does the work."""

    jump_requested = Signal(str, str)  # document id, annotation id
    delete_requested = Signal(list)  # annotation ids of the selected rows, in shown order
    mode_changed = Signal(bool)  # True: all documents

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.can_delete = None  # annotation ids → may they be deleted? (another coder's may not)
        self.model = AnnotationTableModel(self)

        self.mode_combo = QComboBox()
        self.mode_combo.addItems(["This document", "All documents"])
        self.mode_combo.setToolTip("Show the annotations of the open document or of every document")
        self.category_combo = QComboBox()
        self.category_combo.setToolTip("Show one category only")
        self.annotator_combo = QComboBox()
        self.annotator_combo.setToolTip("Show one annotator only")
        for combo in (self.category_combo, self.annotator_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self._fill_combo(self.category_combo, "All categories", {})
        self._fill_combo(self.annotator_combo, "All annotators", {})
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter text…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setToolTip("Match quote, note, category, annotator and document title (Down: go to the table)")
        self.filter_edit.setMinimumWidth(120)
        self.filter_edit.installEventFilter(self)
        self.count_label = QLabel()
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

        self.table = AnnotationTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        for column in (DOCUMENT, CATEGORY, ANNOTATOR, SPAN, NOTE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(QUOTE, QHeaderView.ResizeMode.Stretch)
        self._fitting = False
        self._user_sized: set[int] = set()  # columns the user resized: no longer fitted to the width
        self._gold_shown = False
        header.sectionResized.connect(self._note_user_resize)
        self.table.viewport().installEventFilter(self)
        header.setSortIndicator(SPAN, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setColumnHidden(DOCUMENT, True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        self._bar = QGridLayout()
        self._bar.setHorizontalSpacing(6)
        self._bar.setVerticalSpacing(4)
        self._narrow: bool | None = None
        self._arrange_bar(narrow=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # see minimumSizeHint
        layout.addLayout(self._bar)
        self.preparing = QLabel()  # while the corpus table's keys are made in idle time
        self.preparing.setWordWrap(True)
        self.preparing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preparing.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)  # the table's room
        self.preparing.hide()
        layout.addWidget(self.preparing)
        layout.addWidget(self.table)
        for before, after in ((self.mode_combo, self.category_combo), (self.category_combo, self.annotator_combo),
                              (self.annotator_combo, self.filter_edit), (self.filter_edit, self.table)):
            QWidget.setTabOrder(before, after)

        self.mode_combo.currentIndexChanged.connect(lambda index: self.mode_changed.emit(index == 1))
        self.category_combo.currentIndexChanged.connect(self._apply_filter)
        self.annotator_combo.currentIndexChanged.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.filter_edit.returnPressed.connect(self._focus_table)
        self.table.doubleClicked.connect(self._jump)
        self.table.return_pressed.connect(lambda: self._jump(self.table.currentIndex()))
        self.table.delete_pressed.connect(self._delete_selected)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset,
                       self.model.layoutChanged):
            signal.connect(self._update_count)
        self._update_count()

    # -- feeding -------------------------------------------------------------------------------

    def set_names(self, categories: Mapping[str, tuple[str, str]], annotators: Mapping[str, str]) -> None:
        """Names for ids; refills the filter combos, keeping the current choices where they remain."""
        self.model.set_names(categories, annotators)
        self._fill_combo(self.category_combo, "All categories", categories)
        self._fill_combo(self.annotator_combo, "All annotators", annotators)
        at = self.annotator_combo.findData(gold_layer.GOLD_ID)
        if (at >= 0) != self._gold_shown:  # "★ Gold standard" in bold needs a wider column
            self._gold_shown = at >= 0
            self._fit_columns()
        self._apply_filter()

    def set_rows(self, rows: Iterable[AnnotationRow], corpus: bool) -> None:
        """Show these rows; sets the mode combo to match without emitting ``mode_changed``."""
        self._preparing(False)
        self._set_mode(corpus)
        self._keeping_selection(lambda: self.model.set_rows(rows, corpus))

    def show_table(self, project, document_id: str | None, shown: str | None = None,
                   texts: Callable[[], Mapping[str, str]] = dict) -> None:
        """Show one document's annotations from ``project`` (the corpus's: ``document_id`` None),
        only coder ``shown``'s given one; ``texts()``: the document texts the caller holds. A
        table already showing the same is left as it is (the corpus, when another document opens)."""
        self._preparing(False)
        self._set_mode(document_id is None)
        if not self.model.shows(project, document_id, shown):
            self.model.set_source(project, document_id, shown, texts)

    def show_preparing(self, done: int, total: int) -> None:
        """The corpus table is not ready: its keys are being made (``done`` of ``total``
        annotations); it shows no rows until then."""
        if not self.preparing.isVisible():
            self._set_mode(True)
            self.model.set_rows([], True)
            self._preparing(True)
        percent = 100 * done // max(total, 1)
        self.preparing.setText(f"Preparing the table of all documents: {done:,} of {total:,} annotations "
                               f"sorted and indexed ({percent}%). It is shown when it is ready; the table of "
                               "one document works meanwhile, and so does everything else.")
        self.count_label.setText(f"{percent}% ready")

    def preparing_progress(self, done: int, total: int) -> None:
        if self.preparing.isVisible():
            self.show_preparing(done, total)

    def _preparing(self, on: bool) -> None:
        self.preparing.setVisible(on)
        self.table.setVisible(not on)
        for widget in (self.category_combo, self.annotator_combo, self.filter_edit):
            widget.setEnabled(not on)

    def take_edit(self, rows: Iterable[AnnotationRow], gone: Iterable[str]) -> bool:
        """Rows given as a list (``set_rows``) follow an edit: ``rows`` added or changed, ``gone``
        removed; False (nothing done) when the table shows the project's rows."""
        if not self.model.lists_rows():
            return False
        if self.preparing.isVisible():  # nothing shown: the table is read when it is ready
            return True
        self._keeping_selection(lambda: (self.model.upsert_rows(rows), self.model.remove_ids(gone)))
        return True

    def forget(self) -> None:
        """Show nothing until the next ``show_table`` or ``set_rows``, which reads again."""
        self.model.set_rows([], self.is_corpus_mode())

    def upsert_rows(self, rows: Iterable[AnnotationRow], total: int | None = None) -> None:
        """These rows were added or changed (``total``: the rows before the filters, when known)."""
        self._keeping_selection(lambda: self.model.upsert_rows(rows) if total is None else self.model.refresh(total))

    def remove_ids(self, ids: Iterable[str]) -> None:
        self._keeping_selection(lambda: self.model.remove_ids(ids))

    def refresh(self, total: int | None = None, select: str | None = None) -> None:
        """Annotations changed: ask again, keeping the selected rows (``total`` as for ``upsert_rows``);
        given ``select``, select and show that annotation instead (the rows in view before are not
        read again only to be scrolled away from)."""
        self._keeping_selection(lambda: self.model.refresh(total), select)

    def follow_edit(self, annotation_id: str, before: int | None, after: int | None,
                    row: AnnotationRow | None) -> bool:
        """One annotation of the document shown was edited where its places are known (see the
        model's ``follow_edit``): its row moves in place (the selection stays with the rows) and,
        when it is still shown, is selected and shown. False, with nothing done, when the table
        must ask again (``refresh``)."""
        if not self.model.follow_edit(annotation_id, before, after, row):
            return False
        if after is not None:
            self.select_annotation(annotation_id)
        return True

    def _set_mode(self, corpus: bool) -> None:
        self.mode_combo.blockSignals(True)
        self.mode_combo.setCurrentIndex(1 if corpus else 0)
        self.mode_combo.blockSignals(False)
        self.table.setColumnHidden(DOCUMENT, not corpus)

    def _keeping_selection(self, change: Callable[[], object], follow: str | None = None) -> None:
        """Run ``change`` (which resets the model), then select again the rows selected before
        that are still shown (up to _RESELECT of them) where they are found cheaply (in the pages
        in view, or on an index), keeping the scroll position; or, given ``follow``, select and
        show that annotation when it is shown (and the rest only when it is not)."""
        model = self.model
        selection = self.table.selectionModel()
        current = self.table.currentIndex()
        current_id = current.data(ID_ROLE) if current.isValid() else None
        rows = selection.selectedRows() if selection.hasSelection() else []
        ids = [index.data(ID_ROLE) for index in rows[:_RESELECT]]
        scroll = self.table.verticalScrollBar().value()
        deep = self.table.rowAt(0) > _SHALLOW  # pages in view read at an offset: an index walk each
        change()
        if follow is not None and deep and self.select_annotation(follow):
            return  # found by its key (a count of the rows before it, then two seeks), not by those walks
        self.table.verticalScrollBar().setValue(scroll)
        for y in (0, self.table.viewport().height() - 1):  # the pages in view, which paint reads anyway,
            at = self.table.rowAt(y)                          # so a row there is found without a count
            if at >= 0:
                model.annotation_at(at)
        if follow is not None and self.select_annotation(follow):  # found in the pages just read
            return
        if not ids and current_id is None:
            return
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for annotation_id in filter(None, ids):
            at = model.row_of(annotation_id, cheap=True)
            if at is not None:
                selection.select(model.index(at, 0), flags)
        at = model.row_of(current_id, cheap=True) if current_id is not None else None
        if at is not None:
            selection.setCurrentIndex(model.index(at, current.column()), QItemSelectionModel.SelectionFlag.NoUpdate)

    # -- reading and steering ------------------------------------------------------------------

    def is_corpus_mode(self) -> bool:
        return self.mode_combo.currentIndex() == 1

    def selected_ids(self) -> list[str]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [i for i in (self.model.index(row, 0).data(ID_ROLE) for row in rows) if i is not None]

    def select_annotation(self, annotation_id: str) -> bool:
        """Select and show the row of this annotation (no ``jump_requested``); False when it is
        not in the table or the filters hide it."""
        row = self.model.row_of(annotation_id)
        if row is None:
            return False
        self.model.prime(row, annotation_id)  # the pages round it, read from its key
        index = self.model.index(row, QUOTE)
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    # -- internals ----------------------------------------------------------------------------

    def _fill_combo(self, combo: QComboBox, everything: str, names: Mapping) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for item_id, name in names.items():
            if isinstance(name, tuple):
                combo.addItem(swatch(name[1]) or QIcon(), name[0], item_id)
            else:
                combo.addItem(name, item_id)
        at = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(at, 0))
        combo.blockSignals(False)

    def _apply_filter(self) -> None:
        self._keeping_selection(lambda: self.model.set_filter(
            self.category_combo.currentData(), self.annotator_combo.currentData(), self.filter_edit.text()))
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        if self.model.is_filtering():
            self.count_label.setText(f"{shown:,} of {total:,}")
        else:
            self.count_label.setText(f"{total:,} annotation{'' if total == 1 else 's'}")

    def _jump(self, index: QModelIndex) -> None:
        ann = self.model.annotation_at(index.row()) if index.isValid() else None
        if ann is not None:
            self.jump_requested.emit(ann.document_id, ann.id)

    def _delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.delete_requested.emit(ids)

    def _focus_table(self) -> None:
        self.table.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)

    def context_menu(self, index: QModelIndex) -> QMenu:
        """The table's context menu for the row at ``index`` (built, not shown)."""
        menu = QMenu(self)
        target = index if index.isValid() else self.table.currentIndex()
        go = menu.addAction("Go to annotation")
        go.setEnabled(target.isValid())
        go.triggered.connect(lambda: self._jump(target))
        count = len(self.table.selectionModel().selectedRows())
        delete = menu.addAction("Delete" if count < 2 else f"Delete {count} annotations")
        delete.setEnabled(count > 0 and (self.can_delete is None or self.can_delete(self.selected_ids())))
        delete.triggered.connect(self._delete_selected)
        return menu

    def _show_context_menu(self, pos) -> None:
        menu = self.context_menu(self.table.indexAt(pos))
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _arrange_bar(self, narrow: bool) -> None:
        """One row when there is room; in a narrow dock the filter field and count get a row of their own."""
        if narrow == self._narrow:
            return
        self._narrow = narrow
        combos = (self.mode_combo, self.category_combo, self.annotator_combo)
        for widget in (*combos, self.filter_edit, self.count_label):
            self._bar.removeWidget(widget)
        for column in range(5):
            self._bar.setColumnStretch(column, 0)
        for column, combo in enumerate(combos):
            self._bar.addWidget(combo, 0, column)
            if narrow:
                self._bar.setColumnStretch(column, 1)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if narrow:
            self._bar.addWidget(self.filter_edit, 1, 0, 1, 2)
            self._bar.addWidget(self.count_label, 1, 2, right)
        else:
            self._bar.addWidget(self.filter_edit, 0, 3)
            self._bar.addWidget(self.count_label, 0, 4, right)
            self._bar.setColumnStretch(3, 1)

    def _fit_columns(self) -> None:
        """Share the width out: the quote stretches, the others take a part within bounds, and
        a column the user has resized keeps its width."""
        width = self.table.viewport().width()
        header = self.table.horizontalHeader()
        span = self.fontMetrics().horizontalAdvance("00000–00000") + 16
        bold = QFont(self.font())
        bold.setBold(True)
        who = QFontMetrics(bold).horizontalAdvance(gold_layer.LABEL) + 16 if self._gold_shown else 64
        self._fitting = True
        try:
            for column, share, least, most in ((DOCUMENT, 0.13, 70, 170), (CATEGORY, 0.15, 76, 160),
                                               (ANNOTATOR, 0.11, who, max(who, 120)), (SPAN, 0, span, span),
                                               (NOTE, 0.18, 64, 240)):
                if column not in self._user_sized:
                    header.resizeSection(column, max(least, min(most, int(width * share))))
        finally:
            self._fitting = False

    def _note_user_resize(self, column: int, old: int, new: int) -> None:
        if not self._fitting and column != QUOTE and old and new:
            self._user_sized.add(column)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the two-row filter bar allows, whichever bar is shown, so a dock can shrink
        the panel into the narrow arrangement."""
        hint = super().minimumSizeHint()
        combos = (self.mode_combo, self.category_combo, self.annotator_combo)
        width = sum(c.minimumSizeHint().width() for c in combos) + 2 * self._bar.horizontalSpacing() + 8
        return QSize(width, hint.height())

    def resizeEvent(self, event) -> None:
        self._arrange_bar(narrow=event.size().width() < 640)
        super().resizeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self._focus_table()
                return True
            if event.key() == Qt.Key.Key_Escape and self.filter_edit.text():
                self.filter_edit.clear()
                return True
        return super().eventFilter(watched, event)
