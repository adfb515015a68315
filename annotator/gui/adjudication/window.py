"""Tools → Adjudicate…: the queue of units on the left, the document (units by state) and the
lanes of the current unit on the right, keys for every decision (keys.py). Each decision is a core
command run through the main window's History, so it is committed at once, is one undo step, and
the workspace follows; the window reads the decisions again whenever the undo stack moves."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import user_message
from annotator.core.project.commands import Decide, EditGold, Reopen, SetDecisionReason
from annotator.gui.adjudication.keys import KEYS, TAKE, category_keys, footer
from annotator.gui.adjudication.lanes import LanesView
from annotator.gui.adjudication.overview import DocumentOverview
from annotator.gui.adjudication.queue import COLUMNS, FilterBar, QueueModel
from annotator.gui.adjudication.session import RefusedError
from annotator.gui.adjudication.unit_lanes import describe, unit_lanes
from annotator.gui.settings import settings
from annotator.gui.undo import CoreCommand
from annotator.gui.widgets import column

BLIND_SETTING = "adjudicate/blind"
DECISION_COMMANDS = (Decide, EditGold, Reopen, SetDecisionReason)  # steps the window follows one by one


class ReasonEdit(QLineEdit):
    """The reason line: every key typed here is text (no window key fires from it, not even Delete
    or a digit); Esc gives the keys back to the window."""

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            mods = event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            if not mods or event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.window().setFocus()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.returnPressed.emit()
            return
        super().keyPressEvent(event)


class AdjudicationWindow(QWidget):
    def __init__(self, session, history, parent=None, live=None, coder=None) -> None:
        """``live()``: is the workspace still open (else the undo stack's moves are its closing);
        ``coder()``: the workspace's current coder's id (another one closes this window)."""
        super().__init__(parent, Qt.WindowType.Window)
        self._live = live or (lambda: True)
        self._coder = coder or (lambda: session.by)
        self.setWindowTitle(f"Adjudicate — {session.project.info().name} — Annotator")
        self.resize(1280, 780)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the keys are the window's
        self.session = session
        self.history = history
        self.unit = None  # the current Unit
        self.gold_index = 0  # which gold span of the target decision the edit keys move
        self._listening = self._shown_before = False  # on the undo stack's moves while shown
        self._refreshing = self._deciding = False
        self._index = history.stack.index()  # where the undo stack stood at the last look

        self.filters = FilterBar(session)
        self.model = QueueModel(session, self)
        self.queue = QTableView()
        self.queue.setModel(self.model)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.verticalHeader().hide()
        self.queue.setShowGrid(False)
        self.queue.setWordWrap(False)
        self.queue.verticalHeader().setDefaultSectionSize(self.queue.fontMetrics().height() + 6)
        self.queue.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no row measured
        self.queue.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        header = self.queue.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # not to contents: that reads every row
        width = self.queue.fontMetrics().horizontalAdvance
        for section, sample in enumerate(("⚠", "00000–00000", "only some", "Factual claim, Opin", "1 2 3")):
            header.resizeSection(section, max(width(sample), width(COLUMNS[section])) + 18)
        header.setStretchLastSection(True)  # the document's title
        self.blind = QCheckBox("&Blind: show coders as Coder 1, 2, 3")
        self.blind.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.blind.setChecked(session.blind)
        self.blind.setToolTip("Hide the coders' names while deciding (remembered)")
        self.decider = QLabel()
        self.overview = DocumentOverview()
        self.lanes = LanesView()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.lanes)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.decision_line = QLabel()
        self.decision_line.setWordWrap(True)
        self.decision_line.setTextFormat(Qt.TextFormat.PlainText)
        self.reason = ReasonEdit()
        self.reason.setPlaceholderText("Reason for the decision: press # (or Ctrl+Enter), type, Enter")
        self.reason.setClearButtonEnabled(True)
        self.reason.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet("QLabel#message { color: #8a4b00; }")
        self.help = QLabel()
        self.help.setObjectName("keys")
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.TextFormat.PlainText)
        self.help.setStyleSheet("QLabel#keys { color: palette(placeholder-text); }")

        left = column(self.filters, self.queue, margins=(0, 0, 0, 0), spacing=6)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.overview)
        right.addWidget(column(scroll, self.decision_line, self.reason, margins=(0, 0, 0, 0), spacing=4))
        right.setSizes([280, 420])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([500, 780])
        split.setStretchFactor(1, 1)
        top = QHBoxLayout()
        top.addWidget(self.decider)
        top.addStretch(1)
        top.addWidget(self.blind)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.help)

        self._build_keys()
        self.filters.changed.connect(self._filters_changed)
        self.queue.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.overview.unitClicked.connect(lambda unit_id: self.go_to(session.unit_by_id.get(unit_id)))
        self.blind.toggled.connect(self._set_blind)
        self.reason.returnPressed.connect(self._reason_entered)
        self._show_decider()
        self.model.refresh()
        self.filters.show_progress()
        self.go_to(session.step(None))

    # -- keys ------------------------------------------------------------------------------------

    def _build_keys(self) -> None:
        self.key_actions: dict[str, QAction] = {}
        for key in KEYS:
            self._action(key.id, key.keys, key.about, getattr(self, f"key_{key.id}"))
        for n, digit in enumerate(TAKE.keys, start=1):
            self._action(f"take{n}", (digit,), f"Take coder {n}'s version", lambda _=False, n=n: self.key_take(n))
        self._category_actions: list[QAction] = []
        self._build_category_keys()

    def _build_category_keys(self) -> None:
        for action in self._category_actions:
            self.removeAction(action)
        self._category_actions = []
        names = self.session.category_names
        for category_id, key in category_keys(self.session.categories).items():
            action = self._action(f"category:{category_id}", (key,), f"Make the gold span {names[category_id]}",
                                  lambda _=False, c=category_id: self.key_category(c))
            self._category_actions.append(action)
        self.help.setText(footer(self.session.categories))
        self.help.setToolTip("\n".join(f"{' / '.join(k.keys)}: {k.about}" for k in (TAKE, *KEYS)))

    def _action(self, name: str, keys, about: str, slot) -> QAction:
        action = QAction(about, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        self.key_actions[name] = action
        return action

    def say(self, text: str) -> None:
        self.message.setText(text)

    def key_next(self) -> None:
        self._step(True)

    def key_previous(self) -> None:
        self._step(False)

    def _step(self, forward: bool) -> None:
        unit = self.session.step(self.unit, forward)
        if unit is None:
            self.say("No open unit left here." if self.session.units else "No units: the coders marked nothing yet.")
        else:
            self.say("")
        self.go_to(unit if unit is not None else self.unit)

    def key_take(self, number: int) -> None:
        self._decide(lambda unit: self.session.take(unit, number))

    def key_union(self) -> None:
        self._decide(self.session.union)

    def key_intersection(self) -> None:
        self._decide(self.session.intersection)

    def key_reject(self) -> None:
        self._decide(self.session.reject)

    def key_reopen(self) -> None:
        if self.unit is not None:
            self._run(lambda: self.session.reopen(self.unit))

    def _decide(self, make) -> None:
        unit = self.unit
        if unit is None:
            return self.say("No unit to decide.")
        if self._run(lambda: make(unit)):
            own = self.session.unit_decisions(unit)
            self.session.last_decision = own[-1].id if own else None
            self.gold_index = 0
            following = self.session.step(unit, True)
            self.go_to(following if following is not None and following.id != unit.id else unit)
            if following is None or following.id == unit.id:
                self.say("Every unit here is decided.")

    def _run(self, make) -> bool:
        """Build a command (a refusal is said in the window) and run it through the History."""
        if self._coder() != self.session.by:
            self.say("The workspace has switched to another coder: open Tools → Adjudicate… again to decide as them.")
            return False
        try:
            command = make()
        except RefusedError as exc:
            message = user_message(exc)
            self.say(message[:1].upper() + message[1:] + ".")
            return False
        self.say("")
        self._deciding = True
        try:
            return self.history.run(command)
        finally:
            self._deciding = False

    def _target(self):
        return self.session.target(self.unit)

    def key_start_left(self) -> None:
        self._edit(lambda d: self.session.move_edge(d, self.gold_index, "start", -1))

    def key_start_right(self) -> None:
        self._edit(lambda d: self.session.move_edge(d, self.gold_index, "start", 1))

    def key_end_left(self) -> None:
        self._edit(lambda d: self.session.move_edge(d, self.gold_index, "end", -1))

    def key_end_right(self) -> None:
        self._edit(lambda d: self.session.move_edge(d, self.gold_index, "end", 1))

    def key_category(self, category_id: str) -> None:
        self._edit(lambda d: self.session.recategorise(d, self.gold_index, category_id))

    def _edit(self, make) -> None:
        target = self._target()
        if self._run(lambda: make(target)):
            self.show_unit()

    def key_next_gold(self) -> None:
        target = self._target()
        count = len(self.session.gold_of(target)) if target is not None else 0
        self.gold_index = (self.gold_index + 1) % count if count else 0
        self.show_unit()

    def key_reason(self) -> None:
        if self._target() is None:
            return self.say("No decision to give a reason for yet: decide first.")
        self.reason.setFocus()
        self.reason.selectAll()

    def _reason_entered(self) -> None:
        target = self._target()
        if target is not None and self.reason.text().strip() != (target.reason or ""):
            self._run(lambda: self.session.set_reason(target, self.reason.text()))
        self.setFocus()
        self.show_unit()

    def key_undo(self) -> None:
        self.history.stack.undo()

    def key_redo(self) -> None:
        self.history.stack.redo()

    # -- showing -------------------------------------------------------------------------------

    def go_to(self, unit) -> None:
        """Make ``unit`` current: its document in the overview, its lanes, its row in the queue."""
        self.unit = unit
        session = self.session
        if unit is not None and self.overview.document_id != unit.document:
            text = session.project.document(unit.document).text
            self.overview.show_document(unit.document, text, [u for u in session.units if u.document == unit.document],
                                        session.states)
        self.overview.set_current(unit.id if unit is not None else None)
        row = self.model.row_of(unit.id) if unit is not None else -1
        selection = self.queue.selectionModel()
        selection.blockSignals(True)
        if row >= 0:
            self.queue.selectRow(row)
            self.queue.scrollTo(self.model.index(row, 0))
        else:
            self.queue.clearSelection()
        selection.blockSignals(False)
        self.show_unit()

    def show_unit(self) -> None:
        session, unit = self.session, self.unit
        target = self._target()
        self.reason.setText(target.reason if target is not None and target.reason else "")
        self.decision_line.setText(describe(self.session, target, unit, self.gold_index))
        if unit is None:
            self.lanes.empty_text = "No units: the coders marked nothing yet." if not session.units else \
                "Nothing here: change the filters, or every unit is decided."
            self.lanes.show_lanes("", None, [], {})
            return
        text = self.overview.index.text  # go_to showed the unit's document
        self.lanes.show_lanes(text, (unit.start, unit.end), unit_lanes(session, unit, target, self.gold_index),
                              session.category_colours)

    def _show_decider(self) -> None:
        self.decider.setText(f"Deciding as {self.session.names.get(self.session.by, 'you')}")

    # -- reacting ------------------------------------------------------------------------------

    def _history_moved(self, index: int | None = None) -> None:
        """A step was done, undone or redone (here or in the workspace): a decision's step is
        followed as it is; any other step, or a jump, reads the units and decisions again. A unit
        an undo opened again becomes the current one."""
        session = self.session
        if not self._live():
            return
        if self.history.project is not session.project or self._coder() != session.by:
            self.close()  # another project, or another coder, in the workspace: not theirs to decide
            return
        before = dict(session.states)
        stack, last = self.history.stack, self._index
        self._index = stack.index()
        step = stack.command(min(self._index, last)) if index is not None and abs(self._index - last) == 1 else None
        change = getattr(getattr(step, "command", None), "change", None)
        if isinstance(step, CoreCommand) and isinstance(step.command, DECISION_COMMANDS) and change is not None:
            session.apply(change, undone=self._index < last)
        elif isinstance(step, CoreCommand) and isinstance(step.command, DECISION_COMMANDS):
            session.load_decisions()  # waiting for the write lock: not done yet
        else:
            self._reload()
        reopened = [u for u in session.units if before.get(u.id) != "open" and session.states[u.id] == "open"]
        self.overview.set_states(session.states)
        self._refreshing = True  # rows leaving the queue move its current row: not a choice
        try:
            self.model.refresh()
        finally:
            self._refreshing = False
        self.filters.show_progress()
        if reopened:
            self.go_to(reopened[0])
        elif not self._deciding:  # else the key that decided moves on itself
            self.go_to(self.unit)

    def _reload(self) -> None:
        """The coders' annotations may have changed: the units, names and decisions read again."""
        self.session.load()
        self.overview.document_id = None  # shown again by go_to
        self.filters.fill()
        self._build_category_keys()
        if self.unit is not None:
            self.unit = self.session.unit_by_id.get(self.unit.id) or next(
                (u for u in self.session.units if u.document == self.unit.document and u.end > self.unit.start), None)

    def remote_changed(self) -> None:
        """Another client decided or annotated (controllers/live.py): the units and decisions read
        again, keeping the current unit (a closed window reads them when shown again)."""
        if not self.isVisible() or self.history.project is not self.session.project:
            return
        self._reload()
        self.overview.set_states(self.session.states)
        self._refreshing = True
        try:
            self.model.refresh()
        finally:
            self._refreshing = False
        self.filters.show_progress()
        self.go_to(self.unit)

    def closeEvent(self, event) -> None:
        if self._listening:
            self._listening = False
            self.history.stack.indexChanged.disconnect(self._history_moved)
            self.history.on_stale.remove(self._history_moved)
        super().closeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._listening:
            self._listening = True
            self.history.stack.indexChanged.connect(self._history_moved)
            self.history.on_stale.append(self._history_moved)  # another adjudicator decided first: read again
            if self._shown_before:
                self._history_moved()  # decided in the workspace while the window was closed
        self._shown_before = True

    def _filters_changed(self) -> None:
        self.model.refresh()
        self.filters.show_progress()
        if self.unit is None or self.model.row_of(self.unit.id) < 0:
            self.go_to(self.model.units[0] if self.model.units else None)
        else:
            self.go_to(self.unit)

    def _row_chosen(self, current, _previous) -> None:
        if not self._refreshing and current.isValid() and current.row() < len(self.model.units):
            self.go_to(self.model.units[current.row()])

    def _set_blind(self, blind: bool) -> None:
        settings().setValue(BLIND_SETTING, blind)
        self.session.set_blind(blind)
        self.model.restate()
        self.show_unit()
