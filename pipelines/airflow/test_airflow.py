"""Airflow's own checks (integration tier): the DAG is the core's graph, the PostgreSQL
variant leaves nothing behind, and Ctrl-C stops every Airflow process."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from bench.kit.home import REPO
from pipelines.core.graph import edges
from tests.harness import BENCH, assert_no_orphans, bench, edges_from, processes_under

pytestmark = pytest.mark.integration

AIRFLOW_EDGES = """
import json, logging
logging.disable(logging.CRITICAL)
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder="{dags}")
assert not bag.import_errors, bag.import_errors
dag = bag.dags["movie_pipeline"]
print(json.dumps(sorted([t.task_id, d] for t in dag.tasks for d in t.downstream_task_ids)))
"""


def test_airflow_dag_imports_cleanly_and_matches_the_core_graph(tmp_path):
    script = AIRFLOW_EDGES.replace("{dags}", str(REPO / "pipelines" / "airflow" / "dags"))
    extra = {"AIRFLOW_HOME": str(tmp_path), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    assert edges_from("airflow", script, extra) == edges()


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


def test_ctrl_c_stops_every_airflow_process(tmp_path):
    work = tmp_path / "interrupted"
    process = subprocess.Popen(
        [str(BENCH), "run", "airflow", "--workdir", str(work)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    deadline = time.monotonic() + 120
    while len(processes_under(tmp_path)) < 3 and time.monotonic() < deadline:  # services up
        time.sleep(0.5)
    assert len(processes_under(tmp_path)) >= 3
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.decode().strip().splitlines()[-1] == (
        "bench: interrupted; every process it started has been stopped"
    )  # the one line, and no traceback
    assert "Traceback" not in err.decode()
    assert_no_orphans(tmp_path)
