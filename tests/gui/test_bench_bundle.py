"""benchmarks/bench_bundle.py: it times starts to the main window of the app from source, or of an
executable given by path (the frozen bundle in CI; here a stand-in script)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_bundle.py"


def _bench(*args):
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120)


def test_it_times_the_app_from_source_to_its_main_window():
    result = _bench("--source", "--runs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^start \(source\): median \d+\.\d\d s to the main window over 1 runs \(target 1.5 s",
                     result.stdout, re.M)


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for the executable")
def test_it_runs_the_executable_it_is_given_and_checks_what_it_printed(tmp_path):
    folder = tmp_path / "annotator"
    folder.mkdir()
    exe = folder / "annotator"
    exe.write_text('#!/bin/sh\n[ "$ANNOTATOR_QUIT_WHEN_SHOWN" = 1 ] || exit 3\n'
                   'mkdir -p "$ANNOTATOR_HOME/data" && : > "$ANNOTATOR_HOME/data/default.annotator"\necho shown\n')
    exe.chmod(0o755)
    result = _bench(str(exe), "--runs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "start (bundle): median" in result.stdout and "over 2 runs" in result.stdout
    exe.write_text("#!/bin/sh\necho hello\n")  # no "shown", no project: the check fails
    result = _bench(str(exe), "--runs", "1")
    assert result.returncode == 1
    assert "CHECK FAILED: run 1: printed 'hello\\n'" in result.stderr
