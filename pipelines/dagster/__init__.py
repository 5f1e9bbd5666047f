"""The movie pipeline and the synthetic workloads in Dagster (see README.md).

Only names live here: the harness imports them without Dagster installed in its own
environment (Dagster lives in this implementation's environment).
"""

from __future__ import annotations

import re

from pipelines.core.workloads import Workload

LOCATION = "orchestrator_bench"  # the code location the code server serves
MOVIE_JOB = "movie_pipeline"
SCHEDULE = "daily_movies"  # the movie job's daily schedule (schedule.py)
LABEL_TAG = "bench/label"  # the run tag naming the harness's label for a workload run


def workload_job_name(workload: Workload) -> str:
    """The job of one synthetic workload: `bench_fanout_8_sleep_0_5` (Dagster names are
    letters, digits and underscores)."""
    return "bench_" + re.sub(r"\W", "_", str(workload))


DASK_SCHEDULER = "BENCH_DASK_SCHEDULER"  # a scaled-out stack's Dask scheduler: tcp://host:port
