"""`bench run`, `bench verify` and `bench new`: one implementation at a time — run it, prove
it agrees with the reference, start a new one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bench.cli.consoles import console
from bench.cli.options import (
    DatasetOpt,
    DateOpt,
    RuntimeOpt,
    checked_date,
    checked_impls,
    checked_runtime,
    checked_variants,
    known_impls,
)
from bench.kit.adapter import RunResult
from bench.kit.errors import BenchError
from bench.kit.runtimes import use_runtime
from pipelines.core.io import read_json
from pipelines.core.layout import Layout


def run(
    impl: Annotated[str, typer.Argument(help=f"one of: {known_impls()}")],
    dataset: DatasetOpt = None,
    date: DateOpt = None,
    workdir: Annotated[
        Path | None, typer.Option(help="run folder (default: a new one under $BENCH_HOME/runs)")
    ] = None,
    variant: Annotated[
        str | None,
        typer.Option(help="one of the implementation's variants (its manifest's `variants`)"),
    ] = None,
    timeout: Annotated[float, typer.Option(help="seconds before the run is abandoned")] = 1800,
    runtime: RuntimeOpt = "local",
) -> None:
    """Run the pipeline once, for real, on one implementation.

    Without --workdir a new run folder is made and the dataset landed as a full load. With
    --workdir and --date of a partition already landed (bench stream emit), that partition
    is processed incrementally.
    """
    from bench.measure.runs import new_run_dir, resolve_run, run_implementation
    from bench.scaffold import ready
    from datasets.registry import resolve

    checked_impls([impl])
    ready(impl)
    checked_runtime(runtime)
    if variant is not None:  # the adapter checks it too, but only after the data has landed
        checked_variants([f"{impl}={variant}"])
    day = checked_date(date)  # every argument is checked before any folder is made
    spec = resolve(dataset) if dataset else None  # parsed once, passed down
    folder = workdir.resolve() if workdir else new_run_dir(impl)
    folder.mkdir(parents=True, exist_ok=True)
    with use_runtime(runtime), console.status(f"{impl}: landing data") as status:
        day = resolve_run(folder, spec, day)
        result = run_implementation(
            impl, folder, day, variant, timeout, on_phase=lambda p: status.update(f"{impl}: {p}")
        )
    print_run_summary(console, result)
    if not result.ok:
        raise BenchError(result.reason)


def new(
    name: Annotated[str, typer.Argument(help="the implementation's name, e.g. my_flow")],
) -> None:
    """Scaffold pipelines/NAME/ for a new implementation (manifest, adapter, pipeline,
    Dockerfile, README, test). `bench verify NAME` lists what is left to write."""
    from bench.scaffold import new_implementation, todo_items

    folder = new_implementation(name)
    console.print(f"created {folder}; what is left to write:")
    for item in todo_items(name):
        console.print(f"  {item}", markup=False)
    console.print(f"next: follow {folder / 'README.md'}, then `bench verify {name}`")


def verify(
    impls: Annotated[
        list[str] | None,
        typer.Argument(help="implementations to check (default: all but the reference)"),
    ] = None,
    dataset: DatasetOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="folder for the run folders (default: $BENCH_HOME/runs)")
    ] = None,
) -> None:
    """Run each implementation and the reference (the manifest with `reference = true`) on
    the same data; demand identical results.

    First checks each manifest against its adapter (declared capabilities and faults have
    their methods, and no method is there undeclared). Then compares quarantine counts,
    curated-table checksums, features, model metrics, the published model and the
    recommendations table. Exit code 1 on any difference.
    """
    from bench.verify import verify_implementations
    from datasets.registry import resolve

    spec = resolve(dataset) if dataset else None
    ok = verify_implementations(console, checked_impls(impls), spec, out)
    if not ok:
        raise typer.Exit(1)


def print_run_summary(console: Console, result: RunResult) -> None:
    """What a finished run tells its user: times, row accounting, the model, where things are."""
    layout, date = Layout(Path(result.workdir)), dt.date.fromisoformat(result.date)
    status = "[green]succeeded[/]" if result.ok else "[red]failed[/]"
    console.print(
        f"{result.impl} ({result.variant}) {status} for {result.date}: services ready in "
        f"{result.startup_seconds:.1f} s, pipeline {result.run_seconds:.1f} s, stop {result.stop_seconds:.1f} s"
    )
    if not result.ok:
        console.print(f"run folder: {result.workdir}")
        return
    table = Table(show_header=False)
    table.add_column("what", no_wrap=True)
    table.add_column("result", overflow="fold")
    validation = read_json(layout.validation_report(date))
    for name in ("ratings", "movies"):
        if name in validation:
            c = validation[name]
            reasons = ", ".join(f"{k} {v:,}" for k, v in c["by_reason"].items()) or "none"
            table.add_row(
                f"{name} validated",
                f"{c['rows_in']:,} in = {c['rows_kept']:,} kept + {c['rows_quarantined']:,} quarantined ({reasons})",
            )
    card = read_json(layout.published(date))
    m = card["metrics"]
    table.add_row(
        "published model",
        f"{card['version']}: {card['model']} — RMSE {m['rmse']:.4f}, MAE {m['mae']:.4f}, "
        f"precision@10 {m['precision_at_10']:.4f}, recall@10 {m['recall_at_10']:.4f}",
    )
    loaded = read_json(layout.load_report(date))
    table.add_row("recommendations", f"{loaded['rows']:,} rows in {layout.warehouse}")
    table.add_row("model card", str(layout.registry / card["version"] / "MODEL_CARD.md"))
    table.add_row("run folder", result.workdir)
    console.print(table)
