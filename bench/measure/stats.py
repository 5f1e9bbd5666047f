"""Small, explicit statistics for the report: median and interquartile range."""

from __future__ import annotations

import numpy as np


def median_iqr(values: list[float]) -> tuple[float, float, float]:
    """(median, 25th percentile, 75th percentile); linear interpolation, as numpy's default."""
    if not values:
        return (float("nan"),) * 3
    q25, q50, q75 = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
    return float(q50), float(q25), float(q75)
