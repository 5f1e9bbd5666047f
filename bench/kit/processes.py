"""Start orchestrator services as process groups and make sure none outlives the harness.

Every service gets its own session (`start_new_session=True`), so it and every process it
forks (executor workers, task processes) share one process group that can be signalled as
a whole. Stopping sends SIGTERM to the group, waits, then SIGKILLs the group: some
schedulers sometimes ignore SIGTERM (docs/environment.md), and a surviving worker would
skew the next measurement. `Services` is a context manager, and Ctrl-C or an
exception inside it still stops everything.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import psutil

from bench.kit.errors import BenchError
from bench.kit.orphans import marked, record_group


class Spawned(Protocol):
    """What a runtime's `spawn` returns: a `subprocess.Popen` here, a container elsewhere."""

    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...


class Fleet:
    """Several copies of one command started together (a fleet of worker processes or
    containers), handled as one. It has finished when all have; it succeeded when `done()` says the
    work is complete — a worker's own exit code cannot tell: a worker whose tasks another
    worker ran may exit non-zero ("already running", "not granted run permission"), which
    in a fleet is the point. Without `done`, every member must exit 0."""

    def __init__(self, members: list[Spawned], done: Callable[[], bool] | None = None) -> None:
        self.members, self.done = members, done
        self.returncode: int | None = None

    @property
    def pid(self) -> int:
        return self.members[0].pid

    def poll(self) -> int | None:
        codes = [m.poll() for m in self.members]
        if None in codes:
            return None
        failed = next((c for c in codes if c), 0)
        if self.done is not None:
            self.returncode = 0 if self.done() else (failed or 1)
        else:
            self.returncode = failed
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if timeout is not None and deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("fleet", timeout)
            time.sleep(0.1)
        return code

    def send_signal(self, sig: signal.Signals) -> None:
        for member in self.members:
            signal_process(member, sig)

    def stop(self, grace: float = 10.0) -> None:
        for member in self.members:
            stop_process(member, grace)


READY_POLL_S = 0.05  # how often every readiness check asks: start-up is resolved to 50 ms


def _ephemeral_low() -> int:
    """The lowest port the kernel hands to outgoing connections (Linux default 32768)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, chosen *below* the kernel's
    ephemeral range: between this check and the service's bind, an outgoing connection
    (the harness polls its services all the time) can take a free ephemeral port, never
    one of these. Never the same port twice in one harness."""
    rng = random.Random()
    high = _ephemeral_low()
    for _ in range(200):
        port = rng.randrange(max(1024, high - 12000), high)
        if port in _handed_out:
            continue
        with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise BenchError(f"no free TCP port on 127.0.0.1 below {high} after 200 tries")


def log_tail(path: Path, lines: int = 1) -> str:
    """The last non-empty line(s) of a log, for one-line error messages."""
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text[-lines:])


def spawn(
    argv: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
) -> subprocess.Popen:
    """Start `argv` as the leader of a new process group (its own session), output to `log`.

    Everything the harness launches goes through here, so `stop_group(process.pid)` always
    reaches the process and everything it forks, and everything carries the harness's
    mark (bench.kit.orphans: its watchdog stops them if the harness is killed).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            argv,
            env=marked(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    record_group(process.pid)
    return process


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log: Path
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    options: dict = field(default_factory=dict)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


def _group_gone(pid: int, until: float) -> bool:
    """Poll until no process is left in group `pid` (reaping our own child), or `until`."""
    while time.monotonic() < until:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        try:
            os.killpg(pid, 0)  # anyone left in the group?
        except (ProcessLookupError, PermissionError):
            return True
        time.sleep(0.05)
    return False


def descendants(pid: int) -> list[psutil.Process]:
    """Every process below `pid`, read now: once a parent dies its children are re-parented
    to init and can no longer be found this way."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def kill_strays(processes: list[psutil.Process]) -> None:
    """SIGKILL whichever of `processes` still runs. Some executors start each task process
    in its own session, so signalling the scheduler's group does not reach them."""
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            process.kill()
    psutil.wait_procs(processes, timeout=5)


def session_id(process: Spawned) -> int:
    """The session of a spawned command (its own pid locally; the container's session in
    docker), by which bench.measure.resources finds every process belonging to it."""
    try:
        return os.getsid(process.pid)
    except (ProcessLookupError, PermissionError):
        return process.pid


def session_ids(process: Spawned) -> list[int]:
    """Every session of a spawned command: its own, or each member's of a `Fleet` (a fleet's
    `pid` is its first member's: the others' CPU would otherwise count as foreign)."""
    return [session_id(m) for m in getattr(process, "members", [process])]


def stop_process(process, grace: float = 10.0) -> None:
    """Stop what `spawn` (or a runtime's spawn) started: a local process group, or a
    container (which stops everything inside it)."""
    if isinstance(process, subprocess.Popen):
        stop_group(process.pid, grace)
    else:
        process.stop(grace)


def signal_process(process, sig: signal.Signals) -> None:
    """Deliver `sig` to everything a spawned command runs: its process group, or its
    container (`docker kill --signal`)."""
    if isinstance(process, subprocess.Popen):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)


