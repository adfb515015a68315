"""The app's settings: one ini file in the config folder (which ANNOTATOR_HOME redirects), the
coder's saved name, the recent projects, where each project's open document was scrolled to and
the window's geometry and panel layout."""

from __future__ import annotations

import getpass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from annotator import paths

MAX_RECENT = 8


def settings() -> QSettings:
    """The app's settings file, in the config folder (which ANNOTATOR_HOME redirects)."""
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


def redirect_qt_settings() -> None:
    """Send Qt's own per-user settings (QFileDialog's history in QtProject.conf, for one) to our
    config folder too, so ANNOTATOR_HOME really redirects everything the app writes."""
    folder = str(paths.config_dir())
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)


def saved_annotator_name() -> str | None:
    name = settings().value("annotator/name")
    return name.strip() if isinstance(name, str) and name.strip() else None


def save_annotator_name(name: str) -> None:
    store = settings()
    store.setValue("annotator/name", name)
    store.sync()


def os_user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment
        return "coder"


def recent_projects() -> list[str]:
    value = settings().value("project/recent") or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def remember_project(path: Path | str) -> None:
    """Put a project first in Open Recent: a file's path, or a server URL without its password
    (``Project.where``)."""
    store = settings()
    recent = [str(path)] + [p for p in recent_projects() if p != str(path)]
    store.setValue("project/recent", recent[:MAX_RECENT])
    store.setValue("project/last", str(path))
    store.sync()


def forget_project(path: str) -> None:
    """A recent project that no longer exists."""
    settings().setValue("project/recent", [p for p in recent_projects() if p != path])


def save_position(project_id: str, document_id: str, position: tuple[int, int]) -> None:
    """Where a project's open document is scrolled to (a DocumentView's ``view_position``)."""
    settings().setValue(f"positions/{project_id}", [document_id, str(position[0]), str(position[1])])


def saved_position(project_id: str, document_id: str) -> tuple[int, int] | None:
    """The position ``save_position`` kept, if it was kept for this document."""
    saved = settings().value(f"positions/{project_id}")
    if not (isinstance(saved, list) and len(saved) == 3 and saved[0] == document_id):
        return None
    try:
        return max(0, int(saved[1])), int(saved[2])
    except ValueError:
        return None  # a settings file edited by hand: start at the top


def restore_window(window: QMainWindow, key: str = "window") -> None:
    """A window's geometry and its docks' layout, as ``save_window`` kept them under ``key``."""
    store = settings()
    geometry = store.value(f"{key}/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    state = store.value(f"{key}/state")
    if isinstance(state, QByteArray):
        window.restoreState(state)


def save_window(window: QMainWindow, key: str = "window") -> None:
    store = settings()
    store.setValue(f"{key}/geometry", window.saveGeometry())
    store.setValue(f"{key}/state", window.saveState())
