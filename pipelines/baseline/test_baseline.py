"""The baseline's own checks (integration tier): it is the reference every implementation
must equal, so it must run exactly the core's graph — every step once, each after all of
its upstream steps have ended — and its run leaves no process behind."""

from __future__ import annotations

import pytest

from bench.kit.manifest import reference_implementation
from bench.measure.metrics import task_intervals
from pipelines.core.graph import edges, pipeline_steps
from pipelines.core.instrument import read_events
from tests.harness import assert_no_orphans, bench

pytestmark = pytest.mark.integration


def test_the_reference_runs_every_core_step_once_in_dependency_order(tmp_path):
    assert reference_implementation() == "baseline"
    work = tmp_path / "run"
    done = bench("run", "baseline", "--workdir", work)
    assert done.returncode == 0, done.stderr[-2000:]
    events = read_events(work / "_baseline" / "events.jsonl")
    starts = [e["task_id"] for e in events if e["event"] == "start"]
    # the partition check is a sensor to the orchestrators and a plain check here: no task
    steps = [step.name for step in pipeline_steps() if step.name != "wait_for_partition"]
    assert sorted(starts) == sorted(steps)  # each once
    spans = task_intervals(events)
    for upstream, downstream in edges():
        if upstream in spans:
            assert spans[upstream].end_ns <= spans[downstream].start_ns, (upstream, downstream)
    assert_no_orphans(tmp_path)
