"""The report's first section: which orchestrator to choose, for what.

Every sentence is generated from this run's results (and the implementations' manifests),
links to the section whose table or figure it summarises, and quotes its numbers as
median [95 % CI] n. A configuration is called the best only when its interval clears
every other's; otherwise the ones it overlaps are named as tied. The plain-Python
reference is shown as the floor but never recommended: it is the absence of an
orchestrator. The predictions come from the model `bench advise` uses (advice.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.kit.errors import BenchError
from bench.kit.manifest import reference_implementation
from bench.measure.stats import Estimate, format_estimate
from bench.report import features
from bench.report.advice import BREAK_EVEN_SHARE, CostModel, Pipeline
from bench.report.catalogue import catalogue_cases, idle, size, triggered
from bench.report.context import ReportContext
from bench.report.load import load_cases, per_batch, saturation_of, sweeps
from bench.report.markdown import anchor, md_table
from bench.report.style import color, line_style, plt, save
from bench.report.summary import fault_to_done
from bench.results import Results

SERIAL = Pipeline(task_seconds=1.0, width=1, depth=10)  # ten tasks, one after another
STAGED = Pipeline(task_seconds=30.0, width=8, depth=4, runs_per_day=24)  # an ETL day
DEADLINE_S = 300.0
FIGURE = "Overhead against task length"
SHARE = f"{BREAK_EVEN_SHARE * 100:.0f} %"


def link(title: str) -> str:
    return f"[{title}]({anchor(title)})"


def ranked(values: dict[str, Estimate]) -> tuple[str, list[str]]:
    """(the lowest, the others whose interval overlaps it)."""
    order = sorted(values, key=lambda k: values[k].median)
    best = values[order[0]]
    return order[0], [k for k in order[1:] if values[k].overlaps(best)]


def names(keys: list[str]) -> str:
    quoted = [f"**{k}**" for k in keys]
    return ", ".join(quoted[:-1]) + (" and " if len(quoted) > 1 else "") + quoted[-1]


def lowest(values: dict[str, Estimate], unit: str = " s") -> str:
    """ "**x** (value)" or "**x** (value), tied within the CIs with **y**"."""
    best, tied = ranked(values)
    said = f"{names([best])} ({format_estimate(values[best], unit)})"
    return said + (f", tied within the CIs with {names(tied)}" if tied else "")


def is_orchestrator(key: str) -> bool:
    """`impl` or `impl/config` of a real orchestrator, not the plain-Python reference."""
    try:
        return key.split("/")[0] != reference_implementation()
    except BenchError:
        return True


def orchestrators(values: dict[str, Estimate | None]) -> dict[str, Estimate]:
    """The measured values of real orchestrators."""
    return {k: v for k, v in values.items() if v and is_orchestrator(k)}


def short_tasks(models: dict[str, CostModel]) -> tuple[str, str]:
    serial = {k: m.predict(SERIAL).break_even_s for k, m in models.items()}
    staged = {k: m.predict(STAGED).break_even_s for k, m in models.items()}
    rows = [
        [k, str(m.edge), str(m.dispatch), str(serial[k]), str(staged[k])] for k, m in models.items()
    ]
    header = [
        "impl/config",
        "wait per stage, s",
        "cost per further task, s",
        f"break-even task, s: {SERIAL.depth} in a chain",
        f"break-even task, s: {STAGED.depth} stages × {STAGED.width}",
    ]
    # per config, the break-even of whichever shape needs the longer tasks
    worst = orchestrators({k: max(serial[k], staged[k], key=lambda e: e.median) for k in models})
    if not worst:
        return "", ""
    longest = max(e.high for e in worst.values())
    quick = [k for k, e in worst.items() if e.high < 1]
    text = (
        f"With tasks of {longest:.2g} s or longer, every orchestrator configuration here keeps "
        f"its overhead under {SHARE} of the run in both shapes; below a second per task "
        + (f"only {names(quick)} do." if quick else "none does.")
        + f" Shortest break-even: {lowest(worst)}."
    )
    bullet = (
        "**Short tasks (under a second) or many small ones** — shortest break-even task "
        f"length: {lowest(worst)}."
    )
    return (
        bullet,
        f"""### Short tasks: what each stage and each task costs

