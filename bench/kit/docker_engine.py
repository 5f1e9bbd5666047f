"""The Docker engine, reached through the Docker SDK, and the label on everything we make.

Every image, container and network the harness creates carries `LABEL` (and containers and
networks the stack's own `STACK_LABEL`), so `bench clean` can find and remove whatever an
interrupted run left behind without touching anything else on the machine.
"""

from __future__ import annotations

import contextlib
import functools
import os

from bench.kit.errors import BenchError

LABEL = "org.orchestrator-bench"  # value: what it is (image, container, network)
STACK_LABEL = "org.orchestrator-bench.stack"  # value: the stack's id, one per adapter
IMPL_LABEL = "org.orchestrator-bench.impl"


@functools.cache
def engine():
    """A connected `docker.DockerClient`, or a one-line error saying how to get an engine."""
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except DockerException as exc:
        where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        reason = "not running" if "No such file" in str(exc) else str(exc).split(": ")[-1]
        raise BenchError(
            f"no Docker engine answers at {where} ({reason}); start one (README: "
            "'Containers') or use --runtime local"
        ) from None
    return client


def available() -> str:
    """Empty if an engine answers, else the one-line reason (for skips and `bench doctor`)."""
    try:
        engine()
    except BenchError as exc:
        return str(exc)
    return ""


def leftovers() -> dict[str, list]:
    """Containers, networks and volumes of ours that still exist (a run was killed hard).

    Containers are listed sparse (not inspected one by one): a container removed between
    the listing and its inspection would otherwise raise NotFound while a run cleans up."""
    client = engine()
    wanted = {"label": LABEL}
    return {
        "containers": client.containers.list(all=True, filters=wanted, sparse=True),
        "networks": client.networks.list(filters=wanted),
        "volumes": client.volumes.list(filters=wanted),
    }


def remove_stack(stack: str | None = None) -> int:
    """Force-remove our containers, then networks and volumes: one stack's, or all of ours.
    Returns how many objects were removed."""
    client = engine()
    wanted = {"label": f"{STACK_LABEL}={stack}" if stack else LABEL}
    removed = 0
    for container in client.containers.list(all=True, filters=wanted, sparse=True):
        _quietly(container.remove, force=True, v=True)
        removed += 1
    for network in client.networks.list(filters=wanted):
        _quietly(network.remove)
        removed += 1
    for volume in client.volumes.list(filters=wanted):
        _quietly(volume.remove, force=True)
        removed += 1
    return removed


def _quietly(action, **kwargs) -> None:
    """Removing something already gone is not an error."""
    from docker.errors import NotFound

    with contextlib.suppress(NotFound):
        action(**kwargs)
