"""The movie pipeline end to end: a warm-up run (discarded) and the measured runs, each
computing every output again from the landed dataset, each run's outputs fingerprinted (the
compare checks them against the reference implementation's).

The runs go first on the stack the implementation × config's workload cases share (the
compare passes them to bench.measure.scenarios): starting the heavier orchestrators costs
15–30 s on 2 cores, more than their pipeline takes, and start-up is measured anyway — on
every stack the compare starts (bench.compare); the movie runs' warm-up is the stack's. A rerun of the same date is
each orchestrator's own (a new run, the old run cleared, or the tasks whose outputs are
gone scheduled again — once the scheduler accepts it: the adapter's `before_rerun`).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
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
    """The series on a stack of its own (for a pair with no workload stack to share), and
    the first successful run's fingerprint (None if every run failed)."""
    folder = base / f"movies-{impl}-{config}"
    shutil.rmtree(folder, ignore_errors=True)  # left half-done by an interrupted compare
    folder.mkdir(parents=True)
    runs = MovieRuns(dataset, repeat, on_phase, warmup, timeout)
    on_phase("starting")
    with adapter_class(impl)(folder, variant, config=config) as adapter:
        runs.run(adapter)
        on_phase("stopping")
        stopping = time.monotonic()
    runs.stopped(time.monotonic() - stopping)
    assert runs.series is not None
    runs.series.startups = [round(adapter.startup_seconds, 3)]
    return runs.series, runs.first


@dataclass
class MovieRuns:
    """The movie pipeline's series on a started stack, before anything else runs on it (its
    warm-up is the stack's): each run computes every output again from the landed dataset,
    and is fingerprinted. Its events are copied apart (`movie-events.jsonl`), since the
    stack's log goes on with the workload cases'."""

    dataset: DatasetSpec
    repeat: int
    on_phase: Callable[[str], None]
    warmup: bool = True  # without it the first measured run meets cold caches (quick)
    timeout: float = 1800
    series: MovieSeries | None = None
    first: dict[str, str] | None = None  # the first successful run's fingerprint

    def run(self, adapter) -> None:
        adapter.use_workload(None)  # the movie pipeline, not a synthetic workload
        layout = Layout(adapter.workdir)
        date = land_dataset(adapter.workdir, self.dataset)
        records: list[dict] = []
        for index in range(0 if self.warmup else 1, self.repeat + 1):
            label = f"{'warmup' if index == 0 else 'run'}-{index}"
            for output in layout.outputs:  # every run computes everything
                shutil.rmtree(output, ignore_errors=True)
            self.on_phase(label)
            if records:
                adapter.before_rerun()
            settle(adapter)  # the previous run's slots free again
            ok, reason, seconds = adapter.run_started(date, self.timeout, label)
            record = {"label": label, "warmup": index == 0, "ok": ok, "reason": reason}
            record |= {"run_seconds": round(seconds, 3), "config": adapter.config}
            if ok:
                current = fingerprint(layout, date)
                self.first = self.first or current
                record["identical_to_first_run"] = not compare(self.first, current)
            records.append(record)
        events = adapter.workdir / "movie-events.jsonl"
        if adapter.event_log.exists():
            shutil.copyfile(adapter.event_log, events)
        measured = [r for r in records if not r["warmup"] and r["ok"]]
        self.series = MovieSeries(
            impl=adapter.name,
            config=adapter.config,
            runs=records,
            runs_ok=len(measured),
            runs_failed=sum(1 for r in records if not r["ok"]),
            startup_seconds=median_iqr([adapter.startup_seconds]),
            run_seconds=median_iqr([r["run_seconds"] for r in measured]),
            stop_seconds=median_iqr([]),
            startups=[],  # the stack's start-up is counted with its cases (bench.compare)
            events=str(events),
        )

    def stopped(self, seconds: float) -> None:
        """The stack's stop, once it is stopped."""
        if self.series:
            self.series.stop_seconds = median_iqr([seconds])


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
