"""Scheduling scenarios: synthetic workloads run on real orchestrators, measured from events.

* **latency**: a chain of no-op tasks → trigger latency and inter-task latency.
* **parallelism**: a fan-out of sleeping tasks at 1, 2, 4 (8) slots → makespan, lower bound,
  efficiency, overhead, peak concurrency; and a CPU-bound fan-out that meets the machine's 2 cores.
* **scale**: chains and fan-outs of 10 and 100 no-op tasks (and 1000 in the full profile) →
  orchestration overhead per task as the graph grows.
* **scaleout**: a fan-out over K workers (standard 4, quick 2; full: 1, 2, 4) of one task
  each (worker processes, or containers under --runtime docker), where the implementation
  can spread one run over several workers; a manifest's `containers_only` keeps a fleet that needs a broker to
  containers.
* **recovery** and **calendar**: see bench.measure.recovery and bench.measure.probes.calendar.

Method: one service stack per (implementation, config, slots), serving every workload of
that slot count; one warm-up run per stack, discarded (the first run pays for imports and
parsing), then each workload's `repeat` measured runs, each once the stack is idle. After
each run of the latency chain the UI's own API is asked what it shows of it (the dashboard
and logs rows of the feature table).
The harness writes its submit mark into the same event log as the tasks, on the same clock,
so every figure can be recomputed from `events.jsonl` in the case's folder.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from bench.kit.errors import BenchError
from bench.kit.http import probe_page
from bench.kit.manifest import adapter_class
from bench.kit.processes import session_id, session_ids
from bench.measure.load import (
    batch_labels,
    kept_up,
    saturation,
    step_arrivals,
    summarize_batch,
)
from bench.measure.metrics import clock_agreement, summarize, task_intervals
from bench.measure.plan import Case
from bench.measure.resources import ResourceSampler, measure_idle, usable_cores
from bench.measure.stats import estimate
from bench.results import CaseResult
from pipelines.core.instrument import parse_events, read_events
from pipelines.core.workloads import FLAKY, Workload, flaky_markers, is_mapped, items_file

IDLE_SECONDS = 5.0
RERUNS = 2  # a contaminated run is measured again at most this often
SETTLE_TIMEOUT_S = 60.0  # the longest wait for an earlier run's slots to be freed
# a run's time-out grows with its size: the slowest default config (a process spawned per
# task) measured 1.2 s a task on a fan-out of 100 no-ops at 4 slots (2026-12-06) and 2.2 s a
# task on the full profile's fan-out of 1,000, where 2 s a task cut it short at 921 of 1,001
# tasks (2026-12-07): the cost per task grows with N, so 3 s a task leaves a third in hand
SECONDS_PER_TASK = 3.0


class Opener(Protocol):
    """Runs on a started stack before its cases (bench.measure.movies.MovieRuns), and is
    told how long the stack took to stop."""

    def run(self, adapter) -> None: ...

    def stopped(self, seconds: float) -> None: ...


def new_events(path: Path, offset: int) -> tuple[list[dict], int]:
    """Events appended to the log since byte `offset`, and the new offset."""
    if not path.exists():
        return [], offset
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    return parse_events(data.decode().splitlines()), offset + len(data)


def settle(adapter, timeout: float = SETTLE_TIMEOUT_S) -> float:
    """Wait until the orchestrator holds no task or slot from an earlier run (its
    adapter's `busy()`); return the seconds waited."""
    started = time.monotonic()
    while adapter.busy() and time.monotonic() - started < timeout:
        time.sleep(0.05)
    return time.monotonic() - started


class _Stack:
    """One started adapter and what its measured runs share: the event log read so far and
    the process sessions to sample (its services', and the run in flight's)."""

    def __init__(
        self, adapter, workload: Workload, timeout: float, case: Case | None = None
    ) -> None:
        self.adapter, self.workload = adapter, workload
        # a run may take SECONDS_PER_TASK a task where that is longer than `timeout`
        self.timeout = max(timeout, SECONDS_PER_TASK * len(workload.upstream))
        # load: each repetition submits this many runs at once, then sweeps these rates
        self.batch, self.rates = (case.batch, case.rates) if case else (0, ())
        # the lower bound's c: the machine's cores for CPU-bound work, unlimited otherwise
        self.cores = usable_cores() if workload.work.startswith("cpu") else None
        self.offset = 0
        self.worker: list[int] = []  # the session of the run in flight (a run that is a command)
        self.case_log: Path | None = None  # where the measured case's events are copied
        self.look_in_ui = False  # after each run, ask the UI's API what it shows (latency case)
        self.runs_started = 0

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

    def _mapped(self) -> Workload:
        """A `map` workload's count for the next run, written where its source task reads it
        at run time (N + 1, N + 2, ...: never the spec's N, which a graph fixed before the
        run would use)."""
        count = self.workload.n + 1 + self.runs_started
        items_file(self.adapter.workload).write_text(str(count))
        return Workload(self.workload.shape, count, self.workload.work)

    def run(self, label: str, warmup: bool) -> dict:
        """Submit one run of the workload once the stack is idle, wait for it, and
        summarise its events (a batch of them, in the load scenario)."""
        if self.batch:
            return self._run_batch(label, warmup)
        settled = settle(self.adapter)
        if self.workload.work == FLAKY:  # every run's tasks fail their first attempt afresh
            shutil.rmtree(flaky_markers(self.adapter.event_log), ignore_errors=True)
        workload = self._mapped() if self.workload.shape == "map" else self.workload
        submit_ns = self.adapter.mark("submit", label)
        self.runs_started += 1
        native: dict[str, tuple[int, int]] = {}
        ui = None
        error = ""
        try:
            with ResourceSampler(self.groups) as busy:
                handle = self.adapter.submit_workload(label)
                self.worker[:] = session_ids(handle) if hasattr(handle, "poll") else []
                self.adapter.wait(handle, self.timeout)
            native = self.adapter.native_timings(handle)
            ui = self.adapter.ui_view(handle) if self.look_in_ui else None
        except BenchError as exc:
            error = str(exc)
        self.worker.clear()
        events = self._events()
        tasks = [e for e in events if e["event"] != "submit"]
        summary = (
            summarize(tasks, submit_ns, workload.upstream, self.adapter.slots, self.cores)
            if not error
            else {"complete": False}
        )
        summary["resources"] = busy.result()
        if native and summary.get("complete"):
            summary["native_offset_s"] = clock_agreement(task_intervals(tasks), native)
        record = {"label": label, "warmup": warmup, "submit_ns": submit_ns, "error": error}
        if workload.shape == "map":  # how many the source asked for, how many ran
            started = {e["task_id"] for e in tasks if e["event"] == "start"}
            record |= {"mapped": workload.n, "mapped_ran": sum(map(is_mapped, started))}
        if ui:
            record["ui"] = ui.as_dict()
        return {**record, "settle_s": round(settled, 3), **summary}

    def _events(self) -> list[dict]:
        """The events since the last read, copied into the case's own log."""
        events, self.offset = new_events(self.adapter.event_log, self.offset)
        if self.case_log:
            with open(self.case_log, "a") as log:
                log.writelines(json.dumps(e) + "\n" for e in events)
        return events

    def _run_batch(self, label: str, warmup: bool) -> dict:
        """`batch` runs submitted back to back once the stack is idle, then waited for
        together (bench.measure.load); a measured batch with `rates` is followed by its sweep."""
        record = {"label": label, "warmup": warmup, "batch": self.batch}
        record |= self._arrivals(batch_labels(label, self.batch), interval=0.0)
        if self.rates and not warmup and record.get("complete"):
            steps = self._sweep(label, record["runs_per_s"])
            record |= {"steps": steps, "saturation": saturation(steps)}
        return record

    def _sweep(self, label: str, capacity: float) -> list[dict]:
        """Open-loop steps at each of `rates` × `capacity` runs/s, up to and including the
        first the stack does not keep up with (bench.measure.load)."""
        steps: list[dict] = []
        for index, fraction in enumerate(self.rates):
            rate = fraction * capacity
            # as many runs as the batch (two at least: one run has no rate)
            labels = batch_labels(f"{label}-s{index}", step_arrivals(rate, max(self.batch, 2)))
            step = self._arrivals(labels, interval=1 / rate)
            steps.append({"fraction": fraction, "offered_runs_per_s": rate} | step)
            if not kept_up(step):
                break
        return steps

    def _arrivals(self, labels: list[str], interval: float) -> dict:
        """Runs submitted one every `interval` seconds (0: back to back) once the stack is
        idle, on a schedule kept whatever the stack does (a late submit goes at once), then
        waited for together: the first wait covers every run still queued."""
        settled = settle(self.adapter)
        submits: dict[str, int] = {}
        error = ""
        with ResourceSampler(self.groups) as busy:
            try:
                handles = []
                start = time.monotonic()
                for index, run in enumerate(labels):
                    time.sleep(max(start + index * interval - time.monotonic(), 0.0))
                    submits[run] = self.adapter.mark("submit", run)
                    handles.append(self.adapter.submit_workload(run))
                    if hasattr(handles[-1], "poll"):  # a run that is a command: sample it
                        self.worker += session_ids(handles[-1])
                deadline = time.monotonic() + self.timeout
                for handle in handles:
                    self.adapter.wait(handle, max(deadline - time.monotonic(), 1.0))
            except BenchError as exc:
                error = str(exc)
        self.worker.clear()
        self.runs_started += len(submits)
        events = self._events()
        summary = (
            summarize_batch(events, submits, self.workload.upstream)
            if not error
            else {"complete": False}
        )
        record = {"submit_ns": min(submits.values(), default=0), "error": error}
        record |= {"settle_s": round(settled, 3)} | summary
        return record | {"resources": busy.result()}


def key_figure(scenario: str, run: dict) -> float | None:
    """The figure a case's repetitions must pin down: the inter-task p50 for the latency
    chain, a batch's drain time under load, the makespan otherwise."""
    if not run.get("complete"):
        return None
    if scenario == "latency":
        return run["inter_task_latency_s"]["p50"]
    return run["drain_s"] if scenario == "load" else run["makespan_s"]


def precise(scenario: str, runs: list[dict], precision: float) -> bool:
    """Whether the measured runs' key figure has a 95 % CI within ±precision of its median."""
    values = [key_figure(scenario, r) for r in runs if not r["warmup"]]
    est = estimate([v for v in values if v is not None])
    return est is not None and est.n > 1 and est.relative_half_width <= precision


@dataclass(frozen=True)
class Measurement:
    """One case to measure on a shared stack: where its spec and event log go, and how
    many runs it takes (`max_repeat` > `repeat`: more while its CI is too wide)."""

    case: Case
    folder: Path
    repeat: int
    max_repeat: int = 0
    warmup: bool = True  # a discarded first run (the quick profile goes without)


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
    """Warm-up + `repeat` measured runs of one case on a fresh stack (see measure_cases)."""
    measurement = Measurement(case, folder, repeat, max_repeat)
    return measure_cases(
        impl, config, [measurement], folder, timeout, variant, on_phase, settings, precision
    )[0]


def measure_cases(
    impl: str,
    config: str,
    measurements: list[Measurement],
    folder: Path,
    timeout: float = 600,
    variant: str | None = None,
    on_phase: Callable[[str], None] = lambda _: None,
    settings: dict[str, str] | None = None,
    precision: float = 0.10,
    opener: Opener | None = None,
    on_case: Callable[[CaseResult], None] = lambda _: None,
) -> list[CaseResult]:
    """Cases of one slot count, one after the other on one fresh stack in `folder`: the
    `opener`'s runs first if there is one (the movie pipeline's, whose warm-up is then the
    stack's), else the stack's warm-up run (discarded, the first case's workload), then each case's measured
    runs, each started once the stack is idle, up to `max_repeat` while the key figure's 95 %
    CI is wider than ±`precision` of its median. Starting a stack costs the heavier
    orchestrators 15–25 s on 2 cores; sharing it between the workloads of one slot count is
    what lets the standard profile repeat every case ≥ 5 times. One warm-up per stack, not
    per case: per-case warm-ups cost 1.8 of the standard profile's 30 minutes (32 runs). A
    new workload on a warm stack can still be slower once (the run of 2026-12-03 saw one
    orchestrator's at 1.3× and 1.8× its median; the run of 2026-12-04 none more than 0.15 s
    above its case's range), and a median of 5 moves by one rank at most for such a run.
    `settings` overrides single settings of the config (see Adapter). `on_case` gets each
    case's result as soon as it is measured: a stack of the full profile runs for an hour
    and more, and what it measured so far is kept (saved) even if the rest is interrupted."""
    slots = {m.case.slots for m in measurements}
    scale_out = {m.case.scenario == "scaleout" for m in measurements}
    if len(slots) != 1 or len(scale_out) != 1:
        raise ValueError("cases sharing a stack need one slot count and one topology")
    workloads = [Workload.parse(m.case.workload) for m in measurements]
    # one spec per workload: cases of one workload (load batches of several sizes) share
    # the pipeline the stack serves, as they share its name (a DAG id, a job name)
    saved: dict[Workload, Path] = {}
    for workload, measurement in zip(workloads, measurements, strict=True):
        saved.setdefault(workload, workload.save(measurement.folder / "workload.json"))
    specs = [saved[w] for w in workloads]
    on_phase("starting services")
    adapter = adapter_class(impl)(
        folder,
        variant,
        config=config,
        slots=slots.pop(),
        workload=list(saved.values()),
        scale_out=scale_out.pop(),
        settings=settings,
    )
    results: list[CaseResult] = []
    stopping = time.monotonic()
    try:
        with adapter:
            if opener:
                opener.run(adapter)
            for measurement, workload, spec in zip(measurements, workloads, specs, strict=True):
                adapter.use_workload(spec)
                stack = _Stack(adapter, workload, timeout, measurement.case)
                warm = measurement.warmup and not results and not opener  # warms the stack
                results.append(_measure_on(stack, measurement, warm, precision, on_phase))
                on_case(results[-1])
            on_phase("stopping")
            stopping = time.monotonic()
    finally:
        if opener:
            opener.stopped(time.monotonic() - stopping)
    return results


def _measure_on(
    stack: _Stack,
    measurement: Measurement,
    warmup: bool,
    precision: float,
    on_phase: Callable[[str], None],
) -> CaseResult:
    """One case's runs on a started stack (first a discarded warm-up if `warmup`); its events
    (and the stack's start-up marks) are written to `events.jsonl` in the case's folder."""
    case, adapter = measurement.case, stack.adapter
    load = [round(x, 2) for x in os.getloadavg()]  # what the machine was doing before
    idle, dashboard = None, None
    if case.scenario == "latency":  # once per implementation × config
        on_phase("idle resources")
        idle = measure_idle(stack.groups, IDLE_SECONDS)
        dashboard = probe_page(adapter.dashboard_url) if adapter.dashboard_url else None
    stack.look_in_ui = case.scenario == "latency"  # the dashboard probe: n = its runs
    stack.case_log = measurement.folder / "events.jsonl"
    started = [e for e in read_events(adapter.event_log) if e["event"].startswith("services-")]
    stack.case_log.write_text("".join(json.dumps(e) + "\n" for e in started))
    stack.offset = adapter.event_log.stat().st_size  # earlier cases' events are theirs
    runs: list[dict] = []
    index = 0 if warmup else 1
    while index <= measurement.repeat or (
        index <= measurement.max_repeat and not precise(case.scenario, runs, precision)
    ):
        label = f"{'warmup' if index == 0 else 'run'}-{index}"
        on_phase(f"{case.workload} {label}")
        runs.append(stack.run_clean(label, warmup=index == 0))
        index += 1
    return CaseResult(
        adapter.name,
        adapter.config,
        **asdict(case),
        runs=runs,
        variant=adapter.variant,
        startup_s=round(adapter.startup_seconds, 3),
        idle_resources=idle,
        dashboard=dashboard,
        events=str(stack.case_log),
        extra={"load_average_at_start": load},
    )
