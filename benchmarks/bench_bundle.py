"""Benchmark: cold start of the desktop bundle to the main window (median of 5, target 1.5 s).

Each run starts the executable (default `dist/annotator/annotator`; `--source` runs
`python -m annotator` from this checkout instead) as a new process with no arguments, in a fresh
`ANNOTATOR_HOME` (so the default project is created, as on a coder's first start), with
`ANNOTATOR_QUIT_WHEN_SHOWN=1`: the app prints "shown" after the first turn of its event loop with
the main window shown, then quits (annotator/gui/app.py). The time is the wall time from starting
the process until that line is read. Qt draws offscreen (`QT_QPA_PLATFORM=offscreen`) unless
`--platform` says otherwise (`--platform ''` keeps this environment's display); `LANG=C.UTF-8` is set
when no locale is, as the frozen app needs one for file names.

"Cold" means a new process each time, in a fresh home. The files of the bundle may still be in the
operating system's page cache from the run before; `--drop-caches` (root, Linux) empties it before
every run for a truly cold disk.

Check: every run exits 0 after printing "shown" and leaves the default project in its home;
otherwise the script exits 1. A missed target is shown as MISSED and does not change the exit status.

Run:  .venv/bin/python benchmarks/bench_bundle.py [EXECUTABLE] [--source] [--runs 5] [--platform offscreen]
      [--drop-caches] [--keep]
"""

from __future__ import annotations

import argparse
import os
import platform
import selectors
import statistics
import subprocess
import sys
import time
from pathlib import Path

from workload import temporary_home

REPO = Path(__file__).resolve().parents[1]
TARGET = 1.5  # seconds to the main window
TIMEOUT = 60  # seconds for one start


def folder_size(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (symbolic links not followed)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def drop_caches() -> None:
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def start_once(command: list[str], env: dict) -> tuple[float | None, str]:
    """Start ``command``; the seconds until it printed "shown" (None if it did not), and what went wrong."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=env["ANNOTATOR_HOME"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = ""
    with selectors.DefaultSelector() as selector:  # a bounded wait: an app without the hook never prints
        selector.register(proc.stdout, selectors.EVENT_READ)
        if selector.select(timeout=TIMEOUT):
            line = proc.stdout.readline()
    seconds = time.perf_counter() - started
    if not line and proc.poll() is None:
        proc.kill()
        _, err = proc.communicate()
        return None, f"printed nothing within {TIMEOUT} s (does it know ANNOTATOR_QUIT_WHEN_SHOWN?)"
    try:
        _, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        return None, f"did not quit within {TIMEOUT} s after printing {line!r}"
    if line.strip() != "shown" or proc.returncode != 0:
        return None, f"printed {line!r}, exit {proc.returncode}: {err.strip()[-1500:]}"
    if not (Path(env["ANNOTATOR_HOME"]) / "data" / "default.annotator").is_file():
        return None, "no default project in its ANNOTATOR_HOME"
    return seconds, ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executable", nargs="?", default=str(REPO / "dist" / "annotator" / "annotator"),
                        help="the frozen app (default: dist/annotator/annotator)")
    parser.add_argument("--source", action="store_true", help="run `python -m annotator` instead (not frozen)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM ('' keeps the environment's)")
    parser.add_argument("--drop-caches", action="store_true", help="empty the page cache before each run (root)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    if args.source:
        command, what = [sys.executable, "-m", "annotator"], f"python -m annotator ({sys.executable}, {REPO})"
    else:
        exe = Path(args.executable).resolve()
        if not exe.is_file():
            print(f"bench_bundle: no executable at {exe} (build it with: bash packaging/build.sh, "
                  f"or pass --source)", file=sys.stderr)
            return 1
        command, what = [str(exe)], f"{exe} ({folder_size(exe.parent) / 1e6:.0f} MB in {exe.parent.name}/)"
    print(f"{what}; {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
          f"QT_QPA_PLATFORM={args.platform or os.environ.get('QT_QPA_PLATFORM', '')!r}")

    failures, times = [], []
    with temporary_home("annotator-bench-bundle-", args.keep) as (tmp, env):
        env["ANNOTATOR_QUIT_WHEN_SHOWN"] = "1"
        if args.source:  # this checkout's package, whatever the virtualenv has installed
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        if args.platform:
            env["QT_QPA_PLATFORM"] = args.platform
        if not (env.get("LC_ALL") or env.get("LANG")):
            env["LANG"] = "C.UTF-8"
        for run in range(1, args.runs + 1):
            home = tmp / f"home-{run}"
            home.mkdir()
            if args.drop_caches:
                drop_caches()
            seconds, problem = start_once(command, dict(env, ANNOTATOR_HOME=str(home)))
            if seconds is None:
                failures.append(f"run {run}: {problem}")
                print(f"run {run}: FAILED: {problem}")
                continue
            times.append(seconds)
            print(f"run {run}: {seconds:.2f} s")

    if times:
        median = statistics.median(times)
        verdict = "" if median <= TARGET else "  MISSED"
        print(f"runs: {', '.join(f'{t:.2f}' for t in times)}")
        which = "source" if args.source else "bundle"
        print(f"start ({which}): median {median:.2f} s to the main window over {len(times)} runs "
              f"(target {TARGET} s, ratio {median / TARGET:.2f}){verdict}")
    for failure in failures:
        print(f"CHECK FAILED: {failure}", file=sys.stderr)
    return 1 if failures or not times else 0


if __name__ == "__main__":
    sys.exit(main())
