"""Test data builders: small MovieLens-shaped CSVs landed into run folders."""

from __future__ import annotations

import datetime as dt

from pipelines.core.landing import land_partition
from pipelines.core.layout import Layout

RUN_DATE = dt.date(2016, 10, 17)
T0 = 1_300_000_000  # 2011-03-13, well inside the valid range

MOVIES_CSV = """movieId,title,genres
1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy
2,Jumanji (1995),Adventure|Children|Fantasy
3,"Grumpier Old Men, The (1995)",Comedy|Romance
4,Heat (1995),Action|Crime|Thriller
5,No Genres (2001),(no genres listed)
"""


def ratings_csv(rows: list[tuple]) -> str:
    return "userId,movieId,rating,timestamp\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)


def good_rows(users: int = 6) -> list[tuple]:
    """Every user rates every movie once, at distinct times: 30 valid rows."""
    return [
        (u, m, 0.5 * (1 + (u * 7 + m * 3) % 10), T0 + 3600 * (u * 10 + m))
        for u in range(1, users + 1)
        for m in range(1, 6)
    ]


def land_csv(
    layout: Layout, ratings_text: str, movies_text: str = MOVIES_CSV, date=RUN_DATE, kind="snapshot"
) -> None:
    src = layout.root.parent / f"src-{date}"
    src.mkdir(parents=True, exist_ok=True)
    (src / "ratings.csv").write_text(ratings_text)
    files = {"ratings": src / "ratings.csv"}
    if kind == "snapshot":
        (src / "movies.csv").write_text(movies_text)
        files["movies"] = src / "movies.csv"
    land_partition(layout, date, kind, files, "test")
