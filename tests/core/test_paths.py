"""ANNOTATOR_HOME redirects every folder the app writes; without it, platformdirs decides."""

from pathlib import Path

import platformdirs

from annotator import paths


def test_annotator_home_redirects_every_folder(annotator_home):
    dirs = paths.all_dirs()
    assert set(dirs) == {"data", "config", "logs", "backups"}
    for name, folder in dirs.items():
        assert folder == annotator_home / name
        assert folder.is_dir()
    assert paths.default_project_path() == annotator_home / "data" / "default.annotator"


def test_without_annotator_home_platformdirs_decides(monkeypatch, tmp_path):
    monkeypatch.delenv("ANNOTATOR_HOME")
    calls = []

    def fake(kind):
        def where(appname, appauthor=None):
            calls.append((kind, appname, appauthor))
            return tmp_path / kind

        return where

    monkeypatch.setattr(platformdirs, "user_data_path", fake("data"))
    monkeypatch.setattr(platformdirs, "user_config_path", fake("config"))
    monkeypatch.setattr(platformdirs, "user_log_path", fake("log"))
    assert paths.data_dir() == tmp_path / "data"
    assert paths.config_dir() == tmp_path / "config"
    assert paths.log_dir() == tmp_path / "log"
    assert paths.backup_dir() == tmp_path / "data" / "backups"
    assert {c[1] for c in calls} == {"Annotator"}


def test_annotator_home_accepts_a_relative_path(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANNOTATOR_HOME", "rel")
    assert paths.data_dir() == Path(tmp_path / "rel" / "data").resolve()
