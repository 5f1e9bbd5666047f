"""Tutorial 07, exercise 2, solved: a flow of two tasks, served as a deployment."""

import datetime as dt
from pathlib import Path

import pandas as pd
from prefect import flow, task

from pipelines.core.layout import Layout


@task
def count_movies(day: str, workdir: str) -> int:
    """How many distinct movies the day's clean ratings rate."""
    ratings = pd.read_parquet(Layout(workdir).clean_ratings(dt.date.fromisoformat(day)))
    return int(ratings["movieId"].nunique())


@task
def write_count(count: int, day: str, workdir: str) -> None:
    """The count, as text, in {workdir}/movie_count_flow-{day}.txt."""
    Path(workdir, f"movie_count_flow-{day}.txt").write_text(f"{count}\n")


@flow
def movie_count(day: str, workdir: str) -> None:
    """Count, then write: the first task's result is the second one's input."""
    write_count(count_movies(day, workdir), day, workdir)


if __name__ == "__main__":
    movie_count.serve(name="tutorial")
