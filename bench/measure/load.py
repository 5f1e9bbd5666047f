"""The load scenario's figures: a batch of runs submitted at once, read from their events.

A batch is B runs of one small workload submitted back to back (closed loop: the next batch
waits until this one has drained). Every task's events carry the label its run was
submitted under, so the runs in flight at once are told apart in the one event log:

* a run's **latency** is its submit mark → its last task's end; its **queue wait** is its
  submit → its first task's start (what a run waits for a free slot or scheduler loop);
* the batch's **drain** is the first submit → the last task's end of any run, and its
  **throughput** B ÷ drain runs/s (tasks/s: every task of every run ÷ drain).

Each batch is one repetition: the report gives the median throughput over batches with its
CI, and the run latencies' p50/p95 pooled over the batches' runs (bench.report.load).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from bench.measure.metrics import peak_concurrency, percentiles, task_intervals


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
        "peak_concurrency": peak_concurrency(intervals),
    }
