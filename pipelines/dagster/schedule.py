"""The movie job on Dagster's own calendar: a daily schedule, run by the daemon.

With `MOVIE_PIPELINE_SCHEDULE=daily` the code location holds a schedule that is running
from the start (`DefaultScheduleStatus.RUNNING`: nobody has to switch it on in the UI).
The daemon's scheduler evaluates it at each tick of its cron string and launches the run
it asks for: one day's partition of the movie job.

Dagster ticks forward only (a schedule started now never runs for a tick already past),
so the daily tick is anchored at the first whole minute at least `FIRST_TICK_IN` from
now: the first run comes within about two minutes, as a daily DAG's due interval does at
once in Airflow. The scheduled run waits for its day's partition to land.
"""

from __future__ import annotations

import datetime as dt
import os

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    schedule,
)

from pipelines.dagster import SCHEDULE
from pipelines.dagster.movie_pipeline import day_config, movie_pipeline

# after the code server loads: the daemon, started after the webserver, must have seen the
# schedule before its first tick, or it waits for the next day's
FIRST_TICK_IN = dt.timedelta(seconds=45)
WAIT_FOR_DATA_S = 3600.0  # how long a scheduled run waits for its partition


def daily_cron(now: dt.datetime) -> str:
    """A daily cron string whose first tick is the first whole minute ≥ FIRST_TICK_IN away."""
    first = (now + FIRST_TICK_IN + dt.timedelta(seconds=59)).replace(second=0, microsecond=0)
    return f"{first.minute} {first.hour} * * *"


def schedules() -> list[ScheduleDefinition]:
    """The movie job's daily schedule, when asked for."""
    if os.environ.get("MOVIE_PIPELINE_SCHEDULE") != "daily":
        return []

    @schedule(
        name=SCHEDULE,
        job=movie_pipeline,
        cron_schedule=daily_cron(dt.datetime.now(dt.UTC)),
        execution_timezone="UTC",
        default_status=DefaultScheduleStatus.RUNNING,
    )
    def daily_movies(context: ScheduleEvaluationContext) -> RunRequest:
        """Each tick runs the tick's day, waiting for its data to land."""
        day = context.scheduled_execution_time.date()
        return RunRequest(
            partition_key=day.isoformat(), run_config=day_config(day, WAIT_FOR_DATA_S)
        )

    return [daily_movies]
