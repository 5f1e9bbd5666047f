"""A minimal topological executor: the reference result and the overhead floor.

It does what every orchestrator must do — start a step once all its upstream steps have
succeeded, run independent steps side by side, stop at the first failure — and nothing
else: no scheduler loop, no database, no web server, no retries. Whatever an orchestrator
adds on top of this costs time, and `bench compare` shows how much.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from pipelines.core.graph import Step, pipeline_steps
from pipelines.core.layout import Layout, as_date


def run_pipeline(workdir: Path, date: dt.date | str, workers: int = 2) -> dict[str, dict]:
    """Run every step for `date` in dependency order; return each step's summary."""
    layout, date = Layout(workdir), as_date(date)
    waiting: dict[str, Step] = {step.name: step for step in pipeline_steps()}
    running: dict[Future, str] = {}
    results: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="step") as pool:
        while waiting or running:
            ready = [s for s in waiting.values() if all(u in results for u in s.upstream)]
            for step in ready:
                running[pool.submit(step.run, layout, date)] = step.name
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


class StepFailed(RuntimeError):
    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"step {step} failed: {cause}")
        self.step = step
