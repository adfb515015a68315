"""The window and a server that goes away (issue 19, point 7): the banner, edits refused with one
message while it shows (nothing written), the banner going by itself when the server is back;
and opening a server project in the background, the window responsive while a server that never
answers is waited for, with Cancel."""

from __future__ import annotations

import socket

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from annotator.core.documents.readers import ImportOptions
from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project, template_categories
from annotator.gui.controllers import connection
from tests.gui import conftest as gui
from tests.pg.cluster import require_psycopg

require_psycopg()

dialogs, show_window = gui.dialogs, gui.show_window  # the GUI tests' fixtures

TEXT = "The river was rising. Critics said the dam would hold. It did not hold for long."


@pytest.fixture
def quick(monkeypatch):
    """Tries after 0.2, 0.5, then every 1 s, so the test does not wait long for the server."""
    monkeypatch.setattr(connection, "BACKOFF_S", (0.2, 0.5, 1))


def annotate(window, word: str) -> None:
    start = TEXT.index(word)
    window.view.select_range(start, start + len(word))
    window.annotate(window.categories[0].id)


def stored(url: str) -> list[tuple[int, int]]:
    """The annotations on the server, read by a connection of their own."""
    with Project.open(url, mode="read") as project:
        return sorted((row.start, row.end) for row in project.annotation_rows())


def test_a_lost_connection_shows_the_banner_refuses_edits_and_goes_when_the_server_is_back(
        qtbot, own_cluster, show_window, dialogs, quick, tmp_path):
    url = own_cluster.url()
    with Project.create(url, name="Team", categories=template_categories()) as project:
        document_id = project.add_document("Interview", TEXT).document.id
    window = show_window(Project.open_for_reading(url), 1100, 700)
    annotate(window, "river")
    assert len(stored(url)) == 1 and window.history.stack.count() == 1
    restored = []
    window.connection.restored.connect(lambda: restored.append(True))
    banner = window.connection.banner

    own_cluster.pause()
    annotate(window, "Critics")  # meets the lost connection: nothing saved, the banner shows
    assert banner.isVisible()
    assert banner.text() == (f"Connection to {window.project.where} lost — reconnecting… "
                             "Your edits are not saved until it is back.")
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("warning", "Cannot do that")
    assert text.startswith(f"Add {window.categories[0].name}: {window.project.where}: the connection to the "
                           "server was lost; nothing of what was being done was saved (")
    assert "Traceback" not in text
    assert window.view.index.count == 1 and window.history.stack.count() == 1  # the view unchanged
    refused = window.context.offline
    assert refused.startswith(f"{window.project.where}: the connection to the server is lost, so this change "
                              "was not made")

    dialogs.clear()
    annotate(window, "dam")  # refused without trying
    window.statuses.set_status(document_id, "done")
    window.undo()
    window.files.start_import([str(tmp_path / "none.txt")], ImportOptions())
    assert dialogs == [("warning", "Cannot do that", refused)] * 3 + [
        ("critical", "Import documents failed", refused)]
    assert not window.actions["edit.undo"].isEnabled()
    assert window.history.stack.count() == 1 and window.view.index.count == 1
    window.grab().save("/tmp/banner.png")

    own_cluster.resume()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=30000)
    assert restored == [True] and window.context.offline == ""
    assert window.document is not None and window.document.id == document_id  # still open
    assert window.actions["edit.undo"].isEnabled()
    dialogs.clear()
    annotate(window, "dam")
    assert dialogs == []
    assert stored(url) == sorted([(TEXT.index("river"), TEXT.index("river") + 5),
                                  (TEXT.index("dam"), TEXT.index("dam") + 3)])
    window.project.close()


