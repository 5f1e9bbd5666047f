"""Does the orchestrator find a pipeline deployed while it runs? Checked, not asserted.

With the services up, a pipeline they have never seen is deployed the way each
orchestrator expects (the adapter's `run_new_pipeline`: a file copied into the folder its
scheduler watches, or a module copied next to the worker), then run. Measured: seconds from the deploy until the
orchestrator knows the pipeline, and until its run is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bench.kit.errors import BenchError
from bench.kit.manifest import adapter_class
from bench.measure.probes import probe_result
from bench.results import CaseResult
from datasets.registry import DatasetSpec


def measure_deploy(
    impl: str,
    config: str,
    folder: Path,
    dataset: DatasetSpec,
    variant: str | None = None,
    timeout: float = 600,
    on_phase: Callable[[str], None] = lambda _: None,
) -> CaseResult:
    on_phase("starting services")
    adapter = adapter_class(impl)(folder, variant, config=config)
    run: dict = {"label": "deploy", "warmup": False, "error": ""}
    with adapter:
        on_phase("deploying a new pipeline")
        run["submit_ns"] = time.time_ns()
        try:
            run |= adapter.run_new_pipeline(timeout)
        except BenchError as exc:
            run["error"] = str(exc)
        on_phase("stopping")
    run["complete"] = not run["error"]
    return probe_result(adapter, "deploy", "new_pipeline", run)
