"""Batch-score and load: top-10 recommendations per user, then into the warehouse table.

`score` ranks the candidate movies for every user with the version `publish` chose and
writes them to the lake. `load` replaces the contents of the SQLite table
`recommendations` in one transaction: readers see the old set or the new one, and a rerun
(or a retry after a crash) never leaves duplicates — the primary key (user_id, rank) would
refuse them anyway.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3

import pandas as pd

from pipelines.core.evaluate import K, candidate_movies
from pipelines.core.io import frame_checksum, read_json, read_parquet, write_json, write_parquet
from pipelines.core.layout import Layout, as_date
from pipelines.core.models import Recommender, top_k

SCHEMA = """
CREATE TABLE IF NOT EXISTS recommendations (
    user_id       INTEGER NOT NULL,
    rank          INTEGER NOT NULL,
    movie_id      INTEGER NOT NULL,
    score         REAL    NOT NULL,
    model_version TEXT    NOT NULL,
    run_date      TEXT    NOT NULL,
    PRIMARY KEY (user_id, rank)
);
CREATE TABLE IF NOT EXISTS loads (
    run_date      TEXT PRIMARY KEY,
    model_version TEXT NOT NULL,
    rows          INTEGER NOT NULL,
    checksum      TEXT NOT NULL,
    loaded_at     TEXT NOT NULL
);
"""


def score(layout: Layout, date: dt.date | str) -> dict:
    """Top-10 unseen candidate movies for every user known to the published model."""
    date = as_date(date)
    card = read_json(layout.published(date))
    model = Recommender.load(layout.registry / card["version"] / "model.npz")
    users = read_parquet(layout.features("user_features", date), columns=["userId"])["userId"]
    candidates = candidate_movies(read_parquet(layout.features("movie_features", date)))
    seen = read_parquet(layout.curated("ratings", date), columns=["userId", "movieId"])
    recs = top_k(model, users.to_numpy(), candidates, seen, k=K)
    recs["model_version"] = card["version"]
    write_parquet(recs, layout.recommendations(date))
    return {"date": date.isoformat(), "rows": len(recs), "users": int(recs["userId"].nunique())}


def load(layout: Layout, date: dt.date | str) -> dict:
    """Replace the warehouse's recommendations with the ones scored for `date`."""
    date = as_date(date)
    recs = read_parquet(layout.recommendations(date))
    layout.warehouse.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        (int(u), int(r), int(m), float(s), v, date.isoformat())
        for u, r, m, s, v in recs[
            ["userId", "rank", "movieId", "score", "model_version"]
        ].itertuples(index=False, name=None)
    ]
    checksum = frame_checksum(recs)
    # closing() closes the connection; `db` as a context manager is one transaction
    with contextlib.closing(sqlite3.connect(layout.warehouse)) as db, db:
        db.executescript(SCHEMA)
        db.execute("DELETE FROM recommendations")
        db.executemany("INSERT INTO recommendations VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.execute(
            "INSERT OR REPLACE INTO loads VALUES (?, ?, ?, ?, ?)",
            (
                date.isoformat(),
                str(recs["model_version"].iloc[0]) if len(recs) else "",
                len(rows),
                checksum,
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ),
        )
    report = {"date": date.isoformat(), "rows": len(rows), "checksum": checksum}
    write_json(report, layout.load_report(date))
    return report


def warehouse_table(layout: Layout) -> pd.DataFrame:
    """The recommendations table as a DataFrame, ordered by (user_id, rank) — for checks."""
    with contextlib.closing(sqlite3.connect(layout.warehouse)) as db:
        return pd.read_sql_query(
            "SELECT user_id, rank, movie_id, score, model_version FROM recommendations "
            "ORDER BY user_id, rank",
            db,
        )
