"""Published figures beside this run's: per-step time of a sequential flow of near-empty
tasks, from each implementation's `published.toml` (with source, version and hardware),
next to the same quantity measured here on the chain of no-op tasks. Kept in a section of
its own: a published number is context, never one of this run's results."""

from __future__ import annotations

import tomllib

from bench.kit.home import REPO
from bench.measure.stats import estimate, format_estimate
from bench.report.context import ReportContext
from bench.report.markdown import md_table


def published(impl: str) -> list[dict]:
    """The figures others published for `impl`'s orchestrator (none: an empty list)."""
    path = REPO / "pipelines" / impl / "published.toml"
    return tomllib.loads(path.read_text())["figure"] if path.exists() else []


def _measured(ctx: ReportContext, impl: str) -> str:
    """This run's makespan ÷ tasks of the no-op chain, default config."""
    for case in ctx.results.cases("latency"):
        if case.impl == impl and case.config == "default" and case.measured:
            per_step = [r["makespan_s"] / r["tasks"] for r in case.measured]
            return f"{format_estimate(estimate(per_step), ' s')} ({case.workload})"
    return "not measured"


def section(ctx: ReportContext) -> str:
    rows = [
        [
            f"{ran['package']} {figure['version']}",
            f"[{figure['source']}]({figure['url']}); {figure['hardware']}; "
            f"{figure['workload']}: {figure['published']}",
            f"{figure['total_s'] / figure['steps']:.3g} s",
            f"{ran['version']} here: {_measured(ctx, impl)}",
        ]
        for impl, ran in ctx.results.provenance["orchestrators"].items()
        for figure in published(impl)
    ]
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
and the exact published numbers: each implementation's `published.toml`.

{md_table(header, rows)}
"""
