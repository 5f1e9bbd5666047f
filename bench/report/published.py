"""Published figures beside this run's: per-step time of a sequential flow of near-empty
tasks, from bench/report/data/published.toml (each with its source, version and hardware),
next to the same quantity measured here on the chain of no-op tasks. Kept in a section of
its own: a published number is context, never one of this run's results."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bench.measure.stats import estimate, format_estimate
from bench.report.context import ReportContext
from bench.report.markdown import md_table

DATA = Path(__file__).parent / "data" / "published.toml"


def published() -> list[dict]:
    return tomllib.loads(DATA.read_text())["figure"]


def _measured(ctx: ReportContext, impl: str) -> str:
    """This run's makespan ÷ tasks of the no-op chain, default config."""
    for case in ctx.results.cases("latency"):
        if case.impl == impl and case.config == "default" and case.measured:
            per_step = [r["makespan_s"] / r["tasks"] for r in case.measured]
            return f"{format_estimate(estimate(per_step), ' s')} ({case.workload})"
    return "not measured"


def section(ctx: ReportContext) -> str:
    packages = {
        o["package"]: (impl, o["version"])
        for impl, o in ctx.results.provenance["orchestrators"].items()
    }
    rows = []
    for figure in published():
        if figure["package"] not in packages:
            continue
        impl, version = packages[figure["package"]]
        rows.append(
            [
                f"{figure['package']} {figure['version']}",
                f"[{figure['source']}]({figure['url']}); {figure['hardware']}; {figure['workload']}: {figure['published']}",
                f"{figure['total_s'] / figure['steps']:.3g} s",
                f"{version} here: {_measured(ctx, impl)}",
            ]
        )
    if not rows:
        return ""
    header = [
        "published for",
        "source, setup and figure as published",
        "per step",
        "this run, per step",
    ]
    return f"""## Beside published figures

Per-step time of a sequential flow of near-empty tasks (a run's duration ÷ its tasks), as
others published it, next to the same quotient from this run's chain of no-op tasks
(makespan ÷ tasks, default config, median [95 % CI] n). Other versions, machines and
task bodies: context for the order of magnitude, not a measurement of this run. Sources
and the exact published numbers: `bench/report/data/published.toml`.

{md_table(header, rows)}
"""
