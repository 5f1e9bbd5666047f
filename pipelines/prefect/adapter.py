"""How the harness drives Prefect 3: a server, a runner serving the flows, REST for the rest.

    prefect server start            API + UI + SQLite database, in the run folder
    python -m pipelines.prefect.serve   registers the deployments, polls for due flow runs

`submit` asks the server for a flow run of a deployment (what the UI's "Run" button and
`prefect deployment run` do); the runner picks it up at its next poll and runs the flow in
a subprocess. `wait` polls the flow run's state. Settings of a config are Prefect settings,
which are environment variables, given to both processes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import time
from pathlib import Path

import psutil

from bench.kit import (
    Adapter,
    BenchError,
    UiView,
    dask_address,
    free_port,
    iso_ns,
    request_json,
    start_dask_cluster,
)
from pipelines.core.catalogue import PREFIX, pipeline_id
from pipelines.core.workloads import Workload
from pipelines.prefect import DASK_SCHEDULER, DEPLOYMENTS, TASK_RUNNER

LOGS_ARRIVE_S = 5.0  # how long the UI probe waits for a task's logs to reach the server
TASKS_ARRIVE_S = 10.0  # ... and for the task runs' final states (see ui_view)

FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
# The server answers 503 while SQLite is locked by a burst of writes (task states, logs);
# Prefect's own client retries these (PREFECT_CLIENT_MAX_RETRIES), and so does the harness.
TRANSIENT, RETRIES = {0, 429, 502, 503}, 5
NOTICE_S = 30.0  # how long an operator watches a run that lost its process
NEW_FLOW = ("new_pipeline", "new")  # the deploy probe's flow and deployment (probe/)
CATALOGUE_FLOW = "catalogue"  # the catalogue scenario's flow, deployed N times (probe/)


class PrefectAdapter(Adapter[str]):
    name = "prefect"

    def __init__(self, workdir: Path, variant: str | None = None, **options) -> None:
        super().__init__(workdir, variant, **options)
        self.port = free_port()
        self.dask_port = free_port() if self.scale_out else 0  # its Dask scheduler's
        home, tmp = self.state_dir / "home", self.state_dir / "tmp"
        home.mkdir(exist_ok=True)
        tmp.mkdir(exist_ok=True)
        self.env = self.process_env(
            {
                "PREFECT_HOME": str(home),  # profiles, local storage: nothing in ~/.prefect
                # the runner keeps files in $TMPDIR/runner_storage/: one machine-wide folder,
                # owned by whoever ran Prefect first there (another user's runs then failed
                # with PermissionError), and left behind; here it is the run folder's own
                "TMPDIR": str(tmp),
                "PREFECT_API_DATABASE_CONNECTION_URL": (
                    f"sqlite+aiosqlite:///{self.state_dir / 'prefect.db'}"
                ),
                "PREFECT_API_URL": f"http://{self.runtime.peer('server')}:{self.port}/api",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no internet here
                "PREFECT_TASKS_RUNNER_THREAD_POOL_MAX_WORKERS": str(self.slots),
                "PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS": str(self.slots),
                # the calendar probe: the movie deployment on a daily schedule (serve.py)
                "MOVIE_PIPELINE_SCHEDULE": "daily" if self.schedules else "",
                "MOVIE_PIPELINE_WORKDIR": str(self.workdir),
                **self.settings,
                **self._scale_out_env(),
            }
        )
        self.deployments: dict[str, str] = {}  # flow (or catalogued pipeline) → deployment id

    def _scale_out_env(self) -> dict[str, str]:
        """A scaled-out stack's flows run their tasks on its Dask cluster (runners.py)."""
        if not self.scale_out:
            return {}
        address = dask_address(self.runtime.peer("dask-scheduler"), self.dask_port)
        return {TASK_RUNNER: "dask", DASK_SCHEDULER: address}

    @property
    def api(self) -> str:
        """Where the harness reaches the server."""
        return f"http://{self.runtime.address('server')}:{self.port}/api"

    @property
    def dashboard_url(self) -> str:
        return f"http://{self.runtime.address('server')}:{self.port}/"

    def start(self) -> None:
        server = [self.bin("prefect"), "server", "start"]
        server += ["--host", self.runtime.bind_host, "--port", str(self.port)]
        self.services.start("server", server, self.env, cwd=self.state_dir)
        self.services.wait_until("the Prefect server", self._healthy, 120)
        if self.scale_out:  # the flows' DaskTaskRunner dials it (runners.py)
            start_dask_cluster(
                self.services,
                self.bin("dask"),
                self.env[DASK_SCHEDULER],
                self.runtime.bind_host,
                self.slots,
                self.env,
                self.state_dir,
            )
        runner = [self.bin("python"), "-m", "pipelines.prefect.serve"]
        self.services.start("runner", runner, self.env, cwd=self.state_dir)
        self.services.wait_until("the runner's deployments", self._deployed, 120)

    def _healthy(self) -> bool:
        return request_json("GET", f"{self.api}/health", timeout=2)[0] == 200

    def _deployed(self) -> bool:
        return all(self._found(flow)() for flow in DEPLOYMENTS.items())

    def _create_run(self, flow: str, parameters: dict) -> str:
        url = f"{self.api}/deployments/{self.deployments[flow]}/create_flow_run"
        for attempt in range(RETRIES):
            status, reply = request_json("POST", url, {"parameters": parameters})
            if status not in TRANSIENT:
                break
            time.sleep(0.5 * 2**attempt)
        if status != 201:
            raise BenchError(f"prefect: the server refused a {flow} run ({status}): {reply}")
        return reply["id"]

    def run_new_pipeline(self, timeout: float) -> dict[str, float | str]:
        """Start a new flow's own `serve()` process beside the running stack (how a flow is
        deployed to a served set-up), time until the server lists its deployment, then run
        it through the server as any other run."""
        started = time.monotonic()
        argv = [self.bin("python"), "-m", "pipelines.prefect.probe"]
        self.services.start("new-runner", argv, self.env, cwd=self.state_dir)
        self.services.wait_until("the new flow's deployment", self._found(NEW_FLOW), timeout)
        until_known = time.monotonic() - started
        self.wait(self._create_run(NEW_FLOW[0], {}), timeout)
        return {
            "until_known_s": until_known,
            "until_done_s": time.monotonic() - started,
            "deployed": "its serve() process started",
        }

    def deploy_pipelines(self, count: int, timeout: float) -> str:
        """A deployment per pipeline, served by a `serve()` process of their own
        (probe/serve_catalogue.py) started beside the running stack."""
        argv = [self.bin("python"), "-m", "pipelines.prefect.probe.serve_catalogue", str(count)]
        self.services.start("catalogue-runner", argv, self.env, cwd=self.state_dir)
        self.services.wait_until(
            f"{count} new deployments to be listed", lambda: self._counted() >= count, timeout, 1
        )
        return "their serve() process started"

    def _counted(self) -> int:
        """How many catalogued deployments the server lists."""
        body = {"deployments": {"name": {"like_": PREFIX}}}
        status, reply = request_json("POST", f"{self.api}/deployments/count", body, timeout=5)
        self.services.check()
        return reply if status == 200 and isinstance(reply, int) else 0

    def run_deployed(self, index: int, label: str, timeout: float) -> None:
        name = pipeline_id(index)
        found = self._deployment_id(CATALOGUE_FLOW, name)
        if not found:
            raise BenchError(f"prefect: the server lists no deployment {name}")
        self.deployments[name] = found
        self.wait(self._create_run(name, {"label": label}), timeout)

    def _found(self, flow: tuple[str, str]):
        """A check that the server lists a flow's deployment (and remembers its id)."""

        def listed() -> bool:
            found = self._deployment_id(*flow)
            if found:
                self.deployments[flow[0]] = found
            return found is not None

        return listed

    def _deployment_id(self, flow: str, deployment: str) -> str | None:
        """The id of a flow's deployment, None while the server does not list it."""
        status, reply = request_json("GET", f"{self.api}/deployments/name/{flow}/{deployment}")
        return reply["id"] if status == 200 else None

    def submit(self, date: dt.date) -> str:
        return self._create_run(
            "movie_pipeline", {"workdir": str(self.workdir), "date": date.isoformat()}
        )

    def backfill(self, first: dt.date, last: dt.date) -> str:
        """A run of the backfill flow (backfill.py), which asks for the days one by one."""
        days = {"first": first.isoformat(), "last": last.isoformat()}
        return self._create_run("movie_backfill", {"workdir": str(self.workdir), **days})

    def submit_workload(self, label: str) -> str:
        return self._create_run("bench_workload", {"spec": str(self.workload), "label": label})

    def runs_started_by_itself(self) -> dict[str, dt.date | None]:
        """Movie runs the server's scheduler created (auto-scheduled) that have left the
        SCHEDULED state, i.e. the runner picked them up; each with its scheduled day."""
        flow_runs = {"deployment_id": {"any_": [self.deployments["movie_pipeline"]]}}
        status, runs = request_json(
            "POST", f"{self.api}/flow_runs/filter", {"flow_runs": flow_runs}
        )
        return {
            r["id"]: dt.datetime.fromisoformat(r["expected_start_time"]).date()
            for r in (runs if status == 200 and isinstance(runs, list) else [])
            if r.get("auto_scheduled") and (r.get("state") or {}).get("type") != "SCHEDULED"
        }

    def wait(self, handle: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self.services.check()
            state = self._state(handle)
            if state.get("type") in FINAL:
                break
            if time.monotonic() > deadline:
                raise BenchError(
                    f"prefect run {handle} not finished after {timeout:.0f} s "
                    f"(state {state.get('name', '?')}; logs: {self.services.log_dir})"
                )
            time.sleep(0.1)
        if state["type"] != "COMPLETED":
            message = " ".join((state.get("message") or state["name"]).split())
            raise BenchError(f"prefect: flow run {state['name'].lower()}: {message}")

    # -- the worker fault: the flow run's process dies; an operator presses "Retry"
    def kill(self, handle: str, component: str, sig: signal.Signals) -> None:
        """ "worker": signal the processes the runner started for flow runs (each flow run
        is a subprocess of the runner; its tasks are threads in it). "scheduler": signal
        the server — its API, its database access and the scheduling services it runs
        in-process (a crash with SIGKILL, a clean stop with SIGTERM)."""
        if component == "scheduler":
            self.services.signal("server", sig)
            return
        if component != "worker":
            raise BenchError(f"prefect cannot kill its {component}")
        runner = psutil.Process(self.services.get("runner").process.pid)
        for process in runner.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(sig)

    def recover(self, handle: str, component: str, timeout: float) -> int:
        """What a supervisor and the UI offer. After the server's fault, the server is
        started again on its database (and any process that gave up meanwhile, as a
        supervisor would). After either fault, the run is watched: a flow run that
        finished by itself needs nothing; one the runner marked crashed (its process died,
        or it lost the API) is retried as the UI's "Retry" does — back to Scheduled
        (`AwaitingRetry`), and the runner runs the whole flow again at its next poll (a
        task's result is kept only where result persistence is on, which it is not by
        default). A run still not final after `NOTICE_S` is retried all the same, as an
        operator would."""
        if component == "scheduler":
            self.services.restart("server")
            self.services.wait_until("the restarted Prefect server", self._healthy, 120)
        deadline = time.monotonic() + NOTICE_S
        while (state := self._state(handle)).get("type") not in FINAL:
            if time.monotonic() > deadline:
                break
            if component == "scheduler":  # a runner that lost the API may have exited
                self.services.revive()
            else:
                self.services.check()
            time.sleep(0.2)
        if state.get("type") == "COMPLETED":
            return 0
        retry = {"type": "SCHEDULED", "name": "AwaitingRetry"}
        body = {"state": retry, "force": True}
        status, reply = request_json("POST", f"{self.api}/flow_runs/{handle}/set_state", body)
        if status not in (200, 201):
            raise BenchError(f"prefect would not retry flow run {handle} ({status}): {reply}")
        self.wait(handle, timeout)
        return 1

    def _state(self, handle: str) -> dict:
        status, run = request_json("GET", f"{self.api}/flow_runs/{handle}")
        return ((run or {}).get("state") or {}) if status == 200 else {}

    def busy(self) -> int:
        """Flow runs the server still has pending, running or cancelling: a measured run
        starts only once the previous one has left the runner."""
        body = {"flow_runs": {"state": {"type": {"any_": ["PENDING", "RUNNING", "CANCELLING"]}}}}
        status, count = request_json("POST", f"{self.api}/flow_runs/count", body, timeout=2)
        return count if status == 200 and isinstance(count, int) else 0

    def ui_view(self, handle: str) -> UiView:
        """The flow run, its task runs and the first task run's logs, from the REST API the
        Prefect UI calls. Task runs' states arrive a moment after the flow run's (events
        the server processes in the background; later still after the server was killed
        and started again mid-run, which once showed 2 of 4 tasks completed right after
        the run): they are awaited up to TASKS_ARRIVE_S. Logs are shipped in batches, seen
        here ~1 s after the run."""
        _, run = request_json("GET", f"{self.api}/flow_runs/{handle}")
        expected = len(Workload.load(self.workload).nodes) if self.workload else 0
        body = {"flow_runs": {"id": {"any_": [handle]}}, "limit": 200}
        deadline = time.monotonic() + TASKS_ARRIVE_S
        while True:
            status, listed = request_json("POST", f"{self.api}/task_runs/filter", body)
            runs = listed if status == 200 and isinstance(listed, list) else []
            tasks = {r["name"]: str((r.get("state") or {}).get("type")) for r in runs}
            done = sum(1 for state in tasks.values() if state == "COMPLETED")
            if done >= expected or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        first = min(runs, key=lambda r: r["name"], default=None)
        lines, deadline = 0, time.monotonic() + LOGS_ARRIVE_S
        while first and not lines and time.monotonic() < deadline:
            query = {"logs": {"task_run_id": {"any_": [first["id"]]}}, "limit": 200}
            status, logs = request_json("POST", f"{self.api}/logs/filter", query)
            lines = len(logs) if status == 200 and isinstance(logs, list) else 0
            time.sleep(0 if lines else 0.2)
        state = ((run or {}).get("state") or {}).get("type") if isinstance(run, dict) else None
        return UiView(
            api="GET /api/flow_runs/{id}, POST /api/task_runs/filter, POST /api/logs/filter",
            run_state=state,
            run_done=state == "COMPLETED",
            task_states=tasks,
            tasks_done=done,
            log_lines=lines,
        )

    def native_timings(self, handle: str) -> dict[str, tuple[int, int]]:
        """Each task run's start and end, as the server recorded them. Prefect 3 records
        task runs from events the flow run sends, processed in the background: the last
        ones arrive a moment after the flow run is complete, so wait (briefly) for all."""
        expected = len(Workload.load(self.workload).nodes) if self.workload else 0
        body = {"flow_runs": {"id": {"any_": [handle]}}, "limit": 200}
        deadline = time.monotonic() + 10
        while True:
            status, runs = request_json("POST", f"{self.api}/task_runs/filter", body)
            times = {
                r["name"]: (iso_ns(r["start_time"]), iso_ns(r["end_time"]))
                for r in (runs if status == 200 else [])
                if r.get("start_time") and r.get("end_time")
            }
            if len(times) >= expected or time.monotonic() > deadline:
                return times
            time.sleep(0.2)
