"""File → Open Server Project… against a real PostgreSQL server (issue 19, point 1): the URL dialog,
the plain error dialogs, Open Recent keeping the URL without its password."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QMessageBox

from annotator.core.project.project import Project
from annotator.core.schema.templates import create_project
from annotator.core.storage.location import parse_location
from annotator.gui.dialogs.server_dialog import ServerDialog
from tests.conftest import SCREENSHOTS
from tests.pg.cluster import require_psycopg

require_psycopg()

@pytest.fixture
def dialogs(monkeypatch):
    seen = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text, *a, _k=kind: seen.append((_k, title, text)))
    return seen


@pytest.fixture
def window(qtbot, tmp_path):
    from annotator.gui.main_window import MainWindow

    win = MainWindow(create_project(tmp_path / "local.annotator", name="local"))
    qtbot.addWidget(win)
    win.resize(1100, 700)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.project.close()


@pytest.fixture
def typed(monkeypatch):
    """``typed(url, password="")``: the next Open Server Project dialog gets these and is accepted."""
    entries = []

    def exec_(dialog: ServerDialog) -> int:
        url, password = entries.pop(0)
        dialog.url.setText(url)
        dialog.password.setText(password)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ServerDialog, "exec", exec_)
    return lambda url, password="": entries.append((url, password))


def shoot(widget, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SCREENSHOTS / name)), name


def test_the_dialog_refuses_a_bad_url_in_place(qtbot):
    dialog = ServerDialog(url="postgresql://ana@db.lab:99999/corpus")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and dialog.result() == 0
    assert "port '99999' is not a number from 1 to 65535" in dialog.problem.text()
    shoot(dialog, "server-dialog-bad-url.png")
    dialog.url.setText("corpus.annotator")
    dialog.accept()
    assert "not a PostgreSQL URL; it starts with postgresql://" in dialog.problem.text()


def test_the_password_field_is_used_not_kept(qtbot):
    dialog = ServerDialog(url="postgresql://ana@db.lab/corpus")
    qtbot.addWidget(dialog)
    dialog.password.setText("pa55")
    location = dialog.location()
    assert location.engine_url().password == "pa55" and "pa55" not in location.display
    assert location.display == "postgresql://ana@db.lab/corpus"


def opened(qtbot, window) -> None:
    """Wait for the background connection (controllers/connection.py) to end."""
    qtbot.waitUntil(lambda: window.files.connecting is None or window.files.connecting.finished, timeout=20000)


def test_an_empty_database_is_a_plain_error_and_the_window_keeps_its_project(qtbot, window, typed, dialogs,
                                                                             pg_url):
    typed(pg_url)
    window.files.open_server_project()
    opened(qtbot, window)
    display = parse_location(pg_url).display
    assert dialogs == [("warning", "Cannot open project",
                        f"{display}: empty database, not an Annotator project yet (create one in it with: "
                        f"annotator init {display})")]
    assert window.project.path.name == "local.annotator"


def test_an_unreachable_server_is_a_plain_error(qtbot, window, typed, dialogs, pg_cluster):
    typed("postgresql://ana@127.0.0.1:1/lab?connect_timeout=2", "secret")
    window.files.open_server_project()
    opened(qtbot, window)
    [(kind, title, text)] = dialogs
    assert text.startswith("postgresql://ana@127.0.0.1:1/lab?connect_timeout=2: cannot reach the PostgreSQL server")
    assert "secret" not in text


def test_a_server_project_opens_and_is_remembered_without_its_password(qtbot, window, typed, dialogs, pg_url):
    from annotator.gui.settings import recent_projects

    local = window.project.path
    with Project.create(pg_url, name="Team corpus") as project:
        project.add_document("Interview 1", "We said the river was rising. 😀 Then it rose.")
    typed(pg_url.replace("postgres@", "postgres:hunter2@"))  # trust auth: any password passes
    window.files.open_server_project()
    opened(qtbot, window)
    assert dialogs == []
    display = parse_location(pg_url).display
    assert window.project.is_server and window.project.where == display
    assert [d.title for d in window.project.documents()] == ["Interview 1"]
    assert recent_projects()[:2] == [display, str(local)] and all("hunter2" not in p for p in recent_projects())
    shoot(window, "server-project-window.png")
    # back to the file, then Open Recent reopens the server project from the URL without a password
    # (trust auth here; libpq's ~/.pgpass or a service file in real use)
    assert window.files.switch_project(lambda: Project.open_for_reading(local))
    window.files.fill_recent_menu()
    assert display in [a.text() for a in window.files.recent_menu.actions()]
    window.files.open_recent(display)
    opened(qtbot, window)
    assert dialogs == [] and window.project.is_server and window.project.info().name == "Team corpus"
