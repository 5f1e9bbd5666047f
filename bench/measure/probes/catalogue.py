"""Many pipelines: what N pipeline definitions deployed into a running stack cost.

Published comparisons time one pipeline; a team runs hundreds. Once the services are up,
their idle cost is sampled with nothing deployed; then `count` trivial pipelines
(pipelines.core.catalogue: one task each) are deployed the way each orchestrator's users
deploy many (the adapter's `deploy_pipelines`) and timed until the orchestrator lists every
one; the idle cost is sampled again with them loaded (a scheduler that re-reads its
definitions does so while nothing runs); then `triggers` of them, spread over the catalogue,
run one at a time: how long from the submit until its task starts, and until it is done.

One stack per count, so each count is deployed once: the time until all are known and the
idle cost are single measurements (n = 1 per stack); the trigger latency has n = triggers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bench.kit.adapter import Adapter
from bench.kit.errors import BenchError
from bench.kit.manifest import adapter_class
from bench.kit.processes import session_id
from bench.measure.probes import probe_result
from bench.measure.resources import measure_idle
from bench.results import CaseResult
from datasets.registry import DatasetSpec
from pipelines.core.catalogue import TASK, pipeline_id
from pipelines.core.instrument import read_events

# long enough to see a scheduler that re-reads every definition periodically do it once
# (one of them re-parses each file every 30 s by default)
IDLE_S = 30.0
TRIGGERS = 3


def catalogue_size(workload: str) -> int:
    """The number of definitions a catalogue case deploys: "pipelines:100" → 100."""
    kind, _, count = workload.partition(":")
    if kind != "pipelines" or not count.isdigit() or int(count) < 1:
        raise BenchError(f"a catalogue case's workload is pipelines:N, not {workload!r}")
    return int(count)


def keeps_a_catalogue(impl: str) -> bool:
    """Whether the implementation's adapter can deploy a catalogue: an orchestrator whose
    tasks exist only when a worker command names them keeps no definitions to count."""
    return adapter_class(impl).deploy_pipelines is not Adapter.deploy_pipelines


def spread(count: int, triggers: int) -> list[int]:
    """Which definitions to run: `triggers` of them evenly over the catalogue, the last
    one included (a lookup that scans the catalogue pays most for it)."""
    triggers = min(triggers, count)
    return sorted({count - 1 - (k * count) // triggers for k in range(triggers)})


def measure_catalogue(
    impl: str,
    config: str,
    folder: Path,
    dataset: DatasetSpec,
    variant: str | None = None,
    timeout: float = 1800,
    on_phase: Callable[[str], None] = lambda _: None,
    *,
    count: int = 10,
    triggers: int = TRIGGERS,
    idle_s: float = IDLE_S,
    settings: dict[str, str] | None = None,
) -> CaseResult:
    """`settings` go on top of the config's (a test's quicker discovery; never a report's)."""
    on_phase("starting services")
    adapter = adapter_class(impl)(folder, variant, config=config, settings=settings)
    run: dict = {"label": "catalogue", "warmup": False, "error": "", "count": count}
    with adapter:

        def groups() -> list[int]:  # read at every sample: deploying may start services
            return [session_id(s.process) for s in adapter.services.services]

        on_phase("idle, nothing deployed")
        run["idle_before"] = measure_idle(groups, idle_s)
        on_phase(f"deploying {count} pipelines")
        run["submit_ns"] = adapter.mark("deploy", "catalogue")
        try:
            run["deployed"] = adapter.deploy_pipelines(count, timeout)
            run["until_known_s"] = round((time.time_ns() - run["submit_ns"]) / 1e9, 3)
            on_phase(f"idle, {count} pipelines deployed")
            run["idle_after"] = measure_idle(groups, idle_s)
            run["triggers"] = []
            for k, index in enumerate(spread(count, triggers), start=1):
                on_phase(f"running {pipeline_id(index)}")
                run["triggers"].append(_trigger(adapter, index, f"catalogue-{k}", timeout))
        except BenchError as exc:
            run["error"] = str(exc)
        on_phase("stopping")
    run["complete"] = not run["error"]
    return probe_result(adapter, "catalogue", f"pipelines:{count}", run)


def _trigger(adapter, index: int, label: str, timeout: float) -> dict:
    """One catalogued pipeline run: seconds from its submit to its task's start and end
    (the event log) and until the orchestrator reported it done."""
    submit_ns = adapter.mark("submit", label)
    adapter.run_deployed(index, label, timeout)
    done_ns = time.time_ns()
    events = [
        e
        for e in read_events(adapter.event_log)
        if e.get("task_id") == TASK and e["t_ns"] >= submit_ns
    ]
    starts = [e["t_ns"] for e in events if e["event"] == "start"]
    ends = [e["t_ns"] for e in events if e["event"] == "end"]
    if not starts or not ends:
        raise BenchError(f"{adapter.name}: {pipeline_id(index)} ran but its task logged no events")
    return {
        "pipeline": pipeline_id(index),
        "label": label,
        "submit_ns": submit_ns,
        "until_start_s": round((min(starts) - submit_ns) / 1e9, 3),
        "until_end_s": round((max(ends) - submit_ns) / 1e9, 3),
        "until_done_s": round((done_ns - submit_ns) / 1e9, 3),
    }
