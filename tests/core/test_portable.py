"""Portable mode: a file ``portable`` next to the frozen executable puts every folder in ``data/``
beside it; ANNOTATOR_HOME still wins; a folder that cannot be written is one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import paths


@pytest.fixture
def frozen(monkeypatch, tmp_path):
    """A fake frozen app: sys.frozen set and sys.executable in tmp_path/app; ANNOTATOR_HOME unset."""
    app = tmp_path / "app"
    app.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app / "annotator"))
    monkeypatch.delenv("ANNOTATOR_HOME")
    return app


def test_a_portable_file_next_to_the_executable_keeps_every_folder_in_data(frozen):
    (frozen / "portable").write_text("")
    dirs = paths.all_dirs()
    assert set(dirs) == {"data", "config", "logs", "backups"}
    for name, folder in dirs.items():
        assert folder == frozen.resolve() / "data" / name
        assert folder.is_dir()
    assert paths.default_project_path() == frozen.resolve() / "data" / "data" / "default.annotator"


def test_without_the_file_or_when_not_frozen_platformdirs_decides(frozen, monkeypatch, tmp_path):
    monkeypatch.setattr("platformdirs.user_data_path", lambda *a, **k: tmp_path / "user-data")
    assert paths.data_dir() == tmp_path / "user-data"  # frozen, no file 'portable'
    (frozen / "portable").write_text("")
    monkeypatch.setattr(sys, "frozen", False)
    assert paths.data_dir() == tmp_path / "user-data"  # a file 'portable' beside python itself is ignored


def test_annotator_home_wins_over_portable_mode(frozen, monkeypatch, tmp_path):
    (frozen / "portable").write_text("")
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "profile"))
    assert paths.data_dir() == (tmp_path / "profile" / "data").resolve()


def test_a_read_only_portable_folder_is_one_line(frozen, monkeypatch):
    (frozen / "portable").write_text("")
    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):  # a read-only medium, even for root
        if str(self).startswith(str(frozen.resolve())):
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(paths.FolderNotWritableError) as caught:
        paths.data_dir()
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"cannot write to {frozen.resolve() / 'data'} (portable mode")


def test_the_cli_says_in_one_line_when_the_portable_folder_cannot_be_written(tmp_path):
    app = tmp_path / "app"
    (app / "data").mkdir(parents=True)  # it exists but cannot be written (os.access is faked for root)
    (app / "portable").write_text("")
    code = ("import os, sys; sys.frozen = True; sys.executable = sys.argv[1]; "
            "real = os.access; "
            "os.access = lambda p, m, **k: False if str(p).startswith(sys.argv[2]) else real(p, m, **k); "
            "from annotator.__main__ import main; sys.exit(main(['paths']))")
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_HOME"}
    result = subprocess.run([sys.executable, "-c", code, str(app / "annotator"), str(app.resolve() / "data")],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"annotator: error: cannot write to {app.resolve() / 'data'}")
    assert "portable mode" in line and "remove that file" in line
