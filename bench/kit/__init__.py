"""The kit: everything an implementation's adapter may import from the harness, and nothing
that measures or reports.

    from bench.kit import Adapter, BenchError, request_json, free_port

* `Adapter` / `RunResult` / `Handle` / `UiView` — the contract (bench.kit.adapter);
* `BenchError` — the one-line error every command prints instead of a traceback;
* processes (local runtime: process groups, fleets) and, through `self.runtime`, containers
  (bench.kit.containers) — an adapter never chooses between them itself;
* `request_json`, `probe_page`, `iso_ns` — HTTP to an orchestrator's API;
* `PostgresServer` — a throw-away PostgreSQL for implementations that want one;
* `start_dask_cluster` — a Dask scheduler and K one-thread workers, for a scaled-out stack;
* `REPO`, `bench_home` — where the repository and the caches are.

The layers above (bench.measure, bench.report, bench.compare, bench.cli) import this; it
imports none of them (docs/architecture.md).
"""

from bench.kit.adapter import Adapter, Handle, RunResult, UiView
from bench.kit.dask import dask_address, start_dask_cluster
from bench.kit.errors import BenchError
from bench.kit.home import REPO, bench_home
from bench.kit.http import iso_ns, probe_page, request_json
from bench.kit.postgres import PostgresServer
from bench.kit.processes import (
    Fleet,
    Services,
    Spawned,
    free_port,
    log_tail,
    signal_process,
    stop_process,
)

__all__ = [
    "REPO",
    "Adapter",
    "BenchError",
    "Fleet",
    "Handle",
    "PostgresServer",
    "RunResult",
    "Services",
    "Spawned",
    "UiView",
    "bench_home",
    "dask_address",
    "free_port",
    "iso_ns",
    "log_tail",
    "probe_page",
    "request_json",
    "signal_process",
    "start_dask_cluster",
    "stop_process",
]
