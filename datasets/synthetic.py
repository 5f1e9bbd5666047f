"""`synthetic:N`: MovieLens-shaped ratings at any scale, fitted to the real sample.

No PyPI package ships MovieLens 1M/10M/25M, so larger runs use a generator whose shape is
taken from ml-latest-small at generation time:

* ratings per user: resampled from the sample's users (heavy-tailed), scaled to total N;
* movie popularity: the sample's long-tailed popularity curve, stretched to the movie count;
* rating values: exactly the sample's histogram (quantile mapping of a latent score), where
  the latent score = user bias + movie quality + a low-rank taste match, so models have real
  structure to learn;
* timestamps: each user borrows a real user's first-rating time and activity span.

Deterministic for (N, seed): users are generated in fixed-size blocks, each with its own
seeded stream, and written block by block to one Parquet file (bounded memory at 25M rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from datasets.movielens import load_sample
from pipelines.core.io import atomic_path, write_parquet

USERS_PER_BLOCK = 5000
LATENT_FACTORS = 4


@dataclass(frozen=True)
class SampleShape:
    """What the generator copies from the real sample."""

    ratings_per_user: np.ndarray  # one value per real user
    first_timestamp: np.ndarray  # per real user, aligned with ratings_per_user
    span_seconds: np.ndarray
    popularity: np.ndarray  # ratings per movie, most popular first
    rating_values: np.ndarray  # distinct ratings, ascending
    rating_cdf: np.ndarray  # cumulative share of each rating value
    genres: np.ndarray  # a real movie's genre string, one per real movie
    years: np.ndarray

    @classmethod
    def from_sample(cls) -> SampleShape:
        ratings, movies = load_sample()
        per_user = ratings.groupby("userId")["timestamp"].agg(["size", "min", "max"])
        hist = ratings["rating"].value_counts(normalize=True).sort_index()
        return cls(
            ratings_per_user=per_user["size"].to_numpy(),
            first_timestamp=per_user["min"].to_numpy(),
            span_seconds=(per_user["max"] - per_user["min"]).to_numpy(),
            popularity=np.sort(ratings.groupby("movieId").size().to_numpy())[::-1],
            rating_values=hist.index.to_numpy(dtype=np.float32),
            rating_cdf=np.append(np.cumsum(hist.to_numpy())[:-1], 1.0),
            genres=movies["genres"].astype(str).to_numpy(),
            years=movies["year"].fillna(1995).astype(int).to_numpy(),
        )


def sizes(n_ratings: int) -> tuple[int, int]:
    """(users, movies) for N ratings, scaled from the sample's 671 users and 9,066 movies.

    Users grow linearly (the sample's ~149 ratings per user); movies sub-linearly, as in the
    real MovieLens releases (ml-25m: 25M ratings, 62k movies).
    """
    users = max(1, round(n_ratings * 671 / 100_004))
    movies = max(10, round(9066 * (n_ratings / 100_004) ** 0.4))
    return users, movies


def _popularity_weights(shape: SampleShape, n_movies: int) -> np.ndarray:
    rank = np.linspace(0.0, 1.0, len(shape.popularity))
    curve = np.interp(np.linspace(0.0, 1.0, n_movies), rank, shape.popularity.astype(float))
    return curve / curve.sum()


def _user_counts(
    shape: SampleShape, rng: np.random.Generator, n_users: int, n_ratings: int, n_movies: int
) -> tuple[np.ndarray, np.ndarray]:
    donors = rng.integers(0, len(shape.ratings_per_user), size=n_users)
    counts = shape.ratings_per_user[donors] * rng.lognormal(0.0, 0.2, size=n_users)
    counts = np.maximum(1, np.round(counts * n_ratings / counts.sum())).astype(np.int64)
    cap = max(1, n_movies // 2)
    counts = np.minimum(counts, cap)
    # absorb the rounding remainder, one rating at a time, across users with room
    diff = n_ratings - int(counts.sum())
    order = rng.permutation(n_users)
    while diff != 0:
        step = 1 if diff > 0 else -1
        room = (counts[order] < cap) if step > 0 else (counts[order] > 1)
        movable = order[room][: abs(diff)]
        if len(movable) == 0:
            raise ValueError(
                f"cannot place {n_ratings} ratings on {n_users} users × {n_movies} movies"
            )
        counts[movable] += step
        diff -= step * len(movable)
    return counts, donors


def _pick_movies(
    rng: np.random.Generator, counts: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct movies per user, drawn by popularity: (user_positions, movie_indices)."""
    users = np.repeat(np.arange(len(counts)), counts)
    movies = rng.choice(len(weights), size=len(users), p=weights)
    for _ in range(50):
        key = users.astype(np.int64) * len(weights) + movies
        _, first = np.unique(key, return_index=True)
        dup = np.ones(len(key), dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        movies[dup] = rng.choice(len(weights), size=int(dup.sum()), p=weights)
    else:  # extremely heavy users on a tiny catalogue: fall back to uniform fill
        for pos in np.flatnonzero(dup):
            taken = set(movies[users == users[pos]])
            movies[pos] = rng.choice([m for m in range(len(weights)) if m not in taken])
    return users, movies


def generate(
    target: Path, n_ratings: int, seed: int = 0, progress: Callable[[int], None] | None = None
) -> dict[str, Path]:
    """Write `ratings.parquet` and `movies.parquet` for N synthetic ratings into `target`."""
    if n_ratings < 1:
        raise ValueError("synthetic:N needs N ≥ 1")
    shape = SampleShape.from_sample()
    n_users, n_movies = sizes(n_ratings)
    rng = np.random.default_rng([seed, 0])
    counts, donors = _user_counts(shape, rng, n_users, n_ratings, n_movies)
    weights = _popularity_weights(shape, n_movies)
    quality = rng.normal(0.0, 0.5, size=n_movies)
    item_taste = rng.normal(0.0, 0.5, size=(n_movies, LATENT_FACTORS))
    movie_ids = np.arange(1, n_movies + 1, dtype=np.int32)

    picks = rng.integers(0, len(shape.genres), size=n_movies)
    years = shape.years[picks]
    movies = pd.DataFrame(
        {
            "movieId": movie_ids,
            "title": pd.array(
                [f"Synthetic Movie {i} ({y})" for i, y in zip(movie_ids, years, strict=True)],
                dtype="string",
            ),
            "genres": pd.array(shape.genres[picks], dtype="string"),
            "year": pd.array(years, dtype="Int16"),
        }
    )
    schema = pa.schema(
        [
            ("userId", pa.int32()),
            ("movieId", pa.int32()),
            ("rating", pa.float32()),
            ("timestamp", pa.int64()),
        ]
    )
    ratings_path = target / "ratings.parquet"
    with (
        atomic_path(ratings_path) as tmp,
        pq.ParquetWriter(tmp, schema, compression="zstd") as writer,
    ):
        for start in range(0, n_users, USERS_PER_BLOCK):
            block = slice(start, min(start + USERS_PER_BLOCK, n_users))
            brng = np.random.default_rng([seed, 1, start])
            users, movie_idx = _pick_movies(brng, counts[block], weights)
            n = len(users)
            user_bias = brng.normal(0.0, 0.4, size=block.stop - block.start)
            user_taste = brng.normal(0.0, 0.5, size=(block.stop - block.start, LATENT_FACTORS))
            latent = (
                user_bias[users]
                + quality[movie_idx]
                + np.einsum("ij,ij->i", user_taste[users], item_taste[movie_idx])
                + brng.normal(0.0, 0.5, size=n)
            )
            quantile = (np.argsort(np.argsort(latent, kind="stable"), kind="stable") + 0.5) / n
            rating = shape.rating_values[np.searchsorted(shape.rating_cdf, quantile)]
            donor = donors[block][users]
            ts = shape.first_timestamp[donor] + (brng.random(n) * shape.span_seconds[donor]).astype(
                np.int64
            )
            table = pa.table(
                {
                    "userId": (users + start + 1).astype(np.int32),
                    "movieId": movie_ids[movie_idx],
                    "rating": rating.astype(np.float32),
                    "timestamp": ts.astype(np.int64),
                },
                schema=schema,
            )
            writer.write_table(table)
            if progress:
                progress(n)
    return {"ratings": ratings_path, "movies": write_parquet(movies, target / "movies.parquet")}
