"""Scheduling scenarios: synthetic workloads run on real orchestrators, measured from events.

* **latency**: a chain of no-op tasks → trigger latency and inter-task latency.
* **parallelism**: a fan-out of sleeping tasks at 1, 2, 4 (8) slots → makespan, lower bound,
  efficiency, overhead, peak concurrency; and a CPU-bound fan-out that meets the machine's 2 cores.
* **scale**: chains and fan-outs of 10 and 100 no-op tasks (and 1000 in the full profile) →
  orchestration overhead per task as the graph grows.
* **scaleout** (--runtime docker): a fan-out over 1, 2, 4 worker containers of one task
  each, where the implementation can spread one run over several workers.
* **recovery** and **calendar**: see bench.measure.recovery and bench.measure.probes.calendar.

Method: one service stack per (implementation, config, slots); one warm-up run, discarded
(the first run after a start pays for imports and parsing); then `repeat` measured runs.
The harness writes its submit mark into the same event log as the tasks, on the same clock,
so every figure can be recomputed from `events.jsonl` in the case's folder.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bench.kit.errors import BenchError
from bench.kit.http import probe_page
from bench.kit.manifest import adapter_class
from bench.kit.processes import session_id
from bench.measure.metrics import clock_agreement, summarize, task_intervals
from bench.measure.plan import Case
from bench.measure.resources import ResourceSampler, measure_idle, usable_cores
from bench.measure.stats import estimate
from bench.results import CaseResult
from pipelines.core.instrument import parse_events
from pipelines.core.workloads import Workload

IDLE_SECONDS = 5.0
RERUNS = 2  # a contaminated run is measured again at most this often
SETTLE_TIMEOUT_S = 60.0  # the longest wait for an earlier run's slots to be freed


def new_events(path: Path, offset: int) -> tuple[list[dict], int]:
    """Events appended to the log since byte `offset`, and the new offset."""
    if not path.exists():
        return [], offset
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    return parse_events(data.decode().splitlines()), offset + len(data)


class _Stack:
    """One started adapter and what its measured runs share: the event log read so far and
    the process sessions to sample (its services', and the run in flight's)."""

    def __init__(self, adapter, workload: Workload, timeout: float) -> None:
        self.adapter, self.workload, self.timeout = adapter, workload, timeout
        # the lower bound's c: the machine's cores for CPU-bound work, unlimited otherwise
        self.cores = usable_cores() if workload.work.startswith("cpu") else None
        self.offset = 0
        self.worker: list[int] = []  # the session of the run in flight (a run that is a command)

    def groups(self) -> list[int]:
        return [session_id(s.process) for s in self.adapter.services.services] + self.worker

    def run_clean(self, label: str, warmup: bool) -> dict:
        """A run, measured again (at most `RERUNS` times) while something else on the
        machine competed with it; a run still contaminated is kept and flagged."""
        record = self.run(label, warmup)
        for attempt in range(1, RERUNS + 1):
            if warmup or not record["resources"].get("contaminated"):
                break
            record = self.run(f"{label}-again{attempt}", warmup) | {"reruns": attempt}
        return record

    def settle(self, timeout: float = SETTLE_TIMEOUT_S) -> float:
        """Wait until the orchestrator holds no task or slot from an earlier run (its
        adapter's `busy()`); return the seconds waited."""
        started = time.monotonic()
        while self.adapter.busy() and time.monotonic() - started < timeout:
            time.sleep(0.05)
        return time.monotonic() - started

    def run(self, label: str, warmup: bool) -> dict:
        """Submit one run of the workload once the stack is idle, wait for it, and
        summarise its events."""
        settled = self.settle()
        submit_ns = self.adapter.mark("submit", label)
        native: dict[str, tuple[int, int]] = {}
        error = ""
        try:
            with ResourceSampler(self.groups) as busy:
                handle = self.adapter.submit_workload(label)
                self.worker[:] = [session_id(handle)] if hasattr(handle, "poll") else []
                self.adapter.wait(handle, self.timeout)
            native = self.adapter.native_timings(handle)
        except BenchError as exc:
            error = str(exc)
        self.worker.clear()
        events, self.offset = new_events(self.adapter.event_log, self.offset)
        tasks = [e for e in events if e["event"] != "submit"]
        summary = (
            summarize(tasks, submit_ns, self.workload.upstream, self.adapter.slots, self.cores)
            if not error
            else {"complete": False}
        )
        summary["resources"] = busy.result()
        if native and summary.get("complete"):
            summary["native_offset_s"] = clock_agreement(task_intervals(tasks), native)
        record = {"label": label, "warmup": warmup, "submit_ns": submit_ns, "error": error}
        return {**record, "settle_s": round(settled, 3), **summary}


def key_figure(scenario: str, run: dict) -> float | None:
    """The figure a case's repetitions must pin down: the inter-task p50 for the latency
    chain, the makespan otherwise."""
    if not run.get("complete"):
        return None
    return run["inter_task_latency_s"]["p50"] if scenario == "latency" else run["makespan_s"]


def precise(scenario: str, runs: list[dict], precision: float) -> bool:
    """Whether the measured runs' key figure has a 95 % CI within ±precision of its median."""
    values = [key_figure(scenario, r) for r in runs if not r["warmup"]]
    est = estimate([v for v in values if v is not None])
    return est is not None and est.n > 1 and est.relative_half_width <= precision


def measure_case(
    impl: str,
    config: str,
    case: Case,
    repeat: int,
    folder: Path,
    timeout: float = 600,
    variant: str | None = None,
    on_phase: Callable[[str], None] = lambda _: None,
    settings: dict[str, str] | None = None,
    max_repeat: int = 0,
    precision: float = 0.10,
) -> CaseResult:
    """Warm-up + `repeat` measured runs of one case on a fresh stack; metrics per run. Up to
    `max_repeat` runs while the key figure's 95 % CI is wider than ±`precision` of its
    median. `settings` overrides single settings of the config (see Adapter)."""
    load = [round(x, 2) for x in os.getloadavg()]  # what the machine was doing before
    workload = Workload.parse(case.workload)
    spec = workload.save(folder / "workload.json")
    on_phase("starting services")
    adapter = adapter_class(impl)(
        folder,
        variant,
        config=config,
        slots=case.slots,
        workload=spec,
        scale_out=case.scenario == "scaleout",
        settings=settings,
    )
    runs, idle, dashboard = [], None, None
    stack = _Stack(adapter, workload, timeout)
    with adapter:
        if case.scenario == "latency":  # once per implementation × config
            on_phase("idle resources")
            idle = measure_idle(stack.groups, IDLE_SECONDS)
            dashboard = probe_page(adapter.dashboard_url) if adapter.dashboard_url else None
        index = 0
        while index <= repeat or (
            index <= max_repeat and not precise(case.scenario, runs, precision)
        ):
            label = f"{'warmup' if index == 0 else 'run'}-{index}"
            on_phase(label)
            runs.append(stack.run_clean(label, warmup=index == 0))
            index += 1
        on_phase("stopping")
    return CaseResult(
        impl,
        config,
        **asdict(case),
        runs=runs,
        variant=adapter.variant,
        startup_s=round(adapter.startup_seconds, 3),
        idle_resources=idle,
        dashboard=dashboard,
        events=str(adapter.event_log),
        extra={"load_average_at_start": load},
    )
