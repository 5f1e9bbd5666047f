"""Evaluate: how well a model predicts and ranks the held-out (later) ratings.

* RMSE and MAE of predicted vs actual rating on every held-out rating.
* precision@10 and recall@10: for a seeded sample of users with at least one liked
  (≥ 4 stars) held-out movie, recommend 10 unseen candidate movies and count the hits.
  Candidates are the most-rated movies of the training split, exactly as in batch scoring,
  so the number measures what users will be served.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines.core.io import read_parquet, write_json
from pipelines.core.layout import Layout, as_date
from pipelines.core.models import Recommender, top_k
from pipelines.core.schema import RELEVANT_RATING

K = 10
N_CANDIDATES = 2000
"""Movies every model ranks: the most-rated of the training split (candidate generation)."""
EVAL_USERS = 1000
EVAL_SEED = 7


def candidate_movies(movie_features: pd.DataFrame, n: int = N_CANDIDATES) -> np.ndarray:
    rated = movie_features[movie_features["n_ratings"] > 0]
    return np.sort(rated.nsmallest(n, "popularity_rank")["movieId"].to_numpy())


def rating_errors(model: Recommender, test: pd.DataFrame) -> dict[str, float]:
    pred = model.predict(test["userId"].to_numpy(), test["movieId"].to_numpy())
    err = pred - test["rating"].to_numpy(dtype=np.float64)
    return {"rmse": float(np.sqrt(np.mean(err**2))), "mae": float(np.mean(np.abs(err)))}


def ranking_quality(
    model: Recommender,
    train: pd.DataFrame,
    test: pd.DataFrame,
    candidates: np.ndarray,
    n_users: int = EVAL_USERS,
    seed: int = EVAL_SEED,
) -> dict[str, float]:
    liked = test[test["rating"] >= RELEVANT_RATING]
    eligible = np.intersect1d(liked["userId"].unique(), model.user_ids)
    rng = np.random.default_rng(seed)
    users = np.sort(rng.choice(eligible, size=min(n_users, len(eligible)), replace=False))
    if len(users) == 0:
        return {"precision_at_10": float("nan"), "recall_at_10": float("nan"), "users_evaluated": 0}
    recs = top_k(model, users, candidates, train[train["userId"].isin(users)], k=K)
    liked = liked[liked["userId"].isin(users)]
    hits = (
        recs.merge(liked[["userId", "movieId"]], on=["userId", "movieId"]).groupby("userId").size()
    )
    hits = hits.reindex(users, fill_value=0).to_numpy()
    n_liked = liked.groupby("userId").size().reindex(users).to_numpy()
    return {
        "precision_at_10": float(np.mean(hits / K)),
        "recall_at_10": float(np.mean(hits / n_liked)),
        "users_evaluated": len(users),
    }


def evaluate(layout: Layout, date: dt.date | str, model: str) -> dict:
    """Score `model` for `date` on the held-out split; write metrics/date=D/<model>.json."""
    date = as_date(date)
    fitted = Recommender.load(layout.model(model, date))
    train = read_parquet(layout.curated("train", date), columns=["userId", "movieId"])
    test = read_parquet(layout.curated("test", date))
    candidates = candidate_movies(read_parquet(layout.features("movie_features", date)))
    metrics = {
        "date": date.isoformat(),
        "model": model,
        "test_ratings": len(test),
        **rating_errors(fitted, test),
        **ranking_quality(fitted, train, test, candidates),
    }
    write_json(metrics, layout.metrics(model, date))
    return metrics
