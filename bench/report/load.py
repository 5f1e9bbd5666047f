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
from matplotlib.ticker import FuncFormatter, LogLocator

from bench.kit.errors import BenchError
from bench.kit.manifest import load_manifest, variant_ran, words
from bench.measure.load import KEPT_UP, MIN_ARRIVALS, STEP_SECONDS, completed_runs_per_s
from bench.measure.stats import Estimate, estimate, format_estimate
from bench.report.context import ReportContext
from bench.report.markdown import md_table
from bench.report.scenarios import contaminated
from bench.report.style import color, line_style, save
from bench.results import CaseResult

FIGURE = "Throughput and latency under load"
SWEEP_FIGURE = "Queue wait against throughput at steady arrival rates"
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
    "failed batches",
    "contaminated batches",
]


def load_cases(cases: list[CaseResult]) -> list[CaseResult]:
    return [c for c in cases if c.scenario == "load"]


def per_batch(case: CaseResult, figure: str, quantile: str | None = None) -> Estimate | None:
    """The median over the case's measured batches of one figure (a percentile of it)."""
    values = [r[figure][quantile] if quantile else r[figure] for r in case.measured]
    return estimate(values)


def _tried(case: CaseResult) -> list[dict]:
    return [r for r in case.runs if not r.get("warmup")]


def refused(case: CaseResult) -> list[dict]:
    """The measured batches that did not complete: a run refused or lost."""
    return [r for r in _tried(case) if not r.get("complete")]


def failed_batches(case: CaseResult) -> str:
    """The refused batches and the first one's reason: they are left out of the cells
    beside it, so its n is smaller, and a stack that refuses runs under load is itself a
    result."""
    tried, failed = _tried(case), refused(case)
    if not failed:
        return "0"
    first = failed[0]
    reason = first.get("error") or f"runs missing: {first.get('runs_missing', '?')}"
    return f"**{len(failed)}** of {len(tried)}: {reason[:120]}"


def _failed(head: list[str], reason: str, header: list[str]) -> list[str]:
    """A failed case's row: its reason in the first figure's cell, the others empty."""
    return [*head, "failed: " + reason, *[""] * (len(header) - len(head) - 1)]


def _row(case: CaseResult) -> list[str]:
    head = [case.key, case.workload, str(case.batch), str(case.slots)]
    if case.error or not case.measured:
        reason = case.error or "no batch completed: " + failed_batches(case)
        return _failed(head, reason[:160], HEADER)
    cells = [
        per_batch(case, "runs_per_s"),
        per_batch(case, "tasks_per_s"),
        per_batch(case, "run_latency_s", "p50"),
        per_batch(case, "run_latency_s", "p95"),
        per_batch(case, "queue_wait_s", "p50"),
        per_batch(case, "queue_wait_s", "p99"),
    ]
    return [*head, *map(format_estimate, cells), failed_batches(case), contaminated(case)]


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


SWEEP_HEADER = [
    "impl/config",
    "workload",
    "slots",
    "saturation runs/s",
    "saturation tasks/s",
    "saturated in",
    "at ≤ 80 %: runs/s offered",
    "queue wait p50 s",
    "queue wait p99 s",
    "orchestrator cores",
    "contaminated steps",
]


def sweeps(case: CaseResult) -> list[dict]:
    """The measured sweeps of a load case that found a throughput."""
    return [r for r in case.measured if (r.get("saturation") or {}).get("runs_per_s")]


def saturation_of(case: CaseResult, figure: str = "tasks_per_s") -> Estimate | None:
    """The median over the case's sweeps of its saturation throughput (or its lower bound)."""
    return estimate([r["saturation"][figure] for r in sweeps(case)])


def _cores(step: dict) -> float:
    """The orchestrator's CPU over a step in cores (CPU-seconds ÷ the step's drain time)."""
    return step["resources"]["cpu_seconds"] / step["drain_s"]


def sweep_row(case: CaseResult) -> list[str]:
    head = [case.key, case.workload, str(case.slots)]
    done = sweeps(case)
    if not done:
        return _failed(head, (case.error or "no complete sweep")[:120], SWEEP_HEADER)
    found = sum(r["saturation"]["saturated"] for r in done)
    steps = [s for r in done for s in r["steps"]]
    dirty = sum(bool((s.get("resources") or {}).get("contaminated")) for s in steps)
    calm = [
        r["steps"][r["saturation"]["at_80"]] for r in done if r["saturation"]["at_80"] is not None
    ]
    cores = estimate([_cores(s) for s in calm])
    saturated = f"{found} of {len(done)} sweeps" + ("" if found else " (lower bounds: ≥)")
    # a sweep whose last step failed (a run refused or lost) stopped there without a rate
    broken = [r["steps"][-1] for r in done if not r["steps"][-1].get("complete")]
    if broken:
        reason = (broken[0].get("error") or "runs missing")[:90]
        saturated += (
            f"; **{len(broken)}** ended in a failed step at ×{broken[0]['fraction']:g}: {reason}"
        )
    cells = [saturation_of(case, "runs_per_s"), saturation_of(case)]
    cells += [
        estimate([s["offered_runs_per_s"] for s in calm]),
        estimate([s["queue_wait_s"]["p50"] for s in calm]),
        estimate([s["queue_wait_s"]["p99"] for s in calm]),
    ]
    text = list(map(format_estimate, cells))
    polluted = f"**{dirty}** of {len(steps)}" if dirty else "0"
    return [*head, *text[:2], saturated, *text[2:], format_estimate(cores), polluted]


