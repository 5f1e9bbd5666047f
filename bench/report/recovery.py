"""The report's recovery section: a table of what each fault cost, and a timeline of the
interrupted runs (killed attempts hatched, the fault as a red line)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.measure import metrics
from pipelines.core.instrument import read_events

FAULT_WORDS = {
    "worker": "worker SIGKILL",
    "scheduler": "scheduler SIGKILL + restart",
    "restart": "scheduler SIGTERM + restart",
    "database": "metadata DB SIGKILL + restart",
}


def recovery_cases(results: dict) -> list[dict]:
    return [c for c in results["scenarios"] if c["scenario"] == "recovery"]


def _f(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def recovery_table(results: dict) -> str:
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
    for case in recovery_cases(results):
        run = (case.get("runs") or [{}])[0]
        error = case.get("error") or run.get("error")
        head = [case["impl"], FAULT_WORDS.get(case["fault"], case["fault"]), case["workload"]]
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
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def detection_settings(results: dict) -> list[str]:
    """The failure-detection settings each recovery case ran with, with their reasons."""
    out = []
    seen = set()
    for case in recovery_cases(results):
        for option, value in case.get("settings", {}).items():
            if (case["impl"], option) not in seen:
                seen.add((case["impl"], option))
                out.append(f"- **{case['impl']}**: `{option} = {value}`")
    return out


def recovery_figure(results: dict, path: Path, report_dir: Path) -> Path | None:
    """Each interrupted fan-out run on one time axis: finished attempts solid, attempts
    killed by the fault hatched, the fault a red line."""
    cases = [
        c
        for c in recovery_cases(results)
        if c.get("runs") and c["workload"] != "movies" and not c.get("error")
    ]
    if not cases:
        return None
    fig, axes = plt.subplots(
        len(cases), 1, figsize=(8.5, 1.0 + 1.1 * len(cases)), sharex=True, squeeze=False
    )
    latest = 0.0
    for ax, case in zip(axes[:, 0], cases, strict=True):
        run = case["runs"][0]
        origin = run["submit_ns"]
        events = [
            e
            for e in read_events(report_dir / case["events"])
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
        label = f"{case['impl']}\n{FAULT_WORDS.get(case['fault'], case['fault'])}"
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
        ax.invert_yaxis()
    axes[-1, 0].set_xlabel("seconds since submit (one row per task; hatched: killed attempt)")
    axes[-1, 0].set_xlim(0, latest * 1.03)
    axes[0, 0].set_title(f"Recovery: {cases[0]['workload']}, fault at the red line")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def recovery_section(results: dict) -> str:
    if not recovery_cases(results):
        return "No recovery case in this profile."
    return "\n".join(detection_settings(results)) + "\n\n" + recovery_table(results)
