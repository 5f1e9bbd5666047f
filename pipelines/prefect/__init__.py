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
