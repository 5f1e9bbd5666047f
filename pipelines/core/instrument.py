"""One clock for everyone: every task, in every implementation, logs its start and end here.

When the harness sets `BENCH_EVENT_LOG`, each task appends one JSON line per event:

    {"run_id", "impl", "task_id", "event": "start" | "end" | "fail", "t_ns", "pid", "host",
     "worker"}

`run_id` is the label the harness submitted the task's run under (synthetic workloads; empty
for the movie pipeline, one run at a time). `worker` names the member of a worker fleet (the scale-out scenario's K workers) that ran
the task, empty elsewhere; `host` tells containers apart. An end carries `cpu_ns`, the CPU
time the task's thread spent inside the block (so a CPU-bound task's own work is known even
when contention stretches its wall time).

`t_ns` is `time.time_ns()` read in the task's own process, so Airflow workers, Luigi
workers, the baseline's threads and (later) containers sharing the host kernel are all on the
same clock. Each line is one `write()` to a file opened with O_APPEND, which the kernel
appends whole even when several processes write at once. Without the variable nothing is
written and the cost is one dictionary lookup.

The wrapper lives in the core (see `pipelines.core.steps`), not in the orchestrator code, so
no implementation can measure itself differently from another.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

EVENT_LOG = "BENCH_EVENT_LOG"
RUN_ID = "BENCH_RUN_ID"
IMPL = "BENCH_IMPL"
WORKER = "BENCH_WORKER"  # set by a fleet on each member: which worker ran a task


def append_event(path: str | Path, record: dict) -> None:
    """Append one event as a single write (atomic for lines this short)."""
    line = (json.dumps(record, separators=(",", ":")) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _record(task_id: str, event: str, run: str = "", **extra: int) -> dict:
    return {
        "run_id": run or os.environ.get(RUN_ID, ""),
        "impl": os.environ.get(IMPL, ""),
        "task_id": task_id,
        "event": event,
        "t_ns": time.time_ns(),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "worker": os.environ.get(WORKER, ""),
        **extra,
    }


@contextlib.contextmanager
def task_events(task_id: str, run: str = "") -> Iterator[None]:
    """Log start, then end (or fail) of the block, if the harness asked for an event log.
    `run` names the pipeline run the task belongs to (the orchestrator's run id, which the
    harness chose when it submitted it), so runs in flight at once can be told apart; a run
    that is a process of its own may say it with `$BENCH_RUN_ID` instead."""
    path = os.environ.get(EVENT_LOG)
    if not path:
        yield
        return
    append_event(path, _record(task_id, "start", run))
    cpu_started = time.thread_time_ns()
    try:
        yield
    except BaseException:
        append_event(path, _record(task_id, "fail", run))
        raise
    cpu_ns = time.thread_time_ns() - cpu_started
    append_event(path, _record(task_id, "end", run, cpu_ns=cpu_ns))


def parse_events(lines: Iterable[str]) -> list[dict]:
    """Events from log lines, in order; a torn line (a writer killed mid-write) is skipped."""
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events


def read_events(path: str | Path) -> list[dict]:
    """Every event of a log file."""
    with open(path) as fh:
        return parse_events(fh)
