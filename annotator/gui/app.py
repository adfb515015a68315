"""Starting the GUI: the QApplication and the main window on a project."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from annotator import paths
from annotator.gui.display import window_problem

log = logging.getLogger(__name__)


def open_main_window(project_path: Path | str | None = None):
    """Open ``project_path`` (default: the default project, created on first run) in a shown
    main window. Raises AnnotatorError if the project cannot be opened; None when the user
    cancelled connecting to a server project (a URL connects behind a dialog, the event loop running)."""
    from annotator.core.project.project import Project
    from annotator.core.schema.templates import template_categories
    from annotator.core.storage.location import is_server_url
    from annotator.gui.controllers.connection import wait_for
    from annotator.gui.main_window import MainWindow

    if project_path is None:
        project = _last_project() or Project.open_or_create(paths.default_project_path(),
                                                                  categories=template_categories())
    elif is_server_url(project_path):
        project = wait_for(project_path)
        if project is None:
            return None
    else:
        project = Project.open_for_reading(project_path)
    window = MainWindow(project)
    window.show()
    return window


def _last_project():
    """The project open when the app last closed, if it still opens; else None."""
    from annotator.core.errors import AnnotatorError
    from annotator.core.project.project import Project
    from annotator.core.storage.location import is_server_url
    from annotator.gui.controllers.connection import wait_for
    from annotator.gui.settings import settings

    last = settings().value("project/last")
    if not isinstance(last, str) or not (is_server_url(last) or Path(last).is_file()):
        return None
    try:
        return wait_for(last) if is_server_url(last) else Project.open_for_reading(last)
    except AnnotatorError as exc:
        log.warning("cannot reopen %s: %s", last, exc)
        return None


def _report_unexpected(kind, value, tb) -> None:
    """sys.excepthook for the GUI: an error no code expected is logged with its traceback and
    shown as one plain message; the app keeps running (every edit already made is committed).
    A lost connection to a server (a read in a slot) goes to its window's banner instead."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator.gui.controllers.connection import report_lost

    if QApplication.instance() is not None and report_lost(value, QApplication.topLevelWidgets()):
        log.warning("%s", value)
        return
    log.error("unexpected error", exc_info=(kind, value, tb))

    from annotator.applog import LOG_NAME
    from annotator.core.errors import user_message
    from annotator.gui.widgets import plain

    if QApplication.instance() is not None:
        QMessageBox.critical(QApplication.activeWindow(), "Something went wrong",
                             plain(f"{user_message(value)}\n\nYour work up to this point is saved. "
                             f"The details are in the log file:\n{paths.log_dir() / LOG_NAME}"))


def app_icon():
    """Annotator's icon (resources/icons, read through importlib.resources so it works in a bundle),
    one pixmap per shipped size; a null QIcon if the installation lacks them."""
    from PySide6.QtGui import QIcon, QPixmap

    from annotator.core.resources import app_icon_pngs

    icon = QIcon()
    for data in app_icon_pngs().values():
        pixmap = QPixmap()
        if pixmap.loadFromData(data, "PNG"):
            icon.addPixmap(pixmap)
    return icon


def set_app_identity(app) -> None:
    """The window icon, and the desktop file name that Wayland and the docks match windows to
    (resources/desktop/<APP_ID>.desktop, installed by packaging/install.sh)."""
    from annotator import APP_ID

    icon = app_icon()
    if icon.isNull():
        log.warning("the application icon is missing from this installation")
    else:
        app.setWindowIcon(icon)
    app.setDesktopFileName(APP_ID)


def run(project_path: Path | str | None = None) -> int:
    """Run the app until its window closes; returns the exit status."""
    problem = window_problem()  # before Qt: without a display or its X libraries Qt aborts the process
    if problem:
        print(f"annotator: error: {problem}", file=sys.stderr)
        return 1
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator.core.errors import AnnotatorError, user_message
    from annotator.gui.widgets import plain

    app = QApplication.instance() or QApplication(sys.argv[:1])
    sys.excepthook = _report_unexpected
    app.setApplicationName("Annotator")
    app.setApplicationDisplayName("Annotator")
    set_app_identity(app)
    try:
        window = open_main_window(project_path)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Annotator cannot open the project", plain(user_message(exc)))
        return 1
    if window is None:  # connecting to the server was cancelled
        return 0
    from annotator.gui import smoke
    from annotator.gui.settings import saved_annotator_name

    log.info("opened %s", window.project.where)
    if not smoke.take_over(app, window) and saved_annotator_name() is None:
        window.files.ask_annotator_name(first_run=True)  # cancelled: the OS user name stays in use
    return app.exec()
