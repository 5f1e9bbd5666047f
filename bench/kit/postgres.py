"""A throw-away PostgreSQL server for an orchestrator's metadata, started by the harness.

Production deployments of orchestrators with a metadata DB run it on PostgreSQL; SQLite
serialises every write. An implementation's `postgres` variant measures that set-up: a fresh
cluster (`initdb`) in a temporary folder, one `postgres` process group, deleted when the
stack stops. It listens on no TCP port at all: only on a unix socket in that folder, whose
mode is 0700, so only the harness's user (and root) can connect — trust authentication is
safe there, where on 127.0.0.1 any local account could connect as superuser. PostgreSQL
refuses to run as root, so as root the server runs as the `postgres` user and owns the
folder (docs/environment.md).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.kit import orphans
from bench.kit.envs import shell_env
from bench.kit.errors import BenchError
from bench.kit.processes import Services

PROGRAMS = ("initdb", "postgres", "createdb")


def find_program(name: str) -> str:
    """`initdb` / `postgres` on PATH or in Debian's versioned folder."""
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None
    )
    if not found:
        raise BenchError(
            f"a PostgreSQL variant needs PostgreSQL's `{name}` program; install it "
            "(Debian: apt-get install postgresql) or choose another --variant"
        )
    return found


def _as_owner(argv: list[str]) -> list[str]:
    """Run as `postgres` when we are root (the server will not start as root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class PostgresServer:
    """`start()` inside an adapter's `Services`; `remove()` after they are stopped."""

    def __init__(self, services: Services, database: str) -> None:
        self.services = services
        self.database = database
        # under /tmp, not the run folder: as root the run folder sits in /root, which the
        # postgres user cannot enter; mkdtemp makes it 0700. A short path: a unix socket's
        # path is limited to 107 bytes.
        self.folder: Path | None = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
        orphans.tell(f"path {self.folder}")  # removed by the watchdog if we are killed

    @property
    def url(self) -> str:
        """psycopg2 (libpq) reads a `host` that is a folder as the unix socket's folder."""
        return f"postgresql+psycopg2://postgres@/{self.database}?host={self.folder}"

    def start(self) -> None:
        initdb, postgres, createdb_program = (find_program(p) for p in PROGRAMS)
        assert self.folder is not None, "start() after remove()"
        data = self.folder / "data"
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        done = subprocess.run(
            _as_owner([initdb, "-D", str(data), "-U", "postgres", "--auth=trust"]),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise BenchError(f"initdb failed: {last}")
        argv = [postgres, "-D", str(data), "-h", "", "-k", str(self.folder)]  # no TCP at all
        self.services.start("postgres", _as_owner(argv), shell_env(), cwd=self.folder)
        createdb = [createdb_program, "-h", str(self.folder), "-U", "postgres", self.database]
        self.services.wait_until("PostgreSQL", lambda: self._run_ok(createdb), 60, 0.3)

    @staticmethod
    def _run_ok(argv: list[str]) -> bool:
        done = subprocess.run(_as_owner(argv), capture_output=True, text=True)
        return done.returncode == 0 or "already exists" in done.stderr

    def remove(self) -> None:
        """Delete the cluster; call once the server's process group is stopped."""
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
