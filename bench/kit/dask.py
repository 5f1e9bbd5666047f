"""A Dask cluster for a scaled-out stack: one scheduler and K workers of one thread each.

Orchestrators that spread one run's tasks over machines through Dask (a Dask task runner,
a Dask executor) get the same fleet from here: `dask scheduler` and K `dask worker`s
(processes locally, containers under --runtime docker, as every service of the stack),
each worker named in the events of the tasks it runs (`BENCH_WORKER`), so the scale-out
scenario counts on how many workers a fan-out ran. One thread per worker makes a worker a
slot, as every other fleet's worker runs one task at a time.
"""

from __future__ import annotations

from pathlib import Path

from bench.kit.processes import Services
from pipelines.core.instrument import WORKER

START_S = 120.0  # until every worker has registered with the scheduler


def dask_address(host: str, port: int) -> str:
    """The scheduler's address as clients and workers dial it."""
    return f"tcp://{host}:{port}"


def start_dask_cluster(
    services: Services,
    dask: str,
    address: str,
    bind_host: str,
    workers: int,
    env: dict[str, str],
    folder: Path,
) -> None:
    """Start the scheduler at `address` (its port) and `workers` one-thread workers
    (`dask` is the environment's `dask` program), and wait until all have registered.
    Their scratch space is in `folder` (the run folder's; Dask's default is the machine's
    temporary folder, where it would outlive the run)."""
    quiet = ["--no-dashboard", "--host", bind_host]
    port = address.rsplit(":", 1)[1]
    env = {**env, "DASK_TEMPORARY_DIRECTORY": str(folder / "dask")}  # Dask's config by env
    argv = [dask, "scheduler", "--port", port, *quiet]
    services.start("dask-scheduler", argv, env, cwd=folder)
    one_thread = ["--nthreads", "1", "--nworkers", "1", "--no-nanny", *quiet]
    for i in range(workers):
        argv = [dask, "worker", address, *one_thread, "--name", f"worker-{i}"]
        services.start(f"dask-worker-{i}", argv, {**env, WORKER: f"worker-{i}"}, cwd=folder)
    log = services.get("dask-scheduler").log
    services.wait_until(
        f"{workers} Dask workers",
        lambda: log.read_text().count("Register worker") >= workers,
        START_S,
    )
