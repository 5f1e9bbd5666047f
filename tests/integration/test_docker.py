"""--runtime docker on a real engine: every implementation in containers, faults injected
with `docker kill`, and nothing of ours left behind — also after Ctrl-C.

Without an engine these tests skip with the reason; CI sets BENCH_REQUIRE_DOCKER=1, which
turns that skip into a failure (CI starts an engine first, .ci/docker-engine).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bench.kit.docker_engine import available, leftovers
from bench.kit.runtimes import use_runtime
from bench.measure.plan import Case
from bench.measure.recovery import measure_recovery
from bench.measure.runs import DEFAULT_DATASET
from bench.measure.scenarios import measure_case

from .conftest import BENCH, bench

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", autouse=True)
def engine() -> None:
    reason = available()
    if reason and os.environ.get("BENCH_REQUIRE_DOCKER") == "1":
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)
    done = bench("images", "build", timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]


def nothing_of_ours_left() -> bool:
    return not any(leftovers().values())


def event_pids(folder: Path, impl: str) -> set[int]:
    log = folder / f"_{impl}" / "events.jsonl"
    return {json.loads(line)["pid"] for line in log.read_text().splitlines()}


# Airflow's stacks (PostgreSQL, scheduler, dag-processor, api-server containers; Celery with
# Redis and K workers) run in CI's docker smoke compare, which also checks its results
# against the baseline's.
@pytest.mark.parametrize("impl", ["baseline", "luigi", "prefect", "dagster"])
def test_the_movie_pipeline_runs_in_containers(impl: str, tmp_path: Path) -> None:
    done = bench("run", impl, "--runtime", "docker", "--workdir", tmp_path / impl)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{impl}" in done.stdout and "succeeded" in done.stdout
    assert event_pids(tmp_path / impl, impl)  # the tasks wrote their events through the mount
    assert nothing_of_ours_left()


def test_luigi_worker_containers_share_one_run_through_luigid(tmp_path: Path) -> None:
    """The scale-out topology: K worker containers, one luigid, one run spread over them."""
    with use_runtime("docker"):
        measured = measure_case(
            "luigi", "default", Case("scaleout", "fanout:4:sleep:1", 2), 1, tmp_path
        )
    run = measured.runs[-1]
    assert run["complete"], run
    assert run["workers"] == 2  # tasks started in both worker containers
    assert nothing_of_ours_left()


def test_a_killed_worker_container_is_recovered_by_rerunning_luigi(tmp_path: Path) -> None:
    case = Case("recovery", "fanout:4:sleep:2", 2, "worker")
    with use_runtime("docker"):
        measured = measure_recovery("luigi", "default", case, tmp_path, DEFAULT_DATASET, None)
    run = measured.runs[0]
    assert run["error"] == "" and run["time_to_completion_s"] is not None
    assert run["fault_ns"] > run["submit_ns"]
    assert nothing_of_ours_left()


def _ctrl_c_as_at_a_terminal() -> None:
    """Ctrl-C's default disposition, as a shell at a terminal starts a command with. A
    pytest started as a background job of a script inherits SIGINT ignored (POSIX shells
    do that), Python then never raises KeyboardInterrupt, and the run went on to exit 0
    (a fresh-clone CI run in the background, 2026-12-05)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_removes_every_container_and_network(tmp_path: Path) -> None:
    argv = [str(BENCH), "run", "luigi", "--runtime", "docker", "--workdir", str(tmp_path)]
    harness = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ctrl_c_as_at_a_terminal,
    )
    deadline = time.monotonic() + 120
    while not leftovers()["containers"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert leftovers()["containers"], "the run never started a container"
    harness.send_signal(signal.SIGINT)
    _, stderr = harness.communicate(timeout=120)
    assert harness.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == (
        "bench: interrupted; every process it started has been stopped"
    )  # the one line, and no traceback
    assert "Traceback" not in stderr
    assert nothing_of_ours_left()


def test_a_killed_harness_has_its_containers_removed_by_its_watchdog(tmp_path: Path) -> None:
    argv = [str(BENCH), "run", "luigi", "--runtime", "docker", "--workdir", str(tmp_path)]
    harness = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not leftovers()["containers"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert leftovers()["containers"], "the run never started a container"
    cleaned = bench("clean")  # from another terminal, while the run goes on
    assert "kept the stacks of 1 running harness" in cleaned.stdout, cleaned.stdout
    assert leftovers()["containers"] and harness.poll() is None
    harness.kill()  # SIGKILL: no clean-up of its own
    harness.wait(timeout=30)
    deadline = time.monotonic() + 60
    while not nothing_of_ours_left() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert nothing_of_ours_left()


def test_a_container_log_exists_as_soon_as_spawn_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A readiness check may read a service's log at once, as it can locally: the log must
    not wait for the container's shell to open it (CI once saw `worker-0.log: not found`).
    The containers here are created but not started, the slowest start there can be."""
    from types import SimpleNamespace

    from bench.kit import containers

    real = containers.engine()

    def create_only(image, command, detach, **kwargs):
        return real.containers.create(image, command, **kwargs)

    slow = SimpleNamespace(
        containers=SimpleNamespace(run=create_only, get=real.containers.get),
        networks=real.networks,
        volumes=real.volumes,
    )
    monkeypatch.setattr(containers, "engine", lambda: slow)
    runtime = containers.DockerRuntime("baseline", [tmp_path])
    try:
        log = tmp_path / "sleeper.log"
        runtime.spawn("sleeper", ["sleep", "30"], {}, log, tmp_path)
        assert log.exists()
    finally:
        monkeypatch.setattr(containers, "engine", lambda: real)
        runtime.close()
    assert nothing_of_ours_left()
