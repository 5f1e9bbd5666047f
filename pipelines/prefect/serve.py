"""`python -m pipelines.prefect.serve`: the process that runs this implementation's flows.

`serve()` registers one deployment per flow (the movie pipeline, its backfill, the
synthetic workloads) with the Prefect server, then polls the server
for flow runs that are due (every `PREFECT_RUNNER_POLL_FREQUENCY` seconds, 10 by default)
and runs each in a subprocess of its own. It is Prefect's smallest production set-up: a
server (API, UI, database) and this long-running runner — no work pool, no worker.

With `MOVIE_PIPELINE_SCHEDULE=daily` the movie deployment gets a daily schedule: the
server's scheduler then creates its runs by itself and this runner starts them. Prefect
schedules forward only (it never creates a run for a slot already past), so the days are
anchored a few seconds from now — the first run comes at once, as a daily DAG's due
interval does in Airflow. A scheduled run waits for its day's partition to land.
"""

from __future__ import annotations

import datetime as dt
import os

from prefect import serve
from prefect.deployments.runner import EntrypointType
from prefect.schedules import Interval

from pipelines.prefect import DEPLOYMENTS
from pipelines.prefect.backfill import movie_backfill
from pipelines.prefect.flow import movie_pipeline
from pipelines.prefect.workload import bench_workload

FIRST_RUN_IN = dt.timedelta(seconds=10)  # after the deployment is registered
WAIT_FOR_DATA = dt.timedelta(hours=1)  # how long a scheduled run waits for its partition


def daily_schedule() -> dict:
    """The movie deployment's schedule and its scheduled runs' parameters, when asked for."""
    if os.environ.get("MOVIE_PIPELINE_SCHEDULE") != "daily":
        return {}
    anchor = dt.datetime.now(dt.UTC) + FIRST_RUN_IN
    return {
        "schedules": [Interval(dt.timedelta(days=1), anchor_date=anchor)],
        "parameters": {
            "workdir": os.environ["MOVIE_PIPELINE_WORKDIR"],
            "wait_s": WAIT_FOR_DATA.total_seconds(),
        },
    }


def main() -> None:
    # the subprocess imports the flow by module path: it works from any folder
    module = {"entrypoint_type": EntrypointType.MODULE_PATH}
    serve(
        movie_pipeline.to_deployment(DEPLOYMENTS["movie_pipeline"], **module, **daily_schedule()),
        movie_backfill.to_deployment(DEPLOYMENTS["movie_backfill"], **module),
        bench_workload.to_deployment(DEPLOYMENTS["bench_workload"], **module),
    )


if __name__ == "__main__":
    main()
