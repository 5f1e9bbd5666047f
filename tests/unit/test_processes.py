"""Everything the harness starts is stopped: whole process groups, also on errors."""

from __future__ import annotations

import os
import time

import psutil
import pytest

from bench.kit.errors import BenchError
from bench.kit.processes import Services, free_port

# a service that forks a grandchild and ignores SIGTERM, like a stubborn scheduler
STUBBORN = ["sh", "-c", "trap '' TERM; sleep 300 & sleep 300"]


def group_members(pgid: int) -> list[psutil.Process]:
    out = []
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except (psutil.Error, ProcessLookupError):
            pass
    return out


def test_stop_kills_the_whole_group_even_when_sigterm_is_ignored(tmp_path):
    services = Services(tmp_path, grace=1.0)
    service = services.start("stubborn", STUBBORN, dict(os.environ))
    time.sleep(0.3)
    assert len(group_members(service.process.pid)) >= 2
    started = time.monotonic()
    services.stop()
    assert group_members(service.process.pid) == []
    assert time.monotonic() - started < 5


def test_an_exception_inside_the_block_still_stops_everything(tmp_path):
    with pytest.raises(RuntimeError), Services(tmp_path, grace=1.0) as services:
        pid = services.start("stubborn", STUBBORN, dict(os.environ)).process.pid
        raise RuntimeError("the benchmark crashed")
    assert group_members(pid) == []


def test_a_dead_service_is_reported_with_its_last_log_line(tmp_path):
    with Services(tmp_path) as services:
        services.start(
            "broken", ["sh", "-c", "echo 'port already in use'; exit 3"], dict(os.environ)
        )
        with pytest.raises(BenchError, match="broken exited with code 3: port already in use"):
            services.wait_until("never", lambda: False, timeout=10)


def test_a_port_taken_by_someone_else_is_one_clear_line_and_nothing_left(tmp_path):
    import socket
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        with Services(tmp_path) as services:
            pid = services.start("api-server", server, dict(os.environ)).process.pid
            with pytest.raises(BenchError, match=r"api-server exited with code 1: .*in use"):
                services.wait_until("the api-server", lambda: False, timeout=20)
    assert group_members(pid) == []


def test_free_ports_are_bindable_distinct_and_outside_the_ephemeral_range():
    import socket

    from bench.kit.processes import _ephemeral_low

    ports = [free_port() for _ in range(20)]
    assert len(set(ports)) == 20 and all(1024 <= p < _ephemeral_low() for p in ports)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", ports[0]))


@pytest.mark.parametrize(
    ("codes", "done", "expected"),
    [((25, 10), True, 0), ((25, 10), False, 25), ((0, 0), None, 0), ((0, 30), None, 30)],
)
def test_a_fleet_succeeds_when_the_work_is_done(tmp_path, codes, done, expected):
    """Luigi workers sharing a run exit 10/25 when others ran their tasks: the fleet asks
    whether the work is complete instead; without that question every member must exit 0."""
    from bench.kit.processes import Fleet, spawn

    members = [
        spawn(["sh", "-c", f"exit {c}"], {}, tmp_path / f"{i}.log") for i, c in enumerate(codes)
    ]
    fleet = Fleet(members, None if done is None else (lambda: done))
    assert fleet.wait(timeout=10) == expected
    fleet.stop(grace=1)


def test_every_member_of_a_fleet_is_the_orchestrators(tmp_path):
    """The resource sampler watches sessions: a fleet's are all its members' (counting only
    the first made the others' CPU 'foreign' and flagged the docker scale-out as contaminated)."""
    from bench.kit.processes import Fleet, session_ids, spawn

    members = [spawn(["sleep", "5"], {}, tmp_path / f"{i}.log") for i in range(3)]
    try:
        assert session_ids(Fleet(members)) == [m.pid for m in members]  # each leads its own
        assert session_ids(members[0]) == [members[0].pid]
    finally:
        Fleet(members).stop(grace=1)
