"""Where Qt cannot open a window, `annotator` says what is missing in one line and exits 1 before
Qt starts (Qt itself would abort with a core dump); ANNOTATOR_QUIT_WHEN_SHOWN=1 quits once shown."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.gui import display

REPO = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is for Linux")


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")}
    env.update(ANNOTATOR_HOME=str(tmp_path / "home"), **extra)
    return env


def _run(args, env):
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=60, cwd=REPO)


def _one_error_line(result):
    assert result.returncode == 1, result
    assert "Aborted" not in result.stderr and "core dumped" not in result.stderr and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("annotator: error: ")
    return line


@linux_only
@pytest.mark.parametrize("platform", [None, "xcb"])
def test_without_a_display_it_says_so_in_one_line(tmp_path, platform):
    env = _env(tmp_path, **({"QT_QPA_PLATFORM": platform} if platform else {}))
    line = _one_error_line(_run(["-m", "annotator"], env))
    assert line.startswith("annotator: error: no display found (DISPLAY")
    assert "annotator --help" in line


@linux_only
def test_a_missing_x_library_gives_the_apt_line(tmp_path):
    # Every library loads except libxcb-cursor0's, as on a fresh Ubuntu without it (Qt >= 6.5 needs it).
    code = ("import ctypes, sys\n"
            "def fake(name, *a, **k):\n"
            "    if name == 'libxcb-cursor.so.0': raise OSError(name + ': cannot open shared object file')\n"
            "ctypes.CDLL = fake\n"
            "from annotator.__main__ import main\n"
            "sys.exit(main(['open']))\n")
    line = _one_error_line(_run(["-c", code], _env(tmp_path, DISPLAY=":97")))
    assert line.startswith("annotator: error: the window cannot open: missing libxcb-cursor.so.0; ")
    if Path("/etc/debian_version").exists():
        assert re.search(r"install them with: (sudo )?apt-get install libxcb-cursor0$", line)
    else:
        assert line.endswith("(on Debian/Ubuntu: libxcb-cursor0)")


def test_the_check_looks_in_the_plugins_folders_first(tmp_path, monkeypatch):
    monkeypatch.setattr(display, "_loadable", lambda name: False)  # nothing on the system search path
    (tmp_path / "libxcb-cursor.so.0").write_bytes(b"")  # as a bundle's _internal/ would hold it
    assert display.missing_libraries(["libxcb-cursor.so.0", "libxcb-xkb.so.1"], [tmp_path]) == ["libxcb-xkb.so.1"]


@linux_only
def test_which_platforms_need_what(monkeypatch):
    asked = []
    monkeypatch.setattr(display, "missing_libraries", lambda names, dirs: asked.append(set(names)) or [])
    monkeypatch.setattr(display, "x_server_answers", lambda name: True)
    assert display.window_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display.window_problem({"QT_QPA_PLATFORM": "minimal:enable_fonts"}) is None
    assert asked == []  # no window, no libraries to check
    assert display.window_problem({"DISPLAY": ":0"}) is None
    assert display.window_problem({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}) is None
    assert asked == [set(display.GUI_LIBRARIES) | set(display.X11_LIBRARIES), set(display.GUI_LIBRARIES)]
    problem = display.window_problem({"WAYLAND_DISPLAY": "wayland-0"})  # not a Wayland session: Qt takes xcb
    assert problem.startswith("no display found (DISPLAY is unset)")


def test_the_tables_name_every_package_of_ci_setup():
    setup = (REPO / ".ci" / "setup.sh").read_text(encoding="utf-8")
    listed = set()
    for name in ("QT_DEBS", "X11_DEBS"):
        listed |= set(re.search(name + r"=\(([^)]*)\)", setup).group(1).split())
    known = set(display.GUI_LIBRARIES.values()) | set(display.X11_LIBRARIES.values())
    assert listed - {"fonts-dejavu-core"} <= known


def test_annotator_quit_when_shown_prints_shown_and_exits(tmp_path):
    env = _env(tmp_path, QT_QPA_PLATFORM="offscreen", ANNOTATOR_QUIT_WHEN_SHOWN="1")
    result = _run(["-m", "annotator"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["shown"]
    assert (tmp_path / "home" / "data" / "default.annotator").is_file()


@linux_only
def test_a_display_where_nothing_answers_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(display, "missing_libraries", lambda names, dirs: [])
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # ephemeral, so above 6000; closed again: nothing listens
    problem = display.window_problem({"DISPLAY": f"127.0.0.1:{port - 6000}"})
    assert problem.startswith(f"cannot connect to the X display '127.0.0.1:{port - 6000}' (DISPLAY names it")
    assert display.window_problem({"DISPLAY": "odd/form:0"}) is None  # a form it does not know: Qt decides


@linux_only
def test_an_x_server_is_found_where_libxcb_looks():
    with socket.socket(socket.AF_UNIX) as server:  # the abstract socket of display :NNN
        number = 40000 + os.getpid() % 20000
        server.bind(f"\0/tmp/.X11-unix/X{number}")
        server.listen()
        assert display.x_server_answers(f":{number}") is True
        assert display.x_server_answers(f"unix:{number}.0") is True
    with socket.create_server(("127.0.0.1", 0)) as server:
        number = server.getsockname()[1] - 6000
        assert display.x_server_answers(f"127.0.0.1:{number}") is True
        assert display.x_server_answers(f"localhost:{number}.0") in (True, False)  # localhost may be ::1 only
    assert display.x_server_answers(f":{number}") is False
