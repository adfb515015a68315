"""Where Annotator keeps its files. The only module that knows folder locations.

By default the folders come from platformdirs (per-user data, config and log folders).
Setting the environment variable ``ANNOTATOR_HOME`` redirects every one of them below that
folder, which is what tests, portable installs and second profiles use::

    $ANNOTATOR_HOME/data      projects (the default project lives here)
    $ANNOTATOR_HOME/config    settings
    $ANNOTATOR_HOME/logs      log files
    $ANNOTATOR_HOME/backups   automatic backups taken before migrations and imports

Portable mode: when the app runs frozen (the desktop bundle, ``sys.frozen``) and a file named
``portable`` lies next to its executable, the home is the ``data`` folder beside that executable,
as if ``ANNOTATOR_HOME`` were set to it. ``ANNOTATOR_HOME``, when set, still wins (a second profile
or a test can run a portable copy). A home folder that cannot be written raises
``FolderNotWritableError``, whose text is the one line to show.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

HOME_ENV = "ANNOTATOR_HOME"
APP_NAME = "Annotator"
DEFAULT_PROJECT_NAME = "default.annotator"
PORTABLE_MARKER = "portable"
PORTABLE_FOLDER = "data"


class FolderNotWritableError(PermissionError):
    """The home folder (ANNOTATOR_HOME or the portable data folder) cannot be written; str() is
    the one line for the user."""


def portable_home() -> Path | None:
    """The ``data`` folder beside the frozen executable when a file ``portable`` is next to it."""
    if not getattr(sys, "frozen", False):
        return None
    folder = Path(sys.executable).resolve().parent
    return folder / PORTABLE_FOLDER if (folder / PORTABLE_MARKER).is_file() else None


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else portable_home()


def _not_writable(folder: Path) -> FolderNotWritableError:
    if os.environ.get(HOME_ENV, "").strip():
        how = f"{HOME_ENV} points there; set it to a folder you can write"
    else:
        how = (f"portable mode, a file '{PORTABLE_MARKER}' is next to the program; move the program's "
               f"folder somewhere you can write, or remove that file")
    return FolderNotWritableError(f"cannot write to {folder} ({how})")


def _ensure(path: Path) -> Path:
    home = _home()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except PermissionError as exc:
        if home is None:
            raise
        raise _not_writable(home) from exc
    if home is not None and not os.access(path, os.W_OK):
        raise _not_writable(path)
    return path


def data_dir() -> Path:
    """Folder for projects (created if missing)."""
    home = _home()
    return _ensure(home / "data" if home else platformdirs.user_data_path(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Folder for settings (created if missing)."""
    home = _home()
    return _ensure(home / "config" if home else platformdirs.user_config_path(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """Folder for log files (created if missing)."""
    home = _home()
    return _ensure(home / "logs" if home else platformdirs.user_log_path(APP_NAME, appauthor=False))


def backup_dir() -> Path:
    """Folder for automatic project backups (created if missing)."""
    return _ensure(backup_dir_path())


def backup_dir_path() -> Path:
    """Where the backups folder is, without creating it."""
    home = _home()
    if home:
        return home / "backups"
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "backups"


def default_project_path() -> Path:
    """The project the GUI opens when it is given none."""
    return data_dir() / DEFAULT_PROJECT_NAME


def all_dirs() -> dict[str, Path]:
    """Every folder the app writes, by name (shown by ``annotator paths``)."""
    return {
        "data": data_dir(),
        "config": config_dir(),
        "logs": log_dir(),
        "backups": backup_dir(),
    }
