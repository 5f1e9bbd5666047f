"""`bench images ...` and `bench clean`: the container side of the CLI (--runtime docker)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bench.cli.consoles import console
from bench.kit.manifest import implementations

images_app = typer.Typer(
    help="Container images for --runtime docker (built through the Docker SDK).",
    no_args_is_help=True,
)


@images_app.command("build")
def images_build(
    impls: Annotated[
        list[str] | None,
        typer.Argument(
            help="implementations or services (postgres, redis); default: every implementation"
        ),
    ] = None,
) -> None:
    """Build each image, unless its current one exists (tags are a hash of the
    Dockerfile, the lock file and the base image)."""
    from bench.kit.images import base_image, ensure_image

    console.print(f"base image: {base_image()}")
    for name in impls or implementations():
        _known(name)
        with console.status(f"building the {name} image") as status:
            tag = ensure_image(name, on_line=lambda line, n=name: status.update(f"{n}: {line}"))
        console.print(f"{name}: {tag}")


@images_app.command("list")
def images_list() -> None:
    """The images the harness built, and which are current."""
    from bench.kit.images import list_images

    table = Table("image", "implementation", "MB", "current")
    for image in list_images():
        table.add_row(image["tag"], image["impl"], str(image["size_mb"]), "yes" * image["current"])
    console.print(table)


@images_app.command("prune")
def images_prune() -> None:
    """Remove images superseded by newer inputs (the current ones and the base stay)."""
    from bench.kit.images import prune

    removed = prune()
    console.print(f"removed {len(removed)} image(s)" + "".join(f"\n  {t}" for t in removed))


@images_app.command("base")
def images_base(
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="build Debian bookworm with debootstrap instead of pulling python:3.11-slim",
        ),
    ] = False,
) -> None:
    """Make the base image the implementation images build on. With a registry there is
    nothing to do; without one (our CI), --offline builds it from Debian's mirror."""
    from bench.kit.base_image import build_offline_base
    from bench.kit.images import OFFLINE_BASE, REGISTRY_BASE, local_id

    if not offline:
        console.print(f"builds pull {REGISTRY_BASE}; without a registry, add --offline")
        return
    if local_id(OFFLINE_BASE):
        console.print(f"base image: {OFFLINE_BASE} exists (remove it with docker rmi to rebuild)")
        return
    with console.status("building the offline base") as status:
        tag = build_offline_base(on_line=status.update)
    console.print(f"base image: {tag} (every image build now uses it)")


def clean(
    runs: Annotated[
        bool,
        typer.Option(
            "--runs", help="also remove old run folders under $BENCH_HOME/runs (a dataset each)"
        ),
    ] = False,
    older_than: Annotated[
        float, typer.Option(help="with --runs: only folders untouched for this many days")
    ] = 7,
    everything: Annotated[
        bool,
        typer.Option(
            "--all",
            help="also remove the containers of harnesses still running (a compare "
            "in another terminal is stopped)",
        ),
    ] = False,
) -> None:
    """Stop the processes and remove the containers a killed harness left behind, and
    (--runs) old run folders.

    Everything the harness starts carries its mark (its host, pid and start time): only
    what belongs to a harness that is no longer running is touched, so a compare in
    another terminal goes on. Nothing without the mark is touched. A run folder touched
    within the last hour is always kept: a running command may be using it."""
    from bench.kit.docker_engine import available, remove_orphaned, remove_stack
    from bench.kit.orphans import (
        clean_up,
        dead_owners,
        leftover_processes,
        owner_alive,
        stop_processes,
    )

    if older_than < 0:
        raise typer.BadParameter(f"{older_than}; give days ≥ 0", param_hint="--older-than")
    stopped = sum(clean_up(mark, record) for mark, record in dead_owners())
    stopped += stop_processes(leftover_processes())
    console.print(f"stopped {stopped} process(es) left by harnesses no longer running")
    if runs:
        from bench.measure.runs import prune_runs

        removed, kept, freed = prune_runs(older_than)
        console.print(f"removed {removed} run folder(s), {freed / 1e6:.0f} MB; kept {kept}")
    if available():
        console.print("no Docker engine answers: no containers to remove")
    elif everything:
        console.print(f"removed {remove_stack()} container(s), network(s) and volume(s)")
    else:
        removed, kept = remove_orphaned(owner_alive)
        console.print(
            f"removed {removed} container(s), network(s) and volume(s); "
            f"kept the stacks of {kept} running harness(es)"
        )


def _known(name: str) -> None:
    from bench.kit.errors import BenchError
    from bench.kit.images import SERVICES, is_service

    if name not in implementations() and not is_service(name):
        services = sorted(p.name for p in SERVICES.iterdir() if p.is_dir())
        raise BenchError(
            f"no image {name!r}; choose from: {', '.join(implementations() + services)}"
        )
