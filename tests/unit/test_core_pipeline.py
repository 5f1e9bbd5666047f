"""The whole core path on a small landed dataset: outputs, reruns, increments, atomicity."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from pipelines.core.graph import edges, pipeline_steps
from pipelines.core.io import atomic_path, read_json
from pipelines.core.landing import land_partition, partitions_for
from pipelines.core.layout import MODEL_NAMES, Layout
from pipelines.core.serve import warehouse_table
from tests.helpers import RUN_DATE


def run_all(layout: Layout, date: dt.date) -> dict:
    return {step.name: step.run(layout, date) for step in pipeline_steps()}


@pytest.fixture(scope="module")
def full_run(tmp_path_factory, sample_files):
    layout = Layout(tmp_path_factory.mktemp("core") / "run")
    land_partition(layout, RUN_DATE, "snapshot", sample_files, "movielens-small")
    return layout, run_all(layout, RUN_DATE)


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory):
    from datasets.movielens import write_sample

    return write_sample(tmp_path_factory.mktemp("sample"))


def test_full_run_accounts_for_every_row(full_run):
    _, out = full_run
    assert out["validate"]["ratings"]["rows_in"] == 100_004
    assert (
        out["validate"]["ratings"]["rows_kept"] + out["validate"]["ratings"]["rows_quarantined"]
        == 100_004
    )
    rows = out["transform"]["rows"]
    assert (
        rows["train"] + rows["test"]
        == rows["ratings"]
        == 100_004 - out["transform"]["rows_superseded"]
    )


def test_full_run_publishes_the_model_with_the_lowest_rmse(full_run):
    layout, out = full_run
    metrics = {m: read_json(layout.metrics(m, RUN_DATE)) for m in MODEL_NAMES}
    best = min(MODEL_NAMES, key=lambda m: metrics[m]["rmse"])
    card = out["publish"]
    assert card["model"] == best and card["version"] == "v0001"
    assert (layout.registry / "v0001" / "MODEL_CARD.md").read_text().startswith("# Model card")
    for m in metrics.values():
        assert (
            0.5 < m["rmse"] < 1.2 and 0 <= m["precision_at_10"] <= 1 and m["users_evaluated"] > 100
        )


def test_ten_recommendations_per_user_none_already_rated(full_run):
    layout, _ = full_run
    table = warehouse_table(layout)
    assert table.groupby("user_id").size().eq(10).all()
    assert table["user_id"].nunique() == 671
    from pipelines.core.io import read_parquet

    seen = read_parquet(layout.curated("ratings", RUN_DATE))
    overlap = table.merge(seen, left_on=["user_id", "movie_id"], right_on=["userId", "movieId"])
    assert overlap.empty


def test_rerunning_changes_nothing_and_duplicates_nothing(full_run):
    layout, out = full_run
    again = run_all(layout, RUN_DATE)
    assert again["publish"]["version"] == "v0001"  # reused, not v0002
    assert again["load"]["checksum"] == out["load"]["checksum"]
    with sqlite3.connect(layout.warehouse) as db:
        total, distinct = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT user_id || '-' || rank) FROM recommendations"
        ).fetchone()
    assert total == distinct == 6710


def test_an_increment_retrains_and_publishes_a_new_version(full_run):
    from datasets.stream import emit

    layout, _ = full_run
    day = RUN_DATE + dt.timedelta(days=1)
    emit(layout.root, day, rows=500, bad_fraction=0.1, seed=3)
    assert partitions_for(layout, day) == [RUN_DATE, day]
    out = run_all(layout, day)
    counts = out["validate"]["ratings"]
    assert counts["rows_in"] == counts["rows_kept"] + counts["rows_quarantined"]
    assert counts["rows_quarantined"] >= 45  # ~10% spoiled; duplicates add rows
    assert out["transform"]["partitions"] == [RUN_DATE.isoformat(), day.isoformat()]
    assert out["publish"]["version"] == "v0002"
    assert out["publish"]["data"]["partitions"] == [RUN_DATE.isoformat(), day.isoformat()]


def test_a_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "out.json"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed mid-write")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_graph_is_acyclic_and_trains_models_in_parallel():
    names = [s.name for s in pipeline_steps()]
    position = {n: i for i, n in enumerate(names)}
    assert all(position[up] < position[down] for up, down in edges())
    assert {("features", f"train_{m}") for m in MODEL_NAMES} <= edges()
    assert not any(
        e == ("train_bias", "train_als") or e == ("train_als", "train_bias") for e in edges()
    )
