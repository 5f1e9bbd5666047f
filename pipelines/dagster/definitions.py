"""`dagster code-server start -m pipelines.dagster.definitions`: what the code location holds.

The movie job (partitioned by day), its daily schedule when the harness asks for the
calendar, and one job per synthetic workload the harness serves. The `lake` resource
is configured by each run (which folder, which day), so the definitions hold no paths.
"""

from __future__ import annotations

from dagster import Definitions

from pipelines.dagster.movie_pipeline import MovieLake, movie_pipeline
from pipelines.dagster.schedule import schedules
from pipelines.dagster.workload import workload_jobs

defs = Definitions(
    jobs=[movie_pipeline, *workload_jobs()],
    schedules=schedules(),
    resources={"lake": MovieLake.configure_at_launch()},
)
