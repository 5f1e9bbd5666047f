"""The report's scenario table: one row per timed workload case."""

from __future__ import annotations

import numpy as np

from bench.report.context import ReportContext
from bench.report.markdown import fmt, md_table
from bench.results import CaseResult

# scenarios whose runs are not timed workload runs (no makespan): reported elsewhere
NOT_TIMED_RUNS = ("recovery", "calendar", "schedule", "deploy")
HEADER = [
    "impl",
    "config",
    "workload",
    "slots",
    "makespan s",
    "trigger s",
    "inter-task p50 s",
    "peak concurrency",
    "overhead s (share of wall)",
]


def _row(case: CaseResult) -> list[str]:
    measured = case.measured
    head = [case.impl, case.config, case.workload]
    if case.error or not measured:
        return [*head, str(case.slots), "failed: " + (case.error or "incomplete")[:120], *[""] * 4]
    slots = f"{case.slots} containers" if case.scenario == "scaleout" else str(case.slots)
    overhead = np.median([r["overhead_s"] for r in measured])
    share = np.median([r["overhead_share"] for r in measured])
    return [
        *head,
        slots,
        fmt(float(np.median([r["makespan_s"] for r in measured])), 2),
        fmt(float(np.median([r["trigger_latency_s"] for r in measured]))),
        fmt(float(np.median([r["inter_task_latency_s"]["p50"] for r in measured]))),
        str(max(r["peak_concurrency"] for r in measured)),
        f"{fmt(float(overhead), 2)} ({share:.0%})",
    ]


def section(ctx: ReportContext) -> str:
    rows = [_row(c) for c in ctx.results.scenarios if c.scenario not in NOT_TIMED_RUNS]
    return f"## Scenarios\n\n{md_table(HEADER, rows)}\n"
