"""
# catalogue pipeline

One of the catalogue scenario's many trivial DAGs: the harness copies this file into the
DAGs folder of a live stack once per DAG it deploys (`catalogue_0000.py`, …), as a team
with many pipelines has a file per DAG; each copy's `dag_id` is its file's name. Measured:
how long until Airflow lists all of them, what they cost while idle (the dag-processor
parses every file again every `[dag_processor] min_file_process_interval` seconds), and
how long a run of one of them takes to start. Kept out of `dags/`.
"""

from __future__ import annotations

from pathlib import Path

import pendulum
from airflow.sdk import dag, task

from pipelines.core.catalogue import say_deployed

DAG_ID = Path(__file__).stem  # catalogue_0042.py → catalogue_0042


@dag(
    dag_id=DAG_ID,
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["orchestrator-bench", "catalogue"],
    doc_md=__doc__,
)
def catalogue_pipeline():
    @task
    def hello(run_id: str | None = None) -> str:  # run_id: from the context
        return say_deployed(DAG_ID, run_id or "")

    hello()


catalogue_pipeline()
