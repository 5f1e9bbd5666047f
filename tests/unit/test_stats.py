"""The report's statistics: intervals, pooled tail percentiles and how many digits a number
deserves (a figure printed with more digits than its interval supports misleads)."""

from __future__ import annotations

import numpy as np

from bench.measure.stats import (
    estimate,
    format_estimate,
    format_interval,
    pooled_percentile,
)


def test_a_median_prints_the_digits_its_interval_supports():
    est = estimate([1.08, 1.10, 1.12, 1.09, 1.15])
    assert est.low <= est.median <= est.high and est.n == 5
    assert format_estimate(est) == f"{est.median:.2f} [{est.low:.2f}, {est.high:.2f}] n=5"
    assert format_estimate(estimate([37.9])) == "37.9 n=1"


def test_a_pooled_percentile_counts_samples_and_resamples_runs():
    rng = np.random.default_rng(1)
    runs = [list(rng.normal(1.0, 0.05, 9)) for _ in range(5)]
    p95 = pooled_percentile(runs, 95)
    assert p95.n == 45
    assert p95.median == np.percentile(np.concatenate(runs), 95)
    assert p95.low <= p95.median <= p95.high
    # one slow run among five: resampling whole runs widens the interval to cover it
    slow = [*runs[:4], [x + 1.0 for x in runs[4]]]
    assert pooled_percentile(slow, 95).high > 1.9
    single = pooled_percentile(runs[:1], 95)
    assert (single.n, single.low, single.high) == (1, single.median, single.median)
    assert pooled_percentile([[], []], 95) is None


def test_a_fitted_figure_drops_digits_its_interval_does_not_support():
    assert format_interval(-0.00416, -0.221, 0.213) == "-0.0 [-0.2, 0.2]"
    assert format_interval(320.4, 213.0, 426.0) == "320 [213, 426]"
