"""The report's figures, each drawn from the results model (and the event logs it names).
Each returns the PNG's path, or None when the run measured nothing to draw."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from bench.measure import metrics
from bench.measure.stats import (
    Estimate,
    LinearFit,
    estimate,
    format_estimate,
    format_interval,
    linear_fit,
)
from bench.report.headline import movie_phases
from bench.report.style import color, line_style, save
from bench.results import CaseResult, Results
from pipelines.core.instrument import read_events
from pipelines.core.workloads import Workload

# What to read from each figure, printed under it.
CAPTIONS = {
    "Movie pipeline wall time": "Start-up, pipeline and stop of the real pipeline, stacked; "
    "whiskers are the 95 % CIs of each median, and the label is the summary's pipeline time. "
    "Start-up is paid once per stack, the pipeline on every run.",
    "Inter-task latency (ECDF)": "Every edge of every measured run of the no-op chain: how "
    "long a ready task waited after its upstream ended. Further left is quicker; a step is "
    "a scheduler's polling period.",
    "Efficiency": "The least time the work needs ÷ the makespan, median and 95 % CI: 1 is an "
    "orchestrator that adds nothing. For CPU-bound tasks the bound already counts the "
    "machine's cores, so a thread executor's GIL shows as low efficiency.",
    "Timeline": "The median run (by makespan) of the widest sleeping fan-out: one bar per "
    "task from its start to its end; ◆ marks a task too short to see (the join). Gaps "
    "between bars are the orchestrator at work.",
    "Scale": "Overhead against the number of tasks, every measured run a point, with the "
    "fitted line; the legend gives each fit's per-task cost with its 95 % CI. Parallel "
    "lines cost the same per task; higher ones more in total.",
    "Recovery": "The median repetition of each worker kill (the red line): each task attempt "
    "a bar, hatched when the kill interrupted it; the gap until the retried attempts start "
    "is failure detection. The thin tick at the end is the no-op join.",
}


PHASES = ("services start-up", "pipeline (submit → done)", "stop")


def wall_time_figure(results: Results, path: Path) -> Path | None:
    """Start-up, pipeline and stop stacked per implementation/config, each segment its
    median with its 95 % CI as a whisker; the label is the pipeline time of the summary."""
    series = sorted(results.movies.values(), key=lambda s: s.key)
    if not series:
        return None
    names = [s.key for s in series]
    phases = [(p.startup, p.pipeline, p.stop) for p in map(movie_phases, series)]
    fig, ax = plt.subplots(figsize=(8.5, 0.9 + 0.55 * len(names)))
    left = np.zeros(len(names))
    for i, (label, shade) in enumerate(zip(PHASES, ("#9bb7d4", "#2f6fad", "#cfcfcf"), strict=True)):
        est = [p[i] for p in phases]
        med = np.array([e.median if e else 0.0 for e in est])
        err = [
            [e.median - e.low if e else 0 for e in est],
            [e.high - e.median if e else 0 for e in est],
        ]
        ax.barh(
            names,
            med,
            left=left,
            color=shade,
            label=label,
            xerr=err,
            capsize=3,
            error_kw={"elinewidth": 1},
        )
        left = left + med
    for y, p in enumerate(phases):
        ax.text(left[y], y, f"  pipeline {format_estimate(p[1], ' s')}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(float(max(left)) * 1.45, 1.0))
    ax.set_xlabel("seconds (medians; whiskers: 95 % CI of each median)")
    ax.set_title(f"The movie pipeline on {results.dataset['name']}: start-up, pipeline, stop")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return save(fig, path)


def ecdf_figure(cases: list[CaseResult], path: Path) -> Path | None:
    """Inter-task latency of every latency case, pooled over its measured runs."""
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    drawn = False
    for case in cases:
        if case.scenario != "latency" or not case.measured:
            continue
        samples = np.sort([x for r in case.measured for x in r["inter_task_samples_s"]])
        samples = np.maximum(samples, 1e-5)
        ax.step(
            samples,
            np.arange(1, len(samples) + 1) / len(samples),
            where="post",
            label=case.key,
            color=color(case.key),
            linestyle=line_style(case.key),
        )
        drawn = True
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xscale("log")
    ax.set_xlabel("inter-task latency: downstream start − upstream end (s, log scale)")
    ax.set_ylabel("share of task edges")
    ax.set_title("How long a ready task waits (chain of no-op tasks)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, path)


EFFICIENCY_PANELS = (
    ("parallelism", "sleeping tasks"),
    ("cpu", "CPU-bound tasks"),
    ("scaleout", "over K workers"),
)


def _efficiencies(cases: list[CaseResult], scenario: str) -> tuple[dict[str, Estimate], str]:
    """{"impl/config w=slots": efficiency estimate} and the workload drawn."""
    out: dict[str, Estimate] = {}
    workload = ""
    for case in sorted(cases, key=lambda c: (c.key, c.slots)):
        values = [r["efficiency"] for r in case.measured if "efficiency" in r]
        if case.scenario == scenario and (e := estimate(values)):
            out[f"{case.key} w={case.slots}"] = e
            workload = case.workload
    return out, workload


def parallelism_figure(cases: list[CaseResult], path: Path, cores: float) -> Path | None:
    """Efficiency E = L(w) ÷ makespan per implementation/config and slot count, with its
    95 % CI: 1 is an orchestrator that adds nothing. For CPU-bound tasks L(w) counts the
    machine's cores, so the ceiling of min(w, cores) is inside the bound, not drawn apart."""
    panels = [p for p in EFFICIENCY_PANELS if _efficiencies(cases, p[0])[0]]
    if not panels:
        return None
    rows = max(len(_efficiencies(cases, p[0])[0]) for p in panels)
    fig, axes = plt.subplots(
        1, len(panels), figsize=(5 * len(panels), 1.2 + 0.4 * rows), squeeze=False
    )
    for ax, (scenario, title) in zip(axes[0], panels, strict=True):
        values, workload = _efficiencies(cases, scenario)
        labels = list(values)
        for y, label in enumerate(labels):
            e = values[label]
            ax.errorbar(
                e.median,
                y,
                xerr=[[e.median - e.low], [e.high - e.median]],
                fmt="o",
                color=color(label.split()[0]),
                capsize=3,
            )
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.axvline(1.0, color="#999999", linestyle=":", linewidth=1.5)
        ax.set_xlim(0, 1.05)
        ax.invert_yaxis()
        bound = f"bound counts {cores:g} cores" if scenario == "cpu" else "bound counts w slots"
        ax.set_title(f"{title} ({workload}); {bound}", fontsize=9)
        ax.set_xlabel("efficiency L(w) ÷ makespan (1 = no overhead)")
        ax.grid(True, axis="x", alpha=0.3)
    return save(fig, path)


