"""
# movie_pipeline

The movie ETL + ML pipeline as a Dagster job: one op per step of the shared core.

Dagster thinks in *definitions*: each op is a function with typed inputs, a job wires
ops together by calling them inside a `@job` function, and Dagster builds the whole graph
when the code is loaded — before any run — so the UI shows it and the daemon can schedule
it. Our steps pass no data to each other (it stays in the lake, at paths both sides derive
from the working directory and the date), so the wires are `Nothing` inputs: "run after",
not "take the output of".

Which lake and which day a run processes is the `lake` resource, configured per run
(`configure_at_launch`): the harness, the UI's launchpad or a schedule supplies
`resources.lake.config.workdir` and `.date`.

The job is partitioned by day: a run of one day's partition (what a backfill or a schedule
launches, and what the UI's partition picker does) gets its run config from `one_day`,
which names the lake of the folder the code server was started for
(`MOVIE_PIPELINE_WORKDIR`) and the executor settings the harness chose
(`MOVIE_PIPELINE_RUN_CONFIG`, JSON).

Retries are per op (`RetryPolicy`): a crashed step is retried, and because the core writes
every file atomically a retry starts from a clean slate. The job's executor runs each op in
a process of its own, at most `max_concurrent` at once (the harness sets it to the run's
slots), so the two models train side by side.

    wait_for_partition → ingest → validate → transform → features
      features ─┬→ train_bias → evaluate_bias ─┬→ publish → score → load
                └→ train_als  → evaluate_als  ─┘
"""

from __future__ import annotations

import datetime as dt
import json
import os

from dagster import (
    ConfigurableResource,
    In,
    Nothing,
    OpDefinition,
    RetryPolicy,
    daily_partitioned_config,
    job,
    op,
)

from pipelines.core import steps
from pipelines.core.graph import wait_for_partition as wait_until_landed
from pipelines.core.layout import MODEL_NAMES, Layout

RETRIES = RetryPolicy(max_retries=2, delay=10)
AFTER = In(Nothing)  # an input that orders ops without passing data


class MovieLake(ConfigurableResource):
    """The run's working directory and the day it processes; `wait_s`: how long the first
    op waits for the day's partition to land (0: it must be there already)."""

    workdir: str
    date: str
    wait_s: float = 0.0

    @property
    def layout(self) -> Layout:
        return Layout(self.workdir)

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)


@op
def wait_for_partition(lake: MovieLake) -> dict:
    """Succeed once the day's partition has landed (its `_SUCCESS` file exists). A sensor
    is Dagster's tool for starting runs when data arrives; inside a run, an op that polls."""
    return wait_until_landed(lake.layout, lake.day, timeout=lake.wait_s, poke=5.0)


@op(ins={"landed": AFTER}, retry_policy=RETRIES)
def ingest(lake: MovieLake) -> dict:
    """Landing → raw zone (Parquet), malformed lines set aside."""
    return steps.ingest(lake.layout, lake.day)


@op(ins={"ingested": AFTER}, retry_policy=RETRIES)
def validate(lake: MovieLake) -> dict:
    """Raw → clean + quarantine; returns the counts per quarantine reason."""
    return steps.validate(lake.layout, lake.day)


@op(ins={"validated": AFTER}, retry_policy=RETRIES)
def transform(lake: MovieLake) -> dict:
    """Consolidate the snapshot and the increments since, split train/test."""
    return steps.transform(lake.layout, lake.day)


@op(ins={"transformed": AFTER}, retry_policy=RETRIES)
def features(lake: MovieLake) -> dict:
    """Per-user and per-movie features from the training split."""
    return steps.build_features(lake.layout, lake.day)


def train_op(model: str) -> OpDefinition:
    """An op per model: `train_bias`, `train_als` (an op's name is its identity)."""

    @op(name=f"train_{model}", ins={"ready": AFTER}, retry_policy=RETRIES)
    def train(lake: MovieLake) -> dict:
        """Fit one model on the training split."""
        return steps.train(lake.layout, lake.day, model)

    return train


def evaluate_op(model: str) -> OpDefinition:
    @op(name=f"evaluate_{model}", ins={"trained": AFTER}, retry_policy=RETRIES)
    def evaluate(lake: MovieLake) -> dict:
        """RMSE, MAE, precision@10, recall@10 on the held-out split."""
        return steps.evaluate(lake.layout, lake.day, model)

    return evaluate


@op(ins={"evaluated": AFTER}, retry_policy=RETRIES)
def publish(lake: MovieLake) -> dict:
    """Register the best model as a new version with a model card."""
    return steps.publish(lake.layout, lake.day)


@op(ins={"published": AFTER}, retry_policy=RETRIES)
def score(lake: MovieLake) -> dict:
    """Top-10 recommendations per user from the published model."""
    return steps.score(lake.layout, lake.day)


@op(ins={"scored": AFTER}, retry_policy=RETRIES)
def load(lake: MovieLake) -> dict:
    """Replace the warehouse's recommendations table in one transaction."""
    return steps.load(lake.layout, lake.day)


TRAIN = {model: train_op(model) for model in MODEL_NAMES}
EVALUATE = {model: evaluate_op(model) for model in MODEL_NAMES}


FIRST_DAY = "1995-01-01"  # MovieLens's first ratings; a partition a day since, and today's


def day_config(day: dt.date, wait_s: float = 0.0) -> dict:
    """The run config of one day's run: the executor as the harness set it, the lake."""
    lake = {"workdir": os.environ.get("MOVIE_PIPELINE_WORKDIR", "."), "date": day.isoformat()}
    config = json.loads(os.environ.get("MOVIE_PIPELINE_RUN_CONFIG") or "{}")
    return {**config, "resources": {"lake": {"config": {**lake, "wait_s": wait_s}}}}


@daily_partitioned_config(start_date=FIRST_DAY, end_offset=1)
def one_day(start: dt.datetime, _end: dt.datetime) -> dict:
    """A day's partition → its run config (the day's data must have landed)."""
    return day_config(start.date())


@job(tags={"orchestrator-bench": "movies"}, config=one_day)
def movie_pipeline():
    """One day's partition, from landing zone to warehouse."""
    ready = features(transform(validate(ingest(wait_for_partition()))))
    evaluated = [EVALUATE[m](TRAIN[m](ready)) for m in MODEL_NAMES]  # side by side
    load(score(publish(evaluated)))
