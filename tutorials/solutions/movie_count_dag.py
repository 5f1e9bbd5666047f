"""Tutorial 03, exercise 2, solved: `movie_count` in TaskFlow."""

import os
from pathlib import Path

import pandas as pd
import pendulum
from airflow.sdk import Param, dag, task

from pipelines.core.layout import Layout


@dag(
    dag_id="movie_count",
    schedule=None,  # runs when triggered
    start_date=pendulum.datetime(2016, 10, 17, tz="UTC"),
    params={"workdir": Param(os.environ.get("MOVIE_PIPELINE_WORKDIR", ""), type="string")},
)
def movie_count():
    @task
    def count_movies(params: dict | None = None, ds: str | None = None) -> int:
        ratings = pd.read_parquet(Layout(params["workdir"]).clean_ratings(ds))
        return int(ratings["movieId"].nunique())

    @task
    def write_count(count: int, params: dict | None = None, ds: str | None = None) -> None:
        Path(params["workdir"], f"movie_count_dag-{ds}.txt").write_text(str(count))

    write_count(count_movies())


movie_count()
