"""Nothing the harness starts outlives it, however it ends.

A clean exit, an exception, Ctrl-C, SIGTERM and SIGHUP all unwind through `Services.stop`
(bench.kit.processes). What cannot unwind — SIGKILL, the OOM killer, a crash of the
interpreter — is covered by a record and a watchdog:

* **the record**: each harness process has a mark, `<host>:<pid>:<start time>`, and a file
  `$BENCH_HOME/owners/<mark>` listing what it started: every process group (`group PID
  START`: each service is the leader of its own), `docker` once it started containers (they
  carry the mark in `OWNER_LABEL`), and `path FOLDER` for temporary folders. Every spawned
  process also carries the mark in its environment (`BENCH_OWNER`), which its children
  inherit — so task processes a scheduler starts in sessions of their own are found too,
  unless they rewrite their environment's memory for a process title (some schedulers
  and databases do; they are found as descendants of a recorded group instead);
* **the watchdog**: the first `spawn` starts this file as a script, in a session of its own
  (a terminal's SIGHUP or Ctrl-C does not reach it), holding the read end of a pipe whose
  write end only the harness has. When the harness is gone, however it died, the pipe
  reaches end-of-file and the watchdog cleans up after the record (`clean_up`). After a
  clean exit it finds nothing left to stop and just deletes the record.

`bench clean` runs the same `clean_up` for the record of every harness that is dead (its
pid no longer the process that started at that time), in case the watchdog was killed too.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import psutil

OWNER_VAR = "BENCH_OWNER"  # in every spawned process's environment
GRACE_S = 5.0  # between SIGTERM and SIGKILL when leftovers are stopped


@functools.cache
def _owner_of(pid: int) -> str:
    started = int(psutil.Process(pid).create_time())
    return f"{socket.gethostname()}:{pid}:{started}"


def owner() -> str:
    """This harness process's mark: host, pid and start time (a pid alone is reused)."""
    return _owner_of(os.getpid())


def owner_alive(mark: str) -> bool:
    """Whether the harness that put `mark` on something still runs (a mark from another
    host is taken as alive: it cannot be checked from here)."""
    host, _, rest = mark.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname():
        return True
    return _started_at(int(pid) if pid.isdigit() else 0) == (int(started) if started else -1)


def _started_at(pid: int) -> int | None:
    try:
        return int(psutil.Process(pid).create_time())
    except (psutil.Error, ValueError):
        return None


def owners_dir() -> Path:
    from bench.kit.home import bench_home

    return bench_home() / "owners"


def marked(env: dict[str, str]) -> dict[str, str]:
    """`env` with this harness's mark, for a process it is about to start."""
    watch()
    return {**env, OWNER_VAR: owner()}


def record_group(pid: int) -> None:
    """Record a process group the harness just started (its leader's pid)."""
    tell(f"group {pid} {_started_at(pid) or 0}")


_watchdog: dict[int, tuple[subprocess.Popen, Path]] = {}  # by the pid that started it


def watch() -> None:
    """Start this harness's watchdog and record, once per process (fork-safe)."""
    if os.getpid() in _watchdog:
        return
    record = owners_dir() / owner()
    record.parent.mkdir(parents=True, exist_ok=True)
    record.touch()
    env = {k: v for k, v in os.environ.items() if k != OWNER_VAR}
    watchdog = subprocess.Popen(
        # by path (-P: not its own folder on sys.path, which would shadow `http`)
        [sys.executable, "-P", __file__, owner(), str(record)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    _watchdog[os.getpid()] = (watchdog, record)


def tell(line: str) -> None:
    """Add one thing to clean up to this harness's record: `group PID START`, `docker`
    or `path FOLDER`."""
    watch()
    with open(_watchdog[os.getpid()][1], "a") as record:
        record.write(f"{line}\n")


def marked_processes(mark: str | None = None) -> list[psutil.Process]:
    """Processes carrying `mark` in their environment (any mark if None); our own process
    and those we cannot read are skipped."""
    return [p for p, found in _marks() if mark is None or found == mark]


def _marks() -> list[tuple[psutil.Process, str]]:
    """Every readable process with a mark, and its mark (each environment read once)."""
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        with contextlib.suppress(psutil.Error):
            if value := process.environ().get(OWNER_VAR):
                found.append((process, value))
    return found


def _group(leader: int, started: int) -> list[psutil.Process]:
    """What is left of a recorded process group: its members and all their descendants.
    A leader pid alive with another start time is somebody else's: nothing of ours."""
    alive_since = _started_at(leader)
    if alive_since is not None and started and alive_since != started:
        return []
    members = []
    for pid in psutil.pids():
        with contextlib.suppress(OSError, psutil.Error):
            if os.getpgid(pid) == leader:
                process = psutil.Process(pid)
                members += [process, *process.children(recursive=True)]
    return members


def processes_of(mark: str, lines: list[str]) -> list[psutil.Process]:
    """Every running process harness `mark` started: marked ones, and what is left of the
    process groups its record lists (`lines`)."""
    found = marked_processes(mark)
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind == "group":
            leader, _, started = rest.partition(" ")
            found += _group(int(leader), int(started or 0))
    return list({p.pid: p for p in found}.values())


def stop_processes(processes: list[psutil.Process], grace: float = GRACE_S) -> int:
    """SIGTERM them, SIGKILL who is left after `grace` s; how many there were."""
    processes = list({p.pid: p for p in processes if p.pid != os.getpid()}.values())
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.terminate()
    _, alive = psutil.wait_procs(processes, timeout=grace)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(alive, timeout=grace)
    return len(processes)


def clean_up(mark: str, record: Path) -> int:
    """Stop and remove everything the record of harness `mark` lists, then the record;
    how many processes were stopped."""
    lines = record.read_text().splitlines() if record.exists() else []
    stopped = stop_processes(processes_of(mark, lines))
    if "docker" in lines:
        with contextlib.suppress(Exception):  # no engine any more: nothing of ours runs there
            from bench.kit.docker_engine import remove_owned

            remove_owned(mark)
    for line in lines:
        if line.startswith("path "):
            shutil.rmtree(line[5:], ignore_errors=True)
    record.unlink(missing_ok=True)
    return stopped


def dead_owners() -> list[tuple[str, Path]]:
    """The marks and records of harnesses that are no longer running."""
    folder = owners_dir()
    records = sorted(folder.iterdir()) if folder.is_dir() else []
    return [(r.name, r) for r in records if not owner_alive(r.name)]


def leftover_processes() -> list[psutil.Process]:
    """Marked processes whose harness is dead and left no record."""
    return [p for p, mark in _marks() if not owner_alive(mark)]


def main() -> None:
    """The watchdog: wait for end-of-file on stdin (its harness is gone), then clean up."""
    mark, record = sys.argv[1], Path(sys.argv[2])
    sys.stdin.buffer.read()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # for the docker clean-up
    clean_up(mark, record)


if __name__ == "__main__":
    main()
