"""Synthetic workloads: graphs of trivial tasks that isolate what the orchestrator costs.

Named after the shapes of Airflow's own performance DAGs; written `SHAPE:N:WORK`:

* `chain:N`  — N tasks in a line (t0000 → t0001 → ...): pure dispatch latency.
* `fanout:N` — N independent tasks, then a `join` that waits for all: parallelism.
* `tree:N`   — a binary tree of N tasks growing from one root: widening parallelism.
* `grid:N`   — a √N × √N grid, each task after its left and upper neighbours.
* `map:N`    — dynamic fan-out: a `source` task decides at run time how many tasks follow
  (one per item it returns, `mapped_items`; N unless the harness says otherwise for the
  run), then a `join`. Each orchestrator fans out its own way (Airflow `expand`, Prefect
  `map`, Luigi dynamic dependencies); a graph fixed before the run gets the count wrong.

WORK is what each task does: `noop`, `sleep:S` (S seconds, e.g. sleep:1), `cpu:MS` (MS
milliseconds of this thread's CPU time, a busy loop — so CPU-bound runs show the core
count honestly) or `flaky` (fails its first attempt, succeeds when retried: the retries
probe). The join of a fanout does `noop`.

Every implementation runs a workload through `run_node`, inside the same instrumentation
as the movie pipeline, so their event logs compare like for like.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipelines.core.instrument import EVENT_LOG, task_events

SHAPES = ("chain", "fanout", "tree", "grid", "map")
JOIN = "join"
SOURCE = "source"  # map: the task whose output decides the fan-out
FLAKY = "flaky"  # the retries probe's work: an orchestrator that retries finishes the run


@dataclass(frozen=True)
class Workload:
    shape: str
    n: int
    work: str = "noop"

    @classmethod
    def parse(cls, text: str) -> Workload:
        """`chain:20`, `fanout:16:sleep:1`, `grid:100:cpu:50` → Workload."""
        match = re.fullmatch(
            r"(chain|fanout|tree|grid|map):(\d+)(?::(noop|flaky|sleep:[\d.]+|cpu:\d+))?", text
        )
        if not match or int(match.group(2)) < 1:
            raise ValueError(
                f"not a workload: {text!r}; use SHAPE:N[:WORK] with SHAPE one of {', '.join(SHAPES)}, "
                "N ≥ 1 and WORK noop, flaky, sleep:S or cpu:MS (e.g. fanout:16:sleep:1)"
            )
        return cls(match.group(1), int(match.group(2)), match.group(3) or "noop")

    def __str__(self) -> str:
        return f"{self.shape}:{self.n}:{self.work}"

    @cached_property
    def upstream(self) -> dict[str, tuple[str, ...]]:
        """Every task with the tasks it waits for, in a valid execution order."""
        name = [f"t{i:04d}" for i in range(self.n)]
        if self.shape == "chain":
            return {name[i]: (name[i - 1],) if i else () for i in range(self.n)}
        if self.shape == "fanout":
            return {**{t: () for t in name}, JOIN: tuple(name)}
        if self.shape == "map":
            mapped = [mapped_node(i) for i in range(self.n)]
            return {SOURCE: (), **{m: (SOURCE,) for m in mapped}, JOIN: tuple(mapped)}
        if self.shape == "tree":
            return {name[i]: (name[(i - 1) // 2],) if i else () for i in range(self.n)}
        side = max(1, round(math.sqrt(self.n)))
        cell = {(r, c): f"t{r * side + c:04d}" for r in range(side) for c in range(side)}
        return {
            cell[r, c]: tuple(cell[p] for p in ((r - 1, c), (r, c - 1)) if p in cell)
            for r in range(side)
            for c in range(side)
        }

    @property
    def nodes(self) -> list[str]:
        return list(self.upstream)

    def work_of(self, node: str) -> str:
        return "noop" if node in (JOIN, SOURCE) else self.work

    def has(self, node: str) -> bool:
        """A task of this workload: one of its nodes, or (map) any mapped task."""
        return node in self.upstream or (self.shape == "map" and is_mapped(node))

    # -- a workload travels between processes as a small JSON file
    def save(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"shape": self.shape, "n": self.n, "work": self.work}))
        return path

    @classmethod
    def load(cls, path: str | Path) -> Workload:
        return cls(**json.loads(Path(path).read_text()))


class FlakyAttempt(RuntimeError):
    """The deliberate failure of a `flaky` task's first attempt."""


def flaky_markers(event_log: str | Path) -> Path:
    """Where `flaky` tasks leave their markers: beside the event log. The harness empties it
    before each run, so a run after one that was not retried starts failing again."""
    return Path(event_log).parent / "flaky"


def flaky(node: str) -> None:
    """Fail every other attempt of `node`, starting with the first: a marker says an attempt
    has failed, and the retry that finds it removes it and succeeds — so each run's tasks
    fail exactly once, and finish if the orchestrator retries them."""
    marker = flaky_markers(os.environ.get(EVENT_LOG) or "./events.jsonl") / node
    if marker.exists():
        marker.unlink()
        return
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    raise FlakyAttempt(f"{node}: the first attempt fails on purpose (retries probe)")


def do_work(work: str, node: str = "") -> None:
    if work == "noop":
        return
    if work == FLAKY:
        return flaky(node)
    kind, _, amount = work.partition(":")
    if kind == "sleep":
        time.sleep(float(amount))
        return
    deadline = time.thread_time() + int(amount) / 1000  # CPU time of this thread, not wall time
    x = 0
    while time.thread_time() < deadline:
        for _ in range(1000):
            x += 1


def mapped_node(index: int) -> str:
    return f"m{index:04d}"


def is_mapped(node: str) -> bool:
    return re.fullmatch(r"m\d{4}", node) is not None


def items_file(spec: str | Path) -> Path:
    """Where the harness says how many tasks a `map` workload's source should produce."""
    return Path(spec).with_suffix(".items")


def mapped_items(spec: str | Path) -> list[str]:
    """What a `map` workload's source task returns at run time: one item per task to fan
    out to — as many as `items_file` says, else the spec's N."""
    path = items_file(spec)
    count = int(path.read_text()) if path.exists() else Workload.load(spec).n
    return [mapped_node(i) for i in range(count)]


def run_node(workload: Workload, node: str, run: str = "") -> None:
    """Run one task of the workload, between a start and an end event; `run` is the label
    the harness submitted the run under (the load scenario has many in flight at once)."""
    if not workload.has(node):
        raise ValueError(f"{node!r} is not a task of {workload}")
    with task_events(node, run):
        do_work(workload.work_of(node), node)
