"""A `bench run` stopped mid-run by a closed SSH session (SIGHUP), a `kill` (SIGTERM) or a
`kill -9` leaves no process and no temporary folder; while it runs, every service it
started listens on loopback only (what `ss -ltn` would show)."""

from __future__ import annotations

import ipaddress
import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from bench.kit.orphans import owners_dir, processes_of
from tests.harness import BENCH

pytestmark = pytest.mark.integration


def _owned_by(mark: str) -> list[psutil.Process]:
    """What the harness `mark` started and still runs, as its watchdog would find it."""
    record = owners_dir() / mark
    lines = record.read_text().splitlines() if record.exists() else []
    return processes_of(mark, lines)


def _listening(processes: list[psutil.Process]) -> list[str]:
    """Every TCP address the processes listen on, as host:port."""
    found = []
    for process in processes:
        try:
            sockets = process.net_connections(kind="inet")
        except psutil.Error:
            continue
        for conn in sockets:
            if conn.status == psutil.CONN_LISTEN:
                found.append(f"{conn.laddr.ip}:{conn.laddr.port}")
    return found


def _wait_for_listeners(harness: subprocess.Popen, mark: str, timeout: float = 180) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and harness.poll() is None:
        if addresses := _listening(_owned_by(mark)):
            return addresses
        time.sleep(0.2)
    return []


@pytest.mark.parametrize(
    ("impl", "variant", "sig"),
    [
        ("luigi", "central", signal.SIGHUP),
        ("prefect", "served", signal.SIGKILL),
        ("airflow", "postgres", signal.SIGTERM),
    ],
)
def test_a_stopped_run_leaves_nothing_and_listened_on_loopback_only(tmp_path, impl, variant, sig):
    harness = subprocess.Popen(
        [str(BENCH), "run", impl, "--variant", variant, "--workdir", str(tmp_path / "run")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started_at = int(psutil.Process(harness.pid).create_time())
        mark = f"{socket.gethostname()}:{harness.pid}:{started_at}"
        addresses = _wait_for_listeners(harness, mark)
        assert addresses, f"no service listened; bench: {harness.poll()} {harness.stderr.read()}"
        assert all(ipaddress.ip_address(a.rpartition(":")[0]).is_loopback for a in addresses), (
            addresses
        )
        started = _owned_by(mark)
        harness.send_signal(sig)
        harness.wait(timeout=120)
    finally:
        if harness.poll() is None:
            harness.kill()
    assert harness.returncode == 128 + sig or harness.returncode == -sig
    if sig != signal.SIGKILL:
        assert "Traceback" not in harness.stderr.read()
    _, alive = psutil.wait_procs(started, timeout=30)
    assert [p.pid for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []
    assert _owned_by(mark) == []
    deadline = time.monotonic() + 30
    while (owners_dir() / mark).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (owners_dir() / mark).exists(), "the watchdog removed the record after it"
    assert not any(Path("/tmp").glob("bench-postgres-*")), "the database folder is removed"
