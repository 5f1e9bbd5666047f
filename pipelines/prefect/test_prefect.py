"""prefect gives the baseline's results on the real orchestrator (integration tier), and
the graph Prefect recorded while the flow ran is exactly the core's."""

import contextlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench.measure.plan import Case
from bench.measure.probes.calendar import measure_calendar
from bench.measure.probes.deploy import measure_deploy
from bench.measure.recovery import measure_faults
from bench.measure.runs import DEFAULT_DATASET
from bench.measure.scenarios import Measurement, measure_case, measure_cases
from pipelines.core.graph import edges
from tests.harness import assert_no_orphans

pytestmark = pytest.mark.integration


def recorded_edges(database: Path) -> dict[str, set[tuple[str, str]]]:
    """Per flow run, (upstream, downstream) task-run names from Prefect's own database:
    a task run's `task_inputs` name the task runs whose results (or completion) it waited for."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT id, name, flow_run_id, task_inputs FROM task_run").fetchall()
    names = {run_id: name for run_id, name, _, _ in rows}
    found: dict[str, set[tuple[str, str]]] = {}
    for _, name, flow_run, inputs in rows:
        upstream = {
            names[ref["id"]]
            for refs in json.loads(inputs or "{}").values()
            for ref in refs
            if ref.get("input_type") == "task_run"
        }
        found.setdefault(flow_run, set()).update((up, name) for up in upstream)
    return found


def test_prefect_is_identical_to_the_baseline_and_runs_the_core_graph(tmp_path: Path) -> None:
    bench = Path(sys.executable).with_name("bench")
    done = subprocess.run(
        [str(bench), "verify", "prefect", "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    databases = list(tmp_path.glob("*/prefect/_prefect/prefect.db"))
    assert len(databases) == 1, databases
    graphs = recorded_edges(databases[0])
    assert graphs, "no flow run recorded"
    for graph in graphs.values():
        assert graph == edges()


def test_prefect_finds_a_pipeline_deployed_while_it_runs(tmp_path: Path) -> None:
    """The deploy probe: a new pipeline deployed the Prefect way into the running stack
    is listed by its server and runs (its task's events reach the harness's log)."""
    run = measure_deploy("prefect", "default", tmp_path, DEFAULT_DATASET).runs[0]
    assert run["complete"], run["error"]
    assert 0 < run["until_known_s"] < run["until_done_s"]
    log = (tmp_path / "_prefect" / "events.jsonl").read_text().splitlines()
    assert {"start", "end"} <= {
        e["event"] for e in map(json.loads, log) if e["task_id"] == "new_pipeline"
    }
    assert_no_orphans(tmp_path)


def test_the_processes_config_runs_cpu_bound_tasks_side_by_side_in_processes(tmp_path: Path):
    """The `processes` config (ProcessPoolTaskRunner): the two CPU-bound tasks of a fan-out
    run in two worker processes, not in the flow run's process, and overlap in time."""
    case = Case("cpu", "fanout:2:cpu:300", 2)
    (result,) = measure_cases(
        "prefect", "processes", [Measurement(case, tmp_path / "cpu", 1, warmup=False)], tmp_path
    )
    assert not result.error and result.measured, result.error or result.runs
    log = [json.loads(line) for line in Path(result.events).read_text().splitlines()]
    spans = {
        e["task_id"]: e for e in log if e["event"] == "start" and e["task_id"] in ("t0000", "t0001")
    }
    ends = {e["task_id"]: e["t_ns"] for e in log if e["event"] == "end" and e["task_id"] in spans}
    assert len({e["pid"] for e in spans.values()}) == 2, spans
    first, second = sorted(spans, key=lambda t: spans[t]["t_ns"])
    assert spans[second]["t_ns"] < ends[first], "the two tasks did not overlap"
    assert_no_orphans(tmp_path)


def test_a_run_goes_on_while_the_server_is_killed_and_the_history_survives(tmp_path: Path):
    """The 'scheduler' fault: the server SIGKILLed mid fan-out and started again on its
    database; the flow run (in the runner's subprocess) finishes, and the server's API then
    shows it and every task completed."""
    case = Case("recovery", "fanout:3:sleep:1", 2, "scheduler", repeat=1)
    (folder := tmp_path / "scheduler").mkdir()
    (result,) = measure_faults(
        "prefect", "default", [(case, folder)], DEFAULT_DATASET, None, warmup=False
    )
    (run,) = result.runs
    assert run["complete"], run["error"]
    assert run["ui_after"]["run_done"] and run["ui_after"]["tasks_done"] == 4
    assert_no_orphans(tmp_path)


def test_prefect_backfills_three_days_as_child_runs_in_order(tmp_path: Path) -> None:
    """The calendar probe: the backfill flow asks for a run of the movie deployment per
    day; Prefect records them as the backfill's children, started in the days' order."""
    run = measure_calendar("prefect", "default", tmp_path, DEFAULT_DATASET).runs[0]
    assert run["complete"], run["error"]
    with contextlib.closing(sqlite3.connect(tmp_path / "_prefect" / "prefect.db")) as db:
        rows = db.execute(
            "SELECT fr.parameters FROM flow_run fr JOIN flow f ON f.id = fr.flow_id "
            "WHERE f.name = 'movie_pipeline' AND fr.parent_task_run_id IS NOT NULL "
            "ORDER BY fr.start_time"
        ).fetchall()
    assert [json.loads(p)["date"] for (p,) in rows] == run["dates"]
    assert_no_orphans(tmp_path)


def test_a_fan_out_spreads_over_the_dask_workers_of_a_scaled_out_stack(tmp_path: Path) -> None:
    """Scale-out: the flow's tasks run on DaskTaskRunner against a Dask scheduler with two
    one-thread workers; the fan-out's tasks started on both, and every process is gone."""
    measured = measure_case(
        "prefect", "default", Case("scaleout", "fanout:4:sleep:1", 2), 1, tmp_path
    )
    run = measured.runs[-1]
    assert run["complete"], run
    assert run["workers"] == 2
    assert_no_orphans(tmp_path)