@pytest.fixture
def silent_server():
    """A TCP listener that accepts connections and never answers (a server that hangs)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def ticking(qtbot):
    """A counter the event loop advances every 20 ms: it moves only while the GUI thread is free."""
    ticks = [0]
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start()
    return ticks, timer


def test_opening_a_server_that_never_answers_keeps_the_window_responsive_and_can_be_cancelled(
        qtbot, tmp_path, show_window, dialogs, silent_server):
    window = show_window(create_project(tmp_path / "local.annotator", name="local"), 1000, 600)
    url = f"postgresql://ana@127.0.0.1:{silent_server}/lab?connect_timeout=4"
    ticks, timer = ticking(qtbot)
    connecting = window.files.open_server(url)
    qtbot.waitUntil(lambda: connecting.dialog.isVisible(), timeout=5000)
    assert connecting.dialog.labelText() == f"Connecting to {url}…"
    before = ticks[0]
    qtbot.waitUntil(lambda: ticks[0] >= before + 10, timeout=3000)  # the event loop runs meanwhile
    assert not connecting.finished
    connecting.dialog.grab().save("/tmp/connecting.png")
    connecting.dialog.findChild(QPushButton).click()  # Cancel
    assert not connecting.dialog.isVisible()
    qtbot.waitUntil(lambda: connecting.finished, timeout=15000)
    timer.stop()
    assert dialogs == [] and window.project.path.name == "local.annotator"


def test_a_server_that_never_answers_is_reported_after_its_timeout(qtbot, tmp_path, show_window, dialogs,
                                                                  silent_server):
    window = show_window(create_project(tmp_path / "local.annotator", name="local"), 1000, 600)
    url = f"postgresql://ana@127.0.0.1:{silent_server}/lab?connect_timeout=2"
    connecting = window.files.open_server(url)
    assert window.files.open_server(url) is None  # one connection at a time
    qtbot.waitUntil(lambda: connecting.finished, timeout=15000)
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("warning", "Cannot open project")
    assert text.startswith(f"{url}: cannot reach the PostgreSQL server (")
    assert window.project.path.name == "local.annotator"


def test_the_app_started_on_a_url_connects_behind_the_dialog(qtbot, pg_url, silent_server):
    with Project.create(pg_url, name="Team"):
        pass
    project = connection.wait_for(pg_url)
    assert project.is_server and project.info().name == "Team"
    project.close()
    url = f"postgresql://ana@127.0.0.1:{silent_server}/lab?connect_timeout=4"

    def press_cancel() -> None:
        for dialog in QApplication.topLevelWidgets():
            if dialog.objectName() == "connectingDialog" and dialog.isVisible():
                dialog.findChild(QPushButton).click()
                return
        QTimer.singleShot(50, press_cancel)

    QTimer.singleShot(400, press_cancel)
    assert connection.wait_for(url) is None  # cancelled: the app ends quietly


def test_an_import_that_loses_the_connection_shows_the_banner(qtbot, own_cluster, show_window, dialogs, quick,
                                                              tmp_path, monkeypatch):
    from annotator.core.documents import importing

    url = own_cluster.url()
    with Project.create(url, name="Team", categories=template_categories()) as project:
        project.add_document("Interview", TEXT)
    window = show_window(Project.open_for_reading(url), 1000, 600)
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"the text of {name}", encoding="utf-8")
    read = importing.read_file

    def read_then_stop(path, options):
        if path.name == "b.txt":
            own_cluster.pause()
        return read(path, options)

    monkeypatch.setattr(importing, "read_file", read_then_stop)
    window.files.start_import([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], ImportOptions())
    qtbot.waitUntil(lambda: not window.context.busy, timeout=30000)
    assert window.connection.banner.isVisible()
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("critical", "Import documents failed")
    assert "was lost; 1 of 2 file(s) were imported before it, each whole; b.txt and the files after it were not" in text
    own_cluster.resume()
    qtbot.waitUntil(lambda: not window.connection.banner.isVisible(), timeout=30000)
    assert window.documents_model.rowCount() == 2  # reloaded: the file imported before the drop is listed
    assert sorted(d.title for d in window.project.documents()) == ["Interview", "a.txt"]
    window.project.close()


def test_a_read_that_meets_the_lost_connection_goes_to_the_banner_not_a_dialog(qtbot, own_cluster, show_window,
                                                                             dialogs, quick):
    from annotator.core.errors import ConnectionLostError
    from annotator.gui import app

    url = own_cluster.url()
    with Project.create(url, name="Team") as project:
        document_id = project.add_document("Interview", TEXT).document.id
    window = show_window(Project.open_for_reading(url), 1000, 600)
    own_cluster.pause()
    with pytest.raises(ConnectionLostError) as caught:
        window.project.document(document_id)  # as a click on the documents list would
    app._report_unexpected(ConnectionLostError, caught.value, None)  # the app's hook for errors in slots
    assert window.connection.banner.isVisible() and dialogs == []
    own_cluster.resume()
    qtbot.waitUntil(lambda: not window.connection.banner.isVisible(), timeout=30000)
    window.project.close()
