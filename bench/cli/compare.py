"""`bench compare`, `bench report` and `bench validate-results`: measure everything, write
the report, rebuild or check it later."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bench.cli.consoles import console
from bench.cli.options import (
    DatasetOpt,
    RuntimeOpt,
    checked_impls,
    checked_runtime,
    checked_variants,
)
from bench.kit.manifest import implementations
from bench.kit.runtimes import use_runtime


def _listed(values: list[str] | None) -> list[str]:
    """`--impl a,b --impl c` → [a, b, c]: a repeated option adds, it never replaces."""
    return [n.strip() for value in values or [] for n in value.split(",") if n.strip()]


def compare(
    impl: Annotated[
        list[str] | None,
        typer.Option(
            help="implementations, comma-separated or repeated (default: every one in pipelines/)"
        ),
    ] = None,
    config: Annotated[
        list[str] | None,
        typer.Option(
            help="configs, comma-separated or repeated (default: every config each manifest has)"
        ),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            help="quick (CI, minutes), standard (30 min), full (hours; resumable), or "
            "scaleout (fleets of 1, 2, 4 workers, load and catalogue; for --runtime docker)"
        ),
    ] = "standard",
    dataset: DatasetOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="report folder (default: reports/<UTC time>)")
    ] = None,
    variant: Annotated[
        list[str] | None,
        typer.Option(
            help="IMPL=VALUE, repeatable: an implementation's variant (its manifest's "
            "`variants`, first by default), e.g. a metadata DB"
        ),
    ] = None,
    runtime: RuntimeOpt = "local",
) -> None:
    """Measure every implementation × config and write the comparison report.

    The movie pipeline end to end (results checked identical to the reference's), then the
    scheduling scenarios: chain latency, fan-out parallelism, CPU-bound fan-out, recovery
    from a killed worker or scheduler, the feature-table probes. Writes results.json (with
    the raw event logs beside it), report.md, report.html and figures/ under --out. Rerun
    with the same --out to resume an interrupted compare.
    """
    from bench.compare import compare_implementations
    from bench.measure.plan import PROFILES
    from datasets.registry import resolve

    if profile not in PROFILES:
        raise typer.BadParameter(
            f"{profile!r}; choose from {', '.join(PROFILES)}", param_hint="--profile"
        )
    spec = resolve(dataset) if dataset else None  # parsed once, passed down as a DatasetSpec
    variants = checked_variants(variant)
    checked_runtime(runtime)
    chosen = _listed(impl)
    names = checked_impls(chosen) if chosen else _ready_ones(profile)  # the reference last
    configs = _listed(config)
    with use_runtime(runtime):
        ok = compare_implementations(console, names, configs, profile, spec, out, variants)
    if not ok:
        raise typer.Exit(1)


def _ready_ones(profile: str = "standard") -> list[str]:
    """Every implementation that can be measured in `profile`. One that is half-way through
    `bench new` (the user did not name it) is skipped with a warning instead of stopping the
    compare; named with --impl, or the reference, it still refuses. One whose manifest
    leaves `profile` out of its `profiles` (its runs do not fit that profile's time budget
    yet) is skipped with a warning too, and measured when named."""
    from bench.kit.errors import BenchError
    from bench.kit.manifest import load_manifest, reference_implementation
    from bench.scaffold import ready

    names = []
    for name in implementations():
        try:
            ready(name)
        except BenchError as exc:
            if name == reference_implementation():
                raise
            console.print(f"[yellow]skipping {name}[/]: {exc}", highlight=False)
            continue
        if profile not in load_manifest(name).get("profiles", [profile]):
            console.print(
                f"[yellow]skipping {name}[/]: not in the {profile} profile "
                f"(pipeline.toml `profiles` says why); add --impl {name} to measure it",
                highlight=False,
            )
            continue
        names.append(name)
    return names


def calibrate() -> None:
    """Prove the measuring path on a run with known answers.

    The reference executor runs a small graph with injected delays (a trigger delay, a
    different delay on every edge, a staggered join, known task durations); its events go
    through the same code as every measured run. Prints injected against measured trigger
    latency, inter-task p50/p95, makespan and efficiency, and the instrumentation's cost;
    exit code 1 if a latency is more than 2 ms off or a makespan or efficiency more than 1 %.
    """
    from rich.table import Table

    from bench.measure.calibrate import calibrate as run_calibration
    from bench.measure.calibrate import instrumentation_cost

    checks = run_calibration()
    table = Table("figure", "injected", "measured", "off by", "tolerance", "ok")
    for check in checks:
        table.add_row(
            check.figure,
            f"{check.injected:.4f}",
            f"{check.measured:.4f}",
            f"{check.measured - check.injected:+.4f}",
            f"±{check.tolerance:.4f}",
            "[green]yes[/]" if check.ok else "[red]NO[/]",
        )
    console.print(table)
    cost = instrumentation_cost()
    console.print(
        f"instrumentation: {cost['us_per_event']:.1f} µs per event; an empty task "
        f"{cost['us_per_empty_task_with_log']:.1f} µs with the event log, "
        f"{cost['us_per_empty_task_without_log']:.1f} µs without"
    )
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


def report(
    run_dir: Annotated[Path, typer.Argument(help="a folder with results.json from bench compare")],
    since: Annotated[
        Path | None,
        typer.Argument(help="an earlier run's folder: adds what changed since (deltas)"),
    ] = None,
) -> None:
    """Rebuild report.md, report.html and figures/ from a compare run's results.json.

    Given a second folder, the report gains a "Changes since" table: old → new, per figure.
    """
    from bench.report import write_report
    from bench.results import load_results

    results = load_results(run_dir)
    previous = (str(since), load_results(since)) if since else None
    console.print(f"report: {write_report(run_dir, results, previous)}")


def validate_results(
    run_dir: Annotated[Path, typer.Argument(help="a report folder or its results.json")],
) -> None:
    """Check a results.json against the schema, and that its event logs are there."""
    from bench.results import load_results

    results = load_results(run_dir)
    console.print(
        f"valid: {len(results.movies)} movie series, {len(results.scenarios)} scenario cases"
    )
