"""A minimal topological executor: the reference result and the overhead floor.

It does what every orchestrator must do — start a step once all its upstream steps have
succeeded, run independent steps side by side, stop at the first failure — and nothing
else: no scheduler loop, no database, no web server, no retries. Whatever an orchestrator
adds on top of this costs time, and `bench compare` shows how much.

Steps run as threads of this process by default; `processes=True` runs each in a worker
process of a pool instead — the fair floor for CPU-bound work, which threads of one Python
process cannot spread over cores (the GIL).
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from functools import partial
from multiprocessing import get_context
from pathlib import Path

from pipelines.core.graph import Step, pipeline_steps
from pipelines.core.layout import Layout, as_date
from pipelines.core.workloads import Workload, run_node

_STEPS: dict[str, Step] = {}  # the graph being run, as forked worker processes inherit it


def _run(name: str) -> object:
    """Run a step by name: a worker process finds it in the graph it inherited at fork
    (the core's instrumented step functions cannot be pickled by reference)."""
    return _STEPS[name].run()


def _pool(workers: int, processes: bool) -> Executor:
    if processes:
        return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"))
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="step")


def run_graph(steps: list[Step], workers: int = 2, processes: bool = False) -> dict[str, object]:
    """Run `steps` (each `step.run()` with no arguments) in dependency order, on `workers`
    threads, or worker processes with `processes`."""
    waiting: dict[str, Step] = {step.name: step for step in steps}
    _STEPS.clear()
    _STEPS.update(waiting)
    running: dict[Future, str] = {}
    results: dict[str, object] = {}

    with _pool(workers, processes) as pool:
        while waiting or running:
            ready = [s for s in waiting.values() if all(u in results for u in s.upstream)]
            for step in ready:
                running[pool.submit(_run, step.name)] = step.name
                del waiting[step.name]
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                name = running.pop(future)
                if future.exception() is not None:
                    for other in running:
                        other.cancel()
                    raise StepFailed(name, future.exception())
                results[name] = future.result()
    return results


def run_pipeline(
    workdir: Path, date: dt.date | str, workers: int = 2, processes: bool = False
) -> dict[str, object]:
    """The movie pipeline for `date`; returns each step's summary."""
    layout, date = Layout(workdir), as_date(date)
    steps = [Step(s.name, partial(s.run, layout, date), s.upstream) for s in pipeline_steps()]
    return run_graph(steps, workers, processes)


def run_workload(
    workload: Workload, workers: int = 2, processes: bool = False, label: str = ""
) -> None:
    steps = [
        Step(node, partial(run_node, workload, node, label), ups)
        for node, ups in workload.upstream.items()
    ]
    run_graph(steps, workers, processes=processes)


class StepFailed(RuntimeError):
    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"step {step} failed: {cause}")
        self.step = step
