"""Where Annotator keeps its files. The only module that knows folder locations.

By default the folders come from platformdirs (per-user data, config and log folders).
Setting the environment variable ``ANNOTATOR_HOME`` redirects every one of them below that
folder, which is what tests, portable installs and second profiles use::

    $ANNOTATOR_HOME/data      projects (the default project lives here)
    $ANNOTATOR_HOME/config    settings
    $ANNOTATOR_HOME/logs      log files
    $ANNOTATOR_HOME/backups   automatic backups taken before migrations and imports
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "ANNOTATOR_HOME"
APP_NAME = "Annotator"
DEFAULT_PROJECT_NAME = "default.annotator"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
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
