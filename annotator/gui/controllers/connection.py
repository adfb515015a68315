"""The connection to a server project (issue 19, point 7): a banner while it is lost, edits
refused meanwhile, reconnecting by itself; and opening a server project without blocking the window.

Whatever meets the core's ConnectionLostError (an edit through the History, a background
operation, idle work, a read that reached the app's error hook) emits the context's
``connectionLost``; ``ConnectionController.lost`` shows the banner and sets ``context.offline``, the
message every edit is refused with until the server answers again (nothing is tried, so nothing is
half-written: each edit is one transaction on the server anyway). A Python thread probes the server
(``server_db.reachable``, short timeouts) after 1, 2, 4, 8, then every 10 s; when it answers, the
banner goes and the window reloads once, keeping the open document and its scroll, since other
clients may have changed the project meanwhile. ``dropped(message)`` and ``restored()`` let other
parts (the live-update listener) follow.

``Connecting`` runs ``Project.open_for_reading`` of a server URL in a thread behind a small
"Connecting to …" dialog with Cancel: a server that does not answer (CONNECT_TIMEOUT_S) never
freezes the window.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.core.errors import AnnotatorError, ConnectionLostError, user_message
from annotator.core.storage import server_db
from annotator.core.storage.location import Location, parse_location
from annotator.gui.context import ProjectContext
from annotator.gui.controllers.live import keeping_place
from annotator.gui.controllers.read_only import read_only_bar

log = logging.getLogger(__name__)

BACKOFF_S = (1, 2, 4, 8, 10)  # pauses between tries; the last one repeats
PROBE_TIMEOUT_S = 2  # one try's connect timeout
SHOW_AFTER_MS = 300  # a connection that takes longer shows the "Connecting to …" dialog


class Prober(QObject):
    """Tries the server of ``location`` in a Python thread until it answers (``answered``) or
    ``stop()``; the signal reaches the GUI thread queued, as the receiver lives there."""

    answered = Signal()

    def __init__(self, location, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.location = location
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="annotator-reconnect", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        for pause in itertools.chain(BACKOFF_S, itertools.repeat(BACKOFF_S[-1])):
            if self._stop.wait(pause):
                return
            if server_db.reachable(self.location, PROBE_TIMEOUT_S) and not self._stop.is_set():
                try:
                    self.answered.emit()
                except RuntimeError:  # the window closed meanwhile
                    pass
                return


class ConnectionController(QObject):
    """The banner (``banner``, above the document) and the reconnecting of the window's server
    project. Uses the window's ``refresh``, ``refresh_schema``, ``indexer``, ``keyer`` and actions."""

    dropped = Signal(str)  # the connection was lost (the core's message)
    restored = Signal()  # the server answers again and the window has reloaded

    def __init__(self, window, context: ProjectContext) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.banner = read_only_bar("connectionBar")
        self.prober: Prober | None = None
        context.connectionLost.connect(self.lost)

    @property
    def is_lost(self) -> bool:
        return bool(self.context.offline)

    def lost(self, message: str = "") -> None:
        """The connection to the server is lost (``message``: the core's, for the log): banner,
        edits refused, probing begins. Once until it is back."""
        project = self.context.project
        if self.is_lost or not project.is_server:
            return
        log.warning("connection lost: %s", message or project.where)
        self.context.offline = (f"{project.where}: the connection to the server is lost, so this change was not "
                                "made. Annotator reconnects by itself; try again when the banner above the "
                                "document has gone.")
        self.banner.setText(f"Connection to {project.where} lost — reconnecting… "
                            "Your edits are not saved until it is back.")
        self.banner.show()
        for action_id in ("edit.undo", "edit.redo"):  # a step undone now could not be saved
            self.window.actions[action_id].setEnabled(False)
        self.prober = Prober(project.location, self)
        self.prober.answered.connect(self._answered)
        self.prober.start()
        self.dropped.emit(message)

    def _answered(self) -> None:
        if self.prober is None or self.sender() is not self.prober:
            return  # a prober of a project since closed
        self.prober = None
        self.context.offline = ""
        try:  # other clients may have changed anything meanwhile: every view reads it again
            with keeping_place(self.window):
                self.window.refresh_schema()
                self.window.refresh(open_first=False)
            self.window.indexer.start()
            self.window.keyer.start()
        except ConnectionLostError as exc:  # gone again already
            self.lost(user_message(exc))
            return
        self.banner.hide()
        stack = self.window.history.stack
        self.window.actions["edit.undo"].setEnabled(stack.canUndo())
        self.window.actions["edit.redo"].setEnabled(stack.canRedo())
        log.info("connection to %s is back", self.context.project.where)
        self.restored.emit()

    def reset(self) -> None:
        """Another project (or the window closing): no banner, no probing."""
        if self.prober is not None:
            self.prober.stop()
            self.prober = None
        self.context.offline = ""
        self.banner.hide()


