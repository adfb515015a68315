"""Live updates on a team server (issue 19, point 6): the other clients' changes shown as they commit.

For a project on a server, ``LiveUpdates`` runs the project's ``notify.Listener`` (core/storage/notify.py:
LISTEN on its own connection, in a thread; nothing polls the tables). Each event crosses to the GUI
thread through a queued signal; a burst (an import, a merge, a coder's quick keys) is gathered for
``GATHER_MS`` into one ``Remote`` and applied in place: another coder's annotations in the open
document join the view and the table without switching documents or taking the focus, statuses and
counts change in the documents panel, and the coder's selection and scroll positions stay. A change of
the schema or the corpus goes through the window's ``changed_outside_history`` (the undo steps may no
longer apply); the rest keeps the coder's undo history. This client's own writes are not heard (the
listener skips its engine's backends). After the connection dropped and came back, everything is read
again once, as events may have been missed; ``listening(bool)`` says whether the updates are live.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from annotator.core.project.changes import Changes

log = logging.getLogger(__name__)

GATHER_MS = 100  # a burst of notifications within this becomes one refresh


@dataclass(frozen=True)
class Remote:
    """What a burst of other clients' notifications asks of the window: ``changes`` shown in
    place (annotations by id, documents whose status or counts changed); ``structural`` (the
    schema or the corpus: ``changes.schema`` / ``changes.corpus``) through changed_outside_history;
    ``reload`` everything read again keeping the history (rows not named, a project setting such as
    blind coding); ``names`` the coders' names; ``decisions`` the adjudication's gold decisions;
    ``statuses`` None for every document's status, else the documents' set."""

    changes: Changes = Changes()
    reload: bool = False
    names: bool = False
    decisions: bool = False
    statuses: frozenset[str] | None = frozenset()

    @property
    def structural(self) -> bool:
        return self.changes.schema or self.changes.corpus


def remote_of(events) -> Remote:
    """The Remote of a burst of notify.Events (any order; each names its table's rows or asks to
    reload that table)."""
    annotations: set[str] = set()
    documents: set[str] = set()
    statuses: set[str] | None = set()
    schema = corpus = reload = names = decisions = False
    for event in events:
        table = event.table
        if table == "annotations":
            if event.reload:
                reload = True
            else:
                annotations.update(event.ids)
                documents.update(event.documents or ())
        elif table == "document_status":
            if event.reload or statuses is None:
                statuses = None
            else:
                statuses.update(key[0] for key in event.ids)
        elif table == "categories":
            schema = True
        elif table == "documents":
            corpus = True
        elif table == "annotators":
            names = True
            corpus = corpus or event.op not in ("INSERT", "UPDATE")  # a coder removed (and their rows)
        elif table == "settings":
            reload = True  # blind coding, the lead: what the window shows may change
        elif table == "decisions":
            decisions = True
    return Remote(Changes.of(annotations, documents, schema=schema, corpus=corpus), reload=reload,
                  names=names, decisions=decisions, statuses=None if statuses is None else frozenset(statuses))


class LiveUpdates(QObject):
    """The window's live updates; ``set_project`` starts (on a server) or stops them, ``stop`` at close."""

    # the running listener connected (True) or lost its connection (False); a deliberate stop (another
    # project, closing) says nothing: whoever shows the state starts afresh with each project
    listening = Signal(bool)
    _arrived = Signal(object, object)  # (listener, event), emitted in the listener's thread
    _state = Signal(object, bool)

    def __init__(self, window, parent=None) -> None:
        super().__init__(parent)
        self.window = window
        self.listener = None
        self.applied = 0  # bursts applied (tests and the latency benchmark count them)
        self._events: list = []
        self._dropped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self._apply)
        self._arrived.connect(self._gather, Qt.ConnectionType.QueuedConnection)
        self._state.connect(self._state_changed, Qt.ConnectionType.QueuedConnection)

    def set_project(self, project) -> None:
        """Listen to ``project``'s server (nothing for a file), after stopping the last listener."""
        self.stop()
        if not project.is_server:
            return
        listener = None

        def heard(event) -> None:  # in the listener's thread
            self._arrived.emit(listener, event)

        def state(up: bool) -> None:
            self._state.emit(listener, up)

        listener = project.listener(heard, on_state=state)
        self.listener = listener.start()

    def stop(self) -> None:
        """Stop listening (another project, or the window closes); what was gathered is dropped."""
        listener, self.listener = self.listener, None
        self._timer.stop()
        self._events.clear()
        self._dropped = False
        if listener is not None:
            listener.stop(timeout=1.0)  # its thread waits at most its poll (0.2 s) for the next look

    # -- in the GUI thread ------------------------------------------------------------------------

    def _gather(self, listener, event) -> None:
        if listener is not self.listener:
            return  # a last event of a listener stopped since
        self._events.append(event)
        if not self._timer.isActive():
            self._timer.start()

    def _state_changed(self, listener, up: bool) -> None:
        if listener is not self.listener:
            return
        self.listening.emit(up)
        if not up:
            self._dropped = True
        elif self._dropped:  # back after a drop: what happened meanwhile was not heard
            self._dropped = False
            self._events.clear()
            self._timer.stop()
            self.reload_everything()

    def _apply(self) -> None:
        events, self._events = self._events, []
        if not events:
            return
        try:
            self.apply(remote_of(events))
        except Exception:  # a failed refresh must not end the updates; the next event tries again
            log.exception("live update failed")

    def apply(self, remote: Remote) -> None:
        """Show what other clients changed, keeping the coder's place."""
        window = self.window
        self.applied += 1
        if remote.structural or remote.reload:
            window.details.commit_note()  # a note being typed is saved, not overwritten by the reload
        with keeping_place(window):
            if remote.structural:
                window.changed_outside_history(remote.changes)
            elif remote.reload:
                window.refresh()
                window.documents_model.update_statuses(None)
            else:
                if remote.names:
                    window.refresh_names()
                if remote.statuses is None:
                    window.documents_model.update_statuses(None)
                elif remote.statuses:
                    window.documents_model.update_statuses(remote.statuses)
                window.on_changes(remote.changes, remote=True)
        if remote.decisions or remote.changes.annotations or remote.reload or remote.structural:
            adjudication = getattr(window, "adjudication", None)
            if adjudication is not None:
                adjudication.remote_changed()

    def reload_everything(self) -> None:
        """Read the schema, the lists, the open document and the decisions again (after a reconnect),
        keeping the coder's place and undo history."""
        self.window.refresh_schema()
        self.apply(Remote(reload=True, names=True, decisions=True, statuses=None))


@contextmanager
def keeping_place(window):
    """Run the block, then put back what it reset of the coder's place in the open document: the
    scroll position, the selected annotation and text, the annotation table's scroll (the panels'
    current rows are kept by the models). Nothing is put back in another document."""
    view, table = window.view, window.table_panel.table
    document = window.document.id if window.document is not None else None
    index = view.index
    position = view.view_position() if document is not None else None
    selected = view.selected_id
    cursor = view.textCursor()
    anchor, at = cursor.anchor(), cursor.position()
    table_scroll = table.verticalScrollBar().value()
    yield
    if document is None or window.document is None or window.document.id != document or view.index is index:
        return  # nothing shown again (changed in place), or another document
    view.scroll_to(position)
    restored = view.textCursor()
    restored.setPosition(min(anchor, len(view.toPlainText())))
    restored.setPosition(min(at, len(view.toPlainText())), restored.MoveMode.KeepAnchor)
    view.setTextCursor(restored)
    view.scroll_to(position)  # setTextCursor may have scrolled to the cursor
    if selected is not None:
        view.select_annotation(selected, emit=False)
        if view.selected_id == selected:
            window.table_panel.select_annotation(selected)
        window.show_details()
    table.verticalScrollBar().setValue(table_scroll)
