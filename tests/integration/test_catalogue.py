"""The catalogue scenario on the real services: a few trivial pipelines deployed into a
running stack are listed, and runs of two of them go through the orchestrator, each task's
events naming the run it was submitted as. Every implementation that keeps a catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.measure.probes.catalogue import keeps_a_catalogue, measure_catalogue
from bench.measure.runs import DEFAULT_DATASET
from pipelines.core.catalogue import TASK
from tests.harness import assert_no_orphans

pytestmark = pytest.mark.integration

# a test's quicker discovery (never a report's): Airflow's dag-processor lists its folder
# every 5 s instead of 300
QUICKER = {"airflow": {"dag_processor.refresh_interval": "5"}}


@pytest.mark.parametrize("impl", ["airflow", "prefect", "dagster"])
def test_a_catalogue_is_deployed_listed_and_run(impl: str, tmp_path: Path) -> None:
    assert keeps_a_catalogue(impl)
    case = measure_catalogue(
        impl, "default", tmp_path, DEFAULT_DATASET, count=3, triggers=2, idle_s=1,
        settings=QUICKER.get(impl),
    )  # fmt: skip
    (run,) = case.runs
    assert run["complete"], run["error"]
    assert run["until_known_s"] > 0
    assert run["idle_after"]["seconds"] == 1
    assert [t["pipeline"] for t in run["triggers"]] == ["catalogue_0001", "catalogue_0002"]
    for trigger in run["triggers"]:
        assert 0 < trigger["until_start_s"] <= trigger["until_end_s"] <= trigger["until_done_s"]
    log = (tmp_path / f"_{impl}" / "events.jsonl").read_text().splitlines()
    runs = {e["run_id"] for e in map(json.loads, log) if e["task_id"] == TASK}
    assert runs == {"catalogue-1", "catalogue-2"}
    assert_no_orphans(tmp_path)
