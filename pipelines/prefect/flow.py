"""
# movie_pipeline

The movie ETL + ML pipeline as a Prefect 3 flow: plain Python functions, decorated.

Prefect thinks in *calls*: a flow is a function, each task is a function it calls, and
the order comes from the data passed between them. `task.submit(...)` hands a call to
the flow's task runner and returns a future at once; giving that future to the next
task makes the next one wait for it (and receive its result). Nothing here is
declared up front as a graph: Prefect records the graph as the flow runs.

Each task calls one function of the shared core (`pipelines.core`) and returns a small
summary; data never travels between tasks, it stays in the lake at paths both sides
derive from the working directory and the date.

The two models train side by side, as far as the task runner's threads allow (the
harness sets `PREFECT_TASKS_RUNNER_THREAD_POOL_MAX_WORKERS` to the run's slots).
Retries are per task: a crashed step is retried, and because the core writes every file
atomically a retry starts from a clean slate.

    wait_for_partition → ingest → validate → transform → features
      features ─┬→ train_bias → evaluate_bias ─┬→ publish → score → load
                └→ train_als  → evaluate_als  ─┘
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, runtime, task
from prefect.futures import PrefectFuture

from pipelines.core import steps
from pipelines.core.graph import wait_for_partition as wait_until_landed
from pipelines.core.layout import MODEL_NAMES, Layout
from pipelines.prefect.runners import task_runner

RETRIES = {"retries": 2, "retry_delay_seconds": 10}


@task(task_run_name="wait_for_partition")
def wait_for_partition(workdir: str, date: dt.date, timeout: float = 0.0) -> dict:
    """Succeed once the day's partition has landed (its `_SUCCESS` file exists).

    Prefect has no sensor type: a task that polls is the idiom. With `timeout=0` it checks
    once, so a run for a day that has not landed fails at once with the reason."""
    return wait_until_landed(Layout(workdir), date, timeout=timeout, poke=5.0)


@task(task_run_name="ingest", **RETRIES)
def ingest(landed: dict, workdir: str, date: dt.date) -> dict:
    """Landing → raw zone (Parquet), malformed lines set aside."""
    return steps.ingest(Layout(workdir), date)


@task(task_run_name="validate", **RETRIES)
def validate(ingested: dict, workdir: str, date: dt.date) -> dict:
    """Raw → clean + quarantine; returns the counts per quarantine reason."""
    return steps.validate(Layout(workdir), date)


@task(task_run_name="transform", **RETRIES)
def transform(validated: dict, workdir: str, date: dt.date) -> dict:
    """Consolidate the snapshot and the increments since, split train/test."""
    return steps.transform(Layout(workdir), date)


@task(task_run_name="features", **RETRIES)
def features(transformed: dict, workdir: str, date: dt.date) -> dict:
    """Per-user and per-movie features from the training split."""
    return steps.build_features(Layout(workdir), date)


@task(task_run_name="train_{model}", **RETRIES)
def train(ready: dict, workdir: str, date: dt.date, model: str) -> dict:
    """Fit one model on the training split."""
    return steps.train(Layout(workdir), date, model)


@task(task_run_name="evaluate_{model}", **RETRIES)
def evaluate(trained: dict, workdir: str, date: dt.date, model: str) -> dict:
    """RMSE, MAE, precision@10, recall@10 on the held-out split."""
    return steps.evaluate(Layout(workdir), date, model)


@task(task_run_name="publish", **RETRIES)
def publish(evaluations: list[dict], workdir: str, date: dt.date) -> dict:
    """Register the best model as a new version with a model card."""
    return steps.publish(Layout(workdir), date)


@task(task_run_name="score", **RETRIES)
def score(published: dict, workdir: str, date: dt.date) -> dict:
    """Top-10 recommendations per user from the published model."""
    return steps.score(Layout(workdir), date)


@task(task_run_name="load", **RETRIES)
def load(scored: dict, workdir: str, date: dt.date) -> dict:
    """Replace the warehouse's recommendations table in one transaction."""
    return steps.load(Layout(workdir), date)


@flow(name="movie_pipeline", task_runner=task_runner())
def movie_pipeline(workdir: str, date: dt.date | None = None, wait_s: float = 0.0) -> dict:
    """One day's partition, from landing zone to warehouse.

    A run from the deployment's schedule has no `date`: it processes the day it was
    scheduled for, and waits up to `wait_s` for that day's partition to land (what a
    sensor does in Airflow)."""
    date = date or runtime.flow_run.scheduled_start_time.date()
    landed = wait_for_partition.submit(workdir, date, timeout=wait_s)
    ingested = ingest.submit(landed, workdir, date)
    validated = validate.submit(ingested, workdir, date)
    transformed = transform.submit(validated, workdir, date)
    ready = features.submit(transformed, workdir, date)

    evaluations: list[PrefectFuture] = []
    for model in MODEL_NAMES:  # one train → evaluate chain per model, side by side
        trained = train.submit(ready, workdir, date, model)
        evaluations.append(evaluate.submit(trained, workdir, date, model))

    published = publish.submit(evaluations, workdir, date)
    scored = score.submit(published, workdir, date)
    return load.submit(scored, workdir, date).result()  # waits; raises if any step failed
