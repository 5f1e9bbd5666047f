"""Which runtime the stacks of this harness process run on: `local` or `docker`.

Chosen once per command (`bench compare --runtime docker` wraps its work in
`use_runtime("docker")`); every adapter built meanwhile asks `make_runtime`. A process-wide
choice rather than a parameter threaded through every scenario: a compare never mixes
runtimes, and the scenario code stays the same for both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from bench.kit.errors import BenchError
from bench.kit.processes import LocalRuntime

RUNTIMES = ("local", "docker")
_selected = ["local"]


def selected() -> str:
    return _selected[-1]


@contextlib.contextmanager
def use_runtime(name: str) -> Iterator[None]:
    if name not in RUNTIMES:
        raise BenchError(f"no runtime {name!r}; choose from {', '.join(RUNTIMES)}")
    _selected.append(name)
    try:
        yield
    finally:
        _selected.pop()


def make_runtime(impl: str, mounts: list[Path]):
    """The selected runtime for one stack of `impl`; `mounts` are the host paths its
    containers need to see (ignored locally)."""
    if selected() == "docker":
        from bench.kit.containers import DockerRuntime

        return DockerRuntime(impl, mounts)
    return LocalRuntime()


def describe(impls: list[str]) -> dict:
    """What the results record about where the stacks ran (limits and images in docker)."""
    if selected() != "docker":
        return {"name": "local"}
    from bench.kit.code_image import CODE, code_tag
    from bench.kit.containers import CPUS, MEMORY
    from bench.kit.images import base_image, image_tag

    return {
        "name": "docker",
        "cpus_per_container": CPUS,
        "memory_per_container": MEMORY,
        "base_image": base_image(),
        "images": {impl: code_tag(image_tag(impl)) for impl in impls},
        "code": f"copied into each image ({', '.join(CODE)}/); no source mounted",
    }


def engine_processes() -> frozenset[str]:
    """Names of the selected runtime's own processes, which work for the stacks but belong
    to no stack (the container engine): the resource sampler counts them apart."""
    if selected() != "docker":
        return frozenset()
    from bench.kit.containers import ENGINE_PROCESSES

    return ENGINE_PROCESSES
