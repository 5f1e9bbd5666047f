"""Apache Airflow 3: the movie pipeline as a TaskFlow DAG (dags/movie_pipeline.py), the
synthetic workloads as generated DAGs (dags/bench_workload.py), and the harness's adapter."""

from __future__ import annotations

import re

from pipelines.core.workloads import Workload


def workload_dag_id(workload: Workload) -> str:
    """The DAG id a synthetic workload gets, readable in the UI: `bench_fanout_8_sleep_0.5`."""
    return "bench_" + re.sub(r"[^A-Za-z0-9_.-]", "_", str(workload))
