"""The report's opening: what was run, the summary table, and the figures."""

from __future__ import annotations

from bench.measure.stats import Estimate, estimate, format_estimate
from bench.report.context import ReportContext
from bench.report.figures import CAPTIONS
from bench.report.headline import Headline, headline_numbers, movie_phases
from bench.report.markdown import md_table, measured_columns
from bench.results import Results


def header(ctx: ReportContext) -> str:
    r = ctx.results
    return f"""# Orchestrator comparison ({r.profile} profile)

Run {r.started_at} → {r.finished_at} on {r.provenance["machine"]["cores"]} cores. Every figure
is computed from `results.json` beside this file and the event logs it names (one JSON line
per task start and end, written inside every task on one clock). {r.repeat} measured
run(s) per case{_warmup(r)}; medians with 95 % confidence intervals.
"""


def _warmup(results) -> str:
    """What came before the measured runs: a discarded warm-up, or (the quick profile)
    nothing, which the reader must know."""
    runs = [run for series in results.movies.values() for run in series.runs]
    runs += [run for case in results.scenarios for run in case.runs]
    if any(run.get("warmup") for run in runs):
        return " after a discarded warm-up run on each stack"
    return (
        " **without a warm-up run**: every first run, measured, met cold caches and"
        " unparsed pipelines"
    )


def fault_to_done(results: Results) -> dict[str, Estimate | None]:
    """Fault → done after the worker is killed mid-fan-out (default config), per impl."""
    out: dict[str, list[float]] = {}
    for c in results.cases("recovery"):
        if c.fault == "worker" and c.workload != "movies":
            out.setdefault(c.impl, []).extend(
                r["recovery_s"] for r in c.runs if not r.get("error") and r.get("recovery_s")
            )
    return {impl: estimate(values) for impl, values in out.items()}


HEADER = [
    "impl",
    "config",
    "start-up s",
    "movies pipeline s",
    "trigger latency s",
    "inter-task p50 s",
    "inter-task p95 s (pooled; n = edges)",
    "efficiency at {w} slots",
    "overhead at {w} slots, s",
    "CPU efficiency at {c} slots",
    "fault → done after a worker kill, s",
    "identical results",
]


def section(ctx: ReportContext) -> str:
    r = ctx.results
    headline, recovered = headline_numbers(r), fault_to_done(r)
    widest = max((c.slots for c in r.cases("parallelism")), default=0)
    cpu = max((c.slots for c in r.cases("cpu")), default=2)
    rows = []
    for key, series in r.movies.items():
        h = headline.get(key, Headline())
        rows.append(
            [
                series.impl,
                series.config,
                format_estimate(movie_phases(series).startup),
                format_estimate(movie_phases(series).pipeline),
                format_estimate(h.trigger_latency),
                format_estimate(h.inter_task_p50),
                format_estimate(h.inter_task_p95),
                format_estimate(h.efficiency.get(widest)),
                format_estimate(h.overhead.get(widest)),
                format_estimate(h.cpu_efficiency.get(cpu)),
                format_estimate(recovered.get(series.impl)) if series.config == "default" else "–",
                "yes" if series.identical_results else "**NO**",
            ]
        )
    # a column no row measured is left out (scaleout has no chain or fan-out headline)
    header, rows = measured_columns([h.format(w=widest, c=cpu) for h in HEADER], rows, ALWAYS_SHOWN)
    execution = "\n".join(f"- **{impl}**: {text}" for impl, text in ctx.described("execution"))
    return f"""## Summary

{md_table(header, rows)}

Each cell: the median over independent measured runs, its 95 % bootstrap confidence
interval in brackets, and n (`n=1`: a single run, no interval); digits stop where the
interval does. *movies pipeline*: the real pipeline on {r.dataset["name"]} (submit → done).
*trigger* and *inter-task*: the chain of no-op tasks (p95 from every edge of every run pooled;
its CI resamples whole runs, and its n counts the edges).
*efficiency* E(w) = L(w) / makespan, where L(w) is the least time any scheduler needs for
the work with w slots (critical path, or the work spread over min(w, cores)): 1 means no
overhead, and it can never exceed 1. *overhead*: makespan − L(w). *identical results*:
quarantine counts, curated tables, metrics, published model and recommendations equal the
reference implementation's.

CPU-bound tasks cannot use more than the machine's cores, and tasks that run as threads of
one Python process cannot use more than one (the GIL) — the lower bound counts the cores,
not the threads, so such an executor shows a low CPU efficiency, as measured. The CPU-bound
case runs on each default config and on configs that execute tasks their own way (an
`execution` of their own in the manifest): a tuned config that changes polling runs its tasks
as its default does, and its CPU cell is –. How each implementation executes its tasks:

{execution or "- (not stated by the manifests)"}

{_figures(ctx)}
"""


ALWAYS_SHOWN = 4  # impl, config, start-up, movies pipeline: every profile measures them


def _figures(ctx: ReportContext) -> str:
    return "\n\n".join(
        f"### {title}\n\n![{title}]({path.relative_to(ctx.report_dir)})\n\n*{CAPTIONS.get(title, '')}*"
        for title, path in ctx.figures.items()
    )
