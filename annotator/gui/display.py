"""Can Qt open a window here? Asked before the QApplication exists, in plain Python (no Qt import):
without a display, or without the X libraries Qt's xcb platform plugin needs, Qt aborts the whole
process (SIGABRT, a core dump) instead of raising an error.

``window_problem()`` returns the one line to print, or None. ``missing_libraries(names, dirs)``
looks for shared libraries the way the dynamic loader does for the plugin: first in ``dirs`` (the
folders the plugin's own RUNPATH names, e.g. the frozen bundle's), then on the system search path.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import socket
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

# soname -> Debian/Ubuntu package. QtGui itself needs the first table (.ci/setup.sh QT_DEBS);
# the xcb platform plugin (libqxcb.so -> libQt6XcbQpa.so.6, its NEEDED entries) also the second
# (.ci/setup.sh X11_DEBS and what those pull in).
GUI_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
}
X11_LIBRARIES = {
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
}
NEEDS_NO_DISPLAY = ("offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")


def _loadable(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def missing_libraries(names: Iterable[str], search_dirs: Iterable[Path] = ()) -> list[str]:
    """The sonames in ``names`` found neither as a file in ``search_dirs`` nor by the dynamic loader."""
    dirs = [Path(d) for d in search_dirs]
    return [name for name in names if not any((d / name).exists() for d in dirs) and not _loadable(name)]


def x_server_answers(display: str, timeout: float = 1.0) -> bool | None:
    """Whether something accepts a connection where ``display`` (``:0``, ``unix:0``, ``host:10.0``)
    points, as libxcb would connect; None for a form this does not know (then Qt is left to try)."""
    match = re.fullmatch(r"(?:(unix)|([\w.-]*|\[[0-9a-fA-F:]+\]))?:(\d+)(?:\.\d+)?", display.strip())
    if not match:
        return None
    local, host, number = match.group(1) or not match.group(2), match.group(2), int(match.group(3))
    if local:
        addresses = [(socket.AF_UNIX, f"\0/tmp/.X11-unix/X{number}"), (socket.AF_UNIX, f"/tmp/.X11-unix/X{number}")]
    else:
        addresses = [(socket.AF_UNSPEC, (host.strip("[]"), 6000 + number))]
    for family, address in addresses:
        try:
            if family == socket.AF_UNIX:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    sock.settimeout(timeout)
                    sock.connect(address)
            else:
                socket.create_connection(address, timeout=timeout).close()
        except OSError:
            continue
        return True
    return False


def qt_library_dirs() -> list[Path]:
    """Where the Qt plugins look for libraries first: the bundle's folder and its Qt lib folder when
    frozen (PyInstaller's ``sys._MEIPASS``), else PySide6's Qt/lib (found without importing it)."""
    meipass = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and meipass:
        return [Path(meipass), Path(meipass) / "PySide6" / "Qt" / "lib"]
    spec = importlib.util.find_spec("PySide6")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return [Path(location) / "Qt" / "lib" for location in locations]


def _platform(env: Mapping[str, str]) -> str:
    """The platform plugin Qt will try first ('' when Qt chooses: xcb, or wayland in a Wayland session)."""
    first = env.get("QT_QPA_PLATFORM", "").split(";")[0]
    return first.split(":")[0].strip().lower()


def install_hint(packages: Iterable[str]) -> str:
    """How to install ``packages``: the apt line on Debian/Ubuntu."""
    names = " ".join(dict.fromkeys(packages))
    if Path("/etc/debian_version").exists() or shutil.which("apt-get"):
        sudo = "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "
        return f"install them with: {sudo}apt-get install {names}"
    return f"install the packages that provide them (on Debian/Ubuntu: {names})"


def window_problem(env: Mapping[str, str] | None = None, search_dirs: Iterable[Path] | None = None) -> str | None:
    """One plain line saying why Qt cannot open a window here and what to do, or None if it can."""
    env = os.environ if env is None else env
    platform = _platform(env)
    if not sys.platform.startswith("linux") or platform in NEEDS_NO_DISPLAY:
        return None
    wayland = platform.startswith("wayland") or (
        not platform and env.get("XDG_SESSION_TYPE") == "wayland" and bool(env.get("WAYLAND_DISPLAY")))
    if not wayland and not env.get("DISPLAY"):
        unset = "DISPLAY is unset" if env.get("WAYLAND_DISPLAY") else "DISPLAY and WAYLAND_DISPLAY are unset"
        return (f"no display found ({unset}); run it in a desktop session, or use the command line: "
                f"annotator --help")
    needed = dict(GUI_LIBRARIES) if wayland else {**GUI_LIBRARIES, **X11_LIBRARIES}
    missing = missing_libraries(needed, qt_library_dirs() if search_dirs is None else search_dirs)
    if missing:
        return (f"the window cannot open: missing {', '.join(missing)}; "
                f"{install_hint(needed[name] for name in missing)}")
    if not wayland and x_server_answers(env["DISPLAY"]) is False:
        return (f"cannot connect to the X display {env['DISPLAY']!r} (DISPLAY names it, but nothing answers "
                f"there); run it in a desktop session, or use the command line: annotator --help")
    return None
