"""
# bench_workload

A synthetic workload (a chain, a fan-out, a tree or a grid of trivial tasks) built from the
spec file that `$BENCH_WORKLOAD` points to. The benchmark harness uses it to measure what
Airflow itself costs: how long a task waits after its upstream finished, how many run at once.

One TaskFlow task per node; `.override(task_id=...)` gives each its node name. Without
`$BENCH_WORKLOAD` the file defines no DAG.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import dag, task

from pipelines.core.workloads import Workload, run_node

SPEC = os.environ.get("BENCH_WORKLOAD")

if SPEC:
    WORKLOAD = Workload.load(SPEC)

    @dag(
        dag_id="bench_workload",
        schedule=None,  # triggered by the harness, one run per measurement
        start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
        catchup=False,
        max_active_tasks=len(WORKLOAD.nodes),  # let [core] parallelism be the only limit
        tags=["orchestrator-bench", "synthetic"],
        doc_md=__doc__,
    )
    def bench_workload():
        @task
        def work(node: str) -> None:
            run_node(WORKLOAD, node)

        tasks = {node: work.override(task_id=node)(node) for node in WORKLOAD.nodes}
        for node, upstream in WORKLOAD.upstream.items():
            for parent in upstream:
                tasks[parent] >> tasks[node]

    bench_workload()