def median_run(runs: list[dict]) -> dict:
    """The run whose makespan is the median (the lower middle one for an even count), so a
    timeline shows the run the tables summarise."""
    ordered = sorted(runs, key=lambda r: r["makespan_s"])
    return ordered[(len(ordered) - 1) // 2]


def run_events(events: list[dict], submit_ns: int) -> list[dict]:
    """The task events of the run submitted at `submit_ns`: up to the next submit mark."""
    later = [e["t_ns"] for e in events if e["event"] == "submit" and e["t_ns"] > submit_ns]
    until = min(later, default=float("inf"))
    return [e for e in events if e["event"] != "submit" and submit_ns <= e["t_ns"] < until]


def scale_fits(cases: list[CaseResult]) -> dict[tuple[str, str], LinearFit]:
    """Per implementation/config and shape: overhead (makespan − lower bound) against the
    number of tasks N, every measured run a point."""
    points: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    for case in cases:
        if case.scenario == "scale":
            shape = Workload.parse(case.workload).shape
            xs, ys = points.setdefault((case.key, shape), ([], []))
            for run in case.measured:
                xs.append(float(run["tasks"]))
                ys.append(float(run["overhead_s"]))
    return {key: fit for key, (xs, ys) in points.items() if (fit := linear_fit(xs, ys))}


def scale_figure(cases: list[CaseResult], path: Path) -> Path | None:
    """Overhead against graph size with the fitted line overhead = fixed + per-task × N."""
    fits = scale_fits(cases)
    if not fits:
        return None
    fig, ax = plt.subplots(figsize=(8.5, 4.6))
    floor = 1e-4  # log axes: an overhead at or below 0.1 ms is drawn on the floor
    for (key, shape), fit in sorted(fits.items()):
        marker = "o" if shape == "chain" else "s"
        ax.scatter(
            fit.xs, np.maximum(fit.ys, floor), marker=marker, color=color(key), alpha=0.6, s=18
        )
        grid = np.geomspace(min(fit.xs), max(fit.xs), 50)
        per_task = format_interval(fit.slope * 1000, fit.slope_low * 1000, fit.slope_high * 1000)
        ax.plot(
            grid,
            np.maximum(fit.intercept + fit.slope * grid, floor),
            color=color(key),
            linestyle=line_style(key),
            label=f"{key} {shape}: {per_task} ms/task",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    sizes = sorted({int(x) for fit in fits.values() for x in fit.xs})
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("tasks in the graph (N, log)")
    ax.set_ylabel("overhead: makespan − lower bound (s, log)")
    ax.set_title("Scale: overhead = fixed cost + per-task cost × N")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(
        fontsize=7,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        frameon=False,
        title="fit, per-task cost [95 % CI]",
        title_fontsize=7,
    )
    return save(fig, path)


def gantt_figure(cases: list[CaseResult], path: Path, report_dir: Path) -> Path | None:
    """One measured fan-out run per implementation/config at its widest slot count."""
    picks: dict[str, CaseResult] = {}
    for case in cases:
        wider = case.key not in picks or case.slots > picks[case.key].slots
        if case.scenario == "parallelism" and case.measured and wider:
            picks[case.key] = case
    if not picks:
        return None
    fig, axes = plt.subplots(
        len(picks), 1, figsize=(8.5, 1.3 + 1.35 * len(picks)), sharex=True, squeeze=False
    )
    for ax, (key, case) in zip(axes[:, 0], picks.items(), strict=True):
        run = median_run(case.measured)
        log = report_dir / (case.events or "")  # relative to the report folder (or absolute)
        intervals = metrics.task_intervals(run_events(read_events(log), run["submit_ns"]))
        for y, node in enumerate(Workload.parse(case.workload).nodes):
            span = intervals.get(node)
            if not span:
                continue
            start = (span.start_ns - run["submit_ns"]) / 1e9
            ax.barh(y, span.seconds, left=start, color=color(key), height=0.8)
            if span.seconds < 0.02:  # a no-op join would be invisible as a bar
                ax.plot(start, y, marker="D", markersize=4, color=color(key))
        ax.set_yticks([])
        label = f"{key}\nw={case.slots}\nmakespan {run['makespan_s']:.2g} s"
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
        ax.invert_yaxis()
    axes[-1, 0].set_xlabel("seconds since submit (one bar per task; ◆ a task under 20 ms)")
    axes[-1, 0].set_xlim(left=0)
    workload = next(iter(picks.values())).workload
    axes[0, 0].set_title(f"Timeline of the median run (by makespan) of {workload}")
    return save(fig, path)
