"""The stream simulator: new ratings arriving day by day (`bench stream emit`).

For a date D it lands an *increment* in `landing/date=D/`: ratings by users of the latest
snapshot, on movies of its catalogue, timestamped within day D. The values follow the users'
and movies' average ratings, so retraining on them moves the model a little, as real new
data would. Increments arrive as CSV, like a nightly export from an operational database.

`bad_fraction` spoils that share of rows in the ways real exports go wrong (a rating of 7,
"four" as a rating, a missing user, an unknown movie, a duplicated line), so the quarantine
can be watched at work. Deterministic for (seed, date).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.core.ingest import read_landed_table
from pipelines.core.landing import land_partition, partition_info, snapshot_for
from pipelines.core.layout import Layout, as_date

SPOILERS = ("rating_out_of_range", "non_numeric", "missing_value", "unknown_movie", "duplicate")


def _snapshot_ratings(layout: Layout, snapshot: dt.date) -> pd.DataFrame:
    info = partition_info(layout, snapshot)
    raw, _ = read_landed_table(layout.landing(snapshot) / info["files"]["ratings"])
    numeric = raw[["userId", "movieId", "rating"]].apply(pd.to_numeric, errors="coerce")
    return numeric.dropna()


def increment(
    ratings: pd.DataFrame, date: dt.date, rows: int, bad_fraction: float, seed: int
) -> pd.DataFrame:
    """`rows` new ratings for `date` drawn from the shape of `ratings`, some spoiled."""
    rng = np.random.default_rng([seed, date.toordinal()])
    users = ratings["userId"].astype(np.int64)
    movies = ratings["movieId"].astype(np.int64)
    mu = ratings["rating"].mean()
    user_mean = ratings.groupby(users)["rating"].mean()
    movie_mean = ratings.groupby(movies)["rating"].mean()
    popularity = movies.value_counts()

    who = rng.choice(user_mean.index.to_numpy(), size=rows)
    what = rng.choice(
        popularity.index.to_numpy(), size=rows, p=(popularity / popularity.sum()).to_numpy()
    )
    score = (
        user_mean.loc[who].to_numpy()
        + movie_mean.loc[what].to_numpy()
        - mu
        + rng.normal(0, 0.8, rows)
    )
    stars = np.clip(np.round(score * 2) / 2, 0.5, 5.0)
    start = int(dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC).timestamp())
    table = pd.DataFrame(
        {
            "userId": who.astype(str),
            "movieId": what.astype(str),
            "rating": [f"{s:.1f}" for s in stars],
            "timestamp": (start + rng.integers(0, 86_400, size=rows)).astype(str),
        }
    )
    n_bad = round(rows * bad_fraction)
    for position, kind in zip(
        rng.choice(rows, size=n_bad, replace=False), rng.choice(SPOILERS, size=n_bad), strict=True
    ):
        if kind == "rating_out_of_range":
            table.loc[position, "rating"] = "7"
        elif kind == "non_numeric":
            table.loc[position, "rating"] = "four"
        elif kind == "missing_value":
            table.loc[position, "userId"] = ""
        elif kind == "unknown_movie":
            table.loc[position, "movieId"] = str(int(popularity.index.max()) + 1_000_000)
        else:  # duplicate: the same line delivered twice
            table = pd.concat([table, table.loc[[position]]], ignore_index=True)
    return table


def emit(
    workdir: Path, date: dt.date | str, rows: int = 1000, bad_fraction: float = 0.0, seed: int = 0
) -> dict:
    """Land an increment for `date`; returns the partition manifest."""
    layout, date = Layout(workdir), as_date(date)
    if not 0 <= bad_fraction <= 1:
        raise ValueError(f"bad fraction must be between 0 and 1, got {bad_fraction}")
    table = increment(
        _snapshot_ratings(layout, snapshot_for(layout, date)), date, rows, bad_fraction, seed
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ratings.csv"
        table.to_csv(path, index=False)
        land_partition(
            layout,
            date,
            "increment",
            {"ratings": path},
            f"stream-simulator seed={seed}",
            {"ratings": len(table)},
        )
    return partition_info(layout, date)
