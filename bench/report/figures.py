"""The report's figures, each drawn from the results model (and the event logs it names).
Each returns the PNG's path, or None when the run measured nothing to draw."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from bench.measure import metrics
from bench.measure.stats import LinearFit, linear_fit
from bench.report.style import color, line_style, save
from bench.results import CaseResult, Results
from pipelines.core.instrument import read_events
from pipelines.core.workloads import Workload

PHASES = (
    ("startup_seconds", "services start-up"),
    ("run_seconds", "pipeline"),
    ("stop_seconds", "stop"),
)


def wall_time_figure(results: Results, path: Path) -> Path:
    series = list(results.movies.values())
    names = [s.key for s in series]
    fig, ax = plt.subplots(figsize=(8.5, 0.9 + 0.55 * len(names)))
    left = [0.0] * len(names)
    for (phase, label), shade in zip(PHASES, ("#9bb7d4", "#2f6fad", "#cfcfcf"), strict=True):
        stats = [getattr(s, phase) for s in series]
        med = [m for m, _, _ in stats]
        err = [[m - lo for m, lo, _ in stats], [hi - m for m, _, hi in stats]]
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
        left = [a + b for a, b in zip(left, med, strict=True)]
    for y, total in enumerate(left):
        ax.text(total, y, f"  {total:.1f} s", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max(left) * 1.18 if left else 1)
    ax.set_xlabel("seconds (median; whiskers: interquartile range)")
    ax.set_title(f"The movie pipeline end to end on {results.dataset['name']}")
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


PARALLELISM_PANELS = (
    ("parallelism", "sleeping tasks", "slots (tasks allowed to run at once)"),
    ("cpu", "CPU-bound tasks", "slots (tasks allowed to run at once)"),
    ("scaleout", "worker containers, one task each", "worker containers"),
)


def _achieved(cases: list[CaseResult], scenario: str) -> tuple[dict, str]:
    """{impl/config: {slots: median achieved parallelism}} and the workload drawn."""
    series: dict[str, dict[int, float]] = {}
    workload = ""
    for case in cases:
        values = [r["achieved_parallelism"] for r in case.measured if "achieved_parallelism" in r]
        if case.scenario == scenario and values:
            series.setdefault(case.key, {})[case.slots] = float(np.median(values))
            workload = case.workload
    return series, workload


def parallelism_figure(cases: list[CaseResult], path: Path, cores: float) -> Path | None:
    """Achieved parallelism (Σ task work ÷ makespan) against slots, under the ceiling the
    work allows: w for sleeping tasks, min(w, cores) for CPU-bound ones. A curve on the
    ceiling is an orchestrator that adds nothing; the gap below it is its overhead."""
    panels = [p for p in PARALLELISM_PANELS if _achieved(cases, p[0])[0]]
    if not panels:
        return None
    fig, axes = plt.subplots(
        1, len(panels), figsize=(5 * len(panels), 4.2), sharey=True, squeeze=False
    )
    for ax, (scenario, title, xlabel) in zip(axes[0], panels, strict=True):
        series, workload = _achieved(cases, scenario)
        slots = sorted({w for s in series.values() for w in s})
        ceiling = [min(w, cores) if scenario == "cpu" else w for w in slots]
        label = f"ceiling: min(w, {cores:g} cores)" if scenario == "cpu" else "ceiling: w"
        ax.plot(slots, ceiling, color="#999999", linestyle=":", linewidth=2, label=label, zorder=5)
        for key, points in series.items():
            xs = sorted(points)
            ax.plot(
                xs,
                [points[x] for x in xs],
                marker="o",
                label=key,
                color=color(key),
                linestyle=line_style(key),
            )
        ax.set_xticks(slots)
        ax.set_title(f"{title} ({workload})")
        ax.set_xlabel(xlabel)
        ax.grid(True, alpha=0.3)
    axes[0, 0].set_ylabel("achieved parallelism: Σ task work ÷ makespan")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return save(fig, path, layout=False)


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
    for (key, shape), fit in fits.items():
        marker = "o" if shape == "chain" else "s"
        ax.scatter(fit.xs, fit.ys, marker=marker, color=color(key), alpha=0.6, s=18)
        grid = np.linspace(min(fit.xs), max(fit.xs), 50)
        ax.plot(
            grid,
            fit.intercept + fit.slope * grid,
            color=color(key),
            linestyle=line_style(key),
            label=f"{key} {shape}: {fit.slope * 1000:.3g} ms/task",
        )
    ax.set_xscale("log")
    ax.set_xlabel("tasks in the graph (N)")
    ax.set_ylabel("overhead: makespan − lower bound (s)")
    ax.set_title("Scale: overhead = fixed cost + per-task cost × N")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
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
            if span:
                ax.barh(
                    y,
                    span.seconds,
                    left=(span.start_ns - run["submit_ns"]) / 1e9,
                    color=color(key),
                    height=0.8,
                )
        ax.set_yticks([])
        ax.set_ylabel(f"{key}\nw={case.slots}", rotation=0, ha="right", va="center", fontsize=8)
        ax.invert_yaxis()
    axes[-1, 0].set_xlabel("seconds since submit (one bar per task)")
    axes[-1, 0].set_xlim(left=0)
    workload = next(iter(picks.values())).workload
    axes[0, 0].set_title(f"Timeline of the median run (by makespan) of {workload}")
    return save(fig, path)
