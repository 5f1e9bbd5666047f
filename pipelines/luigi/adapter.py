"""Luigi adapter: a `luigid` central scheduler (with task history) and a `luigi` worker run.

Luigi has no "trigger" API: a run *is* a worker process asking the scheduler for the
pipeline's last task. `submit` starts that command in its own process group; `wait` waits
for it and reads its exit code, which means something only because `luigi.cfg` sets a
`[retcode]` section (otherwise Luigi exits 0 even when tasks fail).

Variants: `central` (luigid, as in production) and `local` (`--local-scheduler`, no server).
"""

from __future__ import annotations

import configparser
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import sqlite3
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from bench.kit import (
    REPO,
    Adapter,
    BenchError,
    Fleet,
    Spawned,
    UiView,
    free_port,
    log_tail,
    request_json,
    signal_process,
    stop_process,
)
from pipelines.core.instrument import WORKER
from pipelines.core.workloads import Workload

RETCODES = {
    10: "already running",
    20: "a dependency is missing (has the day's partition landed?)",
    25: "tasks could not run",
    30: "a task failed",
    35: "scheduling error",
    40: "unhandled exception",
}


STABLE_DONE_COOLDOWN_S = 10.5  # luigid's default, and a margin


class LuigiAdapter(Adapter[Spawned]):
    name = "luigi"

    def __init__(self, workdir: Path, variant: str | None = None, **options) -> None:
        super().__init__(workdir, variant, **options)
        self.port = free_port()
        self.env = self.process_env(
            {"LUIGI_CONFIG_PATH": str(self._write_config()), "LUIGI_RUN_DIR": str(self.state_dir)}
        )
        self.ended = 0.0  # monotonic time the last run's worker exited

    @property
    def dashboard_url(self) -> str | None:
        if self.variant == "local":
            return None
        return f"{self.url}/static/visualiser/index.html"

    @property
    def url(self) -> str:
        """Where the harness reaches luigid."""
        return f"http://{self.runtime.address('luigid')}:{self.port}"

    def runs_started_by_itself(self) -> dict[str, dt.date | None]:
        """Every task luigid knows about: with no worker asking, there should be none."""
        if self.variant == "local":
            return {}
        status, reply = request_json("GET", f"{self.url}/api/task_list")
        tasks = ((reply or {}).get("response") or {}) if status == 200 else {}
        return dict.fromkeys(tasks)

    def _write_config(self) -> Path:
        """The run's luigi.cfg: pipelines/luigi/luigi.cfg plus this config's settings
        ("section.option"), read by luigid and by every worker alike."""
        config = configparser.ConfigParser(interpolation=None)  # keep ${LUIGI_RUN_DIR} as is
        config.read(REPO / "pipelines" / "luigi" / "luigi.cfg")
        for key, value in self.settings.items():
            section, option = key.split(".", 1)
            if not config.has_section(section):
                config.add_section(section)
            config.set(section, option, value)
        path = self.state_dir / "luigi.cfg"
        with open(path, "w") as out:
            out.write(f"# written by the harness: config {self.config!r}\n")
            config.write(out)
        return path

    def start(self) -> None:
        if self.variant == "local":
            return
        (self.state_dir / "luigid").mkdir(exist_ok=True)  # luigid dies if --logdir is missing
        self.services.start(
            "luigid",
            [
                self.bin("luigid"),
                "--address",
                self.runtime.bind_host,
                "--port",
                str(self.port),
                "--state-path",
                str(self.state_dir / "luigid" / "state.pickle"),
                "--logdir",
                str(self.state_dir / "luigid"),
            ],
            self.env,
            cwd=self.state_dir,
        )
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        url = f"{self.url}/api/task_list"
        self.services.wait_until(
            "luigid", lambda: request_json("GET", url, timeout=2)[0] == 200, 60
        )

    def submit(self, date: dt.date) -> Spawned:
        task = ["--module", "pipelines.luigi.movie_pipeline", "MoviePipeline"]
        return self._worker(
            [*task, "--workdir", str(self.workdir), "--date", date.isoformat()], date.isoformat()
        )

    def backfill(self, first: dt.date, last: dt.date) -> Spawned:
        """`RangeDaily` over the dates — the command cron would run. It only looks 100 days
        back from *now*, so now is set to the day after `last`."""
        after = last + dt.timedelta(days=1)
        task = ["--module", "pipelines.luigi.movie_pipeline", "RangeDaily", "--of", "MoviePipeline"]
        task += ["--MoviePipeline-workdir", str(self.workdir), "--start", first.isoformat()]
        now = dt.datetime.combine(after, dt.time(), tzinfo=dt.UTC)
        task += ["--stop", after.isoformat(), "--now", str(int(now.timestamp()))]
        return self._worker(task, f"backfill-{first}-{last}")

    def submit_workload(self, label: str) -> Spawned:
        task = ["--module", "pipelines.luigi.workload", "WorkloadRun"]
        spec = self.workload
        done_dir = spec.parent / "done" / label  # WorkloadNode's targets

        def done() -> bool:  # WorkloadRun's requirements: the nodes nothing waits for
            workload = Workload.load(spec)
            parents = {p for ups in workload.upstream.values() for p in ups}
            return all((done_dir / n).exists() for n in workload.nodes if n not in parents)

        worker = self._worker([*task, "--spec", str(spec), "--label", label], label, done=done)
        worker.label, worker.spec = label, str(spec)  # for native_timings
        return worker

    def ui_view(self, handle: Spawned) -> UiView | None:
        """The run's tasks as luigid's visualiser lists them (its /api/task_list). luigid has
        no run entity and receives no task logs: those stay with the worker."""
        if self.variant == "local":
            return None
        label, spec = getattr(handle, "label", None), getattr(handle, "spec", None)
        query = urllib.parse.quote(
            json.dumps({"status": "DONE", "upstream_status": "", "search": ""})
        )
        status, reply = request_json("GET", f"{self.url}/api/task_list?data={query}")
        listed = (
            (reply or {}).get("response", {}) if status == 200 and isinstance(reply, dict) else {}
        )
        params = {task_id: t.get("params") or {} for task_id, t in listed.items()}
        tasks = {  # this run's nodes: its label and spec (labels repeat across workloads),
            # not the WorkloadRun wrapper that requires them
            p["node"]: str(listed[task_id].get("status"))
            for task_id, p in params.items()
            if p.get("label") == label and p.get("spec") == spec and "node" in p
        }
        return UiView(
            api="GET /api/task_list (status DONE)",
            run_state=None,
            run_done=None,
            task_states=tasks,
            tasks_done=sum(1 for s in tasks.values() if s == "DONE"),
            log_lines=None,
        )

    def native_timings(self, handle: Spawned) -> dict[str, tuple[int, int]]:
        """RUNNING and DONE times of each workload node from luigid's task history.

        luigid stores naive local time (docs/environment.md): read as local, as it was written.
        """
        history = self.state_dir / "history.db"
        label, spec = getattr(handle, "label", None), getattr(handle, "spec", None)
        if self.variant == "local" or label is None or not history.exists():
            return {}
        query = """
            SELECT node.value, e.event_name, e.ts FROM task_events e
            JOIN tasks t ON e.task_id = t.id
            JOIN task_parameters lbl ON lbl.task_id = t.id AND lbl.name = 'label' AND lbl.value = ?
            JOIN task_parameters spec ON spec.task_id = t.id AND spec.name = 'spec' AND spec.value = ?
            JOIN task_parameters node ON node.task_id = t.id AND node.name = 'node'
            WHERE t.name = 'WorkloadNode' AND e.event_name IN ('RUNNING', 'DONE')"""
        with contextlib.closing(sqlite3.connect(history)) as db:
            rows = db.execute(query, (label, spec)).fetchall()
        seen: dict[str, dict[str, int]] = {}
        for node, event, ts in rows:
            moment = dt.datetime.fromisoformat(ts)  # naive: local time
            seen.setdefault(node, {})[event] = (
                int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000
            )
        return {
            n: (e["RUNNING"], e["DONE"]) for n, e in seen.items() if {"RUNNING", "DONE"} <= e.keys()
        }

    def run_new_pipeline(self, timeout: float) -> dict[str, float]:
        """Copy a new task module next to the worker and run it: there is no registry to
        update, so it is known the moment a command names it."""
        started = time.monotonic()
        deploy = self.state_dir / "deploy"
        deploy.mkdir(exist_ok=True)
        shutil.copy(REPO / "pipelines" / "luigi" / "probe" / "new_pipeline.py", deploy)
        task = ["--module", "new_pipeline", "NewPipeline", "--workdir", str(self.state_dir)]
        path = {"PYTHONPATH": f"{deploy}{os.pathsep}{self.env['PYTHONPATH']}"}
        self.wait(self._worker(task, "new-pipeline", path), timeout)
        return {"until_known_s": 0.0, "until_done_s": time.monotonic() - started}

    def _worker(
        self,
        task_args: list[str],
        label: str,
        env: dict[str, str] | None = None,
        done: Callable[[], bool] | None = None,
    ) -> Spawned:
        """Start `luigi <task> --workers N` in its own process group; it runs until done."""
        scheduler = (
            ["--local-scheduler"]
            if self.variant == "local"
            else [
                "--scheduler-host",
                self.runtime.peer("luigid"),
                "--scheduler-port",
                str(self.port),
            ]
        )
        self.worker_log = self.state_dir / "logs" / f"worker-{label}.log"
        self.resubmit = lambda: self._worker(task_args, label, env, done)
        env = {**self.env, **(env or {})}
        if self.scale_out and self.variant != "local":
            return self._fleet(task_args, label, env, scheduler, done)
        argv = [self.bin("luigi"), *task_args, "--workers", str(self.slots), *scheduler]
        return self.runtime.spawn(f"worker-{label}", argv, env, self.worker_log, self.state_dir)

    def _fleet(
        self,
        task_args: list[str],
        label: str,
        env: dict[str, str],
        scheduler: list[str],
        done: Callable[[], bool] | None,
    ) -> Fleet:
        """`slots` workers with one task at a time each, all asking luigid for the same
        graph: luigid hands each ready task to one of them. Each stays while tasks it
        could run are pending (keep-alive), so a worker does not quit while another still
        runs the last upstream task. Luigi's pid lock (one identical command per host) is
        off: local members share a host."""
        argv = [self.bin("luigi"), *task_args, "--workers", "1", "--worker-keep-alive"]
        argv.append("--no-lock")  # else a second identical command on one host just exits
        members = [
            self.runtime.spawn(
                f"worker-{label}-{i}",
                [*argv, *scheduler],
                {**env, WORKER: f"worker-{i}"},  # which member ran a task, in its events
                self.worker_log.with_name(f"worker-{label}-{i}.log"),
                self.state_dir,
            )
            for i in range(self.slots)
        ]
        self.worker_log = self.worker_log.with_name(f"worker-{label}-0.log")  # for errors
        return Fleet(members, done)

    # -- faults
    def kill(self, handle: Spawned, component: str, sig: signal.Signals) -> None:
        if component == "worker":  # the worker and the task processes it forked: one group
            signal_process(handle, sig)
            handle.wait()
        elif self.variant == "local":
            raise BenchError("luigi --variant local has no scheduler to kill")
        else:
            self.services.signal("luigid", sig)

    def recover(self, handle: Spawned, component: str, timeout: float) -> int:
        """luigid is restarted (systemd would); the worker command is rerun until it exits 0
        (cron would) — each rerun skips every task whose output exists."""
        if component != "worker":
            self.services.restart("luigid")
            self._wait_healthy()
        return self.rerun_until_done(handle, self.resubmit, timeout)

    def before_rerun(self) -> None:
        """luigid ignores a worker's claim that a task is pending again for
        `[scheduler] stable_done_cooldown_secs` (10 s by default) after it was done, so the
        same date submitted at once would run nothing: wait out the rest of it."""
        time.sleep(max(0.0, self.ended + STABLE_DONE_COOLDOWN_S - time.monotonic()))

    def wait(self, handle: Spawned, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        try:
            while handle.poll() is None:
                self.services.check()
                if time.monotonic() > deadline:
                    raise BenchError(
                        f"luigi run not finished after {timeout:.0f} s (log: {self.worker_log})"
                    )
                time.sleep(0.1)
        finally:
            stop_process(handle, grace=5)  # forked task processes go with the worker
            self.ended = time.monotonic()
        if handle.returncode != 0:
            meaning = RETCODES.get(handle.returncode, f"exit code {handle.returncode}")
            raise BenchError(f"luigi: {meaning}: {self._task_error()} (log: {self.worker_log})")

    def _task_error(self) -> str:
        """The exception line Luigi logged for the failed task, if there is one."""
        lines = self.worker_log.read_text(errors="replace").splitlines()
        exception = re.compile(
            r"^[A-Za-z_][\w.]*(Error|Exception|Attempt): "
        )  # a traceback's last line
        errors = [ln for ln in lines if exception.match(ln)]
        return errors[-1] if errors else log_tail(self.worker_log)
