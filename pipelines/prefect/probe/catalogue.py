"""The catalogue scenario's trivial flow, deployed many times (serve_catalogue.py).

A team with many pipelines has many deployments on one server: a deployment is what
Prefect's server lists, schedules and runs. Here one small flow is deployed N times, under
the names catalogue_0000, catalogue_0001, … (pipelines.core.catalogue), each deployment
passing its own name. Not part of the movie pipeline.
"""

from __future__ import annotations

from prefect import flow, task

from pipelines.core.catalogue import say_deployed


@task
def hello(name: str, label: str) -> str:
    return say_deployed(name, label)


@flow(name="catalogue")
def catalogue(name: str, label: str = "") -> str:
    return hello(name, label)
