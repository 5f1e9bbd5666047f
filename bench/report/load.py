"""The report's load section: batches of runs submitted at once (bench.measure.load).

Each batch is one repetition. Throughput and the run-latency percentiles are computed per
batch, and every cell is the median over the batches with its 95 % CI and n = batches: the
runs of one batch share a queue, so they are not independent samples of anything and are
not pooled into a CI. The figure puts each configuration's throughput against its run
latency, one point per batch size: moving right is more work done per second, moving up is
each run waiting longer for it.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.measure.stats import Estimate, estimate, format_estimate
from bench.report.context import ReportContext
from bench.report.markdown import md_table
from bench.report.scenarios import contaminated
from bench.report.style import color, line_style, save
from bench.results import CaseResult

FIGURE = "Throughput and latency under load"
HEADER = [
    "impl/config",
    "workload",
    "runs at once",
    "slots",
    "runs/s",
    "tasks/s",
    "run latency p50 s",
    "run latency p95 s",
    "queue wait p50 s",
    "queue wait p99 s",
    "contaminated batches",
]


def load_cases(cases: list[CaseResult]) -> list[CaseResult]:
    return [c for c in cases if c.scenario == "load"]


def per_batch(case: CaseResult, figure: str, quantile: str | None = None) -> Estimate | None:
    """The median over the case's measured batches of one figure (a percentile of it)."""
    values = [r[figure][quantile] if quantile else r[figure] for r in case.measured]
    return estimate(values)


def _row(case: CaseResult) -> list[str]:
    head = [case.key, case.workload, str(case.batch), str(case.slots)]
    if case.error or not case.measured:
        return [*head, "failed: " + (case.error or "incomplete")[:120], *[""] * 6]
    cells = [
        per_batch(case, "runs_per_s"),
        per_batch(case, "tasks_per_s"),
        per_batch(case, "run_latency_s", "p50"),
        per_batch(case, "run_latency_s", "p95"),
        per_batch(case, "queue_wait_s", "p50"),
        per_batch(case, "queue_wait_s", "p99"),
    ]
    return [*head, *map(format_estimate, cells), contaminated(case)]


def load_figure(cases: list[CaseResult], path: Path) -> Path | None:
    """Median throughput against median run-latency p95 per batch size, whiskers the CIs."""
    by_key: dict[str, list[CaseResult]] = {}
    for case in cases:
        if case.measured:
            by_key.setdefault(case.key, []).append(case)
    if not by_key:
        return None
    fig, ax = plt.subplots(figsize=(8.5, 4.4))
    for key, series in sorted(by_key.items()):
        points = [
            (per_batch(c, "runs_per_s"), per_batch(c, "run_latency_s", "p95"), c.batch)
            for c in sorted(series, key=lambda c: c.batch)
        ]
        points = [(x, y, b) for x, y, b in points if x and y]
        xs, ys = [x.median for x, _, _ in points], [y.median for _, y, _ in points]
        ax.errorbar(
            xs,
            ys,
            xerr=[
                [x.median - x.low for x, _, _ in points],
                [x.high - x.median for x, _, _ in points],
            ],
            yerr=[
                [y.median - y.low for _, y, _ in points],
                [y.high - y.median for _, y, _ in points],
            ],
            color=color(key),
            linestyle=line_style(key),
            marker="o",
            capsize=3,
            label=key,
        )
        for x, y, batch in points:
            ax.annotate(f"{batch}", (x.median, y.median), fontsize=7, xytext=(4, 3),
                        textcoords="offset points")  # fmt: skip
    ax.set(xscale="log", yscale="log")
    ax.set_xlabel("throughput: runs completed per second (batch ÷ drain time)")
    ax.set_ylabel("run latency p95: submit → last task end (s)")
    ax.set_title("Runs submitted at once: throughput against latency (label: runs at once)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return save(fig, path)


def section(ctx: ReportContext) -> str:
    cases = ctx.results.in_table_order(load_cases(ctx.results.scenarios))
    if not cases:
        return ""
    figure = load_figure(cases, ctx.report_dir / "figures" / "load.png")
    picture = f"\n![{FIGURE}](figures/{figure.name})\n" if figure else ""
    slots = "\n".join(f"- {impl}: {text}" for impl, text in ctx.described("slots"))
    return f"""## Load: runs submitted at once

A batch of runs of one small workload is submitted back to back once the stack is idle,
then waited for together; the next batch waits until it has drained (closed loop). Each
task's events name the run it belongs to, so every run's **latency** (its submit → its last
task's end) and **queue wait** (its submit → its first task's start) come from the one event
log. **runs/s** is the batch ÷ its drain time (first submit → last task end); tasks/s counts
every task of every run. Every cell is the median over the batches with its 95 % CI, n =
batches (a batch's runs share one queue and are not pooled as independent samples).

A slot is each implementation's own (from its manifest), and some hold across runs while
others hold per run — read throughput with that in mind:

{slots or "- (not stated by the manifests)"}

{md_table(HEADER, [_row(c) for c in cases])}
{picture}"""
