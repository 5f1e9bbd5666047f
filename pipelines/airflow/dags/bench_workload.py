"""
# bench_workload

Synthetic workloads (chains, fan-outs, trees or grids of trivial tasks), one DAG per spec
file that `$BENCH_WORKLOAD` lists (os.pathsep-separated), each named after its workload:
`bench_chain_20_noop`, `bench_fanout_8_sleep_0.5`. The benchmark harness uses them to
measure what Airflow itself costs: how long a task waits after its upstream finished, how
many run at once.

One TaskFlow task per node; `.override(task_id=...)` gives each its node name. A `map`
workload is dynamic task mapping: `expand()` over what its `source` task returns at run
time. A `flaky`
workload (the retries probe: every task fails its first attempt) gives each task one retry
after 1 s; the others keep Airflow's default of none. Without `$BENCH_WORKLOAD` the file
defines no DAG.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from pipelines.airflow import workload_dag_id
from pipelines.core.workloads import FLAKY, JOIN, SOURCE, Workload, mapped_items, run_node


def workload_dag(workload: Workload, spec: str):
    @dag(
        dag_id=workload_dag_id(workload),
        schedule=None,  # triggered by the harness, one run per measurement
        start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
        catchup=False,
        max_active_tasks=len(workload.nodes),  # let [core] parallelism be the only limit
        tags=["orchestrator-bench", "synthetic"],
        doc_md=__doc__,
    )
    def bench_workload():
        @task
        def work(node: str, run_id: str | None = None) -> None:  # run_id: from the context
            run_node(workload, node, run_id or "")

        if workload.shape == "map":  # dynamic task mapping: the source's output decides

            @task
            def source(run_id: str | None = None) -> list[str]:
                """One item per task to fan out to, decided now, at run time."""
                run_node(workload, SOURCE, run_id or "")
                return mapped_items(spec)

            mapped = work.override(task_id="mapped").expand(node=source())
            mapped >> work.override(task_id=JOIN)(JOIN)
            return

        retry = (
            {"retries": 1, "retry_delay": timedelta(seconds=1)} if workload.work == FLAKY else {}
        )
        tasks = {node: work.override(task_id=node, **retry)(node) for node in workload.nodes}
        for node, upstream in workload.upstream.items():
            for parent in upstream:
                tasks[parent] >> tasks[node]

    return bench_workload()


for spec in filter(None, os.environ.get("BENCH_WORKLOAD", "").split(os.pathsep)):
    workload_dag(Workload.load(spec), spec)
