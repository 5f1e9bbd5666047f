"""A code location deployed while Dagster's webserver and daemon are already running.

`dagster code-server start -m pipelines.dagster.probe.new_pipeline`: the harness starts it
once the stack is up, adds it to the workspace and reloads the workspace (what the UI's
"Reload" does after a deploy), then times how long until the webserver lists the job and
a run of it is done ("finds newly deployed tasks"); not part of the movie pipeline.
"""

from __future__ import annotations

from dagster import Definitions, job, op

from pipelines.core.instrument import task_events


@op
def hello() -> str:
    with task_events("new_pipeline"):  # into the harness's event log, like every task
        return "deployed"


@job
def new_pipeline():
    hello()


defs = Definitions(jobs=[new_pipeline])
