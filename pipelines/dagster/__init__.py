"""The movie pipeline and the synthetic workloads in Dagster (see README.md).

Only names live here: the harness imports them without Dagster installed in its own
environment (Dagster lives in this implementation's environment).
"""

from __future__ import annotations

import re

LOCATION = "orchestrator_bench"  # the code location the code server serves
MOVIE_JOB = "movie_pipeline"


def workload_job_name(shape: str, n: int, work: str) -> str:
    """The job of one synthetic workload: `bench_fanout_8_sleep_0_5` (Dagster names are
    letters, digits and underscores)."""
    return re.sub(r"\W", "_", f"bench_{shape}_{n}_{work}")
