"""`bench verify`: check each implementation's contract (manifest against adapter), run it
and the reference implementation on the same data, print a pass/fail table."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.kit.manifest import reference_implementation
from bench.measure.fingerprint import compare, fingerprint
from bench.measure.runs import DEFAULT_DATASET, land_dataset, new_run_dir, run_implementation
from bench.scaffold import ready
from datasets.registry import DatasetSpec
from pipelines.core.layout import Layout


def run_and_fingerprint(
    console: Console, impl: str, folder: Path, dataset: DatasetSpec
) -> dict[str, str] | str:
    """Fingerprint of a fresh run of `impl`, or the one-line reason it failed."""
    folder.mkdir(parents=True, exist_ok=True)
    with console.status(f"{impl}: landing {dataset.name}") as status:
        date = land_dataset(folder, dataset)
        result = run_implementation(
            impl, folder, date, on_phase=lambda p: status.update(f"{impl}: {p}")
        )
    if not result.ok:
        return result.reason
    console.print(f"{impl}: pipeline finished in {result.run_seconds:.1f} s ({folder})")
    return fingerprint(Layout(folder), date)


def verify_implementations(
    console: Console, impls: list[str], dataset: DatasetSpec | None, out: Path | None
) -> bool:
    dataset = dataset or DEFAULT_DATASET
    for impl in impls:
        ready(impl)  # a half-written implementation, or one whose manifest lies, is not run
    base = new_run_dir("verify", out)
    name = reference_implementation()
    impls = [i for i in impls if i != name]
    results = {
        impl: run_and_fingerprint(console, impl, base / impl, dataset) for impl in [name, *impls]
    }
    reference = results[name]
    if isinstance(reference, str):
        console.print(f"[red]the reference ({name}) itself failed[/]: {reference}")
        return False

    table = Table("check", f"{name} (reference)", *impls, title=f"bench verify on {dataset.name}")
    failures = {
        impl: (r if isinstance(r, str) else compare(reference, r))
        for impl, r in results.items()
        if impl != name
    }
    for check, value in reference.items():
        cells = []
        for impl in impls:
            outcome = failures[impl]
            if isinstance(outcome, str):
                cells.append("[red]run failed[/]")
            else:
                cells.append(
                    "[red]✗ differs[/]" if any(d.check == check for d in outcome) else "[green]✓[/]"
                )
        table.add_row(check, value, *cells)
    console.print(table)

    ok = True
    for impl, outcome in failures.items():
        if isinstance(outcome, str):
            console.print(f"[red]{impl}: FAILED to run[/]: {outcome}", markup=True)
            ok = False
        elif outcome:
            ok = False
            for diff in outcome:
                console.print(
                    f"[red]{impl}: {diff.check}[/]: expected {diff.expected}, found {diff.found}"
                )
        else:
            console.print(
                f"[green]{impl}: identical to the reference[/] ({name}, {len(reference)} checks)"
            )
    console.print(f"run folders: {base}")
    return ok
