"""
# new_pipeline

A pipeline deployed while Airflow is already running: the harness copies this file into
the DAGs folder of a live stack and times how long Airflow takes to find it (its
dag-processor lists the folder every `[dag_processor] refresh_interval` seconds) and to
run it. Not part of the movie pipeline; kept out of `dags/` so it is never there at start.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from pipelines.core.instrument import task_events


@dag(
    dag_id="new_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["orchestrator-bench", "probe"],
    doc_md=__doc__,
)
def new_pipeline():
    @task
    def hello() -> str:
        with task_events("new_pipeline"):  # into the harness's event log, like every task
            return "deployed"

    hello()


new_pipeline()
