"""Validate: split each raw partition into clean rows and quarantined rows with a reason.

Rules are checked in order and a row is quarantined for the first rule it breaks, so the
counts per reason add up. The invariant `rows in = rows kept + rows quarantined` is checked
on every call; a violation is a bug in this file and stops the pipeline.

Ratings rules, in order: missing_value, non_numeric, invalid_id (ids are positive integers),
rating_out_of_range (0.5 … 5.0 in half steps), timestamp_out_of_range (from 1995 up to the
end of the partition's day), unknown_movie (not in the validated catalogue), duplicate (the
same user, movie and timestamp seen earlier in the partition). Lines that were not CSV rows at
all arrive from ingest as malformed_line.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines.core.io import read_parquet, write_json, write_parquet
from pipelines.core.landing import partition_info, snapshot_for
from pipelines.core.layout import Layout, as_date
from pipelines.core.schema import (
    CLEAN_RATINGS_DTYPES,
    EARLIEST_TIMESTAMP,
    MOVIES_COLUMNS,
    NO_GENRES,
    RATING_MAX,
    RATING_MIN,
    RATING_STEP,
    RATINGS_COLUMNS,
    end_of_day_timestamp,
)

RATING_REASONS: tuple[str, ...] = (
    "missing_value",
    "non_numeric",
    "invalid_id",
    "rating_out_of_range",
    "timestamp_out_of_range",
    "unknown_movie",
    "duplicate",
)
MOVIE_REASONS: tuple[str, ...] = ("missing_value", "non_numeric", "invalid_id", "duplicate")
MAX_ID = 2**31 - 1


class _Verdicts:
    """One small integer per row: 0 = keep, k = quarantined for reasons[k - 1]."""

    def __init__(self, n: int, reasons: tuple[str, ...]) -> None:
        self.code = np.zeros(n, dtype=np.int8)
        self.reasons = reasons

    def flag(self, mask: np.ndarray, reason: str) -> None:
        """Quarantine rows in `mask` for `reason` unless an earlier rule already did."""
        self.code[(self.code == 0) & mask] = self.reasons.index(reason) + 1

    @property
    def kept(self) -> np.ndarray:
        return self.code == 0

    def reason_labels(self) -> np.ndarray:
        labels = np.array(["", *self.reasons], dtype=object)
        return labels[self.code[~self.kept]]


def _is_missing(column: pd.Series) -> np.ndarray:
    missing = column.isna().to_numpy(dtype=bool)
    if not pd.api.types.is_numeric_dtype(column):
        # Arrow-backed columns hand out read-only arrays: combine into a new one
        blank = (column.astype("string").str.strip() == "").fillna(False).to_numpy(dtype=bool)
        missing = missing | blank
    return missing


def _as_float(column: pd.Series) -> np.ndarray:
    """Numbers as float64 with NaN where the text is not a number (no row is dropped)."""
    if not pd.api.types.is_numeric_dtype(column):
        column = pd.to_numeric(column.astype("string").str.strip(), errors="coerce")
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def _bad_id(values: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return ~((values == np.floor(values)) & (values > 0) & (values <= MAX_ID))


def _is_known(ids: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Membership by lookup table: ids are small positive integers (np.isin would sort)."""
    known = np.asarray(known, dtype=np.int64)
    table = np.zeros(int(known.max(initial=0)) + 2, dtype=bool)
    table[known] = True
    safe = np.where(np.isfinite(ids) & (ids >= 0) & (ids < len(table)), ids, len(table) - 1)
    return table[safe.astype(np.int64)]


def pair_key(users: np.ndarray, movies: np.ndarray) -> np.ndarray:
    """(userId, movieId) packed into one int64, ordered as the pair is."""
    return (np.asarray(users).astype(np.int64) << 32) | np.asarray(movies).astype(np.int64)


def repeated_rows(key: np.ndarray, timestamp: np.ndarray) -> np.ndarray:
    """Positions of rows whose (key, timestamp) occurred earlier in the array.

    One stable sort on the key; only the rare keys that occur more than once get the
    (slower) exact check with the timestamp.
    """
    order = np.argsort(key, kind="stable")
    same_as_next = key[order][1:] == key[order][:-1]
    in_group = np.zeros(len(key), dtype=bool)
    in_group[1:] |= same_as_next
    in_group[:-1] |= same_as_next
    candidates = np.sort(order[in_group])
    if len(candidates) == 0:
        return candidates
    repeat = (
        pd.DataFrame({"k": key[candidates], "t": timestamp[candidates]}).duplicated().to_numpy()
    )
    return candidates[repeat]


def _quarantine_frame(raw: pd.DataFrame, verdicts: _Verdicts) -> pd.DataFrame:
    rejected = raw.loc[~verdicts.kept].astype("string")
    rejected.insert(0, "row", np.flatnonzero(~verdicts.kept).astype(np.int64))
    rejected["reason"] = pd.array(verdicts.reason_labels(), dtype="string")
    return rejected.reset_index(drop=True)


