"""The movie pipeline and the synthetic workloads in Prefect 3 (see README.md).

Only names live here: the harness imports them without Prefect installed in its own
environment (Prefect lives in this implementation's environment).
"""

# flow name → the deployment `serve.py` registers for it; the adapter runs them by name
DEPLOYMENTS = {
    "movie_pipeline": "movies",
    "movie_backfill": "backfill",  # a run per day of the movie deployment (backfill.py)
    "bench_workload": "workload",
}

# which task runner the flows use (runners.py), and a scaled-out stack's Dask scheduler
TASK_RUNNER = "BENCH_TASK_RUNNER"
DASK_SCHEDULER = "BENCH_DASK_SCHEDULER"  # tcp://host:port
