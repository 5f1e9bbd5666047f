"""`dagster code-server start -m pipelines.dagster.definitions`: what the code location holds.

The movie job (partitioned by day), its daily schedule when the harness asks for the
calendar, and one job per synthetic workload the harness serves. The `lake` resource
is configured by each run (which folder, which day), so the definitions hold no paths.

The jobs' executor is Dagster's default (multiprocess: a process per op, on this machine)
unless the stack is scaled out: then every op runs on a Dask cluster that is already up
(`dask_executor` of dagster-dask, dialling the scheduler in `BENCH_DASK_SCHEDULER`), one
op per Dask worker at a time, wherever the workers run.
"""

from __future__ import annotations

import os

from dagster import Definitions, ExecutorDefinition

from pipelines.dagster import DASK_SCHEDULER
from pipelines.dagster.movie_pipeline import MovieLake, movie_pipeline
from pipelines.dagster.schedule import schedules
from pipelines.dagster.workload import workload_jobs


def executor() -> ExecutorDefinition | None:
    """The Dask executor on the scaled-out stack's cluster; None: Dagster's default."""
    address = os.environ.get(DASK_SCHEDULER)
    if not address:
        return None
    from dagster_dask import dask_executor  # only a scaled-out stack needs it

    return dask_executor.configured({"cluster": {"existing": {"address": address}}})


defs = Definitions(
    jobs=[movie_pipeline, *workload_jobs()],
    schedules=schedules(),
    resources={"lake": MovieLake.configure_at_launch()},
    executor=executor(),
)
