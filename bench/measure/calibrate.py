"""`bench calibrate`: prove the measuring path on a run whose answers are known.

The reference executor runs a small graph in this process with delays injected on purpose:
the first tasks start `trigger` seconds after the submit mark, every other task a known,
different delay after its last upstream ended (a staggered join among them), and each task
sleeps a known duration. Its events go through the same path as every measured run —
event log → `summarize` → run records → `CaseResult` → the medians and CIs the report
prints — and each measured figure is held against the value the injected schedule implies:
trigger latency, inter-task p50 and p95, makespan and efficiency. A latency more than 2 ms
off, or a makespan or efficiency more than 1 % off, fails: a broken metric (start and end
swapped, a join measured from the wrong upstream) cannot pass.

It also measures what the instrumentation costs: microseconds per event written, and for a
task with and without the event log.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from bench.measure.metrics import lower_bound, summarize
from bench.measure.stats import estimate
from bench.results import CaseResult
from pipelines.baseline.executor import run_graph
from pipelines.core.graph import Step
from pipelines.core.instrument import EVENT_LOG, append_event, read_events, task_events

LATENCY_TOLERANCE_S = 0.002
SHARE_TOLERANCE = 0.01
RUNS = 5

# node: (upstream, injected delay after the last upstream end (or the submit), duration)
GRAPH: dict[str, tuple[tuple[str, ...], float, float]] = {
    "a": ((), 0.060, 0.100),
    "b": (("a",), 0.010, 0.100),
    "c": (("a",), 0.030, 0.300),  # the last of the join's upstream to end
    "d": (("a",), 0.020, 0.200),
    "join": (("b", "c", "d"), 0.040, 0.040),
    "e": (("join",), 0.025, 0.120),
    "f": (("e",), 0.015, 0.060),
}
SLOTS = 3


@dataclass(frozen=True)
class Check:
    figure: str
    injected: float
    measured: float
    tolerance: float  # absolute, in the figure's unit

    @property
    def ok(self) -> bool:
        return abs(self.measured - self.injected) <= self.tolerance


def upstream() -> dict[str, tuple[str, ...]]:
    return {node: ups for node, (ups, _, _) in GRAPH.items()}


def schedule() -> dict[str, tuple[float, float]]:
    """Each task's (start, end) in seconds after the submit, as GRAPH injects them."""
    times: dict[str, tuple[float, float]] = {}
    for node, (ups, delay, duration) in GRAPH.items():
        start = max((times[u][1] for u in ups), default=0.0) + delay
        times[node] = (start, start + duration)
    return times


def expected(runs: int = RUNS) -> dict[str, float]:
    """What the injected schedule implies, computed from GRAPH alone (the p95, as the
    report's, over the edges of all `runs` runs pooled)."""
    times = schedule()
    start = {node: s for node, (s, _) in times.items()}
    end = {node: e for node, (_, e) in times.items()}
    edges = [delay for ups, delay, _ in GRAPH.values() if ups]
    span = max(end.values()) - min(start.values())
    work = {node: duration for node, (_, _, duration) in GRAPH.items()}
    return {
        "trigger_latency_s": min(start.values()),
        "inter_task_p50_s": float(np.percentile(edges, 50)),
        "inter_task_p95_s": float(np.percentile(edges * runs, 95)),
        "makespan_s": span,
        "efficiency": lower_bound(work, upstream(), SLOTS, None) / span,
    }


def _until(deadline_ns: int) -> None:
    """Wait until an absolute time to within a few µs: sleep most of it (a sleep may
    overshoot by a fraction of a millisecond), then spin the last 0.3 ms — short enough not
    to starve the other tasks of the GIL."""
    while (left := deadline_ns - time.time_ns()) > 1_500_000:
        time.sleep((left - 1_000_000) / 1e9)
    while (left := deadline_ns - time.time_ns()) > 300_000:
        time.sleep(0.0001)
    while time.time_ns() < deadline_ns:
        pass


