"""Features: per-user and per-movie aggregates, computed from the training split only.

Computing them on train only keeps the held-out ratings unseen (no leakage). Downstream,
`movie_features.popularity_rank` chooses the candidate movies every model ranks, and
`user_features` lists the users who get recommendations.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.core.io import frame_checksum, read_parquet, write_parquet
from pipelines.core.layout import Layout, as_date


def user_features(train: pd.DataFrame) -> pd.DataFrame:
    grouped = train.groupby("userId", sort=True)
    return pd.DataFrame(
        {
            "n_ratings": grouped.size().astype("int32"),
            "mean_rating": grouped["rating"].mean().astype("float64"),
            "first_timestamp": grouped["timestamp"].min(),
            "last_timestamp": grouped["timestamp"].max(),
        }
    ).reset_index()


def movie_features(train: pd.DataFrame, movies: pd.DataFrame, genres: pd.DataFrame) -> pd.DataFrame:
    """Aggregates for every catalogue movie (zero ratings included), ranked by popularity."""
    grouped = train.groupby("movieId", sort=True)
    stats = pd.DataFrame(
        {"n_ratings": grouped.size(), "mean_rating": grouped["rating"].mean().astype("float64")}
    )
    n_genres = genres.groupby("movieId").size().rename("n_genres")
    table = (
        movies[["movieId", "year"]]
        .set_index("movieId")
        .join(stats)
        .join(n_genres)
        .fillna({"n_ratings": 0, "n_genres": 0})
        .astype({"n_ratings": "int32", "n_genres": "int16"})
        .reset_index()
    )
    # most-rated first; ties broken by id so the ranking is deterministic
    table = table.sort_values(["n_ratings", "movieId"], ascending=[False, True], ignore_index=True)
    table["popularity_rank"] = pd.RangeIndex(1, len(table) + 1).astype("int32")
    return table.sort_values("movieId", ignore_index=True)


def build_features(layout: Layout, date: dt.date | str) -> dict:
    date = as_date(date)
    train = read_parquet(layout.curated("train", date))
    movies = read_parquet(layout.curated("movies", date))
    genres = read_parquet(layout.curated("movie_genres", date))
    tables = {
        "user_features": user_features(train),
        "movie_features": movie_features(train, movies, genres),
    }
    for name, table in tables.items():
        write_parquet(table, layout.features(name, date))
    return {
        "date": date.isoformat(),
        "rows": {name: len(t) for name, t in tables.items()},
        "checksums": {name: frame_checksum(t) for name, t in tables.items()},
    }
