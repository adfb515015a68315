"""Desktop integration (issue 12, points 8 and 9): the icon files, the .desktop entry and the
AppStream metainfo in resources/, and packaging/install.sh / uninstall.sh on a fake bundle folder."""

import configparser
import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotator import APP_ID, __version__
from annotator.core import resources

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "resources" / "desktop" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / "desktop" / f"{APP_ID}.metainfo.xml"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_app_id_is_reverse_dns():
    assert re.fullmatch(r"[a-z]+(\.[a-z0-9]+)+\.[A-Za-z][A-Za-z0-9]*", APP_ID)


def test_every_icon_size_ships_through_importlib_resources():
    pngs = resources.app_icon_pngs()
    assert sorted(pngs) == [16, 24, 32, 48, 64, 128, 256, 512]
    for size, data in pngs.items():
        assert _png_size(data) == (size, size)
    assert resources.read_bytes("icons", "annotator.svg").lstrip().startswith(b"<?xml")
    assert resources.read_bytes("icons", "annotator.ico")[:4] == b"\0\0\1\0"
    assert resources.read_bytes("icons", "annotator.icns")[:4] == b"icns"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string(DESKTOP.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_the_desktop_entry_names_the_app_id_icon_and_categories():
    entry = _desktop_entry()
    assert entry["Type"] == "Application" and entry["Name"] == "Annotator"
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].startswith("annotator open")
    assert {"Education", "Science"} <= set(entry["Categories"].strip(";").split(";"))


def test_the_metainfo_matches_the_package():
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    assert root.findtext("project_license") == "MIT"
    assert root.find("content_rating").get("type").startswith("oars-")
    assert [c.text for c in root.find("categories")] == ["Education", "Science"]
    versions = [r.get("version") for r in root.find("releases")]
    assert versions[0] == __version__, "add a <release> for the new version to the metainfo"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (Debian: desktop-file-utils)")
def test_desktop_file_validate_passes():
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " error: " not in result.stdout and " warning: " not in result.stdout, result.stdout


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli is not installed (Debian: appstream)")
def test_appstreamcli_validate_passes():
    result = subprocess.run(["appstreamcli", "validate", "--no-net", "--no-color", str(METAINFO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _bundle(tmp_path: Path, name: str = "annotator") -> Path:
    """A folder laid out as the unpacked bundle: dist/annotator/{annotator, install.sh,
    uninstall.sh, _internal/annotator/resources/...} (packaging/annotator.spec)."""
    folder = tmp_path / "opt" / name
    shutil.copytree(ROOT / "resources", folder / "_internal" / "annotator" / "resources")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(ROOT / "packaging" / script, folder / script)
    exe = folder / "annotator"
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    return folder


def _run(script: Path, data: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(XDG_DATA_HOME=str(data), HOME=str(home))
    result = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_install_puts_the_entry_icons_and_metainfo_in_the_xdg_folders_and_uninstall_takes_them_out(tmp_path):
    folder = _bundle(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    data = tmp_path / "xdg-data"
    (data / "applications").mkdir(parents=True)
    (data / "applications" / "other.desktop").write_text("[Desktop Entry]\nType=Application\nName=x\nExec=x\n")
    before = _tree(data)

    _run(folder / "install.sh", data, home)
    _run(folder / "install.sh", data, home)  # a second run replaces the first
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(data / "applications" / f"{APP_ID}.desktop", encoding="utf-8")
    assert entry["Desktop Entry"]["Exec"] == f"{folder / 'annotator'} open %f"
    assert entry["Desktop Entry"]["TryExec"] == str(folder / "annotator")
    assert entry["Desktop Entry"]["Icon"] == APP_ID
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        assert _png_size(png.read_bytes()) == (size, size)
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (data / "metainfo" / f"{APP_ID}.metainfo.xml").read_bytes() == METAINFO.read_bytes()
    assert _tree(home) == []  # XDG_DATA_HOME is honoured; nothing else is written
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(data / "applications" / f"{APP_ID}.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout

    _run(folder / "uninstall.sh", data, home)
    after = [p for p in _tree(data) if p != "applications/mimeinfo.cache"]  # the cache of other.desktop
    assert after == before
    assert (folder / "annotator").is_file()  # the bundle itself stays


def test_uninstall_leaves_nothing_in_an_empty_data_folder_and_defaults_to_home(tmp_path):
    folder = _bundle(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(home)
    for script in ("install.sh", "uninstall.sh"):
        result = subprocess.run(["sh", str(folder / script)], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        if script == "install.sh":
            assert (home / ".local" / "share" / "applications" / f"{APP_ID}.desktop").is_file()
    assert _tree(home) == []  # the folders install.sh made (~/.local/share/...) go too, once empty


def test_a_folder_path_with_spaces_is_quoted_in_exec_and_a_quote_is_refused(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    data = tmp_path / "data"
    folder = _bundle(tmp_path, "My Apps")
    _run(folder / "install.sh", data, home)
    text = (data / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    exe = folder / "annotator"
    assert f'Exec="{exe}" open %f' in text.splitlines()
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(data / "applications" / f"{APP_ID}.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout
    _run(folder / "uninstall.sh", data, home)
    assert _tree(data) == []

    odd = _bundle(tmp_path, 'say "hi"')
    result = subprocess.run(["sh", str(odd / "install.sh")], env={**os.environ, "XDG_DATA_HOME": str(data)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "special character" in result.stderr
    assert not (data / "applications").exists()