def _task(node: str, ends: dict[str, int], submit_ns: int) -> None:
    """Start exactly `delay` after the last upstream ended (the roots: after the submit),
    run exactly `duration`. Deadlines are absolute, so the executor's own dispatch jitter
    (well under the smallest delay) does not enter the injected values."""
    ups, delay, duration = GRAPH[node]
    ready_ns = max((ends[u] for u in ups), default=submit_ns)
    _until(ready_ns + int(delay * 1e9))
    with task_events(node):
        _until(time.time_ns() + int(duration * 1e9))
    ends[node] = time.time_ns()


def one_run(log: Path, label: str) -> dict:
    """One run of GRAPH on the reference executor, summarised as a measured run."""
    ends: dict[str, int] = {}
    before = len(read_events(log)) if log.exists() else 0
    submit_ns = time.time_ns()
    steps = [
        Step(node, partial(_task, node, ends, submit_ns), ups)
        for node, (ups, _, _) in GRAPH.items()
    ]
    run_graph(steps, workers=SLOTS)
    tasks = [e for e in read_events(log)[before:] if e["event"] != "submit"]
    summary = summarize(tasks, submit_ns, upstream(), SLOTS)
    return {"label": label, "warmup": False, "submit_ns": submit_ns, "error": "", **summary}


def calibrate(runs: int = RUNS) -> list[Check]:
    """Run GRAPH `runs` times through the measuring path; one Check per figure."""
    with tempfile.TemporaryDirectory(prefix="bench-calibrate-") as folder:
        log = Path(folder) / "events.jsonl"
        previous = os.environ.get(EVENT_LOG)
        os.environ[EVENT_LOG] = str(log)
        try:
            records = [one_run(log, f"run-{i}") for i in range(runs)]
        finally:
            if previous is None:
                os.environ.pop(EVENT_LOG, None)
            else:
                os.environ[EVENT_LOG] = previous
    case = CaseResult("calibration", "default", "latency", "calibration", SLOTS, runs=records)
    pooled = [x for r in case.measured for x in r["inter_task_samples_s"]]
    measured = {
        "trigger_latency_s": estimate([r["trigger_latency_s"] for r in case.measured]),
        "inter_task_p50_s": estimate([r["inter_task_latency_s"]["p50"] for r in case.measured]),
        "makespan_s": estimate([r["makespan_s"] for r in case.measured]),
        "efficiency": estimate([r["efficiency"] for r in case.measured]),
    }
    truth = expected(runs)
    checks = [
        Check(name, truth[name], est.median if est else float("nan"), _tolerance(name, truth))
        for name, est in measured.items()
    ]
    p95 = float(np.percentile(pooled, 95)) if pooled else float("nan")
    checks.insert(2, Check("inter_task_p95_s", truth["inter_task_p95_s"], p95, LATENCY_TOLERANCE_S))
    return checks


def _tolerance(name: str, truth: dict[str, float]) -> float:
    if name in ("makespan_s", "efficiency"):
        return SHARE_TOLERANCE * truth[name]
    return LATENCY_TOLERANCE_S


def instrumentation_cost(events: int = 2000) -> dict[str, float]:
    """Microseconds per event written, and per empty task with and without an event log
    (the task's whole cost: two events, or one environment lookup)."""
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as folder:
        log = Path(folder) / "events.jsonl"
        record = {"run_id": "r", "impl": "x", "task_id": "t0000", "event": "start", "t_ns": 0}
        started = time.perf_counter()
        for _ in range(events):
            append_event(log, record)
        per_event = (time.perf_counter() - started) / events
        previous = os.environ.pop(EVENT_LOG, None)
        try:
            without = _per_task(events)
            os.environ[EVENT_LOG] = str(log)
            with_log = _per_task(events)
        finally:
            os.environ.pop(EVENT_LOG, None)
            if previous is not None:
                os.environ[EVENT_LOG] = previous
    return {
        "us_per_event": per_event * 1e6,
        "us_per_empty_task_with_log": with_log * 1e6,
        "us_per_empty_task_without_log": without * 1e6,
        "events": events,
    }


def _per_task(n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        with task_events("t0000"):
            pass
    return (time.perf_counter() - started) / n


def calibration_record() -> dict:
    """Both, as results.json keeps them (the report's method section quotes them)."""
    return {
        "checks": [dataclasses.asdict(c) | {"ok": c.ok} for c in calibrate()],
        "instrumentation": instrumentation_cost(),
    }
