"""Calendar scheduling, checked: does the orchestrator start runs on its own calendar, and
can it backfill three days of the movie pipeline with its own tool?

*Schedule*: the services start with the orchestrator's calendar on and nothing is
submitted; if a run starts by itself within `OWN_RUN_WAIT_S`, that day's data is landed
(the run's sensor waits for it) and the run must finish. *Backfill*: see below.

The folder gets the dataset's snapshot for day 0 and a stream increment for days 1 and 2
(`bench stream emit`); then one request covers all three days — the adapter's `backfill`,
in the orchestrator's own terms (a backfill through its API that its scheduler turns into
runs, or the range command cron would start; the manifest's `[report] backfill` says
which). Each day must publish the next model version (v0001, v0002, v0003), which only
happens if the days ran in order.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench.kit.errors import BenchError
from bench.kit.manifest import adapter_class
from bench.measure.probes import probe_result
from bench.measure.runs import land_dataset
from datasets.registry import DatasetSpec
from datasets.stream import emit
from pipelines.core.io import read_json
from pipelines.core.layout import Layout

if TYPE_CHECKING:
    from bench.results import CaseResult

DAYS = 3
INCREMENT_ROWS = 500


def measure_calendar(
    impl: str,
    config: str,
    folder: Path,
    dataset: DatasetSpec,
    variant: str | None = None,
    timeout: float = 900,
    on_phase: Callable[[str], None] = lambda _: None,
) -> CaseResult:
    on_phase("landing three days")
    first = land_dataset(folder, dataset)
    dates = [first + dt.timedelta(days=n) for n in range(DAYS)]
    for seed, day in enumerate(dates[1:], start=1):
        emit(folder, day, rows=INCREMENT_ROWS, seed=seed)
    on_phase("starting services")
    adapter = adapter_class(impl)(folder, variant, config=config)
    run = {"label": "backfill", "warmup": False, "dates": [d.isoformat() for d in dates]}
    with adapter:
        on_phase(f"backfilling {dates[0]} … {dates[-1]}")
        run["submit_ns"] = time.time_ns()
        started = time.monotonic()
        try:
            adapter.wait(adapter.backfill(dates[0], dates[-1]), timeout)
            run["error"] = ""
        except BenchError as exc:
            run["error"] = str(exc)
        run["seconds"] = round(time.monotonic() - started, 3)
        on_phase("stopping")
    layout = Layout(folder)
    run["versions"] = [
        read_json(layout.published(d))["version"] if layout.published(d).exists() else None
        for d in dates
    ]
    run["complete"] = not run["error"] and run["versions"] == [
        f"v{n:04d}" for n in range(1, DAYS + 1)
    ]
    return probe_result(adapter, "calendar", "movies", run)


# how long the services stay up with nothing submitted, the same for every orchestrator:
# a calendar that ticks forward only (cron strings, whole minutes) is anchored at the next
# whole minute that its scheduler can still see, which may be two minutes away
OWN_RUN_WAIT_S = 150.0


def measure_schedule(
    impl: str,
    config: str,
    folder: Path,
    dataset: DatasetSpec,
    variant: str | None = None,
    timeout: float = 600,
    on_phase: Callable[[str], None] = lambda _: None,
) -> CaseResult:
    on_phase("starting services, calendar on")
    adapter = adapter_class(impl)(folder, variant, config=config, schedules=True)
    run: dict = {"label": "schedule", "warmup": False, "error": "", "started_runs": []}
    with adapter:
        on_phase("waiting for a run nobody asked for")
        run["submit_ns"] = time.time_ns()  # not a submit: the moment the harness stops asking
        started = time.monotonic()
        own: dict = {}
        while not own and time.monotonic() - started < OWN_RUN_WAIT_S:
            own = adapter.runs_started_by_itself()
            time.sleep(0.5)
        run["started_runs"] = list(own)
        run["seconds_to_own_run"] = round(time.monotonic() - started, 3) if own else None
        if own:
            run_id, date = next(iter(own.items()))
            run["date"] = date.isoformat() if date else None
            if date:
                on_phase(f"landing {date} for the run's sensor")
                land_dataset(folder, dataset, date)
            try:
                adapter.wait(run_id, timeout)
            except BenchError as exc:
                run["error"] = str(exc)
            run["seconds_to_done"] = round(time.monotonic() - started, 3)
        on_phase("stopping")
    run["complete"] = bool(own) and not run["error"]
    return probe_result(adapter, "schedule", "movies", run)
