"""A throw-away PostgreSQL server for an orchestrator's metadata, started by the harness.

Production deployments of orchestrators with a metadata DB run it on PostgreSQL; SQLite
serialises every write. An implementation's `postgres` variant measures that set-up: a fresh
cluster (`initdb`) in a temporary folder, one `postgres` process group on a free port on
127.0.0.1, trust authentication (only local processes can reach it), deleted when the stack
stops. PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
(docs/environment.md).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.kit.errors import BenchError
from bench.kit.processes import Services, free_port

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
        self.port = free_port()
        self.database = database
        self.folder: Path | None = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> None:
        initdb, postgres, createdb_program = (find_program(p) for p in PROGRAMS)
        # under /tmp, not the run folder: as root the run folder sits in /root, which the
        # postgres user cannot enter
        self.folder = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
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
        argv = [postgres, "-D", str(data), "-h", "127.0.0.1", "-p", str(self.port)]
        argv += ["-k", str(self.folder)]  # its unix socket stays in the temporary folder
        self.services.start("postgres", _as_owner(argv), dict(os.environ), cwd=self.folder)
        createdb = [createdb_program, "-h", "127.0.0.1"]
        createdb += ["-p", str(self.port), "-U", "postgres", self.database]
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