def sweep_figure(cases: list[CaseResult], path: Path) -> Path | None:
    """Each sweep's steps: tasks/s completed against queue wait p99, one line per sweep;
    a ring marks the step the stack fell behind at (its saturation)."""
    drawn = False
    fig, ax = plt.subplots(figsize=(8.5, 4.4))
    for case in cases:
        for number, run in enumerate(sweeps(case)):
            steps = [s for s in run["steps"] if s.get("complete")]
            xs = [s["tasks"] / s["runs"] * completed_runs_per_s(s) for s in steps]
            ys = [s["queue_wait_s"]["p99"] for s in steps]
            ax.plot(xs, ys, color=color(case.key), linestyle=line_style(case.key), marker="o",
                    markersize=3, linewidth=1, label=case.key if number == 0 else None)  # fmt: skip
            if run["saturation"]["saturated"]:
                ax.plot(xs[-1], ys[-1], marker="o", markersize=9, fillstyle="none",
                        color=color(case.key))  # fmt: skip
            drawn = drawn or bool(xs)
    if not drawn:
        plt.close(fig)
        return None
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=0.1)  # a step whose runs never waited sits at 0
    ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 2)
    ax.xaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xlabel("tasks completed per second (open loop: departures, at most the arrivals)")
    ax.set_ylabel("queue wait p99: submit → first task start (s)")
    ax.set_title(
        "Runs arriving at a steady rate: queue wait against throughput (ring: fell behind)"
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return save(fig, path)


def sweep_section(ctx: ReportContext, cases: list[CaseResult]) -> str:
    swept = [c for c in cases if c.rates]
    if not swept:
        return ""
    figure = sweep_figure(swept, ctx.report_dir / "figures" / "load-sweep.png")
    picture = f"\n![{SWEEP_FIGURE}](figures/{figure.name})\n" if figure else ""
    rates = ", ".join(f"{r:g}" for r in swept[0].rates)
    return f"""### Runs arriving at a steady rate (open loop)

After its batch, each sweep offers runs one every 1/λ seconds whatever the stack is doing,
at λ = {rates} × the batch's runs/s (at most {STEP_SECONDS:.0f} s of arrivals a step, at
least {MIN_ARRIVALS} runs), and stops at the first step the stack **fell behind**: runs left
(their last task ended) at under {KEPT_UP * 100:.0f} % of the rate they arrived at, so the backlog
and every later run's queue wait grow for as long as runs keep coming. That step's
departure rate is the **saturation throughput**; where no step fell behind, the most any
step completed is a lower bound, and a sweep that ended in a failed step (a run the
orchestrator refused, or lost) says so beside it. The columns "at ≤ 80 %" read the fastest step offered at
most 80 % of the saturation throughput: its offered rate, its runs' queue wait (p99 of a
step's few runs is close to its worst) and the orchestrator's CPU meanwhile (its
processes' CPU-seconds ÷ the step's drain time). Medians over the sweeps with their 95 %
CIs, n = sweeps; a step during which other programs took more than the limit of CPU is
counted as contaminated (kept, not measured again).

{md_table(SWEEP_HEADER, [sweep_row(c) for c in swept])}
{picture}"""


def other_variants(ctx: ReportContext, cases: list[CaseResult]) -> str:
    """For each implementation with a batch refused or lost, the variants its manifest
    offers besides the one measured: a refusal under load may belong to the variant (an
    embedded database takes one writer at a time) rather than to the orchestrator, so the
    reader is told the other figure exists and which flag measures it."""
    lines = []
    for impl in dict.fromkeys(c.impl for c in cases if c.error or refused(c)):
        try:
            manifest = load_manifest(impl)
        except BenchError:
            continue
        ran = variant_ran(manifest, ctx.results.variants.get(impl))
        others = [v for v in manifest.get("variants") or [] if v != ran]
        if others:
            what = words(impl, "variants")
            lines.append(
                f"- {impl} ran as its `{ran}` variant{f' ({what})' if what else ''}; "
                + "the same cases on another: "
                + ", ".join(f"`--variant {impl}={v}`" for v in others)
            )
    if not lines:
        return ""
    return "Where batches were refused or lost:\n\n" + "\n".join(lines)


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
batches (a batch's runs share one queue and are not pooled as independent samples). A
batch in which the orchestrator refused or lost a run is left out of the cells and counted
under "failed batches" with the first one's reason.

A slot is each implementation's own (from its manifest), and some hold across runs while
others hold per run — read throughput with that in mind:

{slots or "- (not stated by the manifests)"}

{md_table(HEADER, [_row(c) for c in cases])}

{other_variants(ctx, cases)}
{picture}
{sweep_section(ctx, cases)}"""
