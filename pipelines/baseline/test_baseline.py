"""The baseline's own checks (integration tier): it is the reference every implementation
must equal, so it must run exactly the core's graph — every step once, each after all of
its upstream steps have ended — and its run leaves no process behind."""

from __future__ import annotations

import pytest

from bench.kit.manifest import reference_implementation
from bench.measure.metrics import task_intervals
from bench.measure.plan import Case
from bench.measure.scenarios import Measurement, measure_cases
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


def test_cases_sharing_a_stack_get_one_warm_up_and_their_own_runs(tmp_path):
    """The harness's shared stack, on the quickest real executor: the stack's first case
    gets the discarded warm-up, the later one starts measured, each its own `repeat`."""
    cases = [Case("latency", "chain:3:noop", 2), Case("parallelism", "fanout:3:noop", 2)]
    measurements = []
    for i, case in enumerate(cases):
        (tmp_path / str(i)).mkdir()
        measurements.append(Measurement(case, tmp_path / str(i), repeat=2))
    first, second = measure_cases("baseline", "default", measurements, tmp_path, timeout=60)
    assert [r["warmup"] for r in first.runs] == [True, False, False]
    assert [r["warmup"] for r in second.runs] == [False, False]
    assert all(r["complete"] for r in first.runs + second.runs)
    assert_no_orphans(tmp_path)
