"""Every metric of the report, computed from event logs alone. Definitions:

* **trigger latency**: harness submit → first task start.
* **inter-task latency**, per edge into a task: its start − the end of its *last* upstream
  to finish (a join waits for all; only the last one to finish keeps it waiting).
* **makespan**: last task end − first task start. **wall**: last task end − submit.
* **task work** d: each task's own duration — its CPU time (`cpu_ns` of its end event)
  for CPU-bound work, its wall duration otherwise.
* **lower bound** L(w) = max(critical path, Σd ÷ min(w, c)): no scheduler can finish the
  work faster with w slots, where c is the machine's usable cores for CPU-bound work and
  unlimited for sleeps and no-ops; the **critical path** is the longest chain of d through
  the graph.
* **efficiency** E(w) = L(w) / makespan(w), at most 1; **overhead** = makespan(w) − L(w),
  absolute and as a share of the makespan: the time the orchestrator added to the work;
  **achieved parallelism** = Σd / makespan(w).
  (Not a self-relative speedup makespan(1)/makespan(w): it rewards an orchestrator for
  overhead that overlaps at higher w.)
* **peak concurrency**: the most tasks running at one instant (interval overlap).

Percentiles use linear interpolation between order statistics (numpy's default): with few
samples p99 lies between the two largest values rather than being one of them.
Timestamps are integer nanoseconds (`time.time_ns()`); results are in seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

NS = 1e9


@dataclass(frozen=True)
class Interval:
    start_ns: int
    end_ns: int

    @property
    def seconds(self) -> float:
        return (self.end_ns - self.start_ns) / NS


def task_intervals(events: Iterable[dict]) -> dict[str, Interval]:
    """Each task's successful attempt: its last start before its first end.

    A task that was retried (a fail, then a start again) is measured by the attempt that
    succeeded; a task with no end has no interval.
    """
    last_start: dict[str, int] = {}
    intervals: dict[str, Interval] = {}
    for event in sorted(events, key=lambda e: e["t_ns"]):
        task = event.get("task_id")
        if event["event"] == "start":
            last_start[task] = event["t_ns"]
        elif event["event"] == "end" and task in last_start and task not in intervals:
            intervals[task] = Interval(last_start[task], event["t_ns"])
    return intervals


def attempts(events: Iterable[dict]) -> dict[str, int]:
    """How many times each task started (1 = no retry; more = retried or re-executed)."""
    counts: dict[str, int] = {}
    for event in events:
        if event["event"] == "start":
            counts[event["task_id"]] = counts.get(event["task_id"], 0) + 1
    return counts


def trigger_latency(submit_ns: int, intervals: Mapping[str, Interval]) -> float:
    return (min(i.start_ns for i in intervals.values()) - submit_ns) / NS


def edge_latencies(
    intervals: Mapping[str, Interval], upstream: Mapping[str, tuple[str, ...]]
) -> dict[str, float]:
    """Per task with upstream tasks: seconds between the last upstream end and its start."""
    return {
        task: (intervals[task].start_ns - max(intervals[u].end_ns for u in ups)) / NS
        for task, ups in upstream.items()
        if ups and task in intervals and all(u in intervals for u in ups)
    }


def percentiles(values: Iterable[float], qs: tuple[int, ...] = (50, 95, 99)) -> dict[str, float]:
    data = np.asarray(list(values), dtype=float)
    if data.size == 0:
        return {f"p{q}": float("nan") for q in qs} | {"max": float("nan"), "n": 0}
    out = {f"p{q}": float(np.percentile(data, q)) for q in qs}
    return out | {"max": float(data.max()), "n": int(data.size)}


def makespan(intervals: Mapping[str, Interval]) -> float:
    return (
        max(i.end_ns for i in intervals.values()) - min(i.start_ns for i in intervals.values())
    ) / NS


def wall(submit_ns: int, intervals: Mapping[str, Interval]) -> float:
    return (max(i.end_ns for i in intervals.values()) - submit_ns) / NS


def peak_concurrency(intervals: Iterable[Interval]) -> int:
    """The most intervals open at one instant. An end and a start at the same nanosecond do
    not overlap (the end is counted first)."""
    points = sorted([(i.start_ns, 1) for i in intervals] + [(i.end_ns, -1) for i in intervals])
    running = peak = 0
    for _, step in points:  # at equal times -1 sorts before +1
        running += step
        peak = max(peak, running)
    return peak


def critical_path(
    work: Mapping[str, Interval] | Mapping[str, float], upstream: Mapping[str, tuple[str, ...]]
) -> float:
    """Seconds of task work on the longest dependency chain; `work` gives each task's
    seconds (or its interval, whose duration is used)."""
    longest: dict[str, float] = {}
    for task, ups in upstream.items():  # upstream is in execution order
        own = work.get(task, 0.0)
        own = own.seconds if isinstance(own, Interval) else own
        longest[task] = own + max((longest[u] for u in ups), default=0.0)
    return max(longest.values(), default=0.0)


def task_work(
    events: Iterable[dict], intervals: Mapping[str, Interval], cpu_bound: bool
) -> dict[str, float]:
    """Each task's own work d in seconds: CPU time for CPU-bound work (where its end event
    recorded it), wall duration otherwise."""
    work = {task: span.seconds for task, span in intervals.items()}
    if cpu_bound:
        seen: set[str] = set()
        for event in sorted(events, key=lambda e: e["t_ns"]):
            task = event.get("task_id")
            if event["event"] == "end" and task in work and task not in seen:
                seen.add(task)
                if "cpu_ns" in event:
                    work[task] = event["cpu_ns"] / NS
    return work


def lower_bound(
    work: Mapping[str, float],
    upstream: Mapping[str, tuple[str, ...]],
    slots: int,
    cores: float | None,
) -> float:
    """L(w) = max(critical path, Σd ÷ min(w, c)); `cores` None: unlimited (sleeps, no-ops)."""
    lanes = slots if cores is None else min(slots, cores)
    return max(critical_path(work, upstream), sum(work.values()) / max(lanes, 1))


def summarize(
    events: list[dict],
    submit_ns: int,
    upstream: Mapping[str, tuple[str, ...]],
    slots: int = 1,
    cores: float | None = None,
) -> dict:
    """Every metric of one measured run of a workload at `slots`; `cores` is the machine's
    usable cores when the work is CPU-bound, None when it is not."""
    intervals = task_intervals(events)
    missing = [t for t in upstream if t not in intervals]
    if missing:
        return {"complete": False, "missing_tasks": missing[:10], "tasks_done": len(intervals)}
    edges = edge_latencies(intervals, upstream)
    work = task_work(events, intervals, cpu_bound=cores is not None)
    bound = lower_bound(work, upstream, slots, cores)
    span = makespan(intervals)
    return {
        "complete": True,
        "tasks": len(intervals),
        "trigger_latency_s": trigger_latency(submit_ns, intervals),
        "inter_task_latency_s": percentiles(edges.values()),
        "inter_task_samples_s": sorted(edges.values()),
        "makespan_s": span,
        "wall_s": wall(submit_ns, intervals),
        "critical_path_s": critical_path(work, upstream),
        "work_s": sum(work.values()),
        "lower_bound_s": bound,
        "efficiency": bound / span if span > 0 else float("nan"),
        "achieved_parallelism": sum(work.values()) / span if span > 0 else float("nan"),
        "overhead_s": span - bound,
        "overhead_share": (span - bound) / span if span > 0 else float("nan"),
        "peak_concurrency": peak_concurrency(intervals.values()),
        "reexecuted_tasks": sum(1 for n in attempts(events).values() if n > 1),
        "workers": len(task_workers(events)),
    }


def task_workers(events: Iterable[dict]) -> set[str]:
    """The workers on which tasks of the run started: a fleet member's name where the fleet
    gave one (local worker processes share a host), else the host (a container)."""
    return {
        f"{e.get('host', '')}/{e.get('worker', '')}"
        for e in events
        if e.get("event") == "start" and (e.get("host") or e.get("worker"))
    }


def clock_agreement(
    intervals: Mapping[str, Interval], native: Mapping[str, tuple[int, int]]
) -> dict:
    """How the orchestrator's own record differs from the event log, per task: median of
    (native − event) for starts and for ends, and the largest difference, in seconds.
    Positive: the orchestrator records a start later (or an end later) than the task's own
    first (last) line of work."""
    common = [t for t in intervals if t in native]
    if not common:
        return {"n": 0}
    starts = [(native[t][0] - intervals[t].start_ns) / NS for t in common]
    ends = [(native[t][1] - intervals[t].end_ns) / NS for t in common]
    return {
        "n": len(common),
        "start_p50": float(np.median(starts)),
        "end_p50": float(np.median(ends)),
        "max_abs": float(max(abs(x) for x in starts + ends)),
    }


def attempt_spans(events: Iterable[dict]) -> dict[str, list[list]]:
    """Every attempt of every task: {task: [[start_ns, end_ns or None], ...]} in start
    order. A start is closed by the next end of the same task from the same process; an
    attempt whose process was killed has no end."""
    runs: dict[str, list[list]] = {}
    open_: dict[tuple[str, int], list] = {}
    for event in sorted(events, key=lambda e: e["t_ns"]):
        key = (event["task_id"], event["pid"])
        if event["event"] == "start":
            attempt = [event["t_ns"], None]
            runs.setdefault(event["task_id"], []).append(attempt)
            open_[key] = attempt
        elif event["event"] == "end" and key in open_:
            open_.pop(key)[1] = event["t_ns"]
    return runs


def recovery(events: list[dict], submit_ns: int, fault_ns: int) -> dict:
    """What a fault at `fault_ns` cost a run, from its events (task attempts paired by pid).

    * **running at the fault** (`in_flight_at_fault`): attempts started before the fault and
      not ended by then — whether they were killed (no end: `killed_attempts`) or went on
      and finished (a scheduler fault leaves workers running).
    * **detection latency**: fault → the first restart of a task that was running at the
      fault: how long the orchestrator (and the operator action) took to notice.
    * **re-executed finished tasks**: tasks started again after an attempt had finished —
      work that was done and is done again (duplicate side effects unless idempotent).
      `reexecuted_tasks` counts every task started more than once; `completed_twice` those
      that finished more than once.
    * **wasted task-seconds**: time spent in every attempt but each task's last finished
      one — a killed attempt counts up to the fault, a finished one that was redone whole.
    * **time to completion**: submit → the last task's end; **fault → done**
      (`recovery_s`): fault → that end; **resumed after**: fault → the first task start
      after it, of any task.
    """
    runs = attempt_spans(events)
    wasted_ns = killed = running = 0
    interrupted: set[str] = set()
    finished_then_started = 0
    for task, attempts_ in runs.items():
        kept = max((i for i, a in enumerate(attempts_) if a[1] is not None), default=None)
        for i, (start, end) in enumerate(attempts_):
            if start < fault_ns and (end is None or end > fault_ns):
                running += 1
                interrupted.add(task)
            if i == kept:
                continue
            if end is None:
                killed += start < fault_ns
                wasted_ns += max(0, fault_ns - start)
            else:
                wasted_ns += end - start
        first_end = min((a[1] for a in attempts_ if a[1] is not None), default=None)
        finished_then_started += first_end is not None and any(a[0] > first_end for a in attempts_)
    ends = [a[1] for v in runs.values() for a in v if a[1] is not None]
    after = [a[0] for v in runs.values() for a in v if a[0] > fault_ns]
    restarts = [a[0] for t in interrupted for a in runs[t] if a[0] > fault_ns]
    last_end = max(ends, default=None)
    return {
        "in_flight_at_fault": running,
        "killed_attempts": killed,
        "detection_latency_s": (min(restarts) - fault_ns) / NS if restarts else None,
        "reexecuted_tasks": sum(1 for v in runs.values() if len(v) > 1),
        "reexecuted_finished_tasks": finished_then_started,
        "completed_twice": sum(1 for v in runs.values() if sum(a[1] is not None for a in v) > 1),
        "wasted_task_s": wasted_ns / NS,
        "time_to_completion_s": (last_end - submit_ns) / NS if last_end else None,
        "recovery_s": (last_end - fault_ns) / NS if last_end and last_end > fault_ns else None,
        "resumed_after_s": (min(after) - fault_ns) / NS if after else None,
    }
