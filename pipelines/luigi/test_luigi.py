"""Luigi's own checks (integration tier): the task graph is the core's, RangeDaily
backfills in order, a run survives luigid being killed, and luigid runs a module deployed
while it runs."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from bench.kit.envs import ensure_env, process_env
from bench.kit.home import REPO
from bench.measure.plan import Case
from bench.measure.probes.calendar import measure_calendar
from bench.measure.probes.deploy import measure_deploy
from bench.measure.recovery import measure_recovery
from bench.measure.runs import DEFAULT_DATASET
from pipelines.core.graph import edges
from pipelines.core.io import read_json
from pipelines.core.layout import Layout
from tests.harness import assert_no_orphans, bench, edges_from

pytestmark = pytest.mark.integration

LUIGI_EDGES = """
import json, datetime
from luigi.task import flatten
from pipelines.luigi import movie_pipeline as mp
STEP = {"PartitionArrived": "wait_for_partition", "Ingest": "ingest", "Validate": "validate",
        "Transform": "transform", "Features": "features", "Publish": "publish", "Score": "score", "Load": "load"}
def step(task):
    name = type(task).__name__
    if name == "TrainModel": return "train_" + task.model
    if name == "EvaluateModel": return "evaluate_" + task.model
    return STEP.get(name)
found, todo = set(), [mp.MoviePipeline(workdir="{workdir}", date=datetime.date(2016, 10, 17))]
while todo:
    task = todo.pop()
    for up in flatten(task.requires()):
        if step(task):
            found.add((step(up), step(task)))
        todo.append(up)
print(json.dumps(sorted(found)))
"""


def test_luigi_dependency_graph_matches_the_core_graph(tmp_path):
    assert edges_from("luigi", LUIGI_EDGES.replace("{workdir}", str(tmp_path))) == edges()


def test_luigi_range_daily_backfills_in_order_and_skips_complete_days(tmp_path):
    work = tmp_path / "backfill"
    assert bench("run", "baseline", "--workdir", work).returncode == 0  # the full load
    for day in ("2016-10-18", "2016-10-19"):
        assert (
            bench("stream", "emit", "--workdir", work, "--date", day, "--rows", "300").returncode
            == 0
        )
    env = ensure_env("luigi")
    argv = [
        str(env / "bin" / "luigi"),
        "--module",
        "pipelines.luigi.movie_pipeline",
        "RangeDaily",
        "--of",
        "MoviePipeline",
        "--MoviePipeline-workdir",
        str(work),
        "--start",
        "2016-10-18",
        "--stop",
        "2016-10-20",
        "--local-scheduler",
        # RangeDaily looks only `days_back` (100) days behind *now*: a 2016 backfill sets now
        "--now",
        str(int(dt.datetime(2016, 10, 20, tzinfo=dt.UTC).timestamp())),
    ]
    luigi_env = process_env(
        env,
        {
            "LUIGI_CONFIG_PATH": str(REPO / "pipelines/luigi/luigi.cfg"),
            "LUIGI_RUN_DIR": str(tmp_path),
        },
    )
    first = subprocess.run(
        argv, capture_output=True, text=True, env=luigi_env, timeout=600, cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr[-3000:]
    # the command's pid lock is the run's, not /tmp/luigi's (owned by whoever ran Luigi first)
    assert list((tmp_path / "locks").glob("*.pid"))
    layout = Layout(work)
    versions = [read_json(layout.published(d))["version"] for d in ("2016-10-18", "2016-10-19")]
    assert versions == ["v0002", "v0003"]
    assert read_json(layout.transform_report("2016-10-19"))["partitions"] == [
        "2016-10-17",
        "2016-10-18",
        "2016-10-19",
    ]
    again = subprocess.run(
        argv, capture_output=True, text=True, env=luigi_env, timeout=600, cwd=tmp_path
    )
    assert again.returncode == 0
    assert (
        "ran successfully" not in again.stderr.split("Execution Summary")[1]
    )  # nothing left to do


def test_luigi_finishes_the_run_after_luigid_is_killed_and_restarted(tmp_path):
    case = Case("recovery", "fanout:4:sleep:2", 2, "scheduler")
    measured = measure_recovery("luigi", "default", case, tmp_path, DEFAULT_DATASET, None)
    run = measured.runs[0]
    assert run["error"] == "" and run["time_to_completion_s"] is not None
    assert run["fault_ns"] > run["submit_ns"]
    assert run["completed_twice"] == 0  # finished work is never redone: outputs are the state
    assert_no_orphans(tmp_path)


def test_calendar_probe_backfills_three_days_in_order_with_luigi(tmp_path):
    measured = measure_calendar("luigi", "default", tmp_path, DEFAULT_DATASET)
    run = measured.runs[0]
    assert run["complete"], run["error"]
    assert run["versions"] == ["v0001", "v0002", "v0003"]
    assert_no_orphans(tmp_path)


def test_luigi_runs_a_module_deployed_while_luigid_runs(tmp_path):

    run = measure_deploy("luigi", "default", tmp_path, DEFAULT_DATASET).runs[0]
    assert run["complete"], run["error"]
    assert (tmp_path / "_luigi" / "new_pipeline.done").read_text() == "deployed\n"
    assert_no_orphans(tmp_path)