Two costs describe an orchestrator's overhead in this run: the *wait per stage* (from a
task's end to its ready successor's start) and the *cost per further task* of a stage,
fitted to the overhead of every timed run ({link("Scenarios")}; the model and how well it
fits: {link("What the predictions assume")}). The *break-even task length* is the shortest
task for which that overhead stays under {SHARE} of the run.

{md_table(header, rows)}

{text} See {link(FIGURE)}.
""",
    )


def a_day_of_runs(models: dict[str, CostModel]) -> tuple[str, str]:
    predicted = {k: m.predict(STAGED) for k, m in models.items()}
    rows = [
        [
            k,
            str(p.makespan),
            str(p.overhead),
            str(p.submit_to_done),
            format_estimate(p.cpu_hours_per_day),
            p.deadline(DEADLINE_S),
        ]
        for k, p in predicted.items()
    ]
    header = [
        "impl/config",
        "makespan s",
        "overhead s",
        "submit → done s",
        "orchestrator CPU-h per day",
        f"done within {DEADLINE_S:.0f} s",
    ]
    cpu = orchestrators({k: p.cpu_hours_per_day for k, p in predicted.items()})
    command = (
        f"bench advise RUN_DIR --task-seconds {STAGED.task_seconds:g} --width {STAGED.width} "
        f"--depth {STAGED.depth} --runs-per-day {STAGED.runs_per_day:g} --deadline {DEADLINE_S:g}"
    )
    least = f"Least orchestrator CPU a day: {lowest(cpu, ' CPU-h')}." if cpu else ""
    overheads = orchestrators({k: p.overhead for k, p in predicted.items()})
    medians = [e.median for e in overheads.values()] or [0.0]
    bullet = (
        f"**Tasks of {STAGED.task_seconds:g} s, {STAGED.runs_per_day:g} runs a day** — the "
        f"orchestrators' predicted overheads differ by {max(medians) - min(medians):.2g} s "
        f"in a run of at least {STAGED.lower_bound(min(m.slots for m in models.values())):.0f} s; "
        f"least CPU spent on orchestration: {lowest(cpu, ' CPU-h a day')}."
        if cpu
        else ""
    )
    return (
        bullet,
        f"""### A day of runs: {STAGED.describe()}

Predicted from the same fit, with {slots(models)} slots; any other pipeline: `{command}`.
CPU-hours count the orchestrator's own processes — idle services around the clock (one
5 s idle sample, hence n=1) and each run — not the tasks' work, which is the same everywhere.

{md_table(header, rows)}

