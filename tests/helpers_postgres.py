"""A real PostgreSQL server for the tests: initdb + pg_ctl on a temporary directory.

Debian keeps the binaries off the PATH, in /usr/lib/postgresql/NN/bin (`.ci/run` installs the
`postgresql` package when they are missing). initdb refuses to run as root, so as root the
server runs as the `postgres` system user (created when missing).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

USER = "postgres"


def binaries() -> Path | None:
    """The newest PostgreSQL bin directory with initdb and pg_ctl, or None."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if on_path := shutil.which("initdb"):
        found.append(Path(on_path).parent)
    usable = [d for d in found if (d / "pg_ctl").exists()]
    return max(usable, key=lambda d: _version(d), default=None)


def _version(directory: Path) -> int:
    name = directory.parent.name
    return int(name) if name.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_server_user() -> list[str]:
    """The command prefix that runs a program as a non-root user (none when not root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER],
            check=True,
        )
    return ["runuser", "-u", USER, "--"]


class PostgresServer:
    """One server for the whole session; each test gets a schema of its own."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.data = root / "data"
        self.log = root / "server.log"
        self.port = _free_port()
        self.url = f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"
        self._schemas = itertools.count(1)
        self.prefix = _as_server_user()

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [*self.prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed:\n{result.stdout}{result.stderr}\n{log}")

    def start(self) -> None:
        """initdb (trust auth on loopback), then start on a free port; no Unix socket."""
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", USER, "-A", "trust")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        """Stop at once (the data is thrown away)."""
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def fresh_url(self) -> str:
        """A URL whose tables land in a new, empty schema (a fresh database, cheaply)."""
        schema = f"test_{next(self._schemas)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}".encode())
        return f"{self.url}?options=-csearch_path%3D{schema}"


@contextmanager
def running_postgres() -> Iterator[PostgresServer | str]:
    """A started server, or why there is none (the caller skips, or fails under CI)."""
    bin_dir = binaries()
    if bin_dir is None:
        yield (
            "PostgreSQL's initdb and pg_ctl were not found in /usr/lib/postgresql/*/bin "
            "(apt-get install postgresql, as .ci/run does)"
        )
        return
    root = Path(tempfile.mkdtemp(prefix="importrun-pg-"))
    try:
        root.chmod(0o755)
        server = PostgresServer(bin_dir, root)
        if server.prefix:
            shutil.chown(root, USER)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
