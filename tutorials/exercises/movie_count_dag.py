"""Tutorial 03, exercise 2: your own TaskFlow DAG. Fill in the two tasks and wire them,
save, and run the notebook: it deploys this file with the stack, triggers it with
`airflow dags trigger`, and runs it again with `airflow dags test`.

`movie_count`: a DAG of two tasks. `count_movies` reads the day's clean ratings
(`Layout(params["workdir"]).clean_ratings(ds)`, Parquet) and returns how many distinct
movies they rate (`movieId`); `write_count` takes that number — it travels by XCom, being
small — and writes it to `{workdir}/movie_count_dag-{ds}.txt`. Calling one task with the
other's result draws the edge.
"""

import os

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
        # read the day's clean ratings, return the number of distinct movieId
        ...

    @task
    def write_count(count: int, params: dict | None = None, ds: str | None = None) -> None:
        # write the count to f"{params['workdir']}/movie_count_dag-{ds}.txt"
        ...

    # wire them: call write_count with count_movies' result
    ...


movie_count()
