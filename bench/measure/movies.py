"""The movie pipeline end to end: warm-up + measured runs, each in a fresh stack on a fresh
run folder, each run's outputs fingerprinted (the compare checks them against the
reference implementation's)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from bench.measure.fingerprint import compare, fingerprint
from bench.measure.runs import land_dataset, run_implementation
from bench.measure.stats import median_iqr
from bench.results import MovieSeries
from datasets.registry import DatasetSpec
from pipelines.core.layout import Layout

PHASES = ("startup_seconds", "run_seconds", "stop_seconds")


def measure_movies(
    impl: str,
    config: str,
    dataset: DatasetSpec,
    repeat: int,
    base: Path,
    on_phase: Callable[[str], None],
    variant: str | None,
    warmup: bool = True,
) -> tuple[MovieSeries, dict[str, str] | None]:
    """The series, and the first successful run's fingerprint (None if every run failed).
    Without the `warmup` run the first measured run meets cold caches (quick profile)."""
    records, first = [], None
    for index in range(0 if warmup else 1, repeat + 1):
        folder = base / f"movies-{impl}-{config}-{index}"
        shutil.rmtree(folder, ignore_errors=True)  # left half-done by an interrupted compare
        folder.mkdir(parents=True)
        date = land_dataset(folder, dataset)
        result = run_implementation(impl, folder, date, variant, config=config, on_phase=on_phase)
        record = {**result.as_dict(), "config": config, "warmup": index == 0}
        if result.ok:
            current = fingerprint(Layout(folder), date)
            first = first or current
            record["identical_to_first_run"] = not compare(first, current)
        records.append(record)
    measured = [r for r in records if not r["warmup"] and r["ok"]]
    series = MovieSeries(
        impl=impl,
        config=config,
        runs=records,
        runs_ok=len(measured),
        runs_failed=sum(1 for r in records if not r["ok"]),
        startup_seconds=median_iqr([r["startup_seconds"] for r in measured]),
        run_seconds=median_iqr([r["run_seconds"] for r in measured]),
        stop_seconds=median_iqr([r["stop_seconds"] for r in measured]),
    )
    return series, first


def check_against_reference(
    series: MovieSeries, reference: dict[str, str], own: dict[str, str] | None
) -> None:
    """Record on `series` whether its results equal the reference's, and every run its
    own first run's."""
    differences = [d.check for d in compare(reference, own)] if own else ["run failed"]
    series.differences_from_reference = differences
    series.identical_results = not differences and all(
        r.get("identical_to_first_run") for r in series.measured
    )
