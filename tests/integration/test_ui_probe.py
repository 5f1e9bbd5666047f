"""The dashboard probe on the real services: after a run, each UI's own API shows the run's
tasks as done (and, where the UI serves logs, a task's log) — the evidence behind the
feature table's "web dashboard" and "logs in the UI" rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.measure.plan import Case
from bench.measure.scenarios import measure_case

pytestmark = pytest.mark.integration

SERVES_LOGS = {"airflow": True, "prefect": True, "luigi": False}


@pytest.mark.parametrize("impl", sorted(SERVES_LOGS))
def test_the_ui_api_shows_the_finished_run(impl: str, tmp_path: Path) -> None:
    case = measure_case(impl, "default", Case("latency", "chain:3:noop", 2), 1, tmp_path)
    assert case.measured, case.error or case.runs
    view = case.measured[0]["ui"]
    assert view["tasks_done"] == 3, view
    assert view["run_done"] in (True, None)
    if SERVES_LOGS[impl]:
        assert view["log_lines"] > 0, view
    else:
        assert view["log_lines"] is None