{least}
""",
    )


def slots(models: dict[str, CostModel]) -> str:
    return "/".join(sorted({str(m.slots) for m in models.values()}))


def footprint(results: Results) -> tuple[str, str]:
    idle = {
        c.key: (c.idle_cores, c.idle_resources["peak_rss_mib"])
        for c in results.scenarios
        if c.idle_cores is not None
    }
    if not idle:
        return "", ""
    running = {k: v for k, v in sorted(idle.items(), key=lambda kv: kv[1][1]) if v[1] > 0}
    said = "; ".join(
        f"**{k}** {cores:.2f} cores, {rss:.0f} MiB" for k, (cores, rss) in running.items()
    )
    nothing = [k for k, (_, rss) in idle.items() if rss == 0]
    text = f"Idle, with nothing submitted, the services hold (least memory first): {said} (one 5 s sample each, n=1)."
    if nothing:
        text += f" {names(nothing)} keep nothing running between runs."
    real = [k for k in running if is_orchestrator(k)]
    impl = real[0].split("/")[0] if real else ""
    held = sorted(rss for k, (_, rss) in running.items() if k.split("/")[0] == impl)
    bullet = (
        f"**Smallest always-on footprint** — **{impl}** "
        f"({_span(held)} MiB idle over its configs, n=1 each)."
        if impl
        else ""
    )
    return bullet, f"### Always-on cost\n\n{text} See {link('Resources')}.\n"


def _span(values: list[float]) -> str:
    low, high = f"{min(values):.0f}", f"{max(values):.0f}"
    return low if low == high else f"{low}–{high}"


def recovery(results: Results) -> tuple[str, str]:
    measured = {k: v for k, v in fault_to_done(results).items() if v}
    real = orchestrators(measured)
    if not real:
        return "", ""
    order = sorted(real, key=lambda k: real[k].median)
    floor = [k for k in measured if k not in real]
    unmeasured = [i for i in results.case_impls if i not in measured]
    said = "; ".join(f"**{k}** {format_estimate(real[k], ' s')}" for k in order)
    if floor:
        said += f" (no orchestrator, {floor[0]}: {format_estimate(measured[floor[0]], ' s')})"
    if unmeasured:
        said += f". Not measured: {', '.join(unmeasured)} (its manifest lists no worker fault)"
    text = (
        "A worker killed mid fan-out (default configs, the same failure-detection cadence), "
        f"fault → done: {said}."
    )
    bullet = f"**Fastest recovery from a lost worker** — fault → done: {lowest(real)}."
    return bullet, f"### Recovery from a lost worker\n\n{text} See {link('Recovery')}.\n"


def throughput(results: Results) -> tuple[str, str]:
    """Runs per second at the batch size where each configuration drained fastest."""
    best: dict[str, tuple[Estimate, int]] = {}
    for case in load_cases(results.scenarios):
        est = per_batch(case, "runs_per_s")
        if est and (case.key not in best or est.median > best[case.key][0].median):
            best[case.key] = (est, case.batch)
    real = orchestrators({k: e for k, (e, _) in best.items()})
    if not real:
        return "", ""
    order = sorted(real, key=lambda k: -real[k].median)
    top = real[order[0]]
    tied = [k for k in order[1:] if real[k].overlaps(top)]
    said = "; ".join(
        f"**{k}** {format_estimate(e, ' runs/s')} ({b} at once)"
        for k, (e, b) in sorted(best.items(), key=lambda kv: -kv[1][0].median)
    )
    bullet = f"**Most runs at once** — highest throughput: {names([order[0]])} ({format_estimate(top, ' runs/s')})"
    if any(e.n < 2 for e in real.values()):  # one batch has no interval: nothing is ranked
        bullet += "; one batch each, so not a ranking."
    else:
        bullet += f", tied within the CIs with {names(tied)}." if tied else "."
    text = (
        "Batches of runs submitted at once, the batch size each drained fastest at "
        f"(runs per second, median over batches): {said}."
    )
    return bullet, f"### Many runs at once\n\n{text} See {link('Load: runs submitted at once')}.\n"


def sustained(results: Results) -> tuple[str, str]:
    """Saturation throughput in tasks/s of the open-loop sweeps (bench.report.load)."""
    cases = [c for c in load_cases(results.scenarios) if c.rates]
    found = {c.key: (e, c) for c in cases if (e := saturation_of(c))}
    real = orchestrators({k: e for k, (e, _) in found.items()})
    if not real:
        return "", ""
    order = sorted(real, key=lambda k: -real[k].median)
    top = real[order[0]]
    bounds = {
        k for k, (_, c) in found.items() if not any(r["saturation"]["saturated"] for r in sweeps(c))
    }
    said = "; ".join(
        f"**{k}** {'≥ ' if k in bounds else ''}{format_estimate(e, ' tasks/s')}"
        for k, (e, _) in sorted(found.items(), key=lambda kv: -kv[1][0].median)
    )
    bullet = f"**Highest sustained rate** — saturation throughput: {names([order[0]])} ({format_estimate(top, ' tasks/s')})"
    if any(e.n < 2 or not e.resampled for e in real.values()) or bounds & set(real):
        bullet += "; one sweep each or a lower bound among them, so not a ranking."
    else:
        tied = [k for k in order[1:] if real[k].overlaps(top)]
        bullet += f", tied within the CIs with {names(tied)}." if tied else "."
    text = (
        "Runs arriving at a steady rate, raised step by step until the stack fell behind "
        f"(tasks per second it then completed, median over sweeps; ≥: it never fell behind): {said}."
    )
    title = "Runs arriving at a steady rate (open loop)"
    return bullet, f"### Sustained load\n\n{text} See {link(title)}.\n"


def many_pipelines(results: Results) -> tuple[str, str]:
    """The largest catalogue measured (bench.report.catalogue): where a run among those
    pipelines starts soonest (n = its runs, with CIs); what listing them all and idling
    with them cost, stated per configuration (one stack each: n = 1, not ranked)."""
    done = [c for c in catalogue_cases(results.scenarios) if c.runs and c.runs[0].get("complete")]
    largest = max((size(c) for c in done), default=0)
    at = {c.key: c.runs[0] for c in done if size(c) == largest}
    starts = orchestrators({k: triggered(run, "until_start_s") for k, run in at.items()})
    if not starts:
        return "", ""
    order = sorted(starts, key=lambda k: starts[k].median)
    top = starts[order[0]]
    bullet = (
        f"**Many pipelines** — with {largest:,} deployed, a run among them starts soonest on "
        f"{names([order[0]])} ({format_estimate(top, ' s')} from submit to its task)"
    )
    tied = [k for k in order[1:] if starts[k].overlaps(top)]
    if any(not e.resampled for e in starts.values()):
        bullet += "; too few runs each, so not a ranking."
    else:
        bullet += f", tied within the CIs with {names(tied)}." if tied else "."
    said = "; ".join(
        f"**{k}** listed all {largest:,} in {run['until_known_s']:.3g} s and idled at "
        f"{idle(run, 'idle_after', 'cores'):.2g} cores, {idle(run, 'idle_after', 'rss'):.0f} MiB "
        f"(nothing deployed: {idle(run, 'idle_before', 'cores'):.2g} cores, "
        f"{idle(run, 'idle_before', 'rss'):.0f} MiB)"
        for k, run in sorted(at.items())
    )
    text = f"One stack each, measured once (n = 1): {said}."
    return bullet, f"### Many pipelines\n\n{text} See {link('Many pipelines in one stack')}.\n"


def _verdicts(results: Results, check: Callable[[Results, str], str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"yes": [], "no": [], "in containers only": [], "not probed": []}
    for impl in results.case_impls:
        said = check(results, impl)
        fallback = "not probed" if "not probed" in said else "no"
        # a whole word: "not probed in this run" starts with "no" too (it was counted as no)
        kind = (k for k in out if said == k or said.startswith((f"{k}:", f"{k} ")))
        out[next(kind, fallback)].append(impl)
    return out


CAPABILITIES = [
    ("Starts runs on a calendar by itself", features.own_schedule),
    ("Backfills a date range in one request", features.calendar),
    ("Spreads one run's tasks over several workers", features.runs_on_many_workers),
    ("Retries a failed task by itself", features.retries),
    ("Fans out over a count decided at run time", features.dynamic_fanout),
    ("Shows a run and its tasks in its web UI", features.dashboard),
    ("Serves a task's log in its web UI", features.logs_in_ui),
]


def capabilities(results: Results) -> tuple[str, str]:
    lines, yes = [], []
    for label, check in CAPABILITIES:
        said = _verdicts(results, check)
        parts = [f"{kind}: {', '.join(impls)}" for kind, impls in said.items() if impls]
        lines.append(f"- {label} — " + "; ".join(parts) + ".")
        yes.append(said["yes"])
    both = [i for i in yes[0] if i in yes[1]]  # a calendar of its own, and backfill
    bullet = (
        f"**Calendar scheduling and backfill built in**: {names(both)}."
        if both
        else "**Calendar scheduling and backfill built in**: none of those measured."
    )
    return bullet, (
        "### Scheduling, backfill and scale-out\n\n"
        + "\n".join(lines)
        + f"\n\nSee {link('Feature table, checked')}.\n"
    )


def overhead_figure(models: dict[str, CostModel], path: Path) -> Path | None:
    """Share of the run that is overhead, against task length, for the staged pipeline:
    where a curve crosses the dotted line is that configuration's break-even task length."""
    if not models:
        return None
    lengths = np.logspace(-2, 3, 41)
    fig, ax = plt.subplots(figsize=(8.5, 4.6))
    for key, model in models.items():
        share = [
            model.predict(Pipeline(float(d), STAGED.width, STAGED.depth)).overhead_share
            for d in lengths
        ]
        style = {"color": color(key)}
        ax.plot(lengths, [e.median for e in share], linestyle=line_style(key), label=key, **style)
        ax.fill_between(
            lengths, [e.low for e in share], [e.high for e in share], alpha=0.15, **style
        )
    ax.axhline(BREAK_EVEN_SHARE, color="black", linestyle=":", linewidth=1)
    ax.text(lengths[-1], BREAK_EVEN_SHARE * 1.15, f"{SHARE} of the run", fontsize=8, ha="right")
    ax.set(xscale="log", yscale="log", ylim=(1e-5, 1.2))
    ax.set_xlabel("seconds per task")
    ax.set_ylabel("overhead ÷ makespan (band: 95 % CI)")
    ax.set_title(
        f"{STAGED.depth} stages × {STAGED.width} tasks on {slots(models)} slots: the orchestrator's share of a run"
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return save(fig, path)


def section(ctx: ReportContext) -> str:
    models = ctx.models
    figure = overhead_figure(models, ctx.report_dir / "figures" / "overhead_share.png")
    picture = (
        f"#### {FIGURE}\n\n![{FIGURE}](figures/{figure.name})\n\nWhere a curve crosses the "
        "dotted line is that configuration's break-even task length; left of it, the "
        "orchestrator takes more than a tenth of every run.\n"
        if figure
        else ""
    )
    found = [short_tasks(models), a_day_of_runs(models)] if models else []
    found += [footprint(ctx.results), throughput(ctx.results), sustained(ctx.results)]
    found += [many_pipelines(ctx.results)]
    found += [recovery(ctx.results), capabilities(ctx.results)]
    bullets = "\n".join(f"- {bullet}" for bullet, _ in found if bullet)
    details = [text for _, text in found if text]
    if details and picture:
        details.insert(1, picture)
    return "\n".join(
        [
            f"""## Which to choose, for what

What this run measured, read for a decision: every statement is generated from the results,
links to the section behind it, and gives its numbers as median [95 % CI] n; one
configuration is called the lowest only when no other's interval overlaps it. The
plain-Python reference is shown as the floor, not as a choice.

{bullets}
""",
            *details,
        ]
    )


def assumptions(ctx: ReportContext) -> str:
    """The model behind the predictions, and how well it reproduces the measured cases."""
    if not ctx.models:
        return ""
    rows = [
        [key, workload, str(measured), f"{modelled:.2g}"]
        for key, model in ctx.models.items()
        for workload, measured, modelled in model.check()
    ]
    return f"""## What the predictions assume

A pipeline of D stages of W tasks (each stage waits for the one before), every task d
seconds of waiting work, run with the measured slots. The least any scheduler needs is
L = D × ⌈W / slots⌉ × d; the orchestrator adds overhead = wait per stage × (D − 1) +
cost per further task × (N − D), N = W × D, fitted by least squares to every measured run
of the chain and fan-outs of no-op or sleeping tasks. Its own CPU per run is fitted as
fixed + per-task × N, plus the idle CPU around the clock. Intervals: a seeded bootstrap
resampling runs within each case. The break-even task length is the d at which overhead
is {SHARE} of the makespan. CPU-bound tasks are outside the model (see the CPU efficiency in
the summary). How far the two fitted costs are from each measured case:

{md_table(["impl/config", "workload", "measured overhead s", "model s"], rows)}
"""
