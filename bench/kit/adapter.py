"""The adapter contract: the only way the harness talks to an implementation.

    with Adapter(workdir) as adapter:   # start services, wait until healthy
        handle = adapter.submit(date)   # trigger one pipeline run for `date`
        adapter.wait(handle, timeout)   # block until it succeeded, or raise with the reason
                                        # leaving the block stops every process it started

The rest is optional, each part enabling more of the report:

* `submit_workload(label)` — synthetic workloads (latency, parallelism, scale);
* `native_timings(handle)` — the orchestrator's own task times, to cross-check the events;
* `busy()` — tasks or slots still held by an earlier run, so measured runs start idle;
* `kill(handle, component, signal)` and `recover(handle, component, timeout)` — the
  recovery scenario, for the faults the manifest lists under `faults`;
* `backfill(first, last)` and `runs_started_by_itself()` — the calendar probes;
* `run_new_pipeline(timeout)` — does it find a pipeline deployed while it runs;
* `deploy_pipelines(count, timeout)` and `run_deployed(index, label, timeout)` — the
  catalogue scenario: many trivial pipelines deployed at once, and one of them run;
* `dashboard_url` and `ui_view(handle)` — the web UI probe: the page, and what the UI's own
  API shows of a finished run (its state, its tasks' states, a task's log).

An adapter starts everything through its runtime — process groups here (bench.kit.processes)
or containers (bench.kit.containers), chosen by `bench compare --runtime` — and keeps the
orchestrator's state and logs in `<workdir>/_<name>/`, beside the data it produced, so a
run can be audited afterwards and nothing lives outside the run folder.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from bench.kit.envs import ensure_env, process_env
from bench.kit.errors import BenchError
from bench.kit.home import REPO, bench_home
from bench.kit.manifest import load_manifest
from bench.kit.processes import Services
from bench.kit.runtimes import make_runtime
from pipelines.core.instrument import EVENT_LOG, IMPL, append_event, read_events


@dataclass
class UiView:
    """A finished run as the UI's API shows it: `api` names the calls made; `run_done` is
    None where the UI has no run entity (only tasks); `log_lines` counts the lines of one
    task's log the UI serves, None where the UI serves no task logs."""

    api: str
    run_state: str | None
    run_done: bool | None
    task_states: dict[str, str]
    tasks_done: int
    log_lines: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunResult:
    """What one pipeline run through an adapter measured."""

    impl: str
    variant: str
    date: str
    workdir: str
    ok: bool
    reason: str  # empty on success; one line on failure
    startup_seconds: float  # services started → healthy (0 for implementations without any)
    run_seconds: float  # submitted → the last task's end (event log)
    stop_seconds: float
    events: str = ""  # the run's event log, with the harness's marks

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Handle = TypeVar("Handle")
"""What an adapter's `submit` returns and its `wait` takes: its own reference to one run —
a run id for an orchestrator with an API (`Adapter[str]`), the process itself for one run
as a command (`Adapter[Spawned]`). The harness only passes it back."""


