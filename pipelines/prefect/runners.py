"""Which task runner the flows use: Prefect's default thread pool, a process pool, or a
Dask cluster.

Prefect runs a flow's tasks on the flow's `task_runner`: `ThreadPoolTaskRunner` (the
default) runs them as threads of the flow run's process, so CPU-bound tasks take turns on
one core (Python's GIL); `ProcessPoolTaskRunner` runs each in a worker process (started
with `spawn`) for true parallelism, at the cost of starting those processes for every flow
run. The choice is made where the flow is defined, so the process that runs a flow run
(the runner's subprocess, which imports the flow by its module path) sees it too: the
config's `BENCH_TASK_RUNNER=processes` picks the process pool. The pool's size is Prefect's
own setting (`PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS`, as the thread pool's is).

Scale-out: `BENCH_TASK_RUNNER=dask` runs the tasks on a Dask cluster that is already up —
`DaskTaskRunner` (prefect-dask) with the scheduler's address in `BENCH_DASK_SCHEDULER`;
each task goes to one of its workers (processes or machines), which report the task's
states to the Prefect server as a thread would.
"""

from __future__ import annotations

import os

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from pipelines.prefect import DASK_SCHEDULER, TASK_RUNNER


def task_runner() -> TaskRunner:
    choice = os.environ.get(TASK_RUNNER)
    if choice == "processes":
        return ProcessPoolTaskRunner()
    if choice == "dask":
        from prefect_dask import DaskTaskRunner  # only a scaled-out stack needs it

        return DaskTaskRunner(address=os.environ[DASK_SCHEDULER])
    return ThreadPoolTaskRunner()
