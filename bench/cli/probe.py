"""`bench probe`: one claim of the report's feature table, checked again in about a minute."""

from __future__ import annotations

from typing import Annotated

import typer

from bench.cli.consoles import console
from bench.cli.options import checked_impls


def probe(
    claim: Annotated[
        str,
        typer.Argument(
            help="dashboard, logs, parallelism, retries, dynamic, history, rework, rerun, "
            "calendar, schedule or deploy"
        ),
    ],
    impl: Annotated[str, typer.Option(help="the implementation to probe (its default config)")],
) -> None:
    """Re-run one probe of the feature table on a fresh stack and print its verdict, as the
    report would, with the folder of its event log."""
    from bench.probe import CLAIMS
    from bench.probe import probe as run_probe

    checked_impls([impl])
    if claim not in CLAIMS:
        raise typer.BadParameter(f"{claim!r} is not a claim; choose from {', '.join(CLAIMS)}")
    with console.status(f"probing {claim} on {impl}") as status:
        verdict, case = run_probe(
            claim, impl, on_phase=lambda p: status.update(f"{claim} on {impl}: {p}")
        )
    console.print(f"{impl} — {CLAIMS[claim].says}: {verdict}", markup=False)
    console.print(f"events: {case.events or 'none written'}", markup=False)
