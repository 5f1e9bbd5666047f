"""`bench envs build` and `bench tutorials ...`: the environments and the course."""

from __future__ import annotations

from typing import Annotated

import typer

from bench.cli.consoles import console
from bench.cli.options import checked_impls
from bench.kit.errors import BenchError
from bench.kit.manifest import implementations

envs_app = typer.Typer(help="The per-implementation virtual environments.", no_args_is_help=True)
tutorials_app = typer.Typer(
    help="The tutorial notebooks (tutorials/NN_*.py, jupytext sources).", no_args_is_help=True
)


@envs_app.command("build")
def envs_build(
    impls: Annotated[list[str] | None, typer.Argument(help="default: all")] = None,
) -> None:
    """Build (or find cached) the virtual environment of each implementation."""
    from bench.kit.envs import ensure_env

    for name in impls or implementations():
        checked_impls([name])
        with console.status(f"building the {name} environment"):
            path = ensure_env(name)
        console.print(f"{name}: {path}")


TutorialNames = Annotated[
    list[str] | None, typer.Argument(help="a number or name prefix, e.g. 02 (default: all)")
]


@tutorials_app.command("build")
def tutorials_build(names: TutorialNames = None) -> None:
    """Write each tutorial's .ipynb beside its source, to open in Jupyter."""
    from bench.tutorials import build, pick

    for source in pick(names):
        console.print(f"{build(source)}")


@tutorials_app.command("render")
def tutorials_render(names: TutorialNames = None) -> None:
    """Execute each tutorial with its defaults (real orchestrators: minutes; the exercises
    blank) into the published course, docs/tutorials/: the executed notebook, its HTML
    page, and the index. Run nothing else meanwhile: the lessons measure."""
    from bench.course import COURSE, index, publish
    from bench.tutorials import pick

    for source in pick(names):
        with console.status(f"running {source.name}"):
            target, seconds = publish(source)
        console.print(f"{target.relative_to(COURSE.parent.parent)} ({seconds:.0f} s)")
    index()
    console.print(f"{COURSE / 'README.md'}")


@tutorials_app.command("index")
def tutorials_index() -> None:
    """Rewrite docs/tutorials/'s HTML pages and index from its committed notebooks (no
    execution), then say what is still not current."""
    from bench.course import index, stale

    for path in index():
        console.print(f"{path}")
    for problem in stale():
        console.print(problem)


@tutorials_app.command("check")
def tutorials_check(names: TutorialNames = None) -> None:
    """Run each tutorial with graded exercises twice: with the blanks (every exercise must
    say "not yet", nothing crash) and with tutorials/solutions/ (every one must pass)."""
    from bench.tutorials import check, has_exercises, pick

    problems: list[str] = []
    for source in pick(names):
        if not has_exercises(source):
            console.print(f"{source.stem}: no graded exercises yet (no tutorials/solutions/ file)")
            continue
        with console.status(f"running {source.name} blank, then solved"):
            checked = check(source)
        solved = sum(ok for _, ok in checked.solved)
        console.print(
            f"{checked.name}: {len(checked.solved)} exercises, {solved} solved, "
            f"{len(checked.blank) - sum(ok for _, ok in checked.blank)} 'not yet' when blank "
            f"({checked.seconds:.0f} s)"
        )
        problems += checked.problems
    if problems:
        raise BenchError("; ".join(problems))
