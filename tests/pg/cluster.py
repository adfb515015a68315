"""A throwaway PostgreSQL cluster for the tests: ``initdb`` in a temporary folder, ``pg_ctl start``
on a Unix socket in that folder and on 127.0.0.1 at a free port, trust authentication, and
``pg_ctl stop -m fast`` plus removal of the folder at the end.

Debian's ``postgresql`` package (installed by ``.ci/setup.sh test``) puts the server programs in
/usr/lib/postgresql/<major>/bin, off PATH; we take the newest major found there (or PATH's, for
other systems). The server refuses to run as root, so as root every server program runs as the
``postgres`` user the package creates (``runuser -u postgres --``), in a folder that user owns;
as any other user the programs run directly as that user.

No mocks: the tests talk to this real server through SQLAlchemy and psycopg.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_ROOT = Path("/usr/lib/postgresql")
INSTALL_HINT = "install Debian's postgresql package (sudo apt-get install postgresql), or run .ci/setup.sh test as root"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_psycopg():
    """The psycopg module; where it is missing the calling test module is skipped, on CI it fails."""
    try:
        import psycopg
    except ImportError:
        import pytest

        reason = "psycopg is not installed: pip install -e '.[test]' (or 'annotator[postgres]')"
        if in_ci():
            pytest.fail(f"{reason}; CI installs it with the test extra", pytrace=False)
        pytest.skip(reason, allow_module_level=True)
    return psycopg


class UnavailableError(Exception):
    """No PostgreSQL server can be started here; the message says why and what to install."""


OWNER = "owner.pid"  # the process that started a cluster; a cluster whose owner is gone is an orphan


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_orphans(bindir: Path, prefix: list[str], base: Path) -> list[Path]:
    """Stop and remove the clusters of test processes that died without stopping theirs (a crashed
    pytest-xdist worker: SIGABRT runs no atexit hook). Returns the folders removed."""
    removed = []
    for folder in base.glob("annotator-pg-*"):
        try:
            owner = int((folder / OWNER).read_text())
        except (OSError, ValueError):
            continue  # not ours, or still being made
        if _alive(owner):
            continue
        data = folder / "data"
        if (data / "postmaster.pid").exists():
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "-t", "30",
                            "stop"], capture_output=True, timeout=60, cwd=folder, check=False)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl: the newest /usr/lib/postgresql/<major>/bin, else PATH's."""
    majors = sorted((p for p in PG_ROOT.glob("*/bin") if (p / "initdb").is_file() and p.parent.name.isdigit()),
                    key=lambda p: int(p.parent.name))
    if majors:
        return majors[-1]
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise UnavailableError(f"no PostgreSQL server programs (initdb, pg_ctl) found: {INSTALL_HINT}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_user() -> list[str]:
    """The command prefix that runs a server program: ``runuser -u postgres --`` as root, else nothing."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise UnavailableError("running as root, and there is no 'postgres' user to run the server as: "
                          + INSTALL_HINT) from None
    runuser = shutil.which("runuser")
    if not runuser:
        raise UnavailableError("running as root without runuser (util-linux) to run the server as 'postgres'")
    return [runuser, "-u", "postgres", "--"]


@dataclass
class Cluster:
    """One running cluster; ``start()`` makes it, ``stop()`` ends it and removes its folder."""

    bindir: Path
    folder: Path
    port: int
    prefix: list[str] = field(default_factory=list)
    started_seconds: float = 0.0  # wall time of initdb + start, for the report (never asserted)
    version: str = ""
    options: str = ""  # the server's settings (pg_ctl -o), kept for ``resume``

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def url(self, dbname: str = "postgres", user: str = "postgres") -> str:
        """A libpq URL on the cluster's Unix socket: ``postgresql://user@/dbname?host=...&port=...``."""
        return f"postgresql://{user}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def sqlalchemy_url(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return "postgresql+psycopg" + self.url(dbname, user)[len("postgresql"):]

    def tcp_url(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        proc = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=timeout,
                              cwd=self.folder, check=False)
        if proc.returncode != 0:
            raise UnavailableError(f"{Path(args[0]).name} failed ({proc.returncode}): "
                              f"{(proc.stderr or proc.stdout).strip()[-800:]}")
        return proc

    @classmethod
    def start(cls, durable: bool = False) -> Cluster:
        """initdb and start a new cluster. ``durable`` False (the tests): fsync off, which saves
        seconds and changes nothing a test checks; a benchmark of commit latency passes True."""
        bindir = find_bindir()
        prefix = _server_user()
        # Short and outside pytest's own temporary folder (root-only 0700 there, and a Unix socket
        # path must stay under 108 bytes).
        base = "/tmp" if len(tempfile.gettempdir()) > 40 else None
        reap_orphans(bindir, prefix, Path(base or tempfile.gettempdir()))
        folder = Path(tempfile.mkdtemp(prefix="annotator-pg-", dir=base))
        (folder / OWNER).write_text(str(os.getpid()))
        cluster = cls(bindir=bindir, folder=folder, port=free_port(), prefix=prefix)
        began = time.perf_counter()
        try:
            cluster.socket_dir.mkdir()
            if prefix:  # the server's folder must belong to the user that runs it
                entry = pwd.getpwnam("postgres")
                for path in (folder, cluster.socket_dir):
                    os.chown(path, entry.pw_uid, entry.pw_gid)
            cluster._run(str(bindir / "initdb"), "-D", str(cluster.data_dir), "-U", "postgres",
                         "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")
            options = [f"-c listen_addresses=127.0.0.1 -p {cluster.port}",
                       f"-c unix_socket_directories={cluster.socket_dir}",
                       "-c max_connections=60", "-c shared_buffers=32MB"]
            if not durable:
                options.append("-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            cluster.options = " ".join(options)
            cluster.resume()
            cluster.started_seconds = time.perf_counter() - began
            out = cluster._run(str(bindir / "postgres"), "--version").stdout
            cluster.version = re.sub(r"^postgres \(PostgreSQL\) ", "", out.strip())
        except BaseException:
            cluster.stop()
            raise
        atexit.register(cluster.stop)  # the fixture stops it; this is for an interrupted run
        return cluster

    def pause(self, mode: str = "fast") -> None:
        """Stop the server (``mode`` fast: its sessions are ended, "immediate": as if it crashed),
        keeping its folder: a server that went away, for ``resume`` to bring back on the same port."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "-t", "60", "stop")

    def resume(self) -> None:
        """Start the server (again) on its folder, port and socket."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.folder / "server.log"),
                  "-o", self.options, "-w", "-t", "60", "start")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join((self.folder / "server.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server (fast: open sessions are ended) and remove the folder; safe to call twice."""
        try:
            if (self.data_dir / "postmaster.pid").exists():
                subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.data_dir),
                                "-m", "fast", "-w", "-t", "60", "stop"],
                               capture_output=True, timeout=90, cwd=self.folder, check=False)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
