"""A minimal topological executor: the reference result and the overhead floor.

It does what every orchestrator must do — start a step once all its upstream steps have
succeeded, run independent steps side by side, stop at the first failure — and nothing
else: no scheduler loop, no database, no web server, no retries. Whatever an orchestrator
adds on top of this costs time, and `bench compare` shows how much.

`dispatch_delay` makes it slower on purpose: it waits that long before starting each step.
The harness's calibration test runs it with a known delay and checks that the measured
inter-task latency recovers it.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import partial
from pathlib import Path

from pipelines.core.graph import Step, pipeline_steps
from pipelines.core.layout import Layout, as_date
from pipelines.core.workloads import Workload, run_node


def run_graph(
    steps: list[Step], workers: int = 2, dispatch_delay: float = 0.0
) -> dict[str, object]:
    """Run `steps` (each `step.run()` with no arguments) in dependency order."""
    waiting: dict[str, Step] = {step.name: step for step in steps}
    running: dict[Future, str] = {}
    results: dict[str, object] = {}

    def dispatch(step: Step) -> object:
        time.sleep(dispatch_delay)
        return step.run()

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="step") as pool:
        while waiting or running:
            ready = [s for s in waiting.values() if all(u in results for u in s.upstream)]
            for step in ready:
                running[pool.submit(dispatch, step)] = step.name
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


def run_pipeline(workdir: Path, date: dt.date | str, workers: int = 2) -> dict[str, object]:
    """The movie pipeline for `date`; returns each step's summary."""
    layout, date = Layout(workdir), as_date(date)
    steps = [Step(s.name, partial(s.run, layout, date), s.upstream) for s in pipeline_steps()]
    return run_graph(steps, workers)


def run_workload(workload: Workload, workers: int = 2, dispatch_delay: float = 0.0) -> None:
    steps = [
        Step(node, partial(run_node, workload, node), ups)
        for node, ups in workload.upstream.items()
    ]
    run_graph(steps, workers, dispatch_delay)


class StepFailed(RuntimeError):
    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"step {step} failed: {cause}")
        self.step = step
