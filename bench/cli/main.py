"""`bench`: run, verify and compare the movie pipeline on real orchestrators.

Every command prints a one-line error and exits non-zero when something is wrong
(bad flag, unknown dataset, a failed task); tracebacks are for bugs only.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bench.cli.consoles import console, err
from bench.cli.images import clean, images_app
from bench.kit.errors import BenchError
from bench.kit.manifest import implementations
from bench.kit.processes import terminate_on_sigterm
from bench.kit.runtimes import use_runtime
from pipelines.core.io import DataError

app = typer.Typer(
    help="Run the same movie ETL + ML pipeline on Airflow, Luigi and a plain-Python baseline; "
    "check they agree; measure them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
datasets_app = typer.Typer(
    help="List and prepare datasets (cached outside git).", no_args_is_help=True
)
stream_app = typer.Typer(help="Simulate new ratings arriving day by day.", no_args_is_help=True)
envs_app = typer.Typer(help="The per-implementation virtual environments.", no_args_is_help=True)
app.add_typer(datasets_app, name="datasets")
app.add_typer(stream_app, name="stream")
app.add_typer(envs_app, name="envs")
app.add_typer(images_app, name="images")
tutorials_app = typer.Typer(
    help="The tutorial notebooks (tutorials/NN_*.py, jupytext sources).", no_args_is_help=True
)
app.add_typer(tutorials_app, name="tutorials")
app.command()(clean)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2016-10-17"
        ) from None


def _impls(names: list[str] | None) -> list[str]:
    known = implementations()
    chosen = names or [n for n in known if n != "baseline"]
    for name in chosen:
        if name not in known:
            raise BenchError(f"unknown implementation {name!r}; choose from: {', '.join(known)}")
    return chosen


RUNTIME_HELP = "where the stacks run: local (process groups) or docker (containers)"


def _runtime(name: str) -> None:
    from bench.kit.runtimes import RUNTIMES

    if name not in RUNTIMES:
        raise typer.BadParameter(
            f"{name!r}; choose from {', '.join(RUNTIMES)}", param_hint="--runtime"
        )


DatasetOpt = Annotated[
    str | None,
    typer.Option(
        help="movielens-small, movielens-dir:PATH or synthetic:N (default: movielens-small)"
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option(help="partition date YYYY-MM-DD (default: the day after the last rating)"),
]


@app.command()
def run(
    impl: Annotated[str, typer.Argument(help="airflow, luigi or baseline")],
    dataset: DatasetOpt = None,
    date: DateOpt = None,
    workdir: Annotated[
        Path | None, typer.Option(help="run folder (default: a new one under $BENCH_HOME/runs)")
    ] = None,
    variant: Annotated[
        str | None, typer.Option(help="e.g. luigi: central (luigid) or local")
    ] = None,
    timeout: Annotated[float, typer.Option(help="seconds before the run is abandoned")] = 1800,
    runtime: Annotated[str, typer.Option(help=RUNTIME_HELP)] = "local",
) -> None:
    """Run the pipeline once, for real, on one implementation.

    Without --workdir a new run folder is made and the dataset landed as a full load. With
    --workdir and --date of a partition already landed (bench stream emit), that partition
    is processed incrementally.
    """
    from bench.measure.runs import new_run_dir, resolve_run, run_implementation
    from bench.scaffold import ready
    from bench.summary import print_run_summary
    from datasets.registry import resolve

    _impls([impl])
    ready(impl)
    _runtime(runtime)
    day = _date(date)  # every argument is checked before any folder is made
    if dataset:
        resolve(dataset)
    folder = workdir.resolve() if workdir else new_run_dir(impl)
    folder.mkdir(parents=True, exist_ok=True)
    with use_runtime(runtime), console.status(f"{impl}: landing data") as status:
        day = resolve_run(folder, dataset, day)
        result = run_implementation(
            impl, folder, day, variant, timeout, on_phase=lambda p: status.update(f"{impl}: {p}")
        )
    print_run_summary(console, result)
    if not result.ok:
        raise BenchError(result.reason)


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="the implementation's name, e.g. prefect")],
) -> None:
    """Scaffold pipelines/NAME/ for a new implementation (manifest, adapter, pipeline,
    Dockerfile, README, test). `bench verify NAME` lists what is left to write."""
    from bench.scaffold import new_implementation, todo_items

    folder = new_implementation(name)
    console.print(f"created {folder}; what is left to write:")
    for item in todo_items(name):
        console.print(f"  {item}", markup=False)
    console.print(f"next: follow {folder / 'README.md'}, then `bench verify {name}`")


@app.command()
def verify(
    impls: Annotated[
        list[str] | None, typer.Argument(help="implementations to check (default: all)")
    ] = None,
    dataset: DatasetOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="folder for the run folders (default: $BENCH_HOME/runs)")
    ] = None,
) -> None:
    """Run each implementation and the baseline on the same data; demand identical results.

    Compares quarantine counts, curated-table checksums, features, model metrics, the
    published model and the recommendations table. Exit code 1 on any difference.
    """
    from bench.verify import verify_implementations

    ok = verify_implementations(console, _impls(impls), dataset, out)
    if not ok:
        raise typer.Exit(1)


@app.command()
def compare(
    impl: Annotated[
        str,
        typer.Option(help="comma-separated implementations (default: every one in pipelines/)"),
    ] = "",
    config: Annotated[str, typer.Option(help="comma-separated config variants")] = "default,tuned",
    profile: Annotated[
        str, typer.Option(help="quick (CI, minutes), standard, or full")
    ] = "standard",
    dataset: DatasetOpt = None,
    out: Annotated[
        Path | None, typer.Option(help="report folder (default: reports/<UTC time>)")
    ] = None,
    airflow_db: Annotated[
        str, typer.Option(help="Airflow's metadata DB: sqlite (embedded) or postgres")
    ] = "sqlite",
    runtime: Annotated[str, typer.Option(help=RUNTIME_HELP)] = "local",
) -> None:
    """Measure every implementation × config and write the comparison report.

    The movie pipeline end to end (results checked identical to the baseline's), then the
    scheduling scenarios: chain latency, fan-out parallelism, CPU-bound fan-out, recovery
    from a killed worker or scheduler. Writes results.json (with the raw event logs beside
    it), report.md, report.html and figures/ under --out. Rerun with the same --out to
    resume an interrupted compare.
    """
    from bench.compare import compare_implementations
    from bench.measure.scenarios import PROFILES

    if profile not in PROFILES:
        raise typer.BadParameter(
            f"{profile!r}; choose from {', '.join(PROFILES)}", param_hint="--profile"
        )
    if airflow_db not in ("sqlite", "postgres"):
        raise typer.BadParameter(
            f"{airflow_db!r}; choose sqlite or postgres", param_hint="--airflow-db"
        )
    _runtime(runtime)
    chosen = [n.strip() for n in impl.split(",") if n.strip()]
    names = _impls(chosen) if chosen else implementations()  # baseline last
    configs = [c.strip() for c in config.split(",") if c.strip()]
    variants = {"airflow": airflow_db}
    with use_runtime(runtime):
        ok = compare_implementations(console, names, configs, profile, dataset, out, variants)
    if not ok:
        raise typer.Exit(1)


@app.command()
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
    from bench.results import validate_results

    results = validate_results(run_dir)
    previous = (str(since), validate_results(since)) if since else None
    console.print(f"report: {write_report(run_dir, results, previous)}")


@app.command("validate-results")
def validate_results_command(
    run_dir: Annotated[Path, typer.Argument(help="a report folder or its results.json")],
) -> None:
    """Check a results.json against the schema, and that its event logs are there."""
    from bench.results import validate_results

    results = validate_results(run_dir)
    console.print(
        f"valid: {len(results['movies'])} movie series, {len(results['scenarios'])} scenario cases"
    )


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
        folder = prepare(name, progress=lambda n: bar.advance(task, n))
        bar.update(task, completed=spec.rows)
    manifest = load_manifest(name)
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

    info = emit(workdir, _date(date), rows, bad_fraction, seed)
    console.print(
        f"landed {info['rows']['ratings']:,} new ratings for {info['date']} in {workdir}/landing"
    )


@envs_app.command("build")
def envs_build(
    impls: Annotated[list[str] | None, typer.Argument(help="default: all")] = None,
) -> None:
    """Build (or find cached) the virtual environment of each implementation."""
    from bench.kit.envs import ensure_env

    for name in impls or implementations():
        _impls([name])
        with console.status(f"building the {name} environment"):
            path = ensure_env(name)
        console.print(f"{name}: {path}")


@tutorials_app.command("build")
def tutorials_build(
    names: Annotated[
        list[str] | None, typer.Argument(help="e.g. 02 or 02_luigi (default: all)")
    ] = None,
) -> None:
    """Write each tutorial's .ipynb beside its source, to open in Jupyter."""
    from bench.tutorials import build, pick

    for source in pick(names):
        console.print(f"{build(source)}")


@tutorials_app.command("render")
def tutorials_render(
    names: Annotated[
        list[str] | None, typer.Argument(help="e.g. 02 or 02_luigi (default: all)")
    ] = None,
    out: Annotated[Path, typer.Option(help="folder for the HTML files")] = Path(
        "reports/tutorials"
    ),
) -> None:
    """Execute each tutorial (real orchestrators: minutes) and render it to HTML."""
    from bench.tutorials import pick, render

    for source in pick(names):
        with console.status(f"running {source.name}"):
            target, seconds = render(source, out.resolve())
        console.print(f"{target} ({seconds:.0f} s)")


INTERRUPTED = "bench: interrupted; every process it started has been stopped"


def main() -> None:
    """Entry point: run the app; turn expected errors into one line on stderr."""
    try:
        with terminate_on_sigterm():
            outcome = app(standalone_mode=False)  # typer.Exit comes back as its exit code
        if outcome == 130:  # typer turns Ctrl-C into 130, after every `finally` has run
            err.print(INTERRUPTED)
        sys.exit(outcome if isinstance(outcome, int) else 0)
    except typer.Abort:
        err.print(INTERRUPTED)
        sys.exit(130)
    except typer.TyperException as exc:  # bad flags and arguments (click's UsageError family)
        words = [a for a in sys.argv[1:3] if not a.startswith("-")]
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        hint = " ".join(["bench", *words, "--help"])
        err.print(f"bench: error: {message} (see `{hint}`)", markup=False)
        sys.exit(getattr(exc, "exit_code", 2))
    except (BenchError, DataError, ValueError) as exc:
        err.print(f"bench: error: {exc}", markup=False)
        sys.exit(1)
    except FileNotFoundError as exc:
        err.print(f"bench: error: {exc.filename}: not found", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print(INTERRUPTED)
        sys.exit(130)
