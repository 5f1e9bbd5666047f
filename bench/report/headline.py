"""The headline figures of a compare run: what the console table, the summary table and
the comparison of two runs all quote, computed once from the results.

Each is an `Estimate` (median over the case's measured runs, 95 % bootstrap CI, n), except
the inter-task p95, a tail percentile taken from every edge of every measured run pooled
(the median of per-run p95s of 9 edges each would be near the largest, not a p95); its CI
resamples whole runs and its n counts the edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.measure.stats import Estimate, estimate, pooled_percentile
from bench.results import CaseResult, MovieSeries, Results


@dataclass
class Headline:
    trigger_latency: Estimate | None = None
    inter_task_p50: Estimate | None = None
    inter_task_p95: Estimate | None = None  # pooled over runs, n = edges
    efficiency: dict[int, Estimate] = field(default_factory=dict)  # sleeping fan-out, by slots
    overhead: dict[int, Estimate] = field(default_factory=dict)
    cpu_efficiency: dict[int, Estimate] = field(default_factory=dict)  # CPU-bound fan-out

    def widest(self) -> int | None:
        return max(self.efficiency, default=None)


@dataclass(frozen=True)
class MoviePhases:
    """The movie pipeline's start-up (every stack the config started), pipeline (submit →
    done) and stop, over its measured runs: what the summary, the wall-time figure and the
    comparison of two runs all quote."""

    startup: Estimate | None
    pipeline: Estimate | None
    stop: Estimate | None


def movie_phases(series: MovieSeries) -> MoviePhases:
    runs = series.measured
    return MoviePhases(
        estimate(series.startup_samples),
        estimate([r["run_seconds"] for r in runs]),
        estimate([r["stop_seconds"] for r in runs if "stop_seconds" in r]),
    )


def _latency(row: Headline, case: CaseResult) -> None:
    measured = case.measured
    row.trigger_latency = estimate([r["trigger_latency_s"] for r in measured])
    row.inter_task_p50 = estimate([r["inter_task_latency_s"]["p50"] for r in measured])
    row.inter_task_p95 = pooled_percentile([r["inter_task_samples_s"] for r in measured], 95)


def headline_numbers(results: Results) -> dict[str, Headline]:
    """Per implementation/config: the latency chain's trigger and inter-task latencies, and
    the efficiency and overhead of the fan-outs at each slot count."""
    out: dict[str, Headline] = {}
    for case in results.scenarios:
        if not case.measured:
            continue
        row = out.setdefault(case.key, Headline())
        efficiency = estimate([r["efficiency"] for r in case.measured if "efficiency" in r])
        if case.scenario == "latency":
            _latency(row, case)
        elif case.scenario == "parallelism" and efficiency:
            row.efficiency[case.slots] = efficiency
            overhead = estimate([r["overhead_s"] for r in case.measured])
            if overhead:
                row.overhead[case.slots] = overhead
        elif case.scenario == "cpu" and efficiency:
            row.cpu_efficiency[case.slots] = efficiency
    return out
