"""Statistics for the report: medians with bootstrap confidence intervals, and how many
digits a number deserves.

Every cell of the report is a median over independent runs, shown with its 95 % confidence
interval and n. The interval is scipy's percentile bootstrap of the median (seeded, so a
report rebuilt from the same results prints the same numbers); with n = 1 there is no
interval and the cell says so. A number is printed with as many decimals as its interval
supports: the last digit shown is the first one the interval leaves uncertain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
RESAMPLES = 2000
SEED = 20261203


def median_iqr(values: list[float]) -> tuple[float, float, float]:
    """(median, 25th percentile, 75th percentile); linear interpolation, as numpy's default."""
    if not values:
        return (float("nan"),) * 3
    q25, q50, q75 = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
    return float(q50), float(q25), float(q75)


@dataclass(frozen=True)
class Estimate:
    """A median over `n` runs and its confidence interval [low, high] (equal to the median
    when n = 1: one run has no interval)."""

    median: float
    low: float
    high: float
    n: int
    integral: bool = False  # counts: printed without decimals
    # False: the resamples could not vary (a fit to one run per case), so [low, high] is
    # no interval at all and nothing can be ranked on it
    resampled: bool = True

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    @property
    def relative_half_width(self) -> float:
        """Half the interval as a share of the median (inf for a median of 0)."""
        return self.half_width / abs(self.median) if self.median else math.inf

    def overlaps(self, other: Estimate) -> bool:
        if not (self.resampled and other.resampled):
            return True  # without an interval, no difference is shown
        return self.low <= other.high and other.low <= self.high

    def __str__(self) -> str:
        return format_estimate(self)


def _bootstrap(samples: tuple[np.ndarray, ...], statistic) -> tuple[float, float]:
    result = stats.bootstrap(
        samples,
        statistic,
        n_resamples=RESAMPLES,
        confidence_level=CONFIDENCE,
        method="percentile",
        vectorized=True,
        rng=np.random.default_rng(SEED),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def estimate(values: Sequence[float]) -> Estimate | None:
    """Median and its 95 % bootstrap CI; None when there is no value."""
    kept = [v for v in values if v is not None and not math.isnan(v)]
    data = np.asarray(kept, dtype=float)
    if data.size == 0:
        return None
    integral = all(isinstance(v, int) for v in kept)
    median = float(np.median(data))
    if data.size == 1 or np.all(data == data[0]):
        return Estimate(median, median, median, int(data.size), integral)
    low, high = _bootstrap((data,), lambda x, axis: np.median(x, axis=axis))
    return Estimate(median, low, high, int(data.size), integral)


def ratio(numerator: Sequence[float], denominator: Sequence[float]) -> Estimate | None:
    """median(numerator) / median(denominator), resampling both independently."""
    a = np.asarray(numerator, dtype=float)
    b = np.asarray(denominator, dtype=float)
    if a.size == 0 or b.size == 0 or np.median(b) == 0:
        return None
    value = float(np.median(a) / np.median(b))
    if a.size == 1 and b.size == 1:
        return Estimate(value, value, value, 1)

    def of_medians(x, y, axis):
        return np.median(x, axis=axis) / np.median(y, axis=axis)

    low, high = _bootstrap((a, b), of_medians)
    return Estimate(value, low, high, int(min(a.size, b.size)))


def pooled_percentile(runs: Sequence[Sequence[float]], q: float) -> Estimate | None:
    """The q-th percentile of every run's samples pooled, with a 95 % CI that resamples
    whole runs (a run's samples share its stack's state, so they are not independent);
    n counts the pooled samples, the figure a tail percentile rests on."""
    kept = [np.asarray(r, dtype=float) for r in runs if len(r)]
    if not kept:
        return None
    pooled = np.concatenate(kept)
    value = float(np.percentile(pooled, q))
    if len(kept) == 1:  # one run: no run to resample
        return Estimate(value, value, value, 1)
    rng = np.random.default_rng(SEED)
    picks = rng.integers(0, len(kept), size=(RESAMPLES, len(kept)))
    values = [np.percentile(np.concatenate([kept[i] for i in pick]), q) for pick in picks]
    low, high = percentile_interval(values)
    return Estimate(value, low, high, int(pooled.size))


def percentile_interval(resampled: Sequence[float] | np.ndarray) -> tuple[float, float]:
    """The 95 % percentile interval of a statistic's bootstrap resamples."""
    tail = 100 * (1 - CONFIDENCE) / 2
    low, high = np.percentile(np.asarray(resampled, dtype=float), [tail, 100 - tail])
    return float(low), float(high)


def format_interval(value: float, low: float, high: float) -> str:
    """`value [low, high]` with the decimals the interval supports (for fitted figures,
    whose n is printed apart)."""
    d = decimals(Estimate(value, low, high, 2))
    return f"{value:.{d}f} [{low:.{d}f}, {high:.{d}f}]"


def decimals(est: Estimate) -> int:
    """Decimals to print: down to the first digit the interval leaves uncertain; for a
    single run (no interval), three significant digits."""
    width = est.half_width
    if est.integral and float(est.median).is_integer():
        return 0
    if est.n > 1 and width > 0:
        return max(0, -math.floor(math.log10(width)))
    magnitude = abs(est.median)
    if magnitude == 0:
        return 0
    return max(0, 2 - math.floor(math.log10(magnitude)))


def format_estimate(est: Estimate | None, unit: str = "") -> str:
    """`1.08 [1.05, 1.12] n=5`, `37.9 n=1`, `8.19 n=2, no CI` (a fit to one run per
    case: nothing to resample), or "–" when nothing was measured."""
    if est is None:
        return "–"
    d = decimals(est)
    value = f"{est.median:.{d}f}{unit}"
    if est.n == 1:
        return f"{value} n=1"
    if not est.resampled:
        return f"{value} n={est.n}, no CI"
    return f"{value} [{est.low:.{d}f}, {est.high:.{d}f}] n={est.n}"


@dataclass(frozen=True)
class LinearFit:
    """y = intercept + slope × x by least squares, with 95 % CIs from the fit's standard
    errors (Student's t with n − 2 degrees of freedom)."""

    slope: float
    slope_low: float
    slope_high: float
    intercept: float
    intercept_low: float
    intercept_high: float
    n: int
    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def predict(self, x: float) -> float:
        return self.intercept + self.slope * x


def linear_fit(xs: Sequence[float], ys: Sequence[float]) -> LinearFit | None:
    """None unless there are at least three points on at least two distinct x."""
    if len(xs) < 3 or len(set(xs)) < 2:
        return None
    fit = stats.linregress(xs, ys)
    t = stats.t.ppf((1 + CONFIDENCE) / 2, len(xs) - 2)
    return LinearFit(
        float(fit.slope),
        float(fit.slope - t * fit.stderr),
        float(fit.slope + t * fit.stderr),
        float(fit.intercept),
        float(fit.intercept - t * fit.intercept_stderr),
        float(fit.intercept + t * fit.intercept_stderr),
        len(xs),
        tuple(xs),
        tuple(ys),
    )
