"""`bench compare`: every implementation × config, on the movie pipeline and on the
scheduling scenarios, measured, checked, and written up.

* movies: the real pipeline end to end on the dataset, in a fresh stack per run (start-up,
  pipeline wall time, stop), results checked identical to the baseline's.
* scenarios (bench.measure.scenarios): latency, parallelism and CPU-bound fan-outs from event logs.

Warm-up runs are discarded; figures are medians with interquartile ranges over `repeat`
measured runs. A case that fails is recorded with its reason and the rest carry on.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.kit.errors import BenchError
from bench.kit.home import REPO
from bench.kit.manifest import load_manifest
from bench.kit.runtimes import describe as describe_runtime
from bench.kit.runtimes import selected as selected_runtime
from bench.measure.fingerprint import compare, fingerprint
from bench.measure.probes.calendar import measure_calendar, measure_schedule
from bench.measure.probes.deploy import measure_deploy
from bench.measure.provenance import provenance
from bench.measure.recovery import measure_recovery, supports
from bench.measure.runs import DEFAULT_DATASET, land_dataset, new_run_dir, run_implementation
from bench.measure.scenarios import PROFILES, Case, Profile, measure_case
from bench.measure.stats import median_iqr
from bench.report import write_report
from bench.report.headline import headline_numbers
from bench.scaffold import ready
from datasets.registry import load_manifest as dataset_manifest
from pipelines.core.io import read_json, write_json
from pipelines.core.layout import Layout

PHASES = ("startup_seconds", "run_seconds", "stop_seconds")
PROBES = {  # one run each, default config
    "calendar": measure_calendar,
    "schedule": measure_schedule,
    "deploy": measure_deploy,
}


def configs_of(impl: str, wanted: list[str]) -> list[str]:
    return [c for c in wanted if c in load_manifest(impl)["configs"]]


def run_movies(
    impl: str, config: str, dataset: str, repeat: int, base: Path, tick, variant: str | None
) -> tuple[list[dict], dict | None]:
    """Warm-up + `repeat` end-to-end movie runs; returns the runs and the first fingerprint."""
    records, first = [], None
    for index in range(repeat + 1):
        folder = base / f"movies-{impl}-{config}-{index}"
        shutil.rmtree(folder, ignore_errors=True)  # left half-done by an interrupted compare
        folder.mkdir(parents=True)
        date = land_dataset(folder, dataset)
        result = run_implementation(impl, folder, date, variant, config=config, on_phase=tick)
        record = {**result.as_dict(), "config": config, "warmup": index == 0}
        if result.ok:
            current = fingerprint(Layout(folder), date)
            first = first or current
            record["identical_to_first_run"] = not compare(first, current)
        records.append(record)
    return records, first


def movies_summary(records: list[dict]) -> dict:
    measured = [r for r in records if not r["warmup"] and r["ok"]]
    return {
        "runs_ok": len(measured),
        "runs_failed": sum(1 for r in records if not r["ok"]),
        **{phase: median_iqr([r[phase] for r in measured]) for phase in PHASES},
    }


def compare_implementations(
    console: Console,
    impls: list[str],
    configs: list[str],
    profile_name: str,
    dataset: str | None,
    out: Path | None,
    variants: dict[str, str] | None = None,
) -> bool:
    """`variants` picks an implementation's variant (e.g. {"airflow": "postgres"})."""
    variants = variants or {}
    dataset = dataset or DEFAULT_DATASET
    for impl in impls:
        ready(impl)  # before anything is started or timed
    profile = PROFILES[profile_name]
    started = dt.datetime.now(dt.UTC)
    report_dir = (out or REPO / "reports" / started.strftime("%Y%m%d-%H%M%S")).resolve()
    report_dir.mkdir(parents=True, exist_ok=True)
    pairs = [(impl, config) for impl in impls for config in configs_of(impl, configs)]
    if not pairs:
        raise BenchError(f"none of {', '.join(impls)} has config(s) {', '.join(configs)}")

    # an interrupted compare with the same --out resumes: finished pieces are not measured again
    progress_file = report_dir / "progress.json"
    plan = {
        "profile": profile_name,
        "dataset": dataset,
        "pairs": [list(p) for p in pairs],
        "variants": variants,
        "runtime": selected_runtime(),
    }
    progress = read_json(progress_file) if progress_file.exists() else {}
    if progress.get("plan") != plan:
        progress = {
            "plan": plan,
            "runs_dir": str(new_run_dir(f"compare-{profile_name}")),
            "movies": {},
            "fingerprints": {},
            "scenarios": [],
        }
    elif progress["movies"] or progress["scenarios"]:
        console.print(
            f"resuming from {progress_file}: {len(progress['movies']) + len(progress['scenarios'])} pieces already measured"
        )
    runs_dir = Path(progress["runs_dir"])
    movies: dict[str, dict] = progress["movies"]
    fingerprints: dict[str, dict] = progress["fingerprints"]
    scenarios: list[dict] = progress["scenarios"]
    done_cases = {case_slug(c) for c in scenarios}
    steps = sum(
        1 + len(cases_for(impl, config, profile, variants.get(impl))) for impl, config in pairs
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("compare", total=steps, completed=len(movies) + len(scenarios))
        for impl, config in pairs:
            key = f"{impl}/{config}"

            def tick(phase: str, what: str = "", key: str = key) -> None:
                bar.update(task, description=f"{key} {what}: {phase}")

            if key not in movies:
                records, first = run_movies(
                    impl,
                    config,
                    dataset,
                    profile.repeat,
                    runs_dir,
                    lambda p: tick(p, "movies"),
                    variants.get(impl),
                )
                movies[key] = {
                    "impl": impl,
                    "config": config,
                    "runs": records,
                    **movies_summary(records),
                }
                if first:
                    fingerprints[key] = first
                write_json(progress, progress_file)
                bar.advance(task)
            for case in cases_for(impl, config, profile, variants.get(impl)):
                identity = {"impl": impl, "config": config, **asdict(case)}
                if case_slug(identity) in done_cases:
                    continue
                folder = runs_dir / case_slug(identity)
                shutil.rmtree(folder, ignore_errors=True)  # a half-measured case starts over
                folder.mkdir(parents=True)
                began = time.monotonic()

                def on_phase(phase: str, c: Case = case) -> None:
                    tick(phase, f"{c.workload} {c.fault}".strip())

                try:
                    if case.scenario in PROBES:
                        measured = PROBES[case.scenario](
                            impl, config, folder, dataset, variants.get(impl), on_phase=on_phase
                        )
                    elif case.scenario == "recovery":
                        measured = measure_recovery(
                            impl,
                            config,
                            case,
                            folder,
                            dataset,
                            fingerprints.get(key),
                            variant=variants.get(impl),
                            on_phase=on_phase,
                        )
                    else:
                        measured = measure_case(
                            impl,
                            config,
                            case,
                            case.repeat or profile.repeat,
                            folder,
                            variant=variants.get(impl),
                            on_phase=on_phase,
                        )
                except BenchError as exc:
                    measured = {**identity, "error": str(exc), "runs": []}
                    console.print(f"[red]{case_slug(identity)} failed[/]: {exc}")
                measured["seconds"] = round(time.monotonic() - began, 1)
                scenarios.append(measured)
                write_json(progress, progress_file)
                bar.advance(task)

    reference = next((fp for key, fp in fingerprints.items() if key.startswith("baseline/")), None)
    reference = reference or next(iter(fingerprints.values()), {})
    for key, entry in movies.items():
        differences = (
            [d.check for d in compare(reference, fingerprints[key])]
            if key in fingerprints
            else ["run failed"]
        )
        entry["differences_from_reference"] = differences
        measured = [r for r in entry["runs"] if not r["warmup"] and r["ok"]]
        entry["identical_results"] = not differences and all(
            r.get("identical_to_first_run") for r in measured
        )

    results = {
        "schema": "orchestrator-bench/compare/v2",
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "profile": profile_name,
        "repeat": profile.repeat,
        "dataset": dataset_manifest(dataset),
        "provenance": provenance(impls),
        "configs": {impl: load_manifest(impl)["configs"] for impl in impls},
        "movies": movies,
        "scenarios": scenarios,
        "run_folders": str(runs_dir),
        "variants": variants,
        "runtime": describe_runtime(impls),
    }
    keep_events_beside(results, report_dir)
    write_json(results, report_dir / "results.json")
    progress_file.unlink()
    report = write_report(report_dir, results)

    table = Table(
        "implementation",
        "config",
        "movies pipeline (s)",
        "trigger (s)",
        "inter-task p50 (s)",
        "identical",
    )
    headline = headline_numbers(results)
    for key, entry in movies.items():
        row = headline.get(key, {})
        table.add_row(
            entry["impl"],
            entry["config"],
            f"{entry['run_seconds'][0]:.2f}",
            _fmt(row.get("trigger_latency_s")),
            _fmt(row.get("inter_task_p50_s")),
            "[green]yes[/]" if entry["identical_results"] else "[red]NO[/]",
        )
    console.print(table)
    console.print(f"report: {report}")
    failed = [s for s in scenarios if s.get("error")]
    return (
        all(e["identical_results"] and not e["runs_failed"] for e in movies.values()) and not failed
    )


def cases_for(impl: str, config: str, profile: Profile, variant: str | None = None) -> list[Case]:
    """The profile's cases that apply: recovery and the calendar probe run on the default
    config only (the tuned settings change dispatch latency, not failure handling or
    calendars), recovery only for the faults the implementation lists, the calendar probe
    only where the manifest claims a backfill, scale-out only in containers and where the
    manifest claims it."""
    manifest = load_manifest(impl)

    def applies(case: Case) -> bool:
        if case.scenario == "recovery":
            return config == "default" and supports(impl, case.fault, variant)
        if case.scenario == "calendar":
            return config == "default" and "backfill" in manifest["capabilities"]
        if case.scenario in ("schedule", "deploy"):  # needs services that could act at all
            return config == "default" and bool(manifest["services"]["processes"])
        if case.scenario == "scaleout":  # worker containers: docker, and a distributed design
            return (
                config == "default"
                and selected_runtime() == "docker"
                and "scale-out" in manifest["capabilities"]
            )
        return True

    return [c for c in profile.cases if applies(c)]


def case_slug(case: dict) -> str:
    """Folder and event-log name of a case, unique within a profile:
    `parallelism-airflow-tuned-w4`, `recovery-worker-luigi-default-w2-movies`."""
    parts = [case["scenario"], case.get("fault"), case["impl"], case["config"], f"w{case['slots']}"]
    if case["scenario"] in (
        "scale",
        "recovery",
        "scaleout",
    ):  # these vary the workload, not the slots
        parts.append(case["workload"].replace(":", "-"))
    return "-".join(p for p in parts if p)


def keep_events_beside(results: dict, report_dir: Path) -> None:
    """Copy every case's event log next to results.json and point to it relatively, so a
    report folder carries its raw data with it (run folders may be cleaned away)."""
    events_dir = report_dir / "events"
    events_dir.mkdir(exist_ok=True)
    for case in results["scenarios"]:
        source = Path(case.get("events", ""))
        if not source.is_absolute() or not source.exists():
            continue
        target = events_dir / f"{case_slug(case)}.jsonl"
        shutil.copyfile(source, target)
        case["events"] = str(target.relative_to(report_dir))


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
