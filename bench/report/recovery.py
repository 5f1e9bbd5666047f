"""The report's recovery section: a table of what each fault cost, and a timeline of the
interrupted runs (killed attempts hatched, the fault as a red line)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.measure import metrics
from bench.report.context import ReportContext
from bench.report.markdown import fmt, md_table
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


def _f(value, digits: int = 2) -> str:
    return fmt(value, digits)


def recovery_table(cases: list[CaseResult]) -> str:
    """One row per (implementation, fault, workload), in the order they were measured."""
    header = [
        "impl",
        "fault",
        "workload",
        "in flight at fault",
        "re-executed tasks",
        "wasted task-s",
        "resumed after s",
        "fault → done s",
        "submit → done s",
        "resubmitted",
        "outputs identical / load duplicates",
    ]
    rows = []
    for case in recovery_cases(cases):
        run = (case.runs or [{}])[0]
        error = case.error or run.get("error")
        head = [case.impl, FAULT_WORDS.get(case.fault, case.fault), case.workload]
        if error:
            rows.append([*head, f"failed: {error[:140]}", *[""] * 7])
            continue
        check = "–"
        if "load_duplicates" in run:
            same = run.get("identical_to_clean_run")
            check = (
                f"{'yes' if same else 'no' if same is False else '–'} / {run['load_duplicates']}"
            )
        rows.append(
            [
                *head,
                str(run["in_flight_at_fault"]),
                str(run["reexecuted_tasks"]),
                _f(run["wasted_task_s"]),
                _f(run.get("resumed_after_s")),
                _f(run["recovery_s"]),
                _f(run["time_to_completion_s"]),
                str(run.get("resubmitted", 0)),
                check,
            ]
        )
    return md_table(header, rows)


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
        run = case.runs[0]
        origin = run["submit_ns"]
        events = [
            e
            for e in read_events(report_dir / (case.events or ""))
            if e["t_ns"] >= origin and e.get("task_id") is not None
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
    axes[0, 0].set_title(f"Recovery: {cases[0].workload}, fault at the red line")
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

*Wasted task-s*: time spent in attempts whose work was thrown away. *Resubmitted*: reruns or
clears the operator needed. Runs on the `default` config with each implementation's
failure-detection settings (its manifest's `[recovery]`, where each has its reason):

{body}
"""
