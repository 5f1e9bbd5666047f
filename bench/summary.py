"""What a finished run tells its user: times, row accounting, the model, where things are."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.kit.adapter import RunResult
from pipelines.core.io import read_json
from pipelines.core.layout import Layout


def print_run_summary(console: Console, result: RunResult) -> None:
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
