"""Tutorial 07, exercise 2: your own Prefect flow, served. Fill in the two tasks, the flow
and the last line, save, and run the notebook's cells below the exercise (they start this
file as its own process, against the lesson's Prefect server, and run your deployment with
the `prefect` command).

`movie_count(day, workdir)` counts the distinct movies the day's clean ratings rate (their
`movieId`) in one task, and writes that number to `{workdir}/movie_count_flow-{day}.txt`
in a second task that receives the first one's result. `Layout(workdir)` finds the files;
the clean ratings are `Layout(workdir).clean_ratings(date)` (Parquet), with `date` a
`datetime.date` (`dt.date.fromisoformat(day)`).
"""

import datetime as dt
from pathlib import Path

import pandas as pd
from prefect import flow, task

from pipelines.core.layout import Layout


@task
def count_movies(day: str, workdir: str) -> int:
    """How many distinct movies the day's clean ratings rate."""
    ...


@task
def write_count(count: int, day: str, workdir: str) -> None:
    """The count, as text, in {workdir}/movie_count_flow-{day}.txt."""
    ...


@flow
def movie_count(day: str, workdir: str) -> None:
    """Count, then write: the first task's result is the second one's input."""
    ...


if __name__ == "__main__":
    ...  # serve the flow as the deployment named "tutorial" (it runs until stopped)
