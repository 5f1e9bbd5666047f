"""Two compare runs side by side: `bench report NEW OLD` adds what changed since OLD —
another commit, another machine, or another runtime (`--runtime docker` against local:
container start-to-ready time and the overhead containers add).

Only headline medians are compared (each already a median of its own repetitions); a
change smaller than both runs' interquartile ranges is noise, so the IQR is shown too.
"""

from __future__ import annotations

from bench.report.context import ReportContext
from bench.report.headline import headline_numbers
from bench.report.markdown import md_table
from bench.results import Results


def _headline(results: Results) -> dict[str, dict[str, float | None]]:
    """Per implementation/config: the figures worth tracking from run to run."""
    numbers = headline_numbers(results)
    out: dict[str, dict[str, float | None]] = {}
    for key, entry in results.movies.items():
        row = numbers.get(key, {})
        speedups = row.get("speedup", {})
        widest = max(speedups, default=None)
        out[key] = {
            "start-up s": entry.startup_seconds[0],
            "movies pipeline s": entry.run_seconds[0],
            "trigger latency s": row.get("trigger_latency_s"),
            "inter-task p50 s": row.get("inter_task_p50_s"),
            "inter-task p95 s": row.get("inter_task_p95_s"),
            f"speedup at {widest}": speedups.get(widest, {}).get("speedup") if widest else None,
        }
    return out


def delta_table(current: Results, previous: Results) -> str:
    """Markdown: for each implementation/config in both runs, old → new and the change."""
    new, old = _headline(current), _headline(previous)
    rows = []
    for key in new:
        if key not in old:
            continue
        for metric, value in new[key].items():
            before = old[key].get(metric)
            if value is None or before is None:
                continue
            change = value - before
            share = f"{change / before:+.0%}" if before else "–"
            rows.append([key, metric, f"{before:.3f}", f"{value:.3f}", f"{change:+.3f}", share])
    if not rows:
        return "The two runs have no implementation/config in common."
    header = ["impl/config", "figure", "before", "now", "change", "change %"]
    return md_table(header, rows)


def section(ctx: ReportContext) -> str:
    """The section, when the report was asked to compare with an earlier run."""
    if ctx.previous is None:
        return ""
    previous_name, previous = ctx.previous
    current = ctx.results
    prov_new, prov_old = current.provenance, previous.provenance
    return f"""## Changes since {previous_name}

Before: {previous.profile} profile, {previous.runtime["name"]} runtime, {previous.started_at}, code {prov_old["git_sha"][:12]}.
Now: {current.profile} profile, {current.runtime["name"]} runtime, {current.started_at}, code {prov_new["git_sha"][:12]}.
Medians of each run; a change within the runs' interquartile ranges (in the tables above) is
noise, and runs on different machines or profiles compare only roughly.

{delta_table(current, previous)}
"""
