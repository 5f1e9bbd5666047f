"""Recovery, the calendar probe and Airflow on PostgreSQL, on the real orchestrators."""

from __future__ import annotations

import tempfile
from pathlib import Path

import psutil
import pytest

from bench.measure.plan import Case
from bench.measure.probes.calendar import measure_calendar
from bench.measure.recovery import measure_recovery

from .conftest import assert_no_orphans, bench

pytestmark = pytest.mark.integration


def test_luigi_finishes_the_run_after_luigid_is_killed_and_restarted(tmp_path):
    case = Case("recovery", "fanout:4:sleep:2", 2, "scheduler")
    measured = measure_recovery("luigi", "default", case, tmp_path, "movielens-small", None)
    run = measured.runs[0]
    assert run["error"] == "" and run["time_to_completion_s"] is not None
    assert run["fault_ns"] > run["submit_ns"]
    assert run["completed_twice"] == 0  # finished work is never redone: outputs are the state
    assert_no_orphans(tmp_path)


def test_calendar_probe_backfills_three_days_in_order_with_luigi(tmp_path):
    measured = measure_calendar("luigi", "default", tmp_path, "movielens-small")
    run = measured.runs[0]
    assert run["complete"], run["error"]
    assert run["versions"] == ["v0001", "v0002", "v0003"]
    assert_no_orphans(tmp_path)


def test_airflow_on_postgres_runs_and_leaves_no_server_or_cluster_behind(tmp_path):
    done = bench("run", "airflow", "--variant", "postgres", "--workdir", tmp_path / "pg")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "airflow (postgres) succeeded" in done.stdout
    leftovers = list(Path(tempfile.gettempdir()).glob("bench-postgres-*"))
    servers = [
        p.info["cmdline"]
        for p in psutil.process_iter(["cmdline"])
        if any("bench-postgres-" in part for part in p.info["cmdline"] or [])
    ]
    assert leftovers == [] and servers == []
    assert_no_orphans(tmp_path)


def test_luigi_runs_a_module_deployed_while_luigid_runs(tmp_path):
    from bench.measure.probes.deploy import measure_deploy

    run = measure_deploy("luigi", "default", tmp_path, "movielens-small").runs[0]
    assert run["complete"], run["error"]
    assert (tmp_path / "_luigi" / "new_pipeline.done").read_text() == "deployed\n"
    assert_no_orphans(tmp_path)
