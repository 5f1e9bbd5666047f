"""The report's clock check: the event log against each orchestrator's own task records."""

from __future__ import annotations

import numpy as np

from bench.report.context import ReportContext
from bench.report.markdown import fmt, md_table

HEADER = [
    "impl",
    "config",
    "tasks",
    "start: native − event, median s",
    "end: native − event, median s",
    "largest |difference| s",
]


def section(ctx: ReportContext) -> str:
    rows = []
    for case in ctx.results.cases("latency"):
        offsets = [
            r["native_offset_s"] for r in case.measured if r.get("native_offset_s", {}).get("n")
        ]
        if offsets:
            rows.append(
                [
                    case.impl,
                    case.config,
                    str(sum(o["n"] for o in offsets)),
                    fmt(float(np.median([o["start_p50"] for o in offsets]))),
                    fmt(float(np.median([o["end_p50"] for o in offsets]))),
                    fmt(max(o["max_abs"] for o in offsets)),
                ]
            )
    table = md_table(HEADER, rows) if rows else "No orchestrator records were collected."
    sources = "; ".join(f"{impl}: {text}" for impl, text in ctx.described("native_timings"))
    return f"""## Two sources of timing

The event log is written by the task itself; each orchestrator also records when it thinks
a task started and ended ({sources or "none stated"}). Their differences, per task, for the
latency chain:

{table}
"""
