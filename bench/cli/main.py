"""`bench`: run, verify and compare the movie pipeline on real orchestrators.

One module per command group (run.py: run/verify/new; compare.py: compare/report/
validate-results; advise.py; probe.py; datasets.py; images.py; tools.py: envs/tutorials); this one assembles
them and turns expected errors into one line. Every command prints a one-line error and
exits non-zero when something is wrong (bad flag, unknown dataset, a failed task);
tracebacks are for bugs only.
"""

from __future__ import annotations

import contextlib
import sys

import typer

from bench.cli import compare as compare_commands
from bench.cli import run as run_commands
from bench.cli.advise import advise
from bench.cli.consoles import err
from bench.cli.datasets import datasets_app, stream_app
from bench.cli.images import clean, images_app
from bench.cli.options import known_impls
from bench.cli.probe import probe
from bench.cli.tools import envs_app, tutorials_app
from bench.kit.errors import BenchError
from bench.kit.processes import STOP_SIGNALS, stop_on_signals
from pipelines.core.io import DataError

app = typer.Typer(
    help=f"Run the same movie ETL + ML pipeline on every implementation ({known_impls()}); "
    "check they agree; measure them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # joins a docstring's wrapped lines into paragraphs
)
app.command()(run_commands.run)
app.command()(run_commands.new)
app.command()(run_commands.verify)
app.command()(compare_commands.compare)
app.command()(compare_commands.calibrate)
app.command()(compare_commands.report)
app.command()(advise)
app.command()(probe)
app.command("validate-results")(compare_commands.validate_results)
app.command()(clean)
app.add_typer(datasets_app, name="datasets")
app.add_typer(stream_app, name="stream")
app.add_typer(envs_app, name="envs")
app.add_typer(images_app, name="images")
app.add_typer(tutorials_app, name="tutorials")

INTERRUPTED = "bench: interrupted; every process it started has been stopped"
STOPPED = {
    128 + s: f"bench: stopped by {s.name}; every process it started has been stopped"
    for s in STOP_SIGNALS
}


def main() -> None:
    """Entry point: run the app; turn expected errors into one line on stderr."""
    try:
        try:
            with stop_on_signals():
                outcome = app(standalone_mode=False)  # typer.Exit comes back as its exit code
        except SystemExit as stopped:  # SIGTERM or SIGHUP, after every `finally` has run
            if stopped.code in STOPPED:
                with contextlib.suppress(OSError):  # a closed terminal (SIGHUP): nobody reads it
                    err.print(STOPPED[stopped.code])  # type: ignore[index]
            raise
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
