"""The report's recovery section: a table of what each fault cost, and a timeline of the
interrupted runs (killed attempts hatched, the fault as a red line)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.measure import metrics
from bench.measure.stats import estimate, format_estimate
from bench.report.context import ReportContext
from bench.report.figures import run_events
from bench.report.markdown import md_table
from bench.report.style import save
from bench.results import CaseResult
from pipelines.core.instrument import read_events

FAULT_WORDS = {
    "worker": "worker SIGKILL",
    "scheduler": "scheduler SIGKILL + restart",
    "restart": "scheduler SIGTERM + restart",
    "database": "metadata DB SIGKILL + restart",
}


def recovery_cases(cases: list[CaseResult]) -> list[CaseResult]:
    return [c for c in cases if c.scenario == "recovery"]


HEADER = [
    "impl",
    "fault",
    "workload",
    "running at the fault",
    "detection latency s",
    "fault → done s",
    "re-executed finished tasks",
    "wasted task-s",
    "harness retries",
    "outputs identical / load duplicates",
]


def _cell(runs: list[dict], metric: str) -> str:
    return format_estimate(estimate([r[metric] for r in runs if r.get(metric) is not None]))


def _outputs(runs: list[dict]) -> str:
    checked = [r for r in runs if "load_duplicates" in r]
    if not checked:
        return "–"
    same = sum(1 for r in checked if r.get("identical_to_clean_run"))
    duplicates = sum(r["load_duplicates"] for r in checked)
    return f"{same} of {len(checked)} / {duplicates}"


def recovery_table(cases: list[CaseResult]) -> str:
    """One row per (implementation, fault, workload), in the order they were measured; each
    cell the median over the case's repetitions, with its CI and n."""
    rows = []
    for case in recovery_cases(cases):
        done = [r for r in case.runs if not r.get("error")]
        head = [case.impl, FAULT_WORDS.get(case.fault, case.fault), case.workload]
        failed = [r.get("error", "") for r in case.runs if r.get("error")]
        if case.error or not done:
            reason = case.error or (failed[0] if failed else "no run")
            rows.append([*head, f"failed: {reason[:140]}", *[""] * (len(HEADER) - 4)])
            continue
        rows.append(
            [
                *head,
                _cell(done, "in_flight_at_fault"),
                _cell(done, "detection_latency_s"),
                _cell(done, "recovery_s"),
                _cell(done, "reexecuted_finished_tasks"),
                _cell(done, "wasted_task_s"),
                _cell(done, "harness_retries"),
                _outputs(done) + (f" ({len(failed)} failed)" if failed else ""),
            ]
        )
    return md_table(HEADER, rows)


def detection_settings(cases: list[CaseResult]) -> list[str]:
    """The failure-detection settings each recovery case ran with, with their reasons."""
    out = []
    seen = set()
    for case in recovery_cases(cases):
        for option, value in (case.settings or {}).items():
            if (case.impl, option) not in seen:
                seen.add((case.impl, option))
                out.append(f"- **{case.impl}**: `{option} = {value}`")
    return out


def _median_repetition(case: CaseResult) -> dict:
    """The repetition whose fault → done is the median (lower middle), else the first."""
    done = sorted(
        (r for r in case.runs if r.get("recovery_s") is not None), key=lambda r: r["recovery_s"]
    )
    return done[(len(done) - 1) // 2] if done else case.runs[0]


def recovery_figure(cases: list[CaseResult], path: Path, report_dir: Path) -> Path | None:
    """Each interrupted fan-out run on one time axis: finished attempts solid, attempts
    killed by the fault hatched, the fault a red line."""
    cases = [c for c in recovery_cases(cases) if c.runs and c.workload != "movies" and not c.error]
    if not cases:
        return None
    fig, axes = plt.subplots(
        len(cases), 1, figsize=(8.5, 1.0 + 1.1 * len(cases)), sharex=True, squeeze=False
    )
    latest = 0.0
    for ax, case in zip(axes[:, 0], cases, strict=True):
        run = _median_repetition(case)
        origin = run["submit_ns"]
        events = [
            e
            for e in run_events(read_events(report_dir / (case.events or "")), origin)
            if e.get("task_id") is not None
        ]
        spans = metrics.attempt_spans(events)
        for y, task in enumerate(sorted(spans)):
            for start, end in spans[task]:
                killed = end is None
                stop = run["fault_ns"] if killed else end
                latest = max(latest, (stop - origin) / 1e9)
                ax.barh(
                    y,
                    (stop - start) / 1e9,
                    left=(start - origin) / 1e9,
                    height=0.8,
                    color="white" if killed else "#4c72b0",
                    edgecolor="#c44e52" if killed else "#4c72b0",
                    hatch="///" if killed else None,
                )
        ax.axvline((run["fault_ns"] - origin) / 1e9, color="#c44e52", linewidth=1.5)
        ax.set_yticks([])
        label = f"{case.impl}\n{FAULT_WORDS.get(case.fault, case.fault)}"
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
        ax.invert_yaxis()
    axes[-1, 0].set_xlabel("seconds since submit (one row per task; hatched: killed attempt)")
    axes[-1, 0].set_xlim(0, latest * 1.03)
    axes[0, 0].set_title(
        f"Recovery: {cases[0].workload}, the median repetition; fault at the red line"
    )
    return save(fig, path)


def section(ctx: ReportContext) -> str:
    """The section: what recovery means per implementation, the settings, the table."""
    cases = recovery_cases(ctx.results.scenarios)
    if not cases:
        body = "No recovery case in this profile."
    else:
        body = "\n".join(detection_settings(cases)) + "\n\n" + recovery_table(cases)
    actions = "\n".join(f"- **{impl}**: {text}" for impl, text in ctx.described("recovery"))
    return f"""## Recovery

A component is hit in the middle of a run; recovery is what the orchestrator does by itself
plus the usual operator action:

{actions or "- (not stated by the manifests)"}

The worker-kill repetitions and then the scheduler crash's (and the clean restart's, in the
full profile) run one after the other on one stack, each once the previous one's tasks and
slots are free; the database outage and the movie pipeline's kill get a fresh stack per
repetition. The fault hits at a random moment, a quarter to three quarters of a task's
duration after the second wave's first task started (the fan-out has more tasks than
slots, so some have finished by then and a rerun that starts them again shows it; in the
first wave nothing has finished yet). *Running at the fault*:
task attempts started and not ended when it hit (killed, or going on without a
scheduler). *Detection latency*: fault → the first restart of one of those tasks. *Fault →
done*: fault → the run's last task end. *Re-executed finished tasks*: tasks started again
after they had finished. *Wasted task-s*: time in attempts whose work was thrown away (a
killed attempt up to the fault). *Harness retries*: how often the harness — standing in
for cron or an operator, one second apart — submitted or cleared the run again. Runs on
the `default` config with each implementation's failure-detection settings (its
manifest's `[recovery]`, where each has its reason):

{body}
"""
