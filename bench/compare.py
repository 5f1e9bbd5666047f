"""`bench compare`: every implementation end to end on the same data, measured and checked.

Method: one warm-up run per implementation (discarded: first runs pay for imports, DAG
parsing and cold caches), then --repeat measured runs, each in a fresh run folder and each
with its own freshly started services. Reported: median and interquartile range of services
start-up, pipeline wall time (submit → done) and stop time. Every measured run's results
must be identical to the baseline's (bench verify's fingerprint), or the report says so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.home import REPO
from bench.provenance import provenance
from bench.report_compare import write_report
from bench.runs import DEFAULT_DATASET, land_dataset, new_run_dir, run_implementation
from bench.stats import median_iqr
from bench.verify import compare, fingerprint
from datasets.registry import load_manifest
from pipelines.core.io import write_json
from pipelines.core.layout import Layout

PHASES = ("startup_seconds", "run_seconds", "stop_seconds")


def compare_implementations(
    console: Console, impls: list[str], dataset: str | None, repeat: int, out: Path | None
) -> bool:
    dataset = dataset or DEFAULT_DATASET
    started = dt.datetime.now(dt.UTC)
    report_dir = out or REPO / "reports" / started.strftime("%Y%m%d-%H%M%S")
    report_dir.mkdir(parents=True, exist_ok=True)
    runs_dir = new_run_dir("compare")
    meta = provenance(impls)

    records: list[dict] = []
    fingerprints: dict[str, dict[str, str]] = {}
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        overall = bar.add_task("runs", total=len(impls) * (repeat + 1))
        for impl in impls:
            for index in range(repeat + 1):
                warmup = index == 0
                label = f"{impl} {'warm-up' if warmup else f'run {index}/{repeat}'}"
                folder = runs_dir / f"{impl}-{index}"
                folder.mkdir()
                date = land_dataset(folder, dataset)
                result = run_implementation(
                    impl,
                    folder,
                    date,
                    on_phase=lambda p, label=label: bar.update(
                        overall, description=f"{label}: {p}"
                    ),
                )
                record = {**result.as_dict(), "warmup": warmup, "repetition": index}
                if result.ok:
                    print_fp = fingerprint(Layout(folder), date)
                    fingerprints.setdefault(impl, print_fp)
                    record["identical_to_first_run"] = not compare(fingerprints[impl], print_fp)
                records.append(record)
                bar.advance(overall)
                if not result.ok:
                    console.print(f"[red]{label} failed[/]: {result.reason}")

    reference = fingerprints.get("baseline") or next(iter(fingerprints.values()), {})
    agreement = {
        impl: [d.check for d in compare(reference, fp)] for impl, fp in fingerprints.items()
    }
    summary = {}
    for impl in impls:
        measured = [r for r in records if r["impl"] == impl and not r["warmup"] and r["ok"]]
        summary[impl] = {
            "runs_ok": len(measured),
            "runs_failed": sum(1 for r in records if r["impl"] == impl and not r["ok"]),
            "identical_results": impl in agreement
            and not agreement[impl]
            and all(r.get("identical_to_first_run") for r in measured),
            **{phase: median_iqr([r[phase] for r in measured]) for phase in PHASES},
        }
    results = {
        "schema": "orchestrator-bench/compare/v1",
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "dataset": load_manifest(dataset),
        "repeat": repeat,
        "provenance": meta,
        "summary": summary,
        "differences_from_reference": agreement,
        "runs": records,
        "run_folders": str(runs_dir),
    }
    write_json(results, report_dir / "results.json")
    report = write_report(report_dir, results)

    table = Table("implementation", "start-up (s)", "pipeline (s)", "stop (s)", "identical results")
    for impl, s in summary.items():
        cells = [f"{s[p][0]:.2f} [{s[p][1]:.2f}–{s[p][2]:.2f}]" for p in PHASES]
        table.add_row(impl, *cells, "[green]yes[/]" if s["identical_results"] else "[red]NO[/]")
    console.print(table)
    console.print(f"report: {report}")
    return all(s["identical_results"] and not s["runs_failed"] for s in summary.values())
