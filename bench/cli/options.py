"""What several commands share: checked arguments and the options they spell the same way.

Help texts list implementations from the manifests, so a new one appears in `--help`
as soon as its folder exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from bench.kit.errors import BenchError
from bench.kit.manifest import implementations, load_manifest, reference_implementation
from bench.kit.runtimes import RUNTIMES


def known_impls() -> str:
    return ", ".join(implementations())


def checked_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2016-10-17"
        ) from None


def checked_impls(names: list[str] | None, *, with_reference: bool = False) -> list[str]:
    """`names`, each checked; none given: every implementation (the reference too only
    `with_reference`, for commands that do not compare against it anyway)."""
    known = implementations()
    chosen = names or [n for n in known if with_reference or n != reference_implementation()]
    for name in chosen:
        if name not in known:
            raise BenchError(f"unknown implementation {name!r}; choose from: {', '.join(known)}")
    return chosen


def checked_runtime(name: str) -> None:
    if name not in RUNTIMES:
        raise typer.BadParameter(
            f"{name!r}; choose from {', '.join(RUNTIMES)}", param_hint="--runtime"
        )


def checked_variants(pairs: list[str] | None) -> dict[str, str]:
    """`--variant IMPL=VALUE` (repeatable) → {impl: value}, each checked against the
    manifest's `variants` before anything starts."""
    chosen: dict[str, str] = {}
    for pair in pairs or []:
        impl, sep, value = pair.partition("=")
        if not sep or not impl or not value:
            raise typer.BadParameter(f"{pair!r}; write IMPL=VALUE", param_hint="--variant")
        checked_impls([impl])
        allowed = load_manifest(impl)["variants"]
        if value not in allowed:
            raise typer.BadParameter(
                f"{impl} has no variant {value!r}; choose from {', '.join(allowed)}",
                param_hint="--variant",
            )
        chosen[impl] = value
    return chosen


RUNTIME_HELP = "where the stacks run: local (process groups) or docker (containers)"
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
RuntimeOpt = Annotated[str, typer.Option(help=RUNTIME_HELP)]