def report_lost(error: BaseException, widgets) -> bool:
    """Give ``error`` (met outside the History and the operations, e.g. a read in a slot) to the
    connection controller of each window among ``widgets`` whose server it names; True if one took it."""
    if not isinstance(error, ConnectionLostError):
        return False
    taken = False
    for widget in widgets:
        connection = getattr(widget, "connection", None)
        if isinstance(connection, ConnectionController) and str(error).startswith(connection.context.project.where):
            connection.lost(user_message(error))
            taken = True
    return taken


class Connecting(QObject):
    """Opens a server project (``opener()``, e.g. ``Project.open_for_reading(url)``) in a Python
    thread; a "Connecting to <display>…" dialog with Cancel shows if it takes over SHOW_AFTER_MS.
    ``start(opened, failed)``: ``opened(project)`` or ``failed(message)`` in the GUI thread; after
    Cancel neither (a project that opens all the same is closed)."""

    _arrived = Signal(object, str)  # the project (or None) and the message of a failure

    def __init__(self, parent: QWidget | None, display: str, opener: Callable) -> None:
        super().__init__(parent)
        self.display = display
        self._opener = opener
        self.cancelled = False
        self.finished = False
        self._opened: Callable = lambda project: None
        self._failed: Callable[[str], None] = lambda message: None
        self.dialog = QProgressDialog(f"Connecting to {display}…", "Cancel", 0, 0, parent)
        self.dialog.setObjectName("connectingDialog")
        self.dialog.setWindowTitle("Connecting")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self._arrived.connect(self._arrive)

    def start(self, opened: Callable, failed: Callable[[str], None]) -> Connecting:
        self._opened, self._failed = opened, failed
        self.dialog.setValue(0)  # starts the dialog's SHOW_AFTER_MS
        threading.Thread(target=self._run, name="annotator-connect", daemon=True).start()
        return self

    def cancel(self) -> None:
        if not self.finished:
            self.cancelled = True
            log.info("connecting to %s cancelled", self.display)
        self.dialog.reset()

    def _run(self) -> None:
        project, message = None, ""
        try:
            project = self._opener()
        except AnnotatorError as exc:
            message = user_message(exc)
        except Exception as exc:  # shown as one line; the traceback goes to the log
            log.exception("connecting to %s failed", self.display)
            message = f"unexpected error: {user_message(exc)} (details in the log file)"
        try:
            self._arrived.emit(project, message)
        except RuntimeError:  # the window closed while it connected
            if project is not None:
                project.close()

    def _arrive(self, project, message: str) -> None:
        self.finished = True
        self.dialog.reset()
        self.dialog.deleteLater()
        if self.cancelled:
            if project is not None:
                project.close()
            return
        if project is not None:
            self._opened(project)
        else:
            self._failed(message)


def display_of(target) -> str:
    """How the dialog names a project to open: the URL without its password, or the path."""
    return (target if isinstance(target, Location) else parse_location(target)).safe_display()


def wait_for(target, parent: QWidget | None = None):
    """Open the server project ``target`` behind the Connecting dialog before any window exists
    (the app started on a URL, or reopening the last project): the event loop runs meanwhile.
    The project; None if the user cancelled; AnnotatorError with the message if it failed."""
    from annotator.core.project.project import Project

    loop, outcome = QEventLoop(), {}
    connecting = Connecting(parent, display_of(target), lambda: Project.open_for_reading(target))
    connecting.dialog.canceled.connect(loop.quit)
    connecting.start(lambda project: (outcome.update(project=project), loop.quit()),
                     lambda message: (outcome.update(message=message), loop.quit()))
    loop.exec()
    if "message" in outcome:
        raise AnnotatorError(outcome["message"])
    return outcome.get("project")
