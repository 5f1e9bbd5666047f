"""Many pipelines at once: the catalogue scenario's trivial definitions.

The harness deploys `count` of them into a running stack — each implementation the way its
users deploy many (a file per DAG, a deployment per flow, jobs in a code location) — and
then triggers one among them. Each is a single task that logs its start and end like every
other task, so how long the trigger took is read from the same event log. The names are
the same in every implementation, so the harness can ask for one by index.
"""

from __future__ import annotations

from pipelines.core.instrument import task_events

TASK = "catalogue"
PREFIX = "catalogue_"
COUNT_ENV = "BENCH_CATALOGUE"  # how many to define, where a definition file builds them all


def pipeline_id(index: int) -> str:
    """The name of the `index`-th definition: catalogue_0000, catalogue_0001, …"""
    return f"{PREFIX}{index:04d}"


def say_deployed(name: str, run: str = "") -> str:
    """The one task of every catalogued pipeline: nothing to do but be timed."""
    with task_events(TASK, run):
        return name