def stop_group(pid: int, grace: float = 10.0) -> None:
    """SIGTERM a process group, wait up to `grace` s, then SIGKILL whatever is left of it and
    of the processes it started in sessions of their own, and wait until all are gone:
    'stopped' means no process it started can still use a CPU."""
    below = descendants(pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)
    if not _group_gone(pid, time.monotonic() + grace):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        _group_gone(pid, time.monotonic() + 5)
    kill_strays(below)


class LocalRuntime:
    """Where a stack runs: here, as process groups on 127.0.0.1 (the docker runtime, in
    bench.kit.containers, offers the same four members for containers)."""

    name = "local"
    bind_host = "127.0.0.1"  # what a service listens on
    env_dir: Path | None = None  # None: the implementation's cached venv (bench.kit.envs)

    def spawn(
        self, name: str, argv: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
    ) -> subprocess.Popen:
        return spawn(argv, env, log, cwd)

    def address(self, service: str) -> str:
        """Where the harness, and the other services, reach `service`."""
        return "127.0.0.1"

    def peer(self, service: str) -> str:
        return "127.0.0.1"

    def close(self) -> None:
        """Remove what the runtime made for the stack (nothing, locally)."""


@dataclass
class Services:
    """The processes of one orchestrator stack, stopped in reverse start order."""

    log_dir: Path
    grace: float = 10.0  # seconds between SIGTERM and SIGKILL
    runtime: LocalRuntime = field(default_factory=LocalRuntime)
    services: list[Service] = field(default_factory=list)
    strays: list[psutil.Process] = field(default_factory=list)

    def start(
        self, name: str, argv: list[str], env: dict[str, str], cwd: Path | None = None, **options
    ) -> Service:
        """`options` go to the runtime's spawn (the docker runtime's service images)."""
        log = self.log_dir / f"{name}.log"
        process = self.runtime.spawn(name, argv, env, log, cwd, **options)
        service = Service(name, process, log, argv, env, cwd, options)
        self.services.append(service)
        return service

    def get(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def signal(self, name: str, sig: signal.Signals, grace: float = 60.0) -> None:
        """Deliver `sig` to a service's whole process group and wait until the group is gone
        (SIGKILL after `grace` s): a crash (SIGKILL) or a clean shutdown (SIGTERM).

        Processes it started in sessions of their own live on, as they would on a real
        machine; they are remembered and killed at `stop()` if still running then.
        """
        process = self.get(name).process
        if not isinstance(process, subprocess.Popen):  # a container: everything goes with it
            process.send_signal(sig)
            if not process.exited_within(grace):
                process.send_signal(signal.SIGKILL)
            return
        pid = process.pid
        self.strays += descendants(pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
        if not _group_gone(pid, time.monotonic() + grace):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            _group_gone(pid, time.monotonic() + 5)

    def restart(self, name: str) -> Service:
        """Start a stopped service again with the same command, as a supervisor would."""
        old = self.get(name)
        self.services.remove(old)
        return self.start(name, old.argv, old.env, old.cwd, **old.options)

    def revive(self) -> list[str]:
        """Restart every service that died (what a supervisor does); their names."""
        dead = [s.name for s in self.services if not s.alive]
        for name in dead:
            self.restart(name)
        return dead

    def check(self) -> None:
        """Raise if a service died: its name, exit code and the last line of its log."""
        for service in self.services:
            if not service.alive:
                raise BenchError(
                    f"{service.name} exited with code {service.process.returncode}: "
                    f"{log_tail(service.log) or 'no output'} (log: {service.log})"
                )

    def wait_until(
        self, what: str, ready: Callable[[], bool], timeout: float, every: float = READY_POLL_S
    ) -> float:
        """Poll `ready()` until true; fail early if a service dies. Returns seconds waited.
        Every adapter polls its readiness at the same fine interval, so start-up times
        differ by what the services do, not by how often the harness asked."""
        start = time.monotonic()
        while not ready():
            self.check()
            if time.monotonic() - start > timeout:
                raise BenchError(
                    f"timed out after {timeout:.0f} s waiting for {what} (logs: {self.log_dir})"
                )
            time.sleep(every)
        return time.monotonic() - start

    def stop(self) -> None:
        for service in reversed(self.services):
            stop_process(service.process, self.grace)
            with contextlib.suppress(subprocess.TimeoutExpired):
                service.process.wait(timeout=1)
        self.services.clear()
        kill_strays(self.strays)
        self.strays.clear()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # a `kill`, a closed terminal or SSH session


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into SystemExit, so `finally` blocks (and Services.stop)
    still run, as they do for Ctrl-C. A signal the harness was started with ignored stays
    ignored: `nohup bench compare --profile full &` asked to outlive its terminal."""

    def _raise(signum, frame):
        raise SystemExit(128 + signum)

    previous = {
        sig: signal.signal(sig, _raise)
        for sig in STOP_SIGNALS
        if signal.getsignal(sig) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