def validate_ratings(
    raw: pd.DataFrame, known_movies: np.ndarray, latest_timestamp: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split raw ratings into (clean, quarantine). Clean rows get compact numeric types."""
    raw = raw.loc[:, list(RATINGS_COLUMNS)]
    verdicts = _Verdicts(len(raw), RATING_REASONS)
    verdicts.flag(
        np.logical_or.reduce([_is_missing(raw[c]) for c in RATINGS_COLUMNS]), "missing_value"
    )
    values = {c: _as_float(raw[c]) for c in RATINGS_COLUMNS}
    verdicts.flag(np.logical_or.reduce([np.isnan(v) for v in values.values()]), "non_numeric")
    verdicts.flag(_bad_id(values["userId"]) | _bad_id(values["movieId"]), "invalid_id")

    with np.errstate(invalid="ignore"):
        steps = values["rating"] / RATING_STEP
        bad_rating = ~(
            (steps == np.round(steps))
            & (values["rating"] >= RATING_MIN)
            & (values["rating"] <= RATING_MAX)
        )
        ts = values["timestamp"]
        bad_ts = ~((ts == np.floor(ts)) & (ts >= EARLIEST_TIMESTAMP) & (ts < latest_timestamp))
    verdicts.flag(bad_rating, "rating_out_of_range")
    verdicts.flag(bad_ts, "timestamp_out_of_range")
    verdicts.flag(~_is_known(values["movieId"], known_movies), "unknown_movie")

    # a duplicate is a kept row that repeats an earlier kept row (the first copy stays)
    kept_rows = np.flatnonzero(verdicts.kept)
    pair = pair_key(values["userId"][kept_rows], values["movieId"][kept_rows])
    repeats = np.zeros(len(raw), dtype=bool)
    repeats[kept_rows[repeated_rows(pair, values["timestamp"][kept_rows].astype(np.int64))]] = True
    verdicts.flag(repeats, "duplicate")

    kept = verdicts.kept
    clean = pd.DataFrame(
        {c: values[c][kept].astype(CLEAN_RATINGS_DTYPES[c]) for c in RATINGS_COLUMNS}
    )
    return clean, _quarantine_frame(raw, verdicts)


def validate_movies(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split raw movies into (clean, quarantine); derive `year` from the title if absent."""
    verdicts = _Verdicts(len(raw), MOVIE_REASONS)
    verdicts.flag(_is_missing(raw["movieId"]), "missing_value")
    ids = _as_float(raw["movieId"])
    verdicts.flag(np.isnan(ids), "non_numeric")
    verdicts.flag(_bad_id(ids), "invalid_id")
    kept_rows = np.flatnonzero(verdicts.kept)
    repeats = np.zeros(len(raw), dtype=bool)
    repeats[kept_rows[pd.Series(ids[kept_rows]).duplicated().to_numpy()]] = True
    verdicts.flag(repeats, "duplicate")

    kept = verdicts.kept
    movies = raw.loc[kept]
    title = movies["title"].astype("string")
    if "year" in movies.columns:
        year = pd.to_numeric(movies["year"], errors="coerce")
    else:
        year = pd.to_numeric(title.str.extract(r"\((\d{4})\)\s*$")[0], errors="coerce")
    genres = movies["genres"].astype("string").str.strip()
    clean = pd.DataFrame(
        {
            "movieId": ids[kept].astype(np.int32),
            "title": title.to_numpy(),
            "genres": genres.mask(genres.isna() | (genres == ""), NO_GENRES).to_numpy(),
            "year": year.astype("Int16").to_numpy(),
        }
    )
    raw_cols = [c for c in raw.columns if c in (*MOVIES_COLUMNS, "year")]
    return clean, _quarantine_frame(raw.loc[:, raw_cols], verdicts)


def _append_malformed(quarantine: pd.DataFrame, malformed: pd.DataFrame) -> pd.DataFrame:
    if malformed.empty:
        return quarantine
    lines = pd.DataFrame(
        {
            "row": malformed["line"].astype("Int64"),
            "text": malformed["text"],
            "reason": "malformed_line",
        }
    )
    return pd.concat([quarantine, lines], ignore_index=True).astype({"reason": "string"})


def _counts(rows_in: int, clean: pd.DataFrame, quarantine: pd.DataFrame, table: str) -> dict:
    kept, rejected = len(clean), len(quarantine)
    if rows_in != kept + rejected:
        raise AssertionError(f"{table}: {rows_in} rows in but {kept} kept + {rejected} quarantined")
    by_reason = quarantine["reason"].value_counts().sort_index()
    return {
        "rows_in": rows_in,
        "rows_kept": kept,
        "rows_quarantined": rejected,
        "by_reason": {str(k): int(v) for k, v in by_reason.items()},
    }


def validate(layout: Layout, date: dt.date | str) -> dict:
    """Validate the raw partition for `date`; write clean, quarantine and the report."""
    date = as_date(date)
    info = partition_info(layout, date)
    malformed = read_parquet(layout.malformed_lines(date))
    report: dict = {"date": date.isoformat(), "kind": info["kind"]}

    if info["kind"] == "snapshot":
        raw_movies = read_parquet(layout.raw_movies(date))
        movies, rejected_movies = validate_movies(raw_movies)
        rejected_movies = _append_malformed(
            rejected_movies, malformed[malformed["table"] == "movies"]
        )
        write_parquet(movies, layout.clean_movies(date))
        write_parquet(rejected_movies, layout.quarantine("movies", date))
        report["movies"] = _counts(
            len(raw_movies) + int((malformed["table"] == "movies").sum()),
            movies,
            rejected_movies,
            "movies",
        )
        known = movies["movieId"].to_numpy()
    else:
        catalogue = layout.clean_movies(snapshot_for(layout, date))
        known = read_parquet(catalogue, columns=["movieId"])["movieId"].to_numpy()
        report["movies_from"] = snapshot_for(layout, date).isoformat()

    raw_ratings = read_parquet(layout.raw_ratings(date))
    ratings, rejected = validate_ratings(raw_ratings, known, end_of_day_timestamp(date))
    ratings_malformed = malformed[malformed["table"] == "ratings"]
    rejected = _append_malformed(rejected, ratings_malformed)
    write_parquet(ratings, layout.clean_ratings(date))
    write_parquet(rejected, layout.quarantine("ratings", date))
    report["ratings"] = _counts(
        len(raw_ratings) + len(ratings_malformed), ratings, rejected, "ratings"
    )
    write_json(report, layout.validation_report(date))
    return report