class Adapter(ABC, Generic[Handle]):
    name: ClassVar[str]

    def __init__(
        self,
        workdir: Path,
        variant: str | None = None,
        *,
        config: str = "default",
        slots: int = 2,
        workload: Path | Sequence[Path] | None = None,
        recovery: bool = False,
        schedules: bool = False,
        scale_out: bool = False,
        settings: dict[str, str] | None = None,
    ) -> None:
        """`config` names a variant of the manifest's [configs]; `slots` is how many tasks
        may run at once (an executor's parallelism, a number of workers: the manifest's
        `[report] slots` says which);
        `workload` is a synthetic workload spec to serve besides the movie pipeline, or
        several, all served by the one stack (`use_workload` picks the one `submit_workload`
        runs; the first until then);
        `recovery` adds the manifest's [recovery] failure-detection settings; `schedules`
        lets the orchestrator start runs on its own calendar (otherwise the harness
        triggers every run itself); `scale_out` makes `slots` the number of worker
        containers, each running one task at a time (manifest capability "scale-out");
        `settings` ("section.option": value) are added on top of the config's, to try one
        knob (tutorial 04) without writing a config."""
        self.manifest = load_manifest(self.name)
        variants, configs = self.manifest["variants"], self.manifest["configs"]
        self.variant = variant or variants[0]
        if self.variant not in variants:
            raise BenchError(
                f"{self.name} has no variant {self.variant!r}; choose from {', '.join(variants)}"
            )
        if config not in configs:
            raise BenchError(
                f"{self.name} has no config {config!r}; choose from {', '.join(configs)}"
            )
        self.config = config
        self.settings: dict[str, str] = dict(configs[config]["settings"])
        if recovery:
            self.settings |= self.manifest.get("recovery", {}).get("settings", {})
        self.settings |= settings or {}
        self.slots = slots
        self.schedules = schedules
        self.scale_out = scale_out
        specs = [workload] if isinstance(workload, (str, Path)) else list(workload or ())
        self.workloads = [Path(w).resolve() for w in specs]
        self.workload = self.workloads[0] if self.workloads else None
        self.workdir = Path(workdir).resolve()
        self.state_dir = self.workdir / f"_{self.name}"
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.event_log = self.state_dir / "events.jsonl"
        # local: process groups from a cached venv; docker: containers of the image
        self.runtime = make_runtime(self.name, [REPO, bench_home(), self.workdir])
        self.env_dir = self.runtime.env_dir or ensure_env(self.name)
        self.services = Services(self.state_dir / "logs", runtime=self.runtime)
        self.startup_seconds = 0.0

    @property
    def dashboard_url(self) -> str | None:
        """The page a person opens to watch runs, while the services are up (None: none)."""
        return None

    def bin(self, program: str) -> str:
        return str(self.env_dir / "bin" / program)

    def process_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Environment of every process this adapter starts: its venv, the repository, and
        the instrumentation (every task appends its events to `self.event_log`)."""
        instrumentation = {EVENT_LOG: str(self.event_log), IMPL: self.name}
        if self.workloads:  # every spec the stack serves, os.pathsep-separated
            instrumentation["BENCH_WORKLOAD"] = os.pathsep.join(map(str, self.workloads))
        strip = self.manifest["services"].get("environment", [])
        return process_env(self.env_dir, {**instrumentation, **(extra or {})}, strip)

    def use_workload(self, spec: Path | None) -> None:
        """Make `spec` (one of the workloads given at construction) the one the next
        `submit_workload` runs: cases that share a slot count share one started stack.
        None: the movie pipeline, which every stack serves besides its workloads (the
        compare runs it first on a workload stack)."""
        if spec is None:
            self.workload = None
            return
        spec = Path(spec).resolve()
        if spec not in self.workloads:
            raise BenchError(f"{self.name}: {spec} is not a workload this stack serves")
        self.workload = spec

    # -- the contract
    def start(self) -> None:
        """Start the orchestrator's services and return once they accept work."""

    @abstractmethod
    def submit(self, date: dt.date) -> Handle:
        """Trigger the movie pipeline for `date`; return a handle for `wait`."""

    def backfill(self, first: dt.date, last: dt.date) -> Handle:
        """Ask for every date from `first` to `last` with the orchestrator's own calendar
        tool; return a handle for `wait`. Without one, there is nothing to ask."""
        raise BenchError(f"{self.name} has no backfill: run each date yourself")

    def runs_started_by_itself(self) -> dict[str, dt.date | None]:
        """Runs the orchestrator started with nobody asking (its own calendar), with the
        date each one processes where it has one."""
        return {}

    def run_new_pipeline(self, timeout: float) -> dict[str, float | str]:
        """Deploy a pipeline the running services have never seen, run it, and return
        seconds from the deploy until the orchestrator knows it and until it is done
        (`until_known_s`, `until_done_s`), and what deploying it took where that is more
        than its file (`deployed`: "its code server started and the workspace reloaded")."""
        raise BenchError(f"{self.name} has no services that could find a new pipeline")

    def deploy_pipelines(self, count: int, timeout: float) -> str:
        """Deploy `count` trivial pipelines (pipelines.core.catalogue: one task each, named
        `catalogue_0000` …) into the running services the way its users deploy many, and
        return once the orchestrator lists every one of them; return what deploying took
        where that is more than their files ("a code server started …")."""
        raise BenchError(f"{self.name} keeps no catalogue of pipeline definitions")

    def run_deployed(self, index: int, label: str, timeout: float) -> None:
        """Trigger the `index`-th of the pipelines `deploy_pipelines` deployed, as run
        `label`, and block until it is done."""
        raise BenchError(f"{self.name} keeps no catalogue of pipeline definitions")

    def submit_workload(self, label: str) -> Handle:
        """Trigger one run of the synthetic workload given at construction."""
        raise BenchError(f"{self.name} does not run synthetic workloads")

    @abstractmethod
    def wait(self, handle: Handle, timeout: float) -> None:
        """Block until the run is done; raise BenchError with a one-line reason if it failed."""

    # -- faults (the recovery scenario); `faults` in the manifest says which are supported
    def kill(self, handle: Handle, component: str, sig: signal.Signals) -> None:
        """Hit one component in the middle of a run: "worker" (the processes running tasks)
        or "scheduler", with SIGKILL (a crash) or SIGTERM (a clean stop)."""
        raise BenchError(f"{self.name} cannot kill its {component}")

    def recover(self, handle: Handle, component: str, timeout: float) -> int:
        """Do what a supervisor or an operator does after that fault — restart what was
        stopped, rerun or clear what failed — and block until the run has finished."""
        raise BenchError(f"{self.name} cannot recover from a {component} fault")

    def rerun_until_done(
        self, handle: Handle, resubmit: Callable[[], Handle], timeout: float, pause: float = 1.0
    ) -> int:
        """Wait for `handle`; while the run fails, submit it again (what cron does with a
        command that exits non-zero). Returns how many times it was submitted again."""
        deadline = time.monotonic() + timeout
        reruns = 0
        while True:
            try:
                self.wait(handle, max(1.0, deadline - time.monotonic()))
                return reruns
            except BenchError:
                if time.monotonic() + pause >= deadline:
                    raise
            time.sleep(pause)
            handle, reruns = resubmit(), reruns + 1

    def busy(self) -> int:
        """Tasks or slots still held by earlier runs (0: idle). The harness waits for 0
        before every measured run, so no run inherits the previous one's busy slots. An
        implementation whose run is one command that has exited is idle by construction."""
        return 0

    def ui_view(self, handle: Handle) -> UiView | None:
        """What a person watching the web UI sees of a finished run, asked through the API
        the UI itself calls. None: there is no UI."""
        return None

    def native_timings(self, handle: Handle) -> dict[str, tuple[int, int]]:
        """The orchestrator's own record of each task's start and end (ns since the epoch),
        to cross-check the event log. Empty where the orchestrator keeps none."""
        return {}

    def stop(self) -> None:
        try:
            self.services.stop()
        finally:
            self.runtime.close()

    def mark(self, event: str, label: str = "") -> int:
        """Write a harness mark (`services-start`, `services-ready`, `submit`, `fault`) into
        the run's event log, on the tasks' clock; return its time in ns."""
        t_ns = time.time_ns()
        record = {"run_id": label, "impl": self.name, "task_id": None, "event": event}
        host = socket.gethostname()
        append_event(self.event_log, record | {"t_ns": t_ns, "pid": 0, "host": host})
        return t_ns

    def __enter__(self) -> Adapter[Handle]:
        started = self.mark("services-start")
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = (self.mark("services-ready") - started) / 1e9
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def run(
        self, date: dt.date, timeout: float = 1800, on_phase: Callable[[str], None] = lambda _: None
    ) -> RunResult:
        """Start, submit, wait, stop: one measured pipeline run. Never leaves a process.

        Start-up is services-start → services-ready and the pipeline's time submit → the
        last task's end, all read from the event log (the marks are written into it beside
        the tasks' events); a failed run's time is the harness's own, up to the failure.
        `on_phase` hears "starting", "running" and "stopping", for progress displays.
        """
        on_phase("starting")
        with self:
            on_phase("running")
            ok, reason, run_seconds = self.run_started(date, timeout)
            on_phase("stopping")
            stop_started = time.monotonic()
        return RunResult(
            impl=self.name,
            variant=self.variant,
            date=date.isoformat(),
            workdir=str(self.workdir),
            ok=ok,
            reason=reason,
            startup_seconds=round(self.startup_seconds, 3),
            run_seconds=round(run_seconds, 3),
            stop_seconds=round(time.monotonic() - stop_started, 3),
            events=str(self.event_log),
        )

    def before_rerun(self) -> None:
        """Called, outside the measured time, before the same date runs again on these
        services (bench.measure.movies). Nothing by default; an orchestrator that would
        ignore an immediate rerun waits here until it accepts one."""

    def run_started(
        self, date: dt.date, timeout: float = 1800, label: str = ""
    ) -> tuple[bool, str, float]:
        """One pipeline run on the started services: (ok, reason, seconds from the submit
        mark to the last task's end; a failed run's up to the failure)."""
        submit_ns = self.mark("submit", label or date.isoformat())
        try:
            self.wait(self.submit(date), timeout)
        except BenchError as exc:
            return False, str(exc), (time.time_ns() - submit_ns) / 1e9
        return True, "", self._last_task_end(submit_ns, (time.time_ns() - submit_ns) / 1e9)

    def _last_task_end(self, submit_ns: int, fallback: float) -> float:
        """Seconds from the submit mark to the last task end after it, from the event log."""
        ends = [
            e["t_ns"]
            for e in read_events(self.event_log)
            if e.get("event") == "end" and e.get("task_id") and e["t_ns"] >= submit_ns
        ]
        return (max(ends) - submit_ns) / 1e9 if ends else fallback
