"""The Docker engine, reached through the Docker SDK, and the label on everything we make.

Every image, container and network the harness creates carries `LABEL` (and containers and
networks the stack's own `STACK_LABEL`), so `bench clean` can find and remove whatever an
interrupted run left behind without touching anything else on the machine.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable

from bench.kit.errors import BenchError

LABEL = "org.orchestrator-bench"  # value: what it is (image, container, network)
STACK_LABEL = "org.orchestrator-bench.stack"  # value: the stack's id, one per adapter
IMPL_LABEL = "org.orchestrator-bench.impl"
OWNER_LABEL = "org.orchestrator-bench.owner"  # value: the harness's mark (bench.kit.orphans)


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


def leftovers(wanted: dict[str, str] | None = None) -> dict[str, list]:
    """Containers, networks and volumes of ours that still exist (a run was killed hard).

    Containers are listed sparse (not inspected one by one): a container removed between
    the listing and its inspection would otherwise raise NotFound while a run cleans up."""
    client = engine()
    wanted = wanted or {"label": LABEL}
    return {
        "containers": client.containers.list(all=True, filters=wanted, sparse=True),
        "networks": client.networks.list(filters=wanted),
        "volumes": client.volumes.list(filters=wanted),
    }


def remove_stack(stack: str | None = None) -> int:
    """Force-remove our containers, then networks and volumes: one stack's, or all of ours.
    Returns how many objects were removed."""
    return _remove({"label": f"{STACK_LABEL}={stack}" if stack else LABEL})


def remove_owned(mark: str) -> int:
    """Force-remove whatever the harness that put `mark` on it started (its watchdog's
    last act)."""
    return _remove({"label": f"{OWNER_LABEL}={mark}"})


def remove_orphaned(owner_alive: Callable[[str], bool]) -> tuple[int, int]:
    """Remove the stacks whose harness is dead (`owner_alive(mark)` false: see
    bench.kit.orphans); those of a running harness — a compare in another terminal — are
    kept. Objects without a mark (made before marks existed) count as orphaned. Returns
    (removed, kept)."""
    removed = kept = 0
    for mark in _owners():
        if mark and owner_alive(mark):
            kept += 1
        else:
            removed += remove_owned(mark) if mark else _remove_unmarked()
    return removed, kept


def _owners() -> set[str]:
    """The marks on everything of ours on the engine ('' for objects without one)."""
    return {
        (thing.attrs.get("Labels") or {}).get(OWNER_LABEL, "")
        for kind in leftovers().values()
        for thing in kind
    }


def _remove_unmarked() -> int:
    removed = 0
    for kind, things in leftovers().items():
        for thing in things:
            if OWNER_LABEL not in (thing.attrs.get("Labels") or {}):
                _quietly(thing.remove, **REMOVE_ARGS[kind])
                removed += 1
    return removed


REMOVE_ARGS: dict[str, dict] = {
    "containers": {"force": True, "v": True},
    "networks": {},
    "volumes": {"force": True},
}


def _remove(wanted: dict[str, str]) -> int:
    """Remove what matches `wanted`: containers first, then networks and volumes (which
    cannot go while a container uses them)."""
    removed = 0
    for kind, things in leftovers(wanted).items():
        for thing in things:
            _quietly(thing.remove, **REMOVE_ARGS[kind])
            removed += 1
    return removed


def _quietly(action, **kwargs) -> None:
    """Removing something already gone is not an error."""
    from docker.errors import NotFound

    with contextlib.suppress(NotFound):
        action(**kwargs)
