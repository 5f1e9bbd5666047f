"""The report's resources section: what each orchestrator's own processes cost, idle and busy."""

from __future__ import annotations

import numpy as np

from bench.measure.stats import estimate, format_estimate
from bench.report.context import ReportContext
from bench.report.markdown import fmt, md_table, measured_columns
from bench.results import CaseResult, Results

HEADER = [
    "impl",
    "config",
    "idle CPU (cores busy)",
    "idle RSS MiB",
    "CPU-s per latency run",
    "CPU-s per fan-out run",
    "peak RSS MiB busy",
    "harness CPU-s per run",
    "engine CPU-s per run",
]


def _row(results: Results, case: CaseResult) -> list[str]:
    idle = case.idle_resources or {}
    busy = {
        f"{c.workload} w={c.slots}": [r["resources"] for r in c.measured if r.get("resources")]
        for c in results.scenarios
        if (c.impl, c.config) == (case.impl, case.config)
        and c.scenario in ("latency", "parallelism")
    }
    busy = {k: v for k, v in busy.items() if v}
    widest = list(busy)[-1] if busy else None
    latency = busy.get(f"{case.workload} w={case.slots}", [])
    return [
        case.impl,
        case.config,
        f"{case.idle_cores:.2f}",
        fmt(idle["peak_rss_mib"], 0),
        fmt(float(np.median([r["cpu_seconds"] for r in latency])), 2) if latency else "–",
        f"{fmt(float(np.median([r['cpu_seconds'] for r in busy[widest]])), 2)} ({widest})"
        if widest
        else "–",
        fmt(max(r["peak_rss_mib"] for v in busy.values() for r in v), 0) if busy else "–",
        _harness(busy),
        _engine(busy),
    ]


def _harness(busy: dict[str, list[dict]]) -> str:
    """The measurer's own load: the harness process's CPU while it watched a run (its
    sampler thread and the adapter's polling)."""
    spent = [
        r["harness_cpu_seconds"] for v in busy.values() for r in v if "harness_cpu_seconds" in r
    ]
    return format_estimate(estimate(spent))


def _engine(busy: dict[str, list[dict]]) -> str:
    """The container engine's CPU while it served a run (creating, watching and removing
    the containers the run asked for): a cost of running in containers, not of another
    program; – where no run used an engine."""
    spent = [r.get("engine_cpu_seconds", 0.0) for v in busy.values() for r in v]
    return format_estimate(estimate(spent)) if any(spent) else "–"


def section(ctx: ReportContext) -> str:
    idle = [c for c in ctx.results.scenarios if c.idle_resources]
    rows = [_row(ctx.results, c) for c in ctx.results.in_table_order(idle)]
    # no engine in the local runtime: no engine column
    header, rows = measured_columns(HEADER, rows, always=len(HEADER) - 1)
    table = md_table(header, rows) if rows else "Not measured in this run."
    return f"""## Resources

What the orchestrator's own processes (every service and every worker or task process they
start) cost: CPU-seconds and the peak of their summed resident memory, sampled every 0.2 s.
Idle: the services started, nothing submitted, for 5 s. RSS counts pages that forked
workers share once per process, so it overstates memory held; a lower bound for CPU.
*Harness CPU-s*: what the measuring process itself spent per run (sampling, polling the
orchestrator) — the measurer's own load, on the same 2 cores. *Engine CPU-s* (in
containers only): what the container engine spent per run creating, watching and removing
the containers it asked for.

{table}
"""
