"""Transform: consolidate the clean partitions a run covers, explode genres, split by time.

* Consolidate: the snapshot plus the increments after it. When a user rated the same movie
  more than once (a re-rating, or the same rating delivered twice), the latest wins; the
  number of superseded rows is reported so the row accounting still closes.
* Genres: `"Animation|Children"` becomes one row per (movie, genre).
* Split: each user's latest 20% of ratings are held out for evaluation. A time-based split,
  unlike a random one, never lets a model learn from a user's future.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines.core.io import DataError, frame_checksum, read_parquet, write_json, write_parquet
from pipelines.core.landing import partitions_for, snapshot_for
from pipelines.core.layout import Layout, as_date
from pipelines.core.schema import GENRE_SEPARATOR
from pipelines.core.validate import pair_key

TEST_FRACTION = 0.2


def consolidate(parts: list[pd.DataFrame]) -> tuple[pd.DataFrame, int]:
    """Union partitions (oldest first); keep each (user, movie)'s latest rating.

    Returns the ratings sorted by (userId, movieId) and how many rows were superseded.
    Ties on the timestamp go to the later delivery.
    """
    ratings = pd.concat(parts, ignore_index=True)
    key = pair_key(ratings["userId"].to_numpy(), ratings["movieId"].to_numpy())
    order = np.argsort(key, kind="stable")  # stable: delivery order survives within a pair
    sorted_key = key[order]
    last_of_pair = np.r_[sorted_key[1:] != sorted_key[:-1], True]
    first_of_pair = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    shared = ~(first_of_pair & last_of_pair)
    if shared.any():  # the rare pairs rated more than once: the latest timestamp wins
        rows = order[shared]
        ts = ratings["timestamp"].to_numpy()[rows]
        by_time = np.lexsort((rows, ts, key[rows]))
        rows, pair = rows[by_time], key[rows][by_time]
        latest = rows[np.r_[pair[1:] != pair[:-1], True]]
        keep = np.sort(np.r_[order[~shared], latest])
        keep = keep[np.argsort(key[keep], kind="stable")]
    else:
        keep = order
    kept = ratings.iloc[keep].reset_index(drop=True)
    return kept, len(ratings) - len(kept)


def explode_genres(movies: pd.DataFrame) -> pd.DataFrame:
    """One row per (movieId, genre), sorted, so genre features are a group-by away."""
    genres = movies[["movieId", "genres"]].assign(
        genre=movies["genres"].astype("string").str.split(GENRE_SEPARATOR, regex=False)
    )
    exploded = genres.explode("genre", ignore_index=True)[["movieId", "genre"]]
    return exploded.astype({"genre": "string"}).sort_values(["movieId", "genre"], ignore_index=True)


def time_split(
    ratings: pd.DataFrame, test_fraction: float = TEST_FRACTION
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out each user's latest ratings: train on the past, test on the future.

    Per user, ratings are ordered by time (then movieId, for ties) and the last
    `test_fraction` of them (rounded down, and never the user's only rating) are held out.
    """
    if ratings.empty:
        raise DataError("no clean ratings to split: every row was quarantined")
    users = ratings["userId"].to_numpy()
    # one stable sort on (user, time) packed in an int64; ratings arrive sorted by
    # (user, movie), so equal times stay in movieId order
    ts = ratings["timestamp"].to_numpy()
    order = np.argsort(pair_key(users, ts - ts.min()), kind="stable")
    sorted_users = users[order]
    starts = np.flatnonzero(np.r_[True, sorted_users[1:] != sorted_users[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    position = np.arange(len(order)) - np.repeat(starts, sizes)
    n_train = np.maximum(1, np.ceil(sizes * (1 - test_fraction)).astype(np.int64))
    is_test = np.zeros(len(order), dtype=bool)
    is_test[order] = position >= np.repeat(n_train, sizes)
    return ratings[~is_test].reset_index(drop=True), ratings[is_test].reset_index(drop=True)


def transform(layout: Layout, date: dt.date | str) -> dict:
    """Build the curated zone for `date` from the clean partitions it covers."""
    date = as_date(date)
    dates = partitions_for(layout, date)
    snapshot = snapshot_for(layout, date)
    parts = [read_parquet(layout.clean_ratings(d)) for d in dates]
    ratings, superseded = consolidate(parts)
    train, test = time_split(ratings)
    movies = read_parquet(layout.clean_movies(snapshot))
    genres = explode_genres(movies)

    tables = {
        "ratings": ratings,
        "train": train,
        "test": test,
        "movies": movies,
        "movie_genres": genres,
    }
    for name, table in tables.items():
        write_parquet(table, layout.curated(name, date))
    report = {
        "date": date.isoformat(),
        "partitions": [d.isoformat() for d in dates],
        "rows_per_partition": {d.isoformat(): len(p) for d, p in zip(dates, parts, strict=True)},
        "rows_superseded": superseded,
        "test_fraction": TEST_FRACTION,
        "rows": {name: len(t) for name, t in tables.items()},
        "checksums": {name: frame_checksum(t) for name, t in tables.items()},
    }
    write_json(report, layout.transform_report(date))
    return report
