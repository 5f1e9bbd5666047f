"""The feature table's probes on the real services, one stack per implementation: after a
run of the no-op chain the UI's own API shows its tasks done (and a task's log where the UI
serves logs); a chain whose tasks fail their first attempt finishes only where the
orchestrator retries; a source task's run-time count decides the fan-out only where the
orchestrator maps dynamically. Each expectation is what the report's verdict rests on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.measure.plan import Case
from bench.measure.scenarios import Measurement, measure_cases
from bench.report.features import dynamic_fanout, retries
from bench.results import Results

pytestmark = pytest.mark.integration

# impl: (UI serves task logs, retries by itself, maps dynamically); None: no UI
EXPECTED = {
    "airflow": (True, True, True),
    "prefect": (True, True, True),
    "dagster": (True, True, True),
    "luigi": (False, False, True),
    "baseline": (None, False, False),
}


def _results(cases) -> Results:
    return Results("", "", "test", 2, {}, {}, {}, {}, list(cases), "")


@pytest.mark.parametrize("impl", sorted(EXPECTED))
def test_probes_find_what_the_orchestrator_does(impl: str, tmp_path: Path) -> None:
    logs, retried, mapped = EXPECTED[impl]
    cases = [
        Case("latency", "chain:3:noop", 4),
        Case("retries", "chain:3:flaky", 4),
        Case("dynamic", "map:3:noop", 4),
    ]
    measurements = [Measurement(c, tmp_path / c.scenario, 2) for c in cases]
    for m in measurements:
        m.folder.mkdir()
    ui_case, retries_case, dynamic_case = measure_cases(impl, "default", measurements, tmp_path)

    views = [r.get("ui") for r in ui_case.measured]
    if logs is None:
        assert views == [None, None]
    else:
        assert all(v["tasks_done"] == 3 for v in views), views
        assert (
            all((v["log_lines"] or 0) > 0 for v in views) if logs else views[0]["log_lines"] is None
        )

    results = _results([retries_case, dynamic_case])
    assert retries(results, impl).startswith("yes" if retried else "no"), retries_case.runs
    assert dynamic_fanout(results, impl).startswith("yes" if mapped else "no"), dynamic_case.runs


def test_prefect_starts_a_run_on_its_own_schedule() -> None:
    """The deployment's daily schedule: the server's scheduler creates the run, the runner
    starts it, its flow waits for the day's partition that the probe then lands."""
    from bench.probe import probe

    verdict, case = probe("schedule", "prefect")
    assert verdict.startswith("yes: started"), case.runs
