"""dagster gives the baseline's results on the real orchestrator (integration tier), and
the graph Dagster stored for the job it ran is exactly the core's."""

import contextlib
import json
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from bench.measure.plan import Case
from bench.measure.probes.calendar import measure_calendar, measure_schedule
from bench.measure.probes.deploy import measure_deploy
from bench.measure.recovery import measure_faults
from bench.measure.runs import DEFAULT_DATASET
from bench.measure.scenarios import measure_case
from pipelines.core.graph import edges
from tests.harness import assert_no_orphans

pytestmark = pytest.mark.integration


def stored_edges(runs_db: Path) -> dict[str, set[tuple[str, str]]]:
    """Per job snapshot in Dagster's run storage, its (upstream, downstream) op pairs: the
    snapshot is what the UI draws and what every run of the job executed."""
    with contextlib.closing(sqlite3.connect(runs_db)) as db:
        rows = db.execute("SELECT snapshot_body FROM snapshots WHERE snapshot_type = 'PIPELINE'")
        snapshots = [json.loads(zlib.decompress(body)) for (body,) in rows]
    found = {}
    for snapshot in snapshots:
        ops = snapshot["dep_structure_snapshot"]["solid_invocation_snaps"]
        found[snapshot["name"]] = {
            (upstream["solid_name"], op["solid_name"])
            for op in ops
            for dep in op["input_dep_snaps"]
            for upstream in dep["upstream_output_snaps"]
        }
    return found


def test_dagster_is_identical_to_the_baseline_and_runs_the_core_graph(tmp_path: Path) -> None:
    bench = Path(sys.executable).with_name("bench")
    done = subprocess.run(
        [str(bench), "verify", "dagster", "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    databases = list(tmp_path.glob("*/dagster/_dagster/home/history/runs.db"))
    assert len(databases) == 1, databases
    graphs = stored_edges(databases[0])
    assert graphs.get("movie_pipeline") == edges()


def test_dagster_finds_a_pipeline_deployed_while_it_runs(tmp_path: Path) -> None:
    """The deploy probe: a new pipeline deployed the Dagster way into the running stack
    is listed by its server and runs (its task's events reach the harness's log)."""
    run = measure_deploy("dagster", "default", tmp_path, DEFAULT_DATASET).runs[0]
    assert run["complete"], run["error"]
    assert 0 < run["until_known_s"] < run["until_done_s"]
    log = (tmp_path / "_dagster" / "events.jsonl").read_text().splitlines()
    assert {"start", "end"} <= {
        e["event"] for e in map(json.loads, log) if e["task_id"] == "new_pipeline"
    }
    assert_no_orphans(tmp_path)


def test_dagster_backfills_three_partitions_one_run_at_a_time(tmp_path: Path) -> None:
    """The calendar probe: one backfill of three daily partitions; the runs it submitted
    (tagged with it) ran one after another, so each day published the next version."""
    run = measure_calendar("dagster", "default", tmp_path, DEFAULT_DATASET).runs[0]
    assert run["complete"], run["error"]
    runs_db = tmp_path / "_dagster" / "home" / "history" / "runs.db"
    with contextlib.closing(sqlite3.connect(runs_db)) as db:
        tagged = db.execute(
            "SELECT COUNT(DISTINCT run_id) FROM run_tags WHERE key = 'dagster/backfill'"
        ).fetchone()[0]
    assert tagged == 3
    loads = [  # each run's first and last op: no run began before the one before ended
        e["t_ns"]
        for e in map(json.loads, (tmp_path / "_dagster" / "events.jsonl").read_text().splitlines())
        if e["task_id"] in ("ingest", "load")
    ]
    assert loads == sorted(loads) and len(loads) == 12  # start and end of both, per run
    assert_no_orphans(tmp_path)


def test_dagster_starts_a_scheduled_run_by_itself(tmp_path: Path) -> None:
    """The schedule probe: services up with the daily schedule on, nothing launched; the
    daemon's scheduler launches a run of that day's partition, which waits for its data."""
    run = measure_schedule("dagster", "default", tmp_path, DEFAULT_DATASET).runs[0]
    assert run["complete"], run["error"]
    assert run["date"] and run["seconds_to_own_run"] < run["seconds_to_done"]
    assert_no_orphans(tmp_path)


def test_a_run_goes_on_while_the_daemon_is_killed(tmp_path: Path) -> None:
    """The 'scheduler' fault: the daemon SIGKILLed mid fan-out and started again; the run
    (a process of the code server's) finishes with no op run twice, and the webserver's API
    then shows it and every op succeeded."""
    case = Case("recovery", "fanout:3:sleep:1", 2, "scheduler", repeat=1)
    (folder := tmp_path / "scheduler").mkdir()
    (result,) = measure_faults(
        "dagster", "default", [(case, folder)], DEFAULT_DATASET, None, warmup=False
    )
    (run,) = result.runs
    assert run["complete"], run["error"]
    assert run["reexecuted_tasks"] == 0
    assert run["ui_after"]["run_done"] and run["ui_after"]["tasks_done"] == 4
    assert_no_orphans(tmp_path)


def test_a_fan_out_spreads_over_the_dask_workers_of_a_scaled_out_stack(tmp_path: Path) -> None:
    """Scale-out: the job's ops run on the Dask executor against a Dask scheduler with two
    one-thread workers; the fan-out's ops started on both, and every process is gone."""
    measured = measure_case(
        "dagster", "default", Case("scaleout", "fanout:4:sleep:1", 2), 1, tmp_path
    )
    run = measured.runs[-1]
    assert run["complete"], run
    assert run["workers"] == 2
    assert_no_orphans(tmp_path)
