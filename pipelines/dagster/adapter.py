"""How the harness drives Dagster: a code server, a webserver, a daemon; GraphQL for the rest.

    dagster code-server start -m pipelines.dagster.definitions   the jobs, over gRPC
    dagster-webserver -w workspace.yaml      the UI and its GraphQL API
    dagster-daemon run -w workspace.yaml     schedules, sensors, the run queue

All three share `DAGSTER_HOME` in the run folder: `dagster.yaml` (the instance: SQLite
storage beside it, telemetry off) and the run history. `submit` is the launchpad's
"Launch run": the `launchPipelineExecution` mutation with the run's config (which folder and
day, and the executor's `max_concurrent` = the run's slots). The run joins the run queue
(Dagster's default run coordinator, the queued one); the daemon dequeues it and launches it
through the code server, which starts a run process; its multiprocess executor starts a
process per op. `wait` polls the run's status.

The calendar: the movie job is partitioned by day; `backfill` is the UI's "Launch
backfill" (the `launchPartitionBackfill` mutation) — the daemon's backfill loop submits a run
per day, and a run-queue limit of one run at a time on the backfill's tag (`dagster.yaml`)
runs them in order. With `schedules=True` the code location holds a daily schedule
(schedule.py), which the daemon's scheduler ticks.

A config's settings are dotted paths into every run's config (e.g.
`execution.config.multiprocess.start_method.forkserver`), given to every run it submits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import time
from pathlib import Path
from typing import Any

import psutil

from bench.kit import (
    Adapter,
    BenchError,
    UiView,
    dask_address,
    free_port,
    request_json,
    start_dask_cluster,
)
from pipelines.core.catalogue import COUNT_ENV, PREFIX, pipeline_id
from pipelines.core.workloads import Workload, is_mapped
from pipelines.dagster import (
    DASK_SCHEDULER,
    LABEL_TAG,
    LOCATION,
    MOVIE_JOB,
    SCHEDULE,
    workload_job_name,
)

FINAL = {"SUCCESS", "FAILURE", "CANCELED"}
NOTICE_S = 30.0  # how long an operator watches a run that lost its op processes
ACTIVE = ["QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING"]
# the instance as installed but for two lines: no telemetry (no internet here), and a
# backfill's runs one at a time — every day's run builds on the day before, and Dagster's
# queue would otherwise launch a backfill's runs all at once (other runs: no limit)
INSTANCE = """
telemetry:
  enabled: false
concurrency:
  runs:
    tag_concurrency_limits:
      - key: dagster/backfill
        limit: 1
"""

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchPipelineExecution(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PythonError { message }
    ... on Error { message }
  }
}"""
RUN = """
query Run($id: ID!) {
  runOrError(runId: $id) {
    __typename
    ... on Run { status stepStats { stepKey status startTime endTime } }
  }
}"""
FAILURES = """
query Failures($id: ID!) {
  logsForRun(runId: $id) {
    ... on EventConnection {
      events {
        __typename
        ... on ExecutionStepFailureEvent { stepKey error { message } }
        ... on RunFailureEvent { message }
      }
    }
  }
}"""
STEP_EVENTS = """
query StepEvents($id: ID!) {
  logsForRun(runId: $id) { ... on EventConnection { events { ... on MessageEvent { stepKey } } } }
}"""
REEXECUTE = """
mutation Reexecute($params: ReexecutionParams!) {
  launchRunReexecution(reexecutionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on Error { message }
  }
}"""
TERMINATE = """
mutation Terminate($id: String!) {
  terminateRun(runId: $id, terminatePolicy: MARK_AS_CANCELED_IMMEDIATELY) { __typename }
}"""
JOBS = """
{ repositoriesOrError { ... on RepositoryConnection { nodes { jobs { name } } } } }"""
RELOAD = "mutation { reloadWorkspace { __typename } }"
LOAD_ERRORS = """
{ workspaceOrError { ... on Workspace { locationEntries {
  name locationOrLoadError { __typename ... on PythonError { message } }
} } } }"""
NEW_LOCATION, NEW_JOB = "new_pipeline", "new_pipeline"  # the deploy probe's (probe/)
CATALOGUE = "catalogue"  # the catalogue scenario's code location (probe/catalogue.py)
BACKFILL = """
mutation Backfill($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on Error { message }
  }
}"""
BACKFILL_STATUS = """
query Backfill($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    __typename
    ... on PartitionBackfill { status numPartitions }
  }
}"""
TAGGED_RUNS = """
query Tagged($key: String!, $value: String!) {
  runsOrError(filter: {tags: [{key: $key, value: $value}]}) {
    ... on Runs { results { runId status tags { key value } } }
  }
}"""
COUNT = """
query Count($statuses: [RunStatus!]) {
  runsOrError(filter: {statuses: $statuses}) { ... on Runs { count } }
}"""


