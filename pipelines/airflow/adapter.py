"""Airflow 3 adapter: scheduler + dag-processor + api-server, LocalExecutor; the metadata
DB is SQLite in the run folder (variant `sqlite`) or a PostgreSQL server the harness starts
(variant `postgres`, `--variant airflow=postgres`). Under --runtime docker each is a container,
PostgreSQL too, and the scale-out scenario swaps LocalExecutor for CeleryExecutor with K
worker containers (pipelines.airflow.containers).

Facts this relies on (measured, see docs/environment.md): the three processes must agree on the
JWT secret and on the execution API URL (which contains the api-server's port); the
scheduler always opens a log server (8793 by default, so every stack gets a free port);
LocalExecutor pre-forks `[core] parallelism` workers, so parallelism is set explicitly.
The harness triggers each date itself through the REST API, so cron-driven scheduling is
switched off (`use_job_schedule=False`) — otherwise unpausing the DAG would start a run for
yesterday, whose sensor would wait for a partition that never comes — except for the probe
of Airflow's own calendar (`schedules=True`), which lands that partition first.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
import shutil
import signal
import time
import urllib.parse
from pathlib import Path

import psutil

from bench.kit import (
    REPO,
    Adapter,
    BenchError,
    PostgresServer,
    UiView,
    free_port,
    iso_ns,
    log_tail,
    request_json,
    stop_process,
)
from pipelines.airflow import workload_dag_id
from pipelines.airflow.containers import (
    celery_settings,
    postgres_url,
    start_celery_workers,
    start_postgres,
    start_redis,
    wait_for_postgres,
)
from pipelines.core.catalogue import PREFIX, pipeline_id
from pipelines.core.workloads import Workload

DAG_ID = "movie_pipeline"
NEW_DAG_ID = "new_pipeline"  # pipelines/airflow/probe/new_pipeline.py
# The scheduler's log server listens on every interface (0.0.0.0 and ::, no setting to
# change it). The api-server reads task logs from the log folder the services share, so it
# is not needed, and a harness service must not be reachable from the network.
SKIP_LOG_SERVER = {"scheduler": ["--skip-serve-logs"]}


class AirflowAdapter(Adapter[str]):
    name = "airflow"

    def __init__(self, workdir: Path, variant: str | None = None, **options) -> None:
        super().__init__(workdir, variant, **options)
        self.in_containers = self.runtime.name == "docker"
        self.supervised = False  # set while recovering from a database outage
        self.celery = self.scale_out  # K Celery workers (docker only) instead of LocalExecutor
        if self.celery and not self.in_containers:
            raise BenchError("Airflow's scale-out (CeleryExecutor) needs --runtime docker")
        # PostgreSQL: a server the harness starts here, or a container of the stack
        self.postgres = None
        self.postgres_container = self.in_containers and (self.variant == "postgres" or self.celery)
        if self.postgres_container:
            database = postgres_url(self.runtime)
        elif self.variant == "postgres":
            self.postgres = PostgresServer(self.services, database="airflow")
            database = self.postgres.url
        else:
            database = f"sqlite:///{self.state_dir}/airflow.db"
        self.port = free_port()
        api = f"http://{self.runtime.peer('api-server')}:{self.port}"  # seen by the others
        airflow_settings = {
            "AIRFLOW_HOME": str(self.state_dir),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self._deploy_dags()),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": str(self.slots),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": database,
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": str(self.schedules),
            "AIRFLOW__API__HOST": self.runtime.bind_host,
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),  # per run, never stored
            # every request is admin: acceptable only because the api-server binds 127.0.0.1
            # (or, in containers, a network of the stack's own)
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "MOVIE_PIPELINE_WORKDIR": str(self.workdir),
            **(celery_settings(self.runtime) if self.celery else {}),
            # the config variant: "section.option" → AIRFLOW__SECTION__OPTION
            **{
                f"AIRFLOW__{k.split('.')[0].upper()}__{k.split('.')[1].upper()}": v
                for k, v in self.settings.items()
            },
        }
        self.env = self.process_env(airflow_settings)

    def _deploy_dags(self) -> Path:
        """Copy the DAG files into the run's own DAGs folder, as a deployment would: the
        stack reads only what was deployed, and a probe can deploy more while it runs."""
        target = self.state_dir / "dags"
        shutil.copytree(
            REPO / "pipelines" / "airflow" / "dags",
            target,
            ignore=shutil.ignore_patterns("__pycache__"),
            dirs_exist_ok=True,
        )
        return target

    def run_new_pipeline(self, timeout: float) -> dict[str, float]:
        """Drop a DAG file into the live DAGs folder; Airflow's dag-processor finds new files
        when it next lists the folder (`[dag_processor] refresh_interval`)."""
        started = time.monotonic()
        shutil.copy(
            REPO / "pipelines" / "airflow" / "probe" / "new_pipeline.py", self.state_dir / "dags"
        )
        known = f"/dags/{NEW_DAG_ID}"
        self.services.wait_until(
            "the new DAG to appear",
            lambda: self._api("GET", known, timeout=2)[0] == 200,
            timeout,
            1,
        )
        until_known = time.monotonic() - started
        status, reply = self._api("POST", f"{known}/dagRuns", {"logical_date": None})
        if status != 200:
            raise BenchError(f"Airflow refused to trigger {NEW_DAG_ID} (HTTP {status}: {reply})")
        self._wait_run(NEW_DAG_ID, reply["dag_run_id"], timeout)
        return {"until_known_s": until_known, "until_done_s": time.monotonic() - started}

    def deploy_pipelines(self, count: int, timeout: float) -> str:
        """A DAG file per pipeline copied into the live DAGs folder (probe/catalogue_pipeline.py
        under each one's name); the dag-processor finds them when it next lists the folder
        and parses them `[dag_processor] parsing_processes` files at a time."""
        template = REPO / "pipelines" / "airflow" / "probe" / "catalogue_pipeline.py"
        for index in range(count):
            shutil.copy(template, self.state_dir / "dags" / f"{pipeline_id(index)}.py")
        self.services.wait_until(
            f"{count} new DAGs to be listed", lambda: self._listed(PREFIX) >= count, timeout, 1
        )
        return ""

    def _listed(self, prefix: str) -> int:
        """How many DAGs whose id starts with `prefix` the API lists."""
        status, body = self._api("GET", f"/dags?dag_id_pattern={prefix}&limit=1", timeout=5)
        return body.get("total_entries", 0) if status == 200 and isinstance(body, dict) else 0

    def run_deployed(self, index: int, label: str, timeout: float) -> None:
        dag_id = pipeline_id(index)
        body = {"dag_run_id": label, "logical_date": None}
        status, reply = self._api("POST", f"/dags/{dag_id}/dagRuns", body)
        if status != 200:
            raise BenchError(f"Airflow refused to trigger {dag_id} (HTTP {status}: {reply})")
        self._wait_run(dag_id, label, timeout)

    @property
    def base_url(self) -> str:
        """Where the harness reaches the api-server."""
        return f"http://{self.runtime.address('api-server')}:{self.port}"

    @property
    def dashboard_url(self) -> str:
        return f"{self.base_url}/"  # the React UI, served by the api-server

    # -- REST helpers
    def _api(self, method: str, path: str, body=None, timeout: float = 10) -> tuple[int, object]:
        return request_json(method, f"{self.base_url}/api/v2{path}", body, timeout=timeout)

    def _healthy(self) -> bool:
        status, body = self._api("GET", "/monitor/health", timeout=2)
        if status != 200 or not isinstance(body, dict):
            return False
        parts = ("metadatabase", "scheduler", "dag_processor")
        return all((body.get(p) or {}).get("status") == "healthy" for p in parts)

    @property
    def dag_id(self) -> str:
        """The movie pipeline's DAG, or the DAG of the workload `submit_workload` runs."""
        return workload_dag_id(Workload.load(self.workload)) if self.workload else DAG_ID

    def _dag_ids(self) -> list[str]:
        """Every DAG this stack serves: its workloads' and the movie pipeline's."""
        return [*(workload_dag_id(Workload.load(w)) for w in self.workloads), DAG_ID]

    def _dag_parsed(self) -> bool:
        return all(self._api("GET", f"/dags/{d}", timeout=2)[0] == 200 for d in self._dag_ids())

    # -- the contract
    def start(self) -> None:
        if self.postgres:
            self.postgres.start()
        if self.postgres_container:
            start_postgres(self.runtime, self.services)
        if self.celery:
            start_redis(self.runtime, self.services)
        log = self.state_dir / "logs" / "db-migrate.log"
        migrate = self.runtime.spawn(
            "db-migrate", [self.bin("airflow"), "db", "migrate"], self.env, log
        )
        try:
            failed = migrate.wait(timeout=600) != 0
        finally:
            stop_process(migrate)
        if failed:
            raise BenchError(f"airflow db migrate failed: {log_tail(log)} (log: {log})")
        for component in ("scheduler", "dag-processor", "api-server"):
            argv = [self.bin("airflow"), component, *SKIP_LOG_SERVER.get(component, [])]
            self.services.start(component, argv, self.env, cwd=self.state_dir)
        self.services.wait_until(
            "the Airflow api-server, scheduler and dag-processor", self._healthy, 180
        )
        if self.celery:
            airflow = self.bin("airflow")
            start_celery_workers(self.services, airflow, self.env, self.slots, self.state_dir)
        dags = ", ".join(self._dag_ids())
        self.services.wait_until(f"DAG(s) {dags} to be parsed", self._dag_parsed, 120)
        status, body = self._api("GET", "/importErrors")
        if status == 200 and body and body.get("total_entries"):
            first = body["import_errors"][0]
            raise BenchError(
                f"DAG import error in {first['filename']}: {first['stack_trace'].strip().splitlines()[-1]}"
            )

    def submit(self, date: dt.date) -> str:
        logical = dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC).isoformat()
        body = {"logical_date": logical, "conf": {"workdir": str(self.workdir)}}
        status, reply = self._api("POST", f"/dags/{self.dag_id}/dagRuns", body)
        if status == 409:  # this date already has a run in this folder: clear it, Airflow's rerun
            return self._clear_existing(logical)
        if status != 200:
            raise BenchError(
                f"Airflow refused to trigger {self.dag_id} for {date} (HTTP {status}: {reply})"
            )
        return reply["dag_run_id"]

    def backfill(self, first: dt.date, last: dt.date) -> str:
        """A backfill through the REST API: Airflow creates a run per day of the @daily
        schedule and its scheduler runs them, one at a time (max_active_runs=1)."""
        body = {
            "dag_id": self.dag_id,
            "from_date": dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC).isoformat(),
            "to_date": dt.datetime.combine(last, dt.time(), tzinfo=dt.UTC).isoformat(),
            "dag_run_conf": {"workdir": str(self.workdir)},
            "max_active_runs": 1,
        }
        status, reply = self._api("POST", "/backfills", body)
        if status != 200:
            raise BenchError(f"Airflow refused the backfill (HTTP {status}: {reply})")
        return f"backfill:{reply['id']}"

    def runs_started_by_itself(self) -> dict[str, dt.date | None]:
        status, reply = self._api("GET", f"/dags/{self.dag_id}/dagRuns?run_type=scheduled")
        runs = (reply or {}).get("dag_runs", []) if status == 200 else []
        return {
            r["dag_run_id"]: dt.datetime.fromisoformat(r["logical_date"]).date()
            for r in runs
            if r.get("run_type") == "scheduled" and r.get("logical_date")
        }

    def _backfill_runs(self) -> list[dict]:
        status, reply = self._api("GET", f"/dags/{self.dag_id}/dagRuns?run_type=backfill&limit=100")
        return (reply or {}).get("dag_runs", []) if status == 200 else []

    def submit_workload(self, label: str) -> str:
        body = {"dag_run_id": label, "logical_date": None}
        status, reply = self._api("POST", f"/dags/{self.dag_id}/dagRuns", body)
        if status != 200:
            raise BenchError(f"Airflow refused to trigger {self.dag_id} (HTTP {status}: {reply})")
        return reply["dag_run_id"]

    def _wait_backfill(self, backfill_id: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_services()
            runs = self._backfill_runs()
            states = [r["state"] for r in runs]
            if "failed" in states:
                failed = next(r for r in runs if r["state"] == "failed")
                raise BenchError(self._failure_reason(failed["dag_run_id"]))
            if states and all(s == "success" for s in states):
                return
            time.sleep(0.5)
        raise BenchError(f"Airflow backfill {backfill_id} not finished after {timeout:.0f} s")

    def ui_view(self, handle: str) -> UiView:
        """The run, its task instances and the first task's log, from the REST API the
        React UI calls."""
        run_path = f"/dags/{self.dag_id}/dagRuns/{handle}"
        _, run = self._api("GET", run_path)
        _, listed = self._api("GET", f"{run_path}/taskInstances?limit=1000")
        instances = listed.get("task_instances", []) if isinstance(listed, dict) else []
        tasks = {t["task_id"]: str(t.get("state")) for t in instances}
        first = min(tasks, default=None)
        status, log = (
            self._api("GET", f"{run_path}/taskInstances/{first}/logs/1") if first else (0, None)
        )
        lines = len(log.get("content") or []) if status == 200 and isinstance(log, dict) else 0
        state = (run or {}).get("state") if isinstance(run, dict) else None
        return UiView(
            api=f"GET /api/v2{run_path}, …/taskInstances, …/taskInstances/{first}/logs/1",
            run_state=state,
            run_done=state == "success",
            task_states=tasks,
            tasks_done=sum(1 for s in tasks.values() if s == "success"),
            log_lines=lines,
        )

    def native_timings(self, handle: str) -> dict[str, tuple[int, int]]:
        """start_date / end_date of each task instance, from the metadata DB via REST."""
        status, body = self._api(
            "GET", f"/dags/{self.dag_id}/dagRuns/{handle}/taskInstances?limit=1000"
        )
        out = {}
        for ti in (body or {}).get("task_instances", []) if status == 200 else []:
            if ti.get("start_date") and ti.get("end_date"):
                out[ti["task_id"]] = (iso_ns(ti["start_date"]), iso_ns(ti["end_date"]))
        return out

    def _clear_existing(self, logical: str) -> str:
        """Re-run the existing run for `logical`: only its failed tasks if it failed (resume),
        every task otherwise. The scheduler picks the cleared tasks up again."""
        query = urllib.parse.urlencode({"logical_date_gte": logical, "logical_date_lte": logical})
        status, reply = self._api("GET", f"/dags/{self.dag_id}/dagRuns?{query}")
        runs = (reply or {}).get("dag_runs", []) if status == 200 else []
        if not runs:
            raise BenchError(
                f"Airflow has a run for {logical} but would not list it (HTTP {status})"
            )
        run = runs[0]
        return self._clear(run["dag_run_id"], only_failed=run["state"] == "failed")

    def wait(self, handle: str, timeout: float) -> None:
        if handle.startswith("backfill:"):
            return self._wait_backfill(handle.split(":", 1)[1], timeout)
        self._wait_run(self.dag_id, handle, timeout)

    def _check_services(self) -> None:
        """A dead service fails the wait — unless recovering from a database outage, where
        a supervisor restarts it (Airflow's services exit when their database goes away)."""
        if self.supervised:
            self.services.revive()
        else:
            self.services.check()

    def _wait_run(self, dag_id: str, run_id: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_services()
            status, run = self._api("GET", f"/dags/{dag_id}/dagRuns/{run_id}")
            state = run.get("state") if status == 200 and isinstance(run, dict) else None
            if state == "success":
                return
            if state == "failed":
                raise BenchError(self._failure_reason(run_id))
            time.sleep(0.5)
        raise BenchError(
            f"Airflow run {run_id} not finished after {timeout:.0f} s (logs: {self.state_dir / 'logs'})"
        )

    def stop(self) -> None:
        super().stop()
        if self.postgres:
            self.postgres.remove()

    # -- faults
    def kill(self, handle: str, component: str, sig: signal.Signals) -> None:
        if component == "worker":
            for process in self._busy_workers():
                with contextlib.suppress(psutil.NoSuchProcess):
                    process.send_signal(sig)
        elif component == "database":
            if not (self.postgres or self.postgres_container):
                raise BenchError("the database fault needs --variant airflow=postgres")
            self.services.signal("postgres", sig)
        else:
            self.services.signal("scheduler", sig)

    def busy(self) -> int:
        """Task instances the metadata DB still has queued or running, plus LocalExecutor
        workers still supervising a task process: a finished task keeps its executor slot
        until its next heartbeat (`[workers] min_heartbeat_interval`), so a run submitted
        at once would find fewer free slots than the config allows."""
        status, body = self._api(
            "GET", "/dags/~/dagRuns/~/taskInstances?state=queued&state=running&limit=1"
        )
        queued = body.get("total_entries", 0) if status == 200 and isinstance(body, dict) else 0
        if self.celery:  # workers in their own containers: the metadata DB is all we see
            return queued
        return queued + len(self._busy_slots())

    def _busy_slots(self) -> dict[psutil.Process, list[psutil.Process]]:
        """The LocalExecutor workers that are running a task, each with its task processes.

        The scheduler pre-forks `parallelism` workers; each supervises one task at a time
        in a child process. Idle workers have no child; the log server is not a worker.
        """
        try:
            workers = psutil.Process(self.services.get("scheduler").process.pid).children()
        except psutil.Error:  # it exited (SQLite "database is locked" under a burst of runs)
            self.services.check()  # raises: which service, its exit code, its log's last line
            raise
        busy = {}
        for worker in workers:
            with contextlib.suppress(psutil.NoSuchProcess):
                tasks = worker.children(recursive=True)
                if tasks and "LocalExecutor" in " ".join(worker.cmdline()):
                    busy[worker] = tasks
        return busy

    def _busy_workers(self) -> list[psutil.Process]:
        """Every busy worker and its task processes: what a worker fault kills."""
        return [p for worker, tasks in self._busy_slots().items() for p in (worker, *tasks)]

    def recover(self, handle: str, component: str, timeout: float) -> int:
        """A supervisor restarts a stopped scheduler; then Airflow finds the lost tasks by
        itself (heartbeat timeout, orphan check) and, where retries are left, runs them
        again. A task that failed for good is cleared, as an operator would in the UI."""
        if component == "database":
            self.services.restart("postgres")
            if self.postgres_container:
                wait_for_postgres(self.runtime, self.services)
            self.supervised = True  # whatever the outage killed is restarted while we wait
        elif component != "worker":
            self.services.restart("scheduler")
        return self.rerun_until_done(handle, lambda: self._clear(handle), timeout)

    def _clear(self, run_id: str, only_failed: bool = True) -> str:
        body = {"dry_run": False, "only_failed": only_failed}
        status, reply = self._api("POST", f"/dags/{self.dag_id}/dagRuns/{run_id}/clear", body)
        if status != 200:
            raise BenchError(f"Airflow would not clear run {run_id} (HTTP {status}: {reply})")
        return run_id

    # -- failure diagnosis
    def _failure_reason(self, run_id: str) -> str:
        _, body = self._api("GET", f"/dags/{self.dag_id}/dagRuns/{run_id}/taskInstances")
        failed = [t for t in (body or {}).get("task_instances", []) if t.get("state") == "failed"]
        if not failed:
            return f"Airflow run {run_id} failed (no failed task recorded; logs: {self.state_dir / 'logs'})"
        task = failed[0]
        return f"Airflow task {task['task_id']} failed: {self._task_error(run_id, task)}"

    def _task_error(self, run_id: str, task: dict) -> str:
        """The exception line from the task's own log (Airflow 3 writes JSON lines)."""
        logs = sorted(
            (self.state_dir / "logs").glob(
                f"dag_id={self.dag_id}/run_id={run_id}/task_id={task['task_id']}/*.log"
            )
        )
        for path in reversed(logs):
            for line in reversed(path.read_text(errors="replace").splitlines()):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                for detail in record.get("error_detail") or []:
                    return f"{detail.get('exc_type')}: {detail.get('exc_value')}"
        return f"see {logs[-1] if logs else self.state_dir / 'logs'}"
