"""
# movie_pipeline

The movie ETL + ML pipeline as an Airflow DAG, written with the TaskFlow API.

Airflow thinks in *runs of a schedule*: every day gets a DAG run whose logical date
(`ds`) names the partition it processes. A sensor waits for that day's partition to land;
then each task calls one function of the shared core (`pipelines.core`) and hands a small
summary to the next task through XCom. Data never travels through XCom — it stays in the
lake, at paths both sides derive from the working directory and the date.

The two models train as separate tasks, so with two executor slots they run side by side.
Retries are configured per task: a crashed step is retried, and because the core writes
every file atomically a retry starts from a clean slate.

The working directory comes from the run's `conf` (`{"workdir": ...}`), falling back to
`$MOVIE_PIPELINE_WORKDIR`.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Param, PokeReturnValue, dag, task

from pipelines.core import steps
from pipelines.core.layout import MODEL_NAMES, Layout


@dag(
    dag_id="movie_pipeline",
    schedule="@daily",
    start_date=pendulum.datetime(2016, 10, 17, tz="UTC"),
    catchup=False,
    max_active_runs=1,  # runs build on earlier partitions: one date at a time, in order
    default_args={"retries": 2, "retry_delay": timedelta(seconds=10)},
    params={
        "workdir": Param(
            os.environ.get("MOVIE_PIPELINE_WORKDIR", "/tmp/movie-pipeline"),
            type="string",
            description="The run's working directory: landing zone, lake, registry, warehouse.",
        )
    },
    tags=["movies", "orchestrator-bench"],
    doc_md=__doc__,
)
def movie_pipeline():
    @task.sensor(poke_interval=5, timeout=timedelta(hours=6), mode="reschedule")
    def wait_for_partition(params: dict | None = None, ds: str | None = None) -> PokeReturnValue:
        """Succeed once the day's partition has landed (its `_SUCCESS` file exists).

        `mode="reschedule"` frees the worker slot between pokes: a sensor waiting all
        night does not block the tasks of other DAGs.
        """
        return PokeReturnValue(is_done=steps.partition_ready(Layout(params["workdir"]), ds))

    @task
    def ingest(params: dict | None = None, ds: str | None = None) -> dict:
        """Landing → raw zone (Parquet), malformed lines set aside."""
        return steps.ingest(Layout(params["workdir"]), ds)

    @task
    def validate(ingested: dict, params: dict | None = None, ds: str | None = None) -> dict:
        """Raw → clean + quarantine; returns the counts per quarantine reason."""
        return steps.validate(Layout(params["workdir"]), ds)

    @task
    def transform(validated: dict, params: dict | None = None, ds: str | None = None) -> dict:
        """Consolidate the snapshot and the increments since, split train/test."""
        return steps.transform(Layout(params["workdir"]), ds)

    @task
    def features(transformed: dict, params: dict | None = None, ds: str | None = None) -> dict:
        """Per-user and per-movie features from the training split."""
        return steps.build_features(Layout(params["workdir"]), ds)

    @task
    def train(model: str, params: dict | None = None, ds: str | None = None) -> dict:
        """Fit one model on the training split."""
        return steps.train(Layout(params["workdir"]), ds, model)

    @task
    def evaluate(trained: dict, params: dict | None = None, ds: str | None = None) -> dict:
        """RMSE, MAE, precision@10, recall@10 on the held-out split."""
        return steps.evaluate(Layout(params["workdir"]), ds, trained["model"])

    @task
    def publish(evaluations: list[dict], params: dict | None = None, ds: str | None = None) -> dict:
        """Register the best model as a new version with a model card."""
        return steps.publish(Layout(params["workdir"]), ds)

    @task
    def score(published: dict, params: dict | None = None, ds: str | None = None) -> dict:
        """Top-10 recommendations per user from the published model."""
        return steps.score(Layout(params["workdir"]), ds)

    @task
    def load(scored: dict, params: dict | None = None, ds: str | None = None) -> dict:
        """Replace the warehouse's recommendations table in one transaction."""
        return steps.load(Layout(params["workdir"]), ds)

    ingested = ingest()
    wait_for_partition() >> ingested
    ready = features(transform(validate(ingested)))

    evaluations = []
    for name in MODEL_NAMES:  # one train → evaluate chain per model, side by side
        trained = train.override(task_id=f"train_{name}")(name)
        ready >> trained
        evaluations.append(evaluate.override(task_id=f"evaluate_{name}")(trained))

    load(score(publish(evaluations)))


movie_pipeline()
