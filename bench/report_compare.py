"""The comparison report: built only from results.json, so it can be rebuilt at any time."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PHASES = (
    ("startup_seconds", "services start-up"),
    ("run_seconds", "pipeline"),
    ("stop_seconds", "stop"),
)


def wall_time_figure(results: dict, path: Path) -> Path:
    """Stacked horizontal bars: start-up + pipeline + stop medians, IQR whiskers per phase."""
    summary = results["summary"]
    names = list(summary)
    fig, ax = plt.subplots(figsize=(8, 0.8 + 0.7 * len(names)))
    left = [0.0] * len(names)
    colors = ("#9bb7d4", "#2f6fad", "#cfcfcf")
    for (phase, label), color in zip(PHASES, colors, strict=True):
        med = [summary[n][phase][0] for n in names]
        low = [summary[n][phase][0] - summary[n][phase][1] for n in names]
        high = [summary[n][phase][2] - summary[n][phase][0] for n in names]
        ax.barh(
            names,
            med,
            left=left,
            color=color,
            label=label,
            xerr=[low, high],
            capsize=3,
            error_kw={"elinewidth": 1, "ecolor": "#333333"},
        )
        left = [a + b for a, b in zip(left, med, strict=True)]
    for y, total in enumerate(left):
        ax.text(total, y, f"  {total:.1f} s", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("seconds (median of measured runs; whiskers: interquartile range)")
    ax.set_title(f"One full pipeline run on {results['dataset']['name']}")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_xlim(0, max(left) * 1.2 if left else 1)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def write_report(report_dir: Path, results: dict) -> Path:
    figure = wall_time_figure(results, report_dir / "figures" / "wall_time.png")
    prov = results["provenance"]
    machine = prov["machine"]
    rows = []
    for impl, s in results["summary"].items():
        cells = " | ".join(f"{s[p][0]:.2f} ({s[p][1]:.2f}–{s[p][2]:.2f})" for p, _ in PHASES)
        same = "yes" if s["identical_results"] else "**NO**"
        rows.append(f"| {impl} | {cells} | {s['runs_ok']} | {s['runs_failed']} | {same} |")
    differences = [
        f"- {impl}: differs in {', '.join(checks)}"
        for impl, checks in results["differences_from_reference"].items()
        if checks
    ]
    versions = ", ".join(f"{o['package']} {o['version']}" for o in prov["orchestrators"].values())
    text = f"""# Orchestrator comparison: {results["dataset"]["name"]}

Run {results["started_at"]} → {results["finished_at"]}, {results["repeat"]} measured runs per
implementation after one discarded warm-up. Every number below is computed from `results.json`
beside this file, which lists every run with its folder (`{results["run_folders"]}`).

![wall time]({figure.relative_to(report_dir)})

| implementation | services start-up s | pipeline s | stop s | runs ok | runs failed | identical results |
|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Median (interquartile range) of measured runs. *Services start-up*: from launching the
orchestrator's processes until they accept work (Airflow: api-server, scheduler and
dag-processor healthy and the DAG parsed; Luigi: luigid answering). *Pipeline*: from
submitting the run until the orchestrator reports it finished. *Identical results*: every
run's quarantine counts, curated and feature tables, model metrics, published model and
recommendations table equal the baseline's (`bench verify`).

{chr(10).join(differences) or "All implementations produced identical results."}

## Environment
- {machine["cores"]} cores ({machine["cpu_model"]}), {machine["memory_gib"]} GiB, load at start {machine["load_average_at_start"]}
- Python {prov["python"]}; {versions}
- code {prov["git_sha"][:12]}{" (uncommitted changes)" if prov["git_dirty"] else ""}
- dataset: {results["dataset"]["name"]} ({results["dataset"]["files"]["ratings"]["rows"]:,} ratings);
  {results["dataset"]["citation"]}
"""
    path = report_dir / "report.md"
    path.write_text(text)
    return path
