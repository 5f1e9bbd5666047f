"""Nothing outlives the harness: its watchdog stops what a killed harness started, and
`bench clean` finds what a dead harness left (bench.kit.orphans)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from bench.kit import orphans
from bench.kit.postgres import PostgresServer
from bench.kit.processes import Services, stop_on_signals

HARNESS = textwrap.dedent(
    """
    import os, signal, sys, tempfile, time
    from pathlib import Path
    from bench.kit import orphans
    from bench.kit.processes import spawn

    folder = tempfile.mkdtemp(prefix="bench-test-orphan-")
    orphans.tell(f"path {folder}")
    # a service, and a task process it starts in a session of its own (as executors do)
    service = spawn(["sh", "-c", "setsid sleep 300 & exec sleep 300"], dict(os.environ),
                    Path(folder) / "service.log")
    print(service.pid, folder, flush=True)
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIG{sig})
    time.sleep(30)
    """
)


def _gone(pids: list[int], timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie" for p in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("sig", ["KILL", "SEGV"])
def test_a_killed_harness_leaves_no_process_and_no_folder(sig):
    harness = subprocess.Popen(
        [sys.executable, "-c", HARNESS.replace("{sig}", sig)], stdout=subprocess.PIPE, text=True
    )
    pid, folder = harness.stdout.readline().split()
    mark = f"{socket.gethostname()}:{harness.pid}:"
    time.sleep(0.3)
    started = [
        p.pid
        for p in orphans.marked_processes()
        if p.environ().get(orphans.OWNER_VAR, "").startswith(mark)
    ]
    assert int(pid) in started and len(started) >= 2, "the service and its task carry the mark"
    harness.wait(timeout=30)
    assert _gone(started), "the watchdog stopped every process the harness started"
    deadline = time.monotonic() + 10
    while Path(folder).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(folder).exists(), "and removed the folder it registered"


def test_clean_finds_only_processes_of_dead_harnesses():
    dead = f"{socket.gethostname()}:{os.getpid()}:1"  # our pid, another start time
    alive = orphans.owner()
    strays = [
        subprocess.Popen(["sleep", "300"], env={**os.environ, orphans.OWNER_VAR: mark})
        for mark in (dead, alive)
    ]
    try:
        time.sleep(0.2)
        found = {p.pid for p in orphans.leftover_processes()}
        assert strays[0].pid in found and strays[1].pid not in found
        assert orphans.stop_processes([psutil.Process(strays[0].pid)], grace=2) == 1
        assert strays[0].wait(timeout=5) is not None
    finally:
        for stray in strays:
            stray.kill()
            stray.wait()


def test_a_mark_names_host_pid_and_start_time():
    host, pid, started = orphans.owner().split(":")
    assert host == socket.gethostname() and int(pid) == os.getpid()
    assert orphans.owner_alive(orphans.owner())
    assert not orphans.owner_alive(f"{host}:{pid}:{int(started) + 5}")
    assert orphans.owner_alive(f"elsewhere:{pid}:1"), "another host's harness cannot be judged"


@contextlib.contextmanager
def disposition(sig: signal.Signals, handler) -> Iterator[None]:
    """The signal's handler for the block, as a shell (or nohup) would have left it."""
    before = signal.signal(sig, handler)
    try:
        yield
    finally:
        signal.signal(sig, before)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_unwind_like_ctrl_c(sig):
    unwound = []
    with disposition(sig, signal.SIG_DFL), pytest.raises(SystemExit) as stopped, stop_on_signals():
        try:
            os.kill(os.getpid(), sig)
            time.sleep(5)
        finally:
            unwound.append(True)
    assert unwound and stopped.value.code == 128 + sig


def test_a_hangup_the_harness_was_started_to_ignore_stays_ignored():
    """`nohup bench compare &`: the closed terminal's SIGHUP must not stop the run."""
    with disposition(signal.SIGHUP, signal.SIG_IGN), stop_on_signals():
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(0.2)  # a handler would have raised SystemExit by now
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN


def test_postgres_is_reached_through_a_private_socket_folder_not_tcp(tmp_path):
    server = PostgresServer(Services(tmp_path), database="airflow")
    folder = server.folder
    try:
        assert folder.stat().st_mode & 0o077 == 0, "only its owner may reach the socket"
        assert "127.0.0.1" not in server.url and f"host={folder}" in server.url
    finally:
        server.remove()
    assert not folder.exists()
