"""outputs: the one place that writes files. Projects and their companions are refused; files are
replaced atomically, written through symbolic links, in place on devices and pipes; a killed
writer's temporary file is removed by the next write; CSV cells are guarded against formulas."""

import csv
import io
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.core.files import (
    TEMP_MARK,
    OutputError,
    check_target,
    csv_cell,
    csv_text,
    open_output,
    write_text,
)
from annotator.core.schema.templates import create_project

REPO = Path(__file__).resolve().parents[2]


def test_write_text_replaces_the_file_whole_and_keeps_its_mode(tmp_path):
    target = tmp_path / "guidelines.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_text(target, "naïve ■ text\n")
    assert target.read_bytes() == "naïve ■ text\n".encode()
    assert os.listdir(tmp_path) == ["guidelines.html"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    with pytest.raises(OutputError, match="missing-folder/x.html: cannot write the file"):
        write_text(tmp_path / "missing-folder" / "x.html", "x")


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with open_output(target) as handle:
            handle.write(b"half")
            raise RuntimeError("stop")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["out.json"]


def test_projects_and_their_companions_are_refused(tmp_path, monkeypatch):
    path = tmp_path / "study.annotator"
    create_project(path).close()
    before = path.read_bytes()
    other_sqlite = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(other_sqlite).execute("CREATE TABLE t (x)").connection.close()
    link = tmp_path / "link.json"
    link.symlink_to(path)
    monkeypatch.chdir(tmp_path)
    cases = {path: "is an Annotator project", Path("study.annotator"): "is an Annotator project",
             link: "is an Annotator project", other_sqlite: "is an SQLite database",
             tmp_path / "study.annotator-wal": "belongs to the project", Path("study.annotator-shm"): "belongs",
             tmp_path / "study.annotator-journal": "belongs", tmp_path: "is a folder"}
    for target, reason in cases.items():
        with pytest.raises(OutputError, match=reason) as error:
            write_text(target, "{}")
        assert str(error.value).startswith(f"{target}: ") and "\n" not in str(error.value)
    assert path.read_bytes() == before and link.is_symlink()
    assert sorted(os.listdir(tmp_path)) == ["link.json", "other.db", "study.annotator"]
    check_target(tmp_path / "new.json")  # a new file is fine
    check_target(tmp_path / "notes-wal")  # "-wal" of nothing is an ordinary name


def test_a_symlink_is_written_through(tmp_path):
    real = tmp_path / "data" / "export.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    dangling = tmp_path / "later.json"
    dangling.symlink_to(tmp_path / "data" / "later.json")
    write_text(dangling, "x")
    assert dangling.is_symlink() and (tmp_path / "data" / "later.json").read_text() == "x"


def test_a_fifo_is_written_in_place_or_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="pipe.json: is a pipe that no program is reading from"):
        write_text(fifo, "x")
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    for _ in range(200):  # until the reader has the pipe open
        try:
            write_text(fifo, "through the pipe")
            break
        except OutputError:
            time.sleep(0.01)
    reader.join(10)
    assert received == [b"through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_is_written_in_place(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a private /dev/null
    write_text(null, "x" * 100_000)
    assert stat.S_ISCHR(null.stat().st_mode) and os.listdir(tmp_path) == ["null"]


def test_dash_is_standard_output(capsysbinary):
    write_text("-", "to stdout ✓")
    assert capsysbinary.readouterr().out == "to stdout ✓".encode()


_SLOW_WRITER = """
import sys, time
from annotator.core.files import open_output
with open_output(sys.argv[1]) as handle:
    for _ in range(10_000):
        handle.write(b"x" * 1000)
        handle.flush()
        print("writing", flush=True)
        time.sleep(0.01)
"""


def test_a_killed_writer_leaves_a_temporary_file_that_the_next_write_removes(tmp_path):
    target = tmp_path / "export.json"
    target.write_text("old")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(target)], stdout=subprocess.PIPE, env=env)
    for _ in range(3):
        assert child.stdout.readline() == b"writing\n"
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    leftovers = [n for n in os.listdir(tmp_path) if TEMP_MARK in n]
    assert len(leftovers) == 1 and leftovers[0].startswith(".export.json" + TEMP_MARK + str(child.pid))
    assert target.read_text() == "old"
    (tmp_path / f".other.json{TEMP_MARK}{child.pid}-0123abcd").write_text("another target's")
    write_text(target, "new")
    assert target.read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == [f".other.json{TEMP_MARK}{child.pid}-0123abcd", "export.json"]


HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-cmd", "@SUM(A1)", "\tX", "\rX"]


def test_csv_cells_that_start_a_formula_get_a_quote_and_numbers_stay_numbers():
    assert [csv_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert [csv_cell(v) for v in ("plain", "", "a=b", -0.25, 3, None)] == ["plain", "", "a=b", -0.25, 3, None]
    assert csv_cell("=1+1", raw=True) == "=1+1"
    text = csv_text([["name", "kappa"]] + [[v, -0.25] for v in HOSTILE])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["name", "kappa"]] + [["'" + v, "-0.25"] for v in HOSTILE]
    raw = list(csv.reader(io.StringIO(csv_text([[v] for v in HOSTILE], raw=True), newline="")))
    assert raw == [[v] for v in HOSTILE]
