"""`bench advise`: what a pipeline of yours would cost on each measured orchestrator.

Reads a compare run's results, fits each implementation/config's costs (the model in
bench/report/advice.py, the same as the report's decision section) and predicts, with 95 %
intervals, the makespan, the overhead, submit → done, the orchestrator's own CPU-hours a
day and the break-even task length; with --deadline, which ones finish in time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bench.cli.consoles import console
from bench.kit.errors import BenchError
from bench.measure.stats import Estimate, format_estimate, format_interval


def _cell(value: Estimate | None) -> str:
    if value is None:
        return "–"
    if value.n == 1:
        return format_estimate(value).removesuffix(" n=1")
    return format_interval(value.median, value.low, value.high)


def _positive(value: float) -> float:
    if value <= 0:
        raise typer.BadParameter(f"{value:g} is not positive")
    return value


def advise(
    run_dir: Annotated[Path, typer.Argument(help="a folder with results.json from bench compare")],
    task_seconds: Annotated[
        float,
        typer.Option(
            help="how long one task works (waiting: a query, an API call)", callback=_positive
        ),
    ] = 30.0,
    width: Annotated[int, typer.Option(help="tasks per stage, run in parallel", min=1)] = 8,
    depth: Annotated[int, typer.Option(help="stages, each waiting for the one before", min=1)] = 4,
    runs_per_day: Annotated[
        float, typer.Option(help="runs a day, for the CPU-hours", min=0)
    ] = 24.0,
    deadline: Annotated[
        float | None, typer.Option(help="seconds from submit to done a run must meet")
    ] = None,
) -> None:
    """Predict a pipeline's makespan, overhead and CPU-hours a day on every measured
    orchestrator × config, from one compare run, with 95 % intervals."""
    from bench.report.advice import Pipeline, cost_models
    from bench.results import load_results

    results = load_results(run_dir)
    models = cost_models(results)
    if not models:
        raise BenchError(
            f"{run_dir}: no implementation has the timed workloads the model needs (a chain "
            "and a fan-out of no-op or sleeping tasks); run `bench compare` with the quick or "
            "standard profile"
        )
    pipeline = Pipeline(task_seconds, width, depth, runs_per_day)
    table = Table(title=f"{pipeline.describe()}, predicted from {run_dir}")
    headers = [
        "impl/config",
        "makespan s",
        "overhead s",
        "submit→done s",
        "CPU-h/day",
        "break-even s",
    ]
    for column in headers + ([f"done in {deadline:g} s"] if deadline is not None else []):
        table.add_column(column, no_wrap=True)
    for key, model in models.items():
        p = model.predict(pipeline)
        cells = [p.makespan, p.overhead, p.submit_to_done, p.cpu_hours_per_day, p.break_even_s]
        row = [key, *(_cell(c) for c in cells)]
        table.add_row(*row, *([p.deadline(deadline)] if deadline is not None else []))
    # whole rows and names, also when piped: the table takes its natural width, never less
    wide = Console(width=max(console.width, 1000), emoji=False)
    wide.print(table)
    runs = sorted({m.n for m in models.values()})
    slots = sorted({m.slots for m in models.values()})
    console.print(
        f"Cells: value [95 % CI] from n = {'/'.join(map(str, runs))} measured runs. With {'/'.join(map(str, slots))} slots, as measured; "
        "overhead = wait per stage × (D − 1) + cost per further task × (N − D), fitted to "
        "every timed run; CPU-h/day: the orchestrator's own processes (its idle CPU "
        "rests on one sample, so no interval). Break-even: the task length at which overhead is 10 % of the run. "
        "How well the model fits each measured case: report.md, 'What the predictions assume'.",
        markup=False,
    )
