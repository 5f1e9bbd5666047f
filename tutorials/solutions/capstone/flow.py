"""The movie pipeline on Python's own scheduler, `graphlib.TopologicalSorter`.

The smallest orchestrator there is: the standard library's sorter hands out the steps
whose upstream steps are done (`get_ready`), a thread pool runs them, and each finished
step is reported back (`done`), which readies the steps after it. No server, no database,
no retries — a capstone's first implementation, measured like every other one.

    wait_for_partition → ingest → validate → transform → features
      features ─┬→ train_bias → evaluate_bias ─┬→ publish → score → load
                └→ train_als  → evaluate_als  ─┘
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from functools import partial
from graphlib import TopologicalSorter

from pipelines.core.graph import Step, pipeline_steps
from pipelines.core.layout import Layout, as_date
from pipelines.core.workloads import Workload, run_node


def run(steps: list[Step], workers: int) -> None:
    """Each step once its upstream steps are done, `workers` at a time; a failed step
    raises, which ends the run once the running steps have finished."""
    by_name = {step.name: step for step in steps}
    order = TopologicalSorter({step.name: step.upstream for step in steps})
    order.prepare()
    running = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while order.is_active():
            for name in order.get_ready():
                running[pool.submit(by_name[name].run)] = name
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()
                order.done(running.pop(future))


def movie_pipeline(workdir: str, date: dt.date | str, workers: int) -> None:
    layout, day = Layout(workdir), as_date(date)
    run([Step(s.name, partial(s.run, layout, day), s.upstream) for s in pipeline_steps()], workers)


def workload(spec: str, workers: int, label: str = "") -> None:
    """A synthetic workload of the scheduling scenarios (chains, fan-outs)."""
    shape = Workload.load(spec)
    nodes = shape.upstream.items()
    run([Step(node, partial(run_node, shape, node, label), ups) for node, ups in nodes], workers)
