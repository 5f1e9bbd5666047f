"""A flow deployed while the Prefect server and its runner are already running.

The harness starts `python -m pipelines.prefect.probe` (its `__main__`) as a process of its
own once the stack is up, as a user deploys a new flow beside a served set-up: `serve()`
registers the deployment with the server and then runs the flow runs it is given. The
probe times how long the server takes to list the deployment and a run of it takes to
finish ("finds newly deployed tasks"); not part of the movie pipeline.
"""

from __future__ import annotations

from prefect import flow, task

from pipelines.core.instrument import task_events


@task
def hello() -> str:
    with task_events("new_pipeline"):  # into the harness's event log, like every task
        return "deployed"


@flow(name="new_pipeline")
def new_pipeline() -> str:
    return hello()
