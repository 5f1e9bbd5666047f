"""The docker runtime: every service and every worker command of a stack in a container.

The adapters do not change shape. `spawn` starts a container instead of a process group and
returns a `ContainerProcess`, which answers the few things the adapters ask of a
`subprocess.Popen` (pid, poll, wait, returncode, send_signal, stop). To keep one code path,
containers see the host's paths unchanged: the code is in the image at the repository's
path (bench.kit.code_image: no source tree is shared with a container, as none would be
with a worker machine), `$BENCH_HOME` and the run folder are bind-mounted at the same
paths, so argv, environment and log paths an adapter builds for the local runtime are valid
inside the container too, and every task appends to the same event log on the same
(kernel) clock.

One user-defined network per stack: services reach each other by container name
(`peer`), the harness reaches them at their address on that network (`address`). Every
container gets the same CPU and memory limit. Everything carries the stack's label and is
removed by `close()`, which the adapter calls on exit, on failure and on Ctrl-C;
`bench clean` removes what a killed harness could not.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import psutil

from bench.kit import orphans
from bench.kit.docker_engine import (
    IMPL_LABEL,
    LABEL,
    OWNER_LABEL,
    STACK_LABEL,
    engine,
    remove_stack,
)
from bench.kit.errors import BenchError
from bench.kit.manifest import load_manifest

CPUS = float(os.cpu_count() or 1)  # per container: every container may use the whole machine
MEMORY = "4g"  # per container, the same for every implementation
VENV = Path("/opt/venv")  # where each image installs its implementation's lock file
# `exec` keeps the command the container's main process; output goes to the adapter's log
# file (on a mounted path) exactly as it does locally
LAUNCH = 'exec "$@" >>"$0" 2>&1'
# the engine's processes on the host: they create, watch and remove the containers
ENGINE_PROCESSES = frozenset(
    {"dockerd", "containerd", "containerd-shim-runc-v2", "containerd-shim", "runc", "docker-proxy"}
)


class ContainerProcess:
    """One command running as the main process of a container (behind docker-init, which
    forwards signals and reaps orphans, as PID 1 of a small system would)."""

    def __init__(self, container, log: Path | None = None) -> None:
        self.container = container
        self.returncode: int | None = None
        self._pid: int | None = None
        self.log = log  # set when the output goes to Docker's log, copied here on exit

    @property
    def pid(self) -> int:
        """The command's process id as the host sees it (for psutil and the sampler).
        Looked up once: the resource sampler asks every 0.2 s, and it never changes."""
        if self._pid is None:
            self.container.reload()
            init = self.container.attrs["State"]["Pid"]
            with contextlib.suppress(psutil.NoSuchProcess):
                children = psutil.Process(init).children()
                if children:
                    self._pid = children[0].pid
                    return self._pid
            return init  # docker-init has not started the command yet: ask again later
        return self._pid

    def poll(self) -> int | None:
        if self.returncode is None:
            with contextlib.suppress(Exception):
                self.container.reload()
                state = self.container.attrs["State"]
                if state["Status"] in ("exited", "dead"):
                    self.returncode = state["ExitCode"]
                    self._save_log()
        return self.returncode

    def _save_log(self) -> None:
        if self.log:
            with contextlib.suppress(Exception):
                self.log.write_bytes(self.container.logs())

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if timeout is not None and deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.container.name, timeout)
            time.sleep(0.1)
        return code

    def exited_within(self, seconds: float) -> bool:
        try:
            self.wait(seconds)
        except subprocess.TimeoutExpired:
            return False
        return True

    def send_signal(self, sig: signal.Signals) -> None:
        """`docker kill --signal`: SIGKILL takes the whole container down at once."""
        with contextlib.suppress(Exception):
            self.container.kill(signal=int(sig))

    def stop(self, grace: float = 10.0) -> None:
        """`docker stop` (SIGTERM, SIGKILL after `grace`), then remove the container."""
        with contextlib.suppress(Exception):
            self.container.stop(timeout=max(1, int(grace)))
        self.poll()
        self._save_log()
        with contextlib.suppress(Exception):
            self.container.remove(force=True)


class DockerRuntime:
    name = "docker"
    bind_host = "0.0.0.0"  # a service must answer on its network, not only inside itself
    env_dir = VENV

    def __init__(self, impl: str, mounts: list[Path]) -> None:
        from bench.kit.code_image import ensure_code_image

        self.impl = impl
        self.image = ensure_code_image(impl)
        self.stack = secrets.token_hex(4)
        self.labels = {LABEL: "stack", STACK_LABEL: self.stack, IMPL_LABEL: impl}
        self.labels[OWNER_LABEL] = orphans.owner()
        orphans.tell("docker")  # if the harness is killed, its watchdog removes the stack
        self.mounts = _mounts(mounts)
        self._network = None
        self._containers: dict[str, Any] = {}  # docker.models.containers.Container
        self._secrets: dict[str, str] = {}
        services = load_manifest(impl).get("services", {})
        self.own_prefixes = tuple(services.get("environment", []))

    @property
    def network(self):
        if self._network is None:
            self._network = engine().networks.create(
                f"bench-{self.stack}", driver="bridge", labels=self.labels
            )
        return self._network

    def secret(self, name: str) -> str:
        """A password for one of the stack's services, generated once per stack and never
        written anywhere (a service and its clients get it through their environment)."""
        return self._secrets.setdefault(name, secrets.token_hex(16))

    def container_name(self, service: str) -> str:
        return f"bench-{self.stack}-{service}"

    def spawn(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str],
        log: Path,
        cwd: Path | None = None,
        *,
        service: str | None = None,
        volumes: dict[str, str] | None = None,
    ) -> ContainerProcess:
        """Run `argv` in a new container named after the stack and `name` (a container of
        that name left from before — a restarted service — is replaced). By default the
        container runs the implementation's image as the calling user; `service` names a
        service image (bench/services: postgres, redis) that runs as its own user;
        `volumes` maps names of the stack's volumes (kept across a restart, removed with
        the stack) to paths in the container."""
        from docker.errors import APIError, NotFound

        from bench.kit.images import ensure_image

        log.parent.mkdir(parents=True, exist_ok=True)
        # the log exists from now on, as a local process's does, not only once the
        # container's shell has opened it: a readiness check may read it at once
        log.touch()
        container_name = self.container_name(name)
        with contextlib.suppress(NotFound):
            engine().containers.get(container_name).remove(force=True)
        # a service image runs as its own user, who may not reach the host's log folder
        # (e.g. under /root): its output goes to Docker's log, copied to `log` on exit
        command = argv if service else ["sh", "-c", LAUNCH, str(log), *argv]
        try:
            container = engine().containers.run(
                ensure_image(service) if service else self.image,
                command,
                name=container_name,
                detach=True,
                init=True,
                network=self.network.name,
                environment=_container_env(env, self.own_prefixes),
                working_dir=str(cwd) if cwd else None,
                user=None if service else f"{os.getuid()}:{os.getgid()}",
                volumes=self.mounts | self._volumes(volumes or {}),
                labels=self.labels,
                nano_cpus=int(CPUS * 1e9),
                mem_limit=MEMORY,
            )
        except APIError as exc:
            raise BenchError(
                f"docker could not start {container_name}: {exc.explanation}"
            ) from None
        self._containers[name] = container
        return ContainerProcess(container, log if service else None)

    def _volumes(self, wanted: dict[str, str]) -> dict[str, dict[str, str]]:
        out = {}
        for name, path in wanted.items():
            volume = f"bench-{self.stack}-{name}"
            engine().volumes.create(volume, labels=self.labels)  # returns it if it exists
            out[volume] = {"bind": path, "mode": "rw"}
        return out

    def exec(self, name: str, argv: list[str]) -> tuple[int, str]:
        """Run `argv` inside the running container `name` (`docker exec`): exit code, output."""
        from docker.errors import APIError

        try:
            result = self._containers[name].exec_run(argv)
        except APIError as exc:  # e.g. the container is not running (any more)
            return 1, str(exc.explanation)
        return result.exit_code, result.output.decode(errors="replace").strip()

    def address(self, service: str) -> str:
        """The service container's IP on the stack's network (the host is on it too)."""
        container = self._containers[service]
        container.reload()
        return container.attrs["NetworkSettings"]["Networks"][self.network.name]["IPAddress"]

    def peer(self, service: str) -> str:
        return self.container_name(service)

    def close(self) -> None:
        """Remove every container and the network of this stack."""
        remove_stack(self.stack)
        self._containers.clear()
        self._network = None


def _mounts(paths: list[Path]) -> dict[str, dict[str, str]]:
    """Same-path read-write bind mounts (a path inside another is covered); never the
    repository itself: the code comes in the image."""
    from bench.kit.home import REPO

    wanted = sorted({p.resolve() for p in paths} - {REPO})
    kept = [p for p in wanted if not any(p != q and p.is_relative_to(q) for q in wanted)]
    return {str(p): {"bind": str(p), "mode": "rw"} for p in kept}


KEPT_FROM_HOST = ("LANG", "LC_", "TZ", "BENCH_", "MOVIE_PIPELINE_", "PYTHON", "VIRTUAL_ENV")


def _container_env(env: dict[str, str], own_prefixes: tuple[str, ...] = ()) -> dict[str, str]:
    """What the adapter set for the command, not the user's shell: a variable inherited
    unchanged from the host (a token, a cloud credential) would show in `docker inspect`
    and reach code that has no use for it. Kept from the host: locale and time zone, the
    harness's own variables, and the orchestrator's settings (`own_prefixes`, its
    manifest's: process_env already dropped the shell's, so those present are the config's)."""
    kept = (*KEPT_FROM_HOST, *own_prefixes)
    dropped = {"HOME", "HOSTNAME", "TERM", "SHLVL", "PWD", "OLDPWD", "_"}
    return {
        k: v
        for k, v in env.items()
        if k not in dropped and (os.environ.get(k) != v or k.startswith(kept))
    } | {"HOME": "/tmp"}
