"""The movie pipeline end to end: on one stack per implementation × config, a warm-up run
(discarded) and the measured runs, each computing every output again from the landed
dataset, each run's outputs fingerprinted (the compare checks them against the reference
implementation's).

The runs share a stack as the timed workloads do: starting the heavier orchestrators costs
15–30 s on 2 cores, up to three times what their pipeline takes, and start-up is measured
anyway — on every stack the compare starts (bench.compare). A rerun of the same date is
each orchestrator's own (a new run, the old run cleared, or the tasks whose outputs are
gone scheduled again — once the scheduler accepts it: the adapter's `before_rerun`).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from bench.kit.manifest import adapter_class
from bench.measure.fingerprint import compare, fingerprint
from bench.measure.runs import land_dataset
from bench.measure.scenarios import settle
from bench.measure.stats import median_iqr
from bench.results import MovieSeries
from datasets.registry import DatasetSpec
from pipelines.core.layout import Layout


def measure_movies(
    impl: str,
    config: str,
    dataset: DatasetSpec,
    repeat: int,
    base: Path,
    on_phase: Callable[[str], None],
    variant: str | None,
    warmup: bool = True,
    timeout: float = 1800,
) -> tuple[MovieSeries, dict[str, str] | None]:
    """The series, and the first successful run's fingerprint (None if every run failed).
    Without the `warmup` run the first measured run meets cold caches (quick profile)."""
    folder = base / f"movies-{impl}-{config}"
    shutil.rmtree(folder, ignore_errors=True)  # left half-done by an interrupted compare
    folder.mkdir(parents=True)
    layout = Layout(folder)
    date = land_dataset(folder, dataset)
    records, first = [], None
    on_phase("starting")
    adapter = adapter_class(impl)(folder, variant, config=config)
    with adapter:
        for index in range(0 if warmup else 1, repeat + 1):
            label = f"{'warmup' if index == 0 else 'run'}-{index}"
            for output in layout.outputs:  # every run computes everything
                shutil.rmtree(output, ignore_errors=True)
            on_phase(label)
            if records:
                adapter.before_rerun()
            settle(adapter)  # the previous run's slots free again
            ok, reason, seconds = adapter.run_started(date, timeout, label)
            record = {"label": label, "warmup": index == 0, "ok": ok, "reason": reason}
            record |= {"run_seconds": round(seconds, 3), "config": config}
            if ok:
                current = fingerprint(layout, date)
                first = first or current
                record["identical_to_first_run"] = not compare(first, current)
            records.append(record)
        on_phase("stopping")
        stopping = time.monotonic()
    stop = time.monotonic() - stopping
    measured = [r for r in records if not r["warmup"] and r["ok"]]
    series = MovieSeries(
        impl=impl,
        config=config,
        runs=records,
        runs_ok=len(measured),
        runs_failed=sum(1 for r in records if not r["ok"]),
        startup_seconds=median_iqr([adapter.startup_seconds]),
        run_seconds=median_iqr([r["run_seconds"] for r in measured]),
        stop_seconds=median_iqr([stop]),
        startups=[round(adapter.startup_seconds, 3)],
        events=str(adapter.event_log),
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
