"""Each implementation orchestrates exactly the core's graph: same steps, same edges."""

from __future__ import annotations

import json
import subprocess

import pytest

from bench.kit.envs import ensure_env, process_env
from bench.kit.home import REPO
from pipelines.core.graph import edges

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


def edges_from(impl: str, script: str, tmp_path) -> set[tuple[str, str]]:
    env = ensure_env(impl)
    extra = {"AIRFLOW_HOME": str(tmp_path), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    done = subprocess.run(
        [str(env / "bin" / "python"), "-c", script],
        capture_output=True,
        text=True,
        env=process_env(env, extra),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {tuple(e) for e in json.loads(done.stdout.strip().splitlines()[-1])}


def test_airflow_dag_imports_cleanly_and_matches_the_core_graph(tmp_path):
    script = AIRFLOW_EDGES.replace("{dags}", str(REPO / "pipelines" / "airflow" / "dags"))
    assert edges_from("airflow", script, tmp_path) == edges()


def test_luigi_dependency_graph_matches_the_core_graph(tmp_path):
    assert edges_from("luigi", LUIGI_EDGES.replace("{workdir}", str(tmp_path)), tmp_path) == edges()
