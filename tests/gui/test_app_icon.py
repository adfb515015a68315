"""The application icon (issue 12, point 8): packaging/make_icons.py renders the SVG, and the app
sets it as its window icon, read through importlib.resources."""

import importlib.util
import struct
from pathlib import Path

import numpy as np
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QApplication

from annotator import APP_ID
from annotator.core.errors import AnnotatorError

ROOT = Path(__file__).resolve().parents[2]
SIZES = [16, 24, 32, 48, 64, 128, 256, 512]


def _make_icons():
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "packaging" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_run_sets_the_window_icon_and_the_desktop_file_name(qapp, monkeypatch, annotator_home, dialogs):
    import sys

    from annotator.gui import app

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    qapp.setWindowIcon(QIcon())  # start from no icon
    qapp.setDesktopFileName("")

    def refuse(_path=None):
        raise AnnotatorError("not this time")

    monkeypatch.setattr(app, "open_main_window", refuse)
    assert app.run(None) == 1
    icon = QApplication.windowIcon()
    assert sorted(s.width() for s in icon.availableSizes()) == SIZES
    assert QApplication.desktopFileName() == APP_ID
    # The 16 px pixmap is the shipped one: a blue highlight bar on a white page.
    small = icon.pixmap(16, 16).toImage()
    assert small.pixelColor(6, 6) == QColor("#0072B2")
    assert small.pixelColor(3, 13) == QColor("#ffffff")


def test_make_icons_renders_every_size_and_the_windows_and_macos_files(tmp_path):
    make_icons = _make_icons()
    assert make_icons.main([str(tmp_path)]) == 0
    for size in SIZES:
        image = QImage(str(tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
        unit = size / 16  # the SVG's grid: the green bar spans units 4..12 across, 11..13 down
        assert image.pixelColor(int(8 * unit), int(11.5 * unit)) == QColor("#009E73")
        assert image.pixelColor(0, size - 1).alpha() == 0  # transparent outside the page
    ico = (tmp_path / "annotator.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    widths = [ico[6 + 16 * i] or 256 for i in range(count)]
    assert widths == [16, 24, 32, 48, 64, 128, 256]
    icns = (tmp_path / "annotator.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    at, sides = 8, {}
    while at < len(icns):
        kind, length = icns[at:at + 4], struct.unpack(">I", icns[at + 4:at + 8])[0]
        sides[kind] = QImage.fromData(icns[at + 8:at + length], "PNG").width()
        at += length
    assert sides[b"icp4"] == 16 and sides[b"ic07"] == 128 and sides[b"ic10"] == 1024


def test_the_committed_pngs_are_those_the_script_makes(qapp, tmp_path):
    """Regenerate with `python packaging/make_icons.py` after editing resources/icons/annotator.svg.
    ``qapp`` first: without an application the script makes a QGuiApplication, and every later
    widget in this process (another test's, under pytest-xdist) would abort Qt."""
    _make_icons().main([str(tmp_path)])
    for size in SIZES:
        relative = Path("hicolor") / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        made = QImage(str(tmp_path / relative)).convertToFormat(QImage.Format.Format_ARGB32)
        committed = QImage(str(ROOT / "resources" / "icons" / relative)).convertToFormat(QImage.Format.Format_ARGB32)
        assert made.size() == committed.size()
        # Qt's SVG renderer rounds some edge pixels differently from one release to the next (6.11.3
        # moved 8 channel values of the 48-pixel icon by 1): a changed drawing moves far more
        worst = int(np.abs(_channels(made) - _channels(committed)).max())
        assert worst <= 2, f"resources/icons/{relative} is out of date (a channel differs by {worst}): " \
                           "run packaging/make_icons.py"


def _channels(image: QImage) -> np.ndarray:
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, :image.width() * 4].astype(np.int16)
