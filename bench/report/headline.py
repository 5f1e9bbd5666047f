"""The headline figures of a compare run: what the console table, the summary table and
the comparison of two runs all quote, computed once from results.json."""

from __future__ import annotations

from bench.measure.metrics import speedup
from bench.measure.stats import median_iqr
from bench.results import Results


def headline_numbers(results: Results) -> dict[str, dict]:
    """Per implementation/config: medians of the latency scenario's measured runs, and the
    parallelism speedup at 4 slots. Used by the console table and the report."""
    out: dict[str, dict] = {}
    for case in results.scenarios:
        measured = case.measured
        if not measured:
            continue
        row = out.setdefault(case.key, {"makespans": {}, "cpu_makespans": {}})
        if case.scenario == "latency":
            row["trigger_latency_s"] = median_iqr([r["trigger_latency_s"] for r in measured])[0]
            row["inter_task_p50_s"] = median_iqr(
                [r["inter_task_latency_s"]["p50"] for r in measured]
            )[0]
            row["inter_task_p95_s"] = median_iqr(
                [r["inter_task_latency_s"]["p95"] for r in measured]
            )[0]
        elif case.scenario in ("parallelism", "cpu"):
            target = row["makespans"] if case.scenario == "parallelism" else row["cpu_makespans"]
            target[case.slots] = median_iqr([r["makespan_s"] for r in measured])[0]
    for row in out.values():
        row["speedup"] = speedup(row.pop("makespans"))
        row["cpu_speedup"] = speedup(row.pop("cpu_makespans"))
    return out
