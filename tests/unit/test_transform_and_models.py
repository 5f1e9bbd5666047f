"""Consolidation, the time split, genres, and the two models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipelines.core.models import fit_als, fit_bias, top_k
from pipelines.core.train import fit_model
from pipelines.core.transform import consolidate, explode_genres, time_split


def frame(rows):
    return pd.DataFrame(rows, columns=["userId", "movieId", "rating", "timestamp"]).astype(
        {"userId": "int32", "movieId": "int32", "rating": "float32", "timestamp": "int64"}
    )


def test_consolidate_keeps_the_latest_rating_of_a_pair():
    snapshot = frame([(1, 10, 3.0, 100), (1, 11, 4.0, 100), (2, 10, 2.0, 100)])
    increment = frame([(1, 10, 5.0, 200), (2, 10, 1.0, 50)])  # a re-rating; an older straggler
    kept, superseded = consolidate([snapshot, increment])
    assert superseded == 2
    assert kept.values.tolist() == [[1, 10, 5.0, 200], [1, 11, 4.0, 100], [2, 10, 2.0, 100]]


def test_consolidate_same_time_goes_to_the_later_delivery():
    kept, _ = consolidate([frame([(1, 10, 3.0, 100)]), frame([(1, 10, 4.5, 100)])])
    assert kept["rating"].tolist() == [4.5]


def test_time_split_holds_out_each_users_latest_fifth():
    rows = [(1, m, 3.0, 1000 - m) for m in range(1, 11)] + [(2, 1, 4.0, 5)]
    train, test = time_split(frame(rows))
    assert sorted(test.loc[test.userId == 1, "movieId"]) == [1, 2]  # the two most recent
    assert (
        test.loc[test.userId == 1, "timestamp"].min()
        > train.loc[train.userId == 1, "timestamp"].max()
    )
    assert (
        2 in train.userId.values and 2 not in test.userId.values
    )  # a single rating stays in train
    assert len(train) + len(test) == len(rows)


def test_explode_genres_one_row_per_genre():
    movies = pd.DataFrame({"movieId": [1, 2], "genres": ["Drama|Comedy", "(no genres listed)"]})
    assert explode_genres(movies).values.tolist() == [
        [1, "Comedy"],
        [1, "Drama"],
        [2, "(no genres listed)"],
    ]


@pytest.fixture(scope="module")
def ratings(sample):
    """The real sample, split into (train, test)."""
    return time_split(sample[0])


def rmse(model, test):
    pred = model.predict(test.userId.to_numpy(), test.movieId.to_numpy())
    return float(np.sqrt(np.mean((pred - test.rating.to_numpy()) ** 2)))


def test_models_beat_the_global_mean(ratings):
    train, test = ratings
    global_mean = float(np.sqrt(np.mean((train.rating.mean() - test.rating.to_numpy()) ** 2)))
    bias = fit_model("bias", train)
    als = fit_model("als", train)
    assert rmse(bias, test) < global_mean - 0.05
    assert rmse(als, test) < rmse(bias, test)  # the factors add something on real data


def test_als_is_deterministic_for_a_seed_and_varies_with_it(ratings):
    train, _ = ratings
    base = fit_bias(train, 10, 25, 5)
    a = fit_als(train, base, 4, 0.3, 3, seed=1)
    b = fit_als(train, base, 4, 0.3, 3, seed=1)
    c = fit_als(train, base, 4, 0.3, 3, seed=2)
    assert np.array_equal(a.item_factors, b.item_factors)
    assert not np.array_equal(a.item_factors, c.item_factors)


def test_saved_model_predicts_the_same(tmp_path, ratings):
    train, test = ratings
    model = fit_model("als", train)
    from pipelines.core.models import Recommender

    loaded = Recommender.load(model.save(tmp_path / "m.npz"))
    assert loaded.params == model.params
    users, items = test.userId.to_numpy()[:500], test.movieId.to_numpy()[:500]
    assert np.array_equal(loaded.predict(users, items), model.predict(users, items))


def test_top_k_excludes_seen_and_breaks_ties_by_movie_id():
    train = frame([(1, m, 3.0, m) for m in (1, 2, 3, 4, 5, 6)] + [(2, 1, 3.0, 1)])
    model = fit_bias(train, 0.0, 0.0, 1)  # every movie scores the same: a pure tie
    recs = top_k(model, np.array([2]), np.array([6, 5, 4, 3, 2, 1]), train[train.userId == 2], k=3)
    assert recs["movieId"].tolist() == [2, 3, 4]  # 1 was seen; lowest ids win the tie
    assert recs["rank"].tolist() == [1, 2, 3]


def test_unknown_users_and_movies_fall_back_to_biases():
    train = frame([(1, 1, 4.0, 1), (2, 2, 2.0, 2)])
    model = fit_bias(train, 0.0, 0.0, 3)
    pred = model.predict(np.array([99, 1]), np.array([1, 99]))
    assert pred.min() >= 0.5 and pred.max() <= 5.0 and np.isfinite(pred).all()
