"""What an orchestrator's processes cost: CPU-seconds and peak resident memory.

A sampler thread looks every `interval` seconds at every process in the watched sessions
(each service the adapter started, and each worker it launched, leads its own session;
sessions rather than process groups, because some executors give each task its own group),
and records the summed RSS — the peak is the largest sum seen — and each process's
latest CPU time. CPU-seconds are the sum over every process seen, so short-lived task
processes count too (up to one interval of their life may be missed: a lower bound).
RSS counts shared pages once per process, so the peak overstates memory that forked
workers share; the report says so.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import psutil

from bench.kit.runtimes import engine_processes

FOREIGN_CORES_LIMIT = 0.2  # more CPU than this used by others during a run: contaminated


class ResourceSampler:
    """What the orchestrator's processes use during a block, and what every other program
    on the machine used meanwhile. Each sample walks every process: those in the watched
    sessions are the orchestrator's; the harness and its descendants are the measurer's; the
    rest are foreign. More than `FOREIGN_CORES_LIMIT` cores of foreign CPU over the block
    means another program competed with the run: it is contaminated. (A foreign process
    that starts and ends between two samples is missed: the check is a lower bound.)

    The runtime's own processes (a container engine creating the containers a run asks
    for) are neither: they are counted apart, as `engine_cpu_seconds`, and never make a run
    contaminated, or every run that starts a container would be flagged."""

    def __init__(
        self,
        groups: Callable[[], Iterable[int]],
        interval: float = 0.2,
        engine: frozenset[str] | None = None,
    ) -> None:
        self._groups = groups
        self._interval = interval
        self._engine_names = engine_processes() if engine is None else engine
        self._engine: dict[int, float] = {}
        self._engine_at_start: dict[int, float] = {}
        self._cpu: dict[int, float] = {}
        self._cpu_at_start: dict[int, float] = {}
        self._foreign: dict[int, float] = {}
        self._foreign_at_start: dict[int, float] = {}
        self._ours: dict[int, bool] = {}  # pid → the harness or one of its descendants
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="resource-sampler", daemon=True)

    def _is_ours(self, process: psutil.Process) -> bool:
        if process.pid not in self._ours:
            me = os.getpid()
            try:
                self._ours[process.pid] = process.pid == me or any(
                    p.pid == me for p in process.parents()
                )
            except psutil.Error:
                self._ours[process.pid] = True  # gone: nothing to count anyway
        return self._ours[process.pid]

    def sample(self) -> None:
        wanted = set(self._groups())
        rss = 0
        for process in psutil.process_iter():
            try:
                member = os.getsid(process.pid) in wanted
                if not member and self._is_ours(process):
                    continue
                with process.oneshot():
                    times = process.cpu_times()
                    if member:
                        rss += process.memory_info().rss
                    # a name is read only where a runtime names engine processes
                    names = self._engine_names
                    engine = bool(names) and not member and process.name() in names
            except (ProcessLookupError, psutil.Error):
                continue
            total = times.user + times.system
            start, now = (
                (self._cpu_at_start, self._cpu)
                if member
                else (self._engine_at_start, self._engine)
                if engine
                else (self._foreign_at_start, self._foreign)
            )
            start.setdefault(process.pid, total)
            now[process.pid] = total
        self.peak_rss = max(self.peak_rss, rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self._interval)

    def _own_cpu(self) -> float:
        """The harness process's own CPU (its threads: the sampler, the adapter's polling);
        not its reaped children's, which are the orchestrator's and sampled as such."""
        times = psutil.Process().cpu_times()
        return times.user + times.system

    def __enter__(self) -> ResourceSampler:
        self._marks = (time.monotonic(), self._own_cpu())
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
        started, own = self._marks
        self._spent = (time.monotonic() - started, self._own_cpu() - own)

    def result(self) -> dict[str, float | bool]:
        """CPU-seconds the orchestrator used while sampling (processes already running count
        from the first sample), its peak summed RSS in MiB, the harness's own CPU-seconds
        (the measurer's load), the foreign CPU in cores, and the container engine's
        CPU-seconds (0 in the local runtime)."""
        cpu = _spent(self._cpu, self._cpu_at_start)
        seconds, harness = getattr(self, "_spent", (0.0, 0.0))
        foreign = _spent(self._foreign, self._foreign_at_start) / seconds if seconds > 0 else 0.0
        return {
            "cpu_seconds": round(cpu, 3),
            "peak_rss_mib": round(self.peak_rss / 2**20, 1),
            "harness_cpu_seconds": round(harness, 3),
            "foreign_cores": round(foreign, 3),
            "engine_cpu_seconds": round(_spent(self._engine, self._engine_at_start), 3),
            "contaminated": foreign > FOREIGN_CORES_LIMIT,
        }


def _spent(now: dict[int, float], at_start: dict[int, float]) -> float:
    """CPU-seconds used between the first and the latest sample, over every process seen."""
    return sum(total - at_start.get(pid, 0.0) for pid, total in now.items())


def measure_idle(groups: Callable[[], Iterable[int]], seconds: float) -> dict[str, float]:
    """What the started services cost while nothing is submitted."""
    with ResourceSampler(groups) as sampler:
        time.sleep(seconds)
    return sampler.result() | {"seconds": seconds}


def usable_cores() -> float:
    """The cores this process may use: its CPU affinity, capped by a cgroup v2 CPU quota
    (`cpu.max`, as a container limit sets it). The c of the CPU-bound lower bound."""
    cores = float(len(os.sched_getaffinity(0)))
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cores = min(cores, int(quota) / int(period))
    except (OSError, ValueError):
        pass
    return cores
