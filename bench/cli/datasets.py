"""`bench datasets ...` and `bench stream emit`: the data the pipelines run on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bench.cli.consoles import console
from bench.cli.options import checked_date

datasets_app = typer.Typer(
    help="List and prepare datasets (cached outside git).", no_args_is_help=True
)
stream_app = typer.Typer(help="Simulate new ratings arriving day by day.", no_args_is_help=True)


@datasets_app.command("list")
def datasets_list() -> None:
    """Show the dataset names you can use and what is already prepared."""
    from datasets.registry import KNOWN, prepared

    table = Table("dataset", "what it is")
    for name, text in KNOWN.items():
        table.add_row(name, text)
    console.print(table)
    ready = prepared()
    table = Table("prepared", "ratings", "movies", "run date", title="In the cache")
    for manifest in ready:
        files = manifest["files"]
        table.add_row(
            manifest["name"],
            f"{files['ratings']['rows']:,}",
            f"{files['movies']['rows']:,}",
            manifest["run_date"],
        )
    console.print(
        table if ready else "Nothing prepared yet: `bench datasets prepare movielens-small`."
    )


@datasets_app.command("prepare")
def datasets_prepare(
    name: Annotated[str, typer.Argument(help="e.g. movielens-small or synthetic:1000000")],
) -> None:
    """Prepare a dataset into the cache (once; later calls reuse it)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from datasets.registry import load_manifest, prepare, resolve

    spec = resolve(name)
    with Progress(
        *Progress.get_default_columns()[:-1],
        MofNCompleteColumn(),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"preparing {spec.name}", total=spec.rows)
        folder = prepare(spec, progress=lambda n: bar.advance(task, n))
        bar.update(task, completed=spec.rows)
    manifest = load_manifest(spec)
    files = manifest["files"]
    console.print(
        f"{manifest['name']}: {files['ratings']['rows']:,} ratings, {files['movies']['rows']:,} movies "
        f"in {folder} (run date {manifest['run_date']})"
    )


@stream_app.command("emit")
def stream_emit(
    workdir: Annotated[Path, typer.Option(help="the run folder holding a snapshot")],
    date: Annotated[str, typer.Option(help="the day the new ratings belong to, YYYY-MM-DD")],
    rows: Annotated[int, typer.Option(min=1, help="how many new ratings")] = 1000,
    bad_fraction: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="share of rows to spoil, 0..1")
    ] = 0.0,
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
) -> None:
    """Land an increment of new ratings for one day (then `bench run IMPL --workdir ... --date ...`)."""
    from datasets.stream import emit

    info = emit(workdir, checked_date(date), rows, bad_fraction, seed)
    console.print(
        f"landed {info['rows']['ratings']:,} new ratings for {info['date']} in {workdir}/landing"
    )
