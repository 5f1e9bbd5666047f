"""
# movie_backfill

Prefect 3 has no backfill command: a run is one call of a flow with its parameters, and
past days are run by asking for them. Its documented way to orchestrate other deployments
is a flow that calls `run_deployment` — so a backfill is a small flow of its own, served
beside the movie pipeline, that asks for one run of the movie deployment per day.

Each day's run is a flow run of its own (the runner picks it up like any other, and the UI
shows it as a child of the backfill's run); `run_deployment` waits for it to finish
(`timeout=None`) before the next day is asked for, because each day's model builds on the
day before. A day that does not complete stops the backfill with that day's state.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.deployments import run_deployment

from pipelines.prefect import DEPLOYMENTS

MOVIES = f"movie_pipeline/{DEPLOYMENTS['movie_pipeline']}"  # flow name / deployment name


@flow(name="movie_backfill")
def movie_backfill(workdir: str, first: dt.date, last: dt.date) -> list[str]:
    """Every day from `first` to `last`, one after another; returns their flow run ids."""
    done = []
    for n in range((last - first).days + 1):
        day = first + dt.timedelta(days=n)
        parameters = {"workdir": workdir, "date": day.isoformat()}
        run = run_deployment(MOVIES, parameters=parameters, timeout=None)
        if run.state is None or not run.state.is_completed():
            state = run.state.name if run.state else "no state"
            raise RuntimeError(f"the run for {day} ended {state}: the backfill stops there")
        done.append(str(run.id))
    return done
