"""The report's clock check: the event log against each orchestrator's own task records."""

from __future__ import annotations

import numpy as np

from bench.report.context import ReportContext
from bench.report.markdown import fmt, md_table

TOLERANCE_S = 1.0  # an orchestrator's record and the task's own may differ by this much
HEADER = [
    "impl",
    "config",
    "case",
    "tasks",
    "start: native − event, median s",
    "end: native − event, median s",
    "largest |difference| s",
    f"within ±{TOLERANCE_S:g} s",
]


def section(ctx: ReportContext) -> str:
    rows = []
    for case in ctx.results.in_table_order(ctx.results.scenarios):
        offsets = [
            r["native_offset_s"] for r in case.measured if r.get("native_offset_s", {}).get("n")
        ]
        if offsets:
            largest = max(o["max_abs"] for o in offsets)
            rows.append(
                [
                    case.impl,
                    case.config,
                    f"{case.scenario} {case.workload} w{case.slots}",
                    str(sum(o["n"] for o in offsets)),
                    fmt(float(np.median([o["start_p50"] for o in offsets]))),
                    fmt(float(np.median([o["end_p50"] for o in offsets]))),
                    fmt(largest),
                    "yes" if largest <= TOLERANCE_S else "**NO: check this case**",
                ]
            )
    table = md_table(HEADER, rows) if rows else "No orchestrator records were collected."
    sources = "; ".join(f"{impl}: {text}" for impl, text in ctx.described("native_timings"))
    return f"""## Two sources of timing

The event log is written by the task itself; each orchestrator also records when it thinks
a task started and ended ({sources or "none stated"}). Their differences, per task, in every
case where the orchestrator keeps such a record; a difference beyond ±{TOLERANCE_S:g} s means one
of the two clocks cannot be trusted for that case, and is flagged:

{table}
"""
