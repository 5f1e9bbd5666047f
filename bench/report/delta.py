"""Two compare runs side by side: `bench report NEW OLD` adds what changed since OLD —
another commit, another machine, or another runtime (`--runtime docker` against local:
container start-to-ready time and the overhead containers add).

Only headline figures are compared, each a median with its 95 % confidence interval; a
change is called real only when the two intervals do not overlap.
"""

from __future__ import annotations

from pathlib import Path

from bench.measure.stats import Estimate
from bench.report.context import ReportContext
from bench.report.headline import Headline, headline_numbers, movie_phases
from bench.report.markdown import md_table
from bench.results import Results


def _headline(results: Results) -> dict[str, dict[str, Estimate | None]]:
    """Per implementation/config: the figures worth tracking from run to run."""
    numbers = headline_numbers(results)
    out: dict[str, dict[str, Estimate | None]] = {}
    for key, series in results.movies.items():
        row = numbers.get(key, Headline())
        widest = row.widest()
        out[key] = {
            "start-up s": movie_phases(series).startup,
            "movies pipeline s": movie_phases(series).pipeline,
            "trigger latency s": row.trigger_latency,
            "inter-task p50 s": row.inter_task_p50,
            f"efficiency at {widest}": row.efficiency.get(widest) if widest else None,
        }
    return out


def delta_table(current: Results, previous: Results) -> str:
    """Markdown: for each implementation/config in both runs, before → now, and whether the
    change is real: only when the two 95 % confidence intervals do not overlap."""
    new, old = _headline(current), _headline(previous)
    rows = []
    for key in new:
        for metric, now in new[key].items():
            before = old.get(key, {}).get(metric)
            if now is None or before is None:
                continue
            share = f"{now.median / before.median - 1:+.0%}" if before.median else "–"
            verdict = "within noise (CIs overlap)" if now.overlaps(before) else "changed"
            rows.append([key, metric, str(before), str(now), share, verdict])
    if not rows:
        return "The two runs have no implementation/config in common."
    header = ["impl/config", "figure", "before", "now", "change", "verdict"]
    return md_table(header, rows)


def section(ctx: ReportContext) -> str:
    """The section, when the report was asked to compare with an earlier run."""
    if ctx.previous is None:
        return ""
    previous_name, previous = ctx.previous
    current = ctx.results
    prov_new, prov_old = current.provenance, previous.provenance
    return f"""## Changes since the {previous.runtime["name"]} run at {prov_old["git_sha"][:7]}

Before: {previous.profile} profile, {previous.runtime["name"]} runtime, {previous.started_at}, code {prov_old["git_sha"][:12]} (folder `{Path(previous_name).name}`).
Now: {current.profile} profile, {current.runtime["name"]} runtime, {current.started_at}, code {prov_new["git_sha"][:12]}.
Medians with 95 % CIs and n; a change counts only where the intervals do not overlap, and
runs on different machines or profiles compare only roughly.

{delta_table(current, previous)}
"""
