"""The report's scenario table: one row per timed workload case, every cell with its CI."""

from __future__ import annotations

from bench.measure.stats import estimate, format_estimate, format_interval
from bench.report.context import ReportContext
from bench.report.figures import scale_fits
from bench.report.markdown import md_table
from bench.results import CaseResult

# scenarios whose runs are not timed workload runs (no makespan): reported elsewhere
NOT_TIMED_RUNS = (
    "recovery",
    "calendar",
    "schedule",
    "deploy",
    "retries",
    "dynamic",
    "load",
    "catalogue",
)
HEADER = [
    "impl",
    "config",
    "workload",
    "slots",
    "makespan s",
    "lower bound s",
    "efficiency",
    "overhead s",
    "trigger s",
    "inter-task p50 s",
    "peak concurrency",
    "contaminated runs",
]


def _cell(case: CaseResult, metric: str) -> str:
    return format_estimate(estimate([r[metric] for r in case.measured if metric in r]))


def _row(case: CaseResult) -> list[str]:
    head = [case.impl, case.config, case.workload]
    slots = f"{case.slots} workers" if case.scenario == "scaleout" else str(case.slots)
    if case.error or not case.measured:
        reason = "failed: " + (case.error or "incomplete")[:120]
        return [*head, slots, reason, *[""] * (len(HEADER) - 5)]
    p50 = estimate([r["inter_task_latency_s"]["p50"] for r in case.measured])
    return [
        *head,
        slots,
        _cell(case, "makespan_s"),
        _cell(case, "lower_bound_s"),
        _cell(case, "efficiency"),
        _cell(case, "overhead_s"),
        _cell(case, "trigger_latency_s"),
        format_estimate(p50),
        str(max(r["peak_concurrency"] for r in case.measured)),
        contaminated(case),
    ]


def contaminated(case: CaseResult) -> str:
    """How many measured runs other programs competed with (kept after the re-runs)."""
    flagged = sum(1 for r in case.measured if (r.get("resources") or {}).get("contaminated"))
    return f"**{flagged}** of {len(case.measured)}" if flagged else "0"


def scale_table(cases: list[CaseResult]) -> str:
    """The scale fits: what one more task costs, and the fixed cost, with 95 % CIs."""
    rows = [
        [
            key,
            shape,
            format_interval(fit.slope * 1000, fit.slope_low * 1000, fit.slope_high * 1000),
            format_interval(fit.intercept, fit.intercept_low, fit.intercept_high),
            str(fit.n),
        ]
        for (key, shape), fit in scale_fits(cases).items()
    ]
    if not rows:
        return ""
    header = ["impl/config", "shape", "per-task cost ms [95 % CI]", "fixed cost s [95 % CI]", "n"]
    return (
        "Scale: overhead (makespan − lower bound) fitted against the number of tasks N, "
        "every measured run a point: overhead = fixed cost + per-task cost × N.\n\n"
        + md_table(header, rows)
        + "\n"
    )


def section(ctx: ReportContext) -> str:
    timed = [c for c in ctx.results.scenarios if c.scenario not in NOT_TIMED_RUNS]
    rows = [_row(c) for c in ctx.results.in_table_order(timed)]
    return f"""## Scenarios

Every timed workload case: medians with 95 % CIs and n over its measured runs. The lower
bound L(w) is what the work itself needs with the case's slots (see Method); efficiency is
L(w) / makespan and overhead makespan − L(w). *Contaminated runs*: measured runs during
which other programs used more than 0.2 cores (every process sampled, minus the
orchestrator's, the harness's and a container engine's own); such a run is measured again
up to twice, and one still contaminated is kept and counted here.

{md_table(HEADER, rows)}

{scale_table(ctx.results.scenarios)}"""