class DagsterAdapter(Adapter[str]):
    name = "dagster"

    def __init__(self, workdir: Path, variant: str | None = None, **options) -> None:
        super().__init__(workdir, variant, **options)
        self.port, self.grpc_port = free_port(), free_port()
        self.dask_port = free_port() if self.scale_out else 0  # its Dask scheduler's
        self.home = self.state_dir / "home"
        self.home.mkdir(exist_ok=True)
        (self.home / "dagster.yaml").write_text(INSTANCE)
        self.locations = {LOCATION: ("code-server", self.grpc_port)}  # name → service, port
        self._write_workspace()
        self.env = self.process_env(
            {
                "DAGSTER_HOME": str(self.home),
                # what a run of one day's partition needs (movie_pipeline.one_day), and the
                # calendar probe's daily schedule (schedule.py)
                "MOVIE_PIPELINE_WORKDIR": str(self.workdir),
                "MOVIE_PIPELINE_RUN_CONFIG": json.dumps(self._run_config()),
                "MOVIE_PIPELINE_SCHEDULE": "daily" if self.schedules else "",
                **self._scale_out_env(),
            }
        )

    def _scale_out_env(self) -> dict[str, str]:
        """A scaled-out stack's jobs run their ops on its Dask cluster (definitions.py)."""
        if not self.scale_out:
            return {}
        return {DASK_SCHEDULER: dask_address(self.runtime.peer("dask-scheduler"), self.dask_port)}

    def _write_workspace(self) -> None:
        """`workspace.yaml`: where the webserver and the daemon find each code location."""
        load_from = [
            {
                "grpc_server": {
                    "host": self.runtime.peer(service),
                    "port": port,
                    "location_name": name,
                }
            }
            for name, (service, port) in self.locations.items()
        ]
        (self.home / "workspace.yaml").write_text(json.dumps({"load_from": load_from}))

    @property
    def graphql(self) -> str:
        return f"http://{self.runtime.address('webserver')}:{self.port}/graphql"

    @property
    def dashboard_url(self) -> str:
        return f"http://{self.runtime.address('webserver')}:{self.port}/"

    def _code_server(
        self, name: str, module: str, port: int, timeout: float, env: dict | None = None
    ) -> None:
        """Start a code location's gRPC server and wait until it serves."""
        code = [self.bin("dagster"), "code-server", "start", "-m", module]
        argv = [*code, "-h", self.runtime.bind_host, "-p", str(port)]
        self.services.start(name, argv, {**self.env, **(env or {})})
        log = self.services.get(name).log
        self.services.wait_until(
            f"the {name}", lambda: "Started Dagster code server" in log.read_text(), timeout
        )

    def start(self) -> None:
        host = ["-h", self.runtime.bind_host]
        if self.scale_out:  # the Dask executor's run processes dial it
            start_dask_cluster(
                self.services,
                self.bin("dask"),
                self.env[DASK_SCHEDULER],
                self.runtime.bind_host,
                self.slots,
                self.env,
                self.state_dir,
            )
        self._code_server("code-server", "pipelines.dagster.definitions", self.grpc_port, 120)
        workspace = ["-w", str(self.home / "workspace.yaml")]
        webserver = [self.bin("dagster-webserver"), *host, "-p", str(self.port), *workspace]
        self.services.start("webserver", webserver, self.env, cwd=self.state_dir)
        self.services.wait_until("the webserver's jobs", self._loaded, 120)
        daemon = [self.bin("dagster-daemon"), "run", *workspace]
        self.services.start("daemon", daemon, self.env, cwd=self.state_dir)

    def _query(
        self, query: str, variables: dict | None = None, timeout: float = 10
    ) -> dict[str, Any]:
        body = {"query": query, "variables": variables or {}}
        status, reply = request_json("POST", self.graphql, body, timeout=timeout)
        if status != 200 or not isinstance(reply, dict) or "data" not in reply:
            raise BenchError(f"dagster: the webserver answered {status}: {str(reply)[:300]}")
        return reply["data"]

    def _loaded(self) -> bool:
        return self._lists(MOVIE_JOB)

    def _job_names(self, timeout: float = 2) -> list[str]:
        """Every job the webserver lists, in any code location (none while not answering)."""
        try:
            nodes = self._query(JOBS, timeout=timeout)["repositoriesOrError"].get("nodes") or []
        except BenchError:  # not answering yet, or reloading
            return []
        return [job["name"] for node in nodes for job in node["jobs"]]

    def _lists(self, name: str) -> bool:
        """Whether the webserver lists a job of that name in any code location."""
        return name in self._job_names()

    def run_new_pipeline(self, timeout: float) -> dict[str, float | str]:
        """Deploy a new code location beside the running one: its code server started, the
        location added to the workspace, the webserver's workspace reloaded (the UI's
        "Reload"; it does not look by itself) and the daemon restarted, then its job run.
        The daemon re-reads the workspace on its own only about once a minute, and a run
        it dequeues before that fails (found by running it: `DagsterCodeLocationNotFound`)."""
        started = time.monotonic()
        self._add_location(NEW_LOCATION, "pipelines.dagster.probe.new_pipeline", timeout)
        self.services.wait_until("the new job", lambda: self._lists(NEW_JOB), timeout)
        until_known = time.monotonic() - started
        self.wait(self._launch(NEW_JOB, self._run_config(), {}, NEW_LOCATION), timeout)
        return {
            "until_known_s": until_known,
            "until_done_s": time.monotonic() - started,
            "deployed": "its code server started, the workspace reloaded and the daemon restarted",
        }

    def _add_location(self, name: str, module: str, timeout: float, env: dict | None = None):
        """A code location deployed beside the running ones: its code server started, the
        workspace rewritten and reloaded, the daemon restarted (see run_new_pipeline)."""
        port = free_port()
        self._code_server(f"{name}-code-server", module, port, timeout, env)
        self.locations[name] = (f"{name}-code-server", port)
        self._write_workspace()
        # the reload answers once the webserver has loaded every location: a code location
        # of 1,000 jobs in containers took longer than a query's 10 s (no answer, 2026-12-06)
        self._query(RELOAD, timeout=timeout)
        self.services.signal("daemon", signal.SIGTERM)
        self.services.restart("daemon")

    def deploy_pipelines(self, count: int, timeout: float) -> str:
        """A code location of `count` jobs (probe/catalogue.py), deployed as the deploy
        probe's is."""
        module = "pipelines.dagster.probe.catalogue"
        self._add_location(CATALOGUE, module, timeout, {COUNT_ENV: str(count)})
        self.services.wait_until(
            f"{count} new jobs to be listed", lambda: self._counted(PREFIX) >= count, timeout, 1
        )
        return "their code server started, the workspace reloaded and the daemon restarted"

    def _counted(self, prefix: str) -> int:
        """How many jobs whose name starts with `prefix` the webserver lists; a code
        location that failed to load (it would never list its jobs) fails it at once."""
        try:
            entries = self._query(LOAD_ERRORS, timeout=10)["workspaceOrError"]["locationEntries"]
        except BenchError:  # reloading
            return 0
        for entry in entries:
            if (entry["locationOrLoadError"] or {}).get("__typename") == "PythonError":
                message = entry["locationOrLoadError"]["message"].strip().splitlines()[-1]
                raise BenchError(f"dagster: code location {entry['name']} failed: {message}")
        return sum(name.startswith(prefix) for name in self._job_names(timeout=10))

    def run_deployed(self, index: int, label: str, timeout: float) -> None:
        job = pipeline_id(index)
        self.wait(self._launch(job, {}, {LABEL_TAG: label}, CATALOGUE), timeout)

    def _run_config(self, lake: dict | None = None) -> dict:
        """The multiprocess executor's slots and the config's settings; a scaled-out
        stack's executor is configured in the code (its cluster; a worker is a slot)."""
        config: dict[str, Any] = {}
        if not self.scale_out:
            config["execution"] = {"config": {"multiprocess": {"max_concurrent": self.slots}}}
        for path, value in self.settings.items():  # e.g. execution.config.multiprocess...
            *parents, leaf = path.split(".")
            node = config
            for key in parents:
                node = node.setdefault(key, {})
            node[leaf] = _value(value)
        if lake:
            config["resources"] = {"lake": {"config": lake}}
        return config

    def _launch(
        self, job: str, run_config: dict, tags: dict[str, str], location: str = LOCATION
    ) -> str:
        params = {
            "selector": {
                "repositoryLocationName": location,
                "repositoryName": "__repository__",
                "jobName": job,
            },
            "runConfigData": run_config,
            "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in tags.items()]},
        }
        reply = self._query(LAUNCH, {"params": params})["launchPipelineExecution"]
        if reply["__typename"] != "LaunchRunSuccess":
            errors = reply.get("errors") or [reply]
            reason = "; ".join(str(e.get("message", e)) for e in errors)
            raise BenchError(f"dagster refused a {job} run ({reply['__typename']}): {reason}")
        return reply["run"]["runId"]

    def submit(self, date: dt.date) -> str:
        lake = {"workdir": str(self.workdir), "date": date.isoformat()}
        return self._launch(MOVIE_JOB, self._run_config(lake), {"movie/date": date.isoformat()})

    def backfill(self, first: dt.date, last: dt.date) -> str:
        """One backfill of the days' partitions; the daemon submits their runs."""
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        selector = {
            "partitionSetName": f"{MOVIE_JOB}_partition_set",
            "repositorySelector": {
                "repositoryLocationName": LOCATION,
                "repositoryName": "__repository__",
            },
        }
        params = {"selector": selector, "partitionNames": [d.isoformat() for d in days]}
        reply = self._query(BACKFILL, {"params": params})["launchPartitionBackfill"]
        if reply["__typename"] != "LaunchBackfillSuccess":
            raise BenchError(f"dagster refused the backfill: {reply.get('message', reply)}")
        return f"backfill:{reply['backfillId']}"

    def _tagged(self, key: str, value: str) -> list[dict]:
        """The runs with that tag, newest first."""
        return self._query(TAGGED_RUNS, {"key": key, "value": value})["runsOrError"]["results"]

    def runs_started_by_itself(self) -> dict[str, dt.date | None]:
        """Runs the daemon's scheduler launched for the movie job's schedule, each with its
        day's partition."""
        try:
            runs = self._tagged("dagster/schedule_name", SCHEDULE)
        except BenchError:
            return {}
        return {r["runId"]: _partition(r) for r in runs}

    def _wait_backfill(self, backfill_id: str, timeout: float) -> None:
        """Until every day's run has succeeded (the backfill submits them one loop at a
        time); the first failed run fails it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.services.check()
            reply = self._query(BACKFILL_STATUS, {"id": backfill_id})["partitionBackfillOrError"]
            if reply.get("status") in {"FAILED", "CANCELED", "COMPLETED_FAILED"}:
                raise BenchError(f"dagster: backfill {backfill_id} {reply['status'].lower()}")
            runs = self._tagged("dagster/backfill", backfill_id)
            failed = [r["runId"] for r in runs if r["status"] in FINAL - {"SUCCESS"}]
            if failed:
                raise BenchError(f"dagster: a backfill run failed: {self._failure(failed[0])}")
            done = [r for r in runs if r["status"] == "SUCCESS"]
            if reply.get("numPartitions") and len(done) == reply["numPartitions"]:
                return
            time.sleep(0.5)
        raise BenchError(f"dagster backfill {backfill_id} not finished after {timeout:.0f} s")

    def submit_workload(self, label: str) -> str:
        job = workload_job_name(Workload.load(self.workload))
        return self._launch(job, self._run_config(), {LABEL_TAG: label})

    def _run(self, handle: str) -> dict:
        run = self._query(RUN, {"id": handle})["runOrError"]
        if run["__typename"] != "Run":
            raise BenchError(f"dagster: no run {handle} ({run['__typename']})")
        return run

    def wait(self, handle: str, timeout: float) -> None:
        if handle.startswith("backfill:"):
            self._wait_backfill(handle.removeprefix("backfill:"), timeout)
            return
        deadline = time.monotonic() + timeout
        while (status := self._run(handle)["status"]) not in FINAL:
            self.services.check()
            if time.monotonic() > deadline:
                raise BenchError(
                    f"dagster run {handle} not finished after {timeout:.0f} s "
                    f"(status {status}; logs: {self.services.log_dir})"
                )
            time.sleep(0.1)
        if status != "SUCCESS":
            raise BenchError(f"dagster: run {status.lower()}: {self._failure(handle)}")

    # -- faults: the processes running ops die, or the daemon (its scheduler) does
    def kill(self, handle: str, component: str, sig: signal.Signals) -> None:
        """ "worker": signal every process running an op — the multiprocess executor's
        children (and its forkserver), below the run process the code server started.
        "scheduler": signal the daemon — schedules, sensors, backfills and the run queue
        (a crash with SIGKILL, a clean stop with SIGTERM); a run it has launched lives in
        a process of the code server's, not in the daemon."""
        if component == "scheduler":
            self.services.signal("daemon", sig)
            return
        if component != "worker":
            raise BenchError(f"dagster cannot kill its {component}")
        code_server = psutil.Process(self.services.get("code-server").process.pid)
        for process in code_server.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                if "multiprocessing" in " ".join(process.cmdline()):
                    process.send_signal(sig)

    def recover(self, handle: str, component: str, timeout: float) -> int:
        """What the UI offers after a crash: the run process notices its ops' processes
        died and fails the run; "Re-execute from failure" then runs the failed and
        never-started ops again, not those that finished. A run still not failed after
        `NOTICE_S` is marked cancelled first, as an operator would. After the daemon's
        fault, a supervisor starts it again first (on the same instance and workspace)."""
        if component == "scheduler":
            self.services.restart("daemon")
        deadline = time.monotonic() + NOTICE_S
        while (status := self._run(handle)["status"]) not in FINAL:
            if time.monotonic() > deadline:
                break
            self.services.check()
            time.sleep(0.2)
        if status == "SUCCESS":
            return 0
        if status not in FINAL:
            self._query(TERMINATE, {"id": handle})
        params = {"parentRunId": handle, "strategy": "FROM_FAILURE"}
        reply = self._query(REEXECUTE, {"params": params})["launchRunReexecution"]
        if reply["__typename"] != "LaunchRunSuccess":
            raise BenchError(f"dagster would not re-execute {handle}: {reply.get('message')}")
        self.wait(reply["run"]["runId"], timeout)
        return 1

    def _failure(self, handle: str) -> str:
        """The first failed op and its error, else the run's own failure message."""
        events = self._query(FAILURES, {"id": handle})["logsForRun"].get("events", [])
        for event in events:
            if event["__typename"] == "ExecutionStepFailureEvent":
                message = " ".join(event["error"]["message"].split())
                return f"op {event['stepKey']} failed: {message}"
        messages = [e["message"] for e in events if e["__typename"] == "RunFailureEvent"]
        return " ".join((messages[-1] if messages else "no reason recorded").split())

    def busy(self) -> int:
        """Runs still queued, starting, running or cancelling: a measured run starts only
        once the previous one has left."""
        try:
            reply = self._query(COUNT, {"statuses": ACTIVE})["runsOrError"]
        except BenchError:
            return 0
        return int(reply.get("count", 0))

    def ui_view(self, handle: str) -> UiView:
        """The run, its ops' states and the first op's event log, from the GraphQL API the
        Dagster UI calls (the UI's run page shows each op's structured events as its log)."""
        run = self._run(handle)
        steps = {s["stepKey"]: str(s["status"]) for s in run["stepStats"]}
        first = min(steps, default=None)
        events = self._query(STEP_EVENTS, {"id": handle})["logsForRun"].get("events", [])
        lines = sum(1 for e in events if first and e.get("stepKey") == first)
        return UiView(
            api="POST /graphql: runOrError { status stepStats }, logsForRun",
            run_state=run["status"],
            run_done=run["status"] == "SUCCESS",
            task_states=steps,
            tasks_done=sum(1 for state in steps.values() if state == "SUCCESS"),
            log_lines=lines,
        )

    def native_timings(self, handle: str) -> dict[str, tuple[int, int]]:
        """Each op's start and end as Dagster recorded them (its step stats, seconds since
        the epoch); a mapped op's step `mapped[m0001]` is its item's node, `m0001`."""
        times = {}
        for step in self._run(handle)["stepStats"]:
            key = step["stepKey"]
            node = key[key.index("[") + 1 : -1] if key.endswith("]") else key
            if step["startTime"] and step["endTime"] and (node == key or is_mapped(node)):
                times[node] = (_ns(step["startTime"]), _ns(step["endTime"]))
        return times


def _value(text: str) -> Any:
    """A setting's value as run config wants it: JSON where it parses ({}, 4, true), else
    the string itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _partition(run: dict) -> dt.date | None:
    """The day a run of the movie job processes: its partition's tag."""
    tags = {t["key"]: t["value"] for t in run["tags"]}
    return dt.date.fromisoformat(tags["dagster/partition"]) if "dagster/partition" in tags else None


def _ns(seconds: float) -> int:
    """Dagster's float seconds (microsecond resolution) → integer ns since the epoch."""
    return round(seconds * 1_000_000) * 1000
