"""The load scenario's figures: runs submitted at once or at a steady rate, from their events.

A batch is B runs of one small workload submitted back to back (closed loop: the next batch
waits until this one has drained). Every task's events carry the label its run was
submitted under, so the runs in flight at once are told apart in the one event log:

* a run's **latency** is its submit mark → its last task's end; its **queue wait** is its
  submit → its first task's start (what a run waits for a free slot or scheduler loop);
* the batch's **drain** is the first submit → the last task's end of any run, and its
  **throughput** B ÷ drain runs/s (tasks/s: every task of every run ÷ drain).

Each batch is one repetition: the report gives the median of each figure over batches with
its CI (bench.report.load).

A **sweep** (a load case with `rates`) follows its batch with open-loop steps: runs arrive
one every 1/λ seconds whatever the stack is doing, at λ = each rate × the batch's runs/s,
until the first step the stack does not keep up with. A step keeps up while runs leave as
fast as they arrive: its **departure rate** (runs between the first and the last run's end,
per second) is at least `KEPT_UP` × its arrival rate. Past that rate the backlog, and with
it every later run's queue wait, grows for as long as runs keep arriving; the departure rate
of the first step that does not keep up is the stack's **saturation throughput** (what it
completes when it always has work). A step lasts `STEP_SECONDS` at most (at least
`MIN_ARRIVALS` runs), so a slow stack is not offered an hour of work.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

from bench.measure.metrics import peak_concurrency, percentiles, task_intervals

KEPT_UP = 0.9  # departures at ≥ 90 % of the arrival rate: the backlog does not grow
STEP_SECONDS = 60.0  # the longest a step's arrivals last
MIN_ARRIVALS = 4  # the fewest runs a step offers (unless the batch is smaller)


def batch_labels(label: str, size: int) -> list[str]:
    """The labels of a batch's runs: `run-1-b16-007` is the 8th run of batch `run-1` of 16.
    Unique on the stack: batches of other sizes share the workload's pipeline there (one
    graph name, one set of output targets), where a label used twice names a run already done."""
    return [f"{label}-b{size}-{i:03d}" for i in range(size)]


def summarize_batch(
    events: list[dict], submits: Mapping[str, int], upstream: Mapping[str, tuple[str, ...]]
) -> dict:
    """The figures of one batch from its events; `submits` maps each run's label to its
    submit mark (ns). A run missing a task makes the batch incomplete (and says which)."""
    by_run: dict[str, list[dict]] = defaultdict(list)
    for e in events:
        if e.get("task_id") is not None and e.get("run_id") in submits:
            by_run[e["run_id"]].append(e)
    latency, queue, intervals, missing = {}, {}, [], []
    for run, submit_ns in submits.items():
        spans = task_intervals(by_run.get(run, []))
        if any(task not in spans for task in upstream):
            missing.append(run)
            continue
        latency[run] = (max(s.end_ns for s in spans.values()) - submit_ns) / 1e9
        queue[run] = (min(s.start_ns for s in spans.values()) - submit_ns) / 1e9
        intervals += spans.values()
    if missing:
        return {"complete": False, "runs_missing": sorted(missing)[:10], "runs_done": len(latency)}
    first_submit = min(submits.values())
    drain = max(s.end_ns for s in intervals) / 1e9 - first_submit / 1e9
    return {
        "complete": True,
        "runs": len(submits),
        "tasks": len(intervals),
        "drain_s": drain,
        "runs_per_s": len(submits) / drain,
        "tasks_per_s": len(intervals) / drain,
        "run_latency_s": percentiles(latency.values()),
        "queue_wait_s": percentiles(queue.values()),
        "run_latency_samples_s": sorted(latency.values()),
        "queue_wait_samples_s": sorted(queue.values()),
        "submit_spread_s": (max(submits.values()) - first_submit) / 1e9,
        "arrival_runs_per_s": _rate(sorted(submits.values())),
        "departure_runs_per_s": _rate(
            sorted(submit_ns + latency[run] * 1e9 for run, submit_ns in submits.items())
        ),
        "peak_concurrency": peak_concurrency(intervals),
    }


def _rate(marks_ns: list[float]) -> float | None:
    """Events per second between the first and the last of `marks_ns` (sorted): n - 1
    intervals; None when they all fall at once (no interval to divide by)."""
    span = (marks_ns[-1] - marks_ns[0]) / 1e9
    return (len(marks_ns) - 1) / span if span > 0 else None


def step_arrivals(rate: float, most: int) -> int:
    """How many runs a step at `rate` runs/s offers: `most`, fewer if they would take longer
    than `STEP_SECONDS` to arrive, but at least `MIN_ARRIVALS` (or `most` if smaller)."""
    return min(most, max(MIN_ARRIVALS, math.floor(rate * STEP_SECONDS) + 1))


def kept_up(step: dict) -> bool:
    """Whether runs left as fast as they arrived in an open-loop step (see the module); runs
    that all ended at once left no slower than they came."""
    if not step.get("complete"):
        return False
    left, came = step["departure_runs_per_s"], step["arrival_runs_per_s"]
    return left is None or came is None or left >= KEPT_UP * came


def completed_runs_per_s(step: dict) -> float:
    """Runs/s a step completed: its departure rate, bounded by what arrived."""
    rates = [r for r in (step["departure_runs_per_s"], step["arrival_runs_per_s"]) if r]
    return min(rates, default=step["runs_per_s"])


def saturation(steps: list[dict]) -> dict:
    """What a sweep found: the departure rate of its first step that did not keep up (the
    saturation throughput, in runs/s and tasks/s), or, when every step kept up, the most
    any step completed as a lower bound (`saturated` false); and `at_80`, the index of the
    fastest step offered at most 80 % of that throughput, whose queue wait is what a stack
    run at 80 % of its capacity makes a run wait (None if no step was that slow)."""
    done = [i for i, s in enumerate(steps) if s.get("complete")]
    if not done:
        return {"saturated": False, "runs_per_s": None, "tasks_per_s": None, "at_80": None}
    over = next((i for i in done if not kept_up(steps[i])), None)
    top = (
        steps[over] if over is not None else max((steps[i] for i in done), key=completed_runs_per_s)
    )
    runs = top["departure_runs_per_s"] if over is not None else completed_runs_per_s(top)
    calm = [i for i in done if kept_up(steps[i]) and steps[i]["offered_runs_per_s"] <= 0.8 * runs]
    return {
        "saturated": over is not None,
        "runs_per_s": runs,
        "tasks_per_s": runs * top["tasks"] / top["runs"],
        "at_80": max(calm, key=lambda i: steps[i]["offered_runs_per_s"], default=None),
    }
