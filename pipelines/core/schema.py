"""The MovieLens schema the pipeline expects, and the rules a valid row obeys.

Column names follow GroupLens' `ratings.csv` / `movies.csv`, so a user's own ml-25m
download lands unchanged.
"""

from __future__ import annotations

import datetime as dt

from pipelines.core.io import DataError

RATINGS_COLUMNS: tuple[str, ...] = ("userId", "movieId", "rating", "timestamp")
MOVIES_COLUMNS: tuple[str, ...] = ("movieId", "title", "genres")
OPTIONAL_MOVIES_COLUMNS: tuple[str, ...] = ("year",)

CLEAN_RATINGS_DTYPES: dict[str, str] = {
    "userId": "int32",
    "movieId": "int32",
    "rating": "float32",
    "timestamp": "int64",
}

RATING_MIN, RATING_MAX, RATING_STEP = 0.5, 5.0, 0.5
"""Ratings are stars in half steps: 0.5, 1.0, ..., 5.0."""

EARLIEST_TIMESTAMP = int(dt.datetime(1995, 1, 1, tzinfo=dt.UTC).timestamp())
"""MovieLens' first ratings date from January 1995; anything earlier is a broken clock."""

NO_GENRES = "(no genres listed)"
GENRE_SEPARATOR = "|"

RELEVANT_RATING = 4.0
"""A held-out rating at or above this counts as 'the user liked it' for precision/recall."""


def end_of_day_timestamp(date: dt.date) -> int:
    """No rating in a partition for `date` can be later than the end of that day (UTC)."""
    next_day = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return int(next_day.timestamp())


def require_columns(table: str, found: list[str], required: tuple[str, ...], where: str) -> None:
    """Raise a one-line error naming the missing columns and the ones that were found."""
    missing = [c for c in required if c not in found]
    if missing:
        raise DataError(
            f"{where}: {table} is missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(found) or 'none'}); expected {', '.join(required)}"
        )
