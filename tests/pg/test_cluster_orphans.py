"""tests/pg/cluster.py: a cluster whose test process died without stopping it (a crashed pytest-xdist
worker: SIGABRT runs no atexit hook) is stopped and removed by the next start (reap_orphans)."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pg.cluster import OWNER, UnavailableError, find_bindir, reap_orphans

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ("import sys, time; from tests.pg.cluster import Cluster; c = Cluster.start(); "
          "print(c.folder, c.port, flush=True); time.sleep(120)")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_killed_owners_cluster_is_stopped_and_removed(pg_cluster):
    try:
        find_bindir()
    except UnavailableError as exc:
        pytest.skip(str(exc))
    child = subprocess.Popen([sys.executable, "-c", SCRIPT], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        folder, port = child.stdout.readline().split()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    folder, port = Path(folder), int(port)
    assert _listening(port) and (folder / OWNER).exists()  # orphaned: its owner is gone, it runs on
    removed = reap_orphans(pg_cluster.bindir, pg_cluster.prefix, folder.parent)
    assert folder in removed and not folder.exists() and not _listening(port)
    assert pg_cluster.folder not in removed and pg_cluster.folder.exists()  # a live owner's cluster stays
