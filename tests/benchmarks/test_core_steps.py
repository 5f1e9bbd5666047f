"""pytest-benchmark timings of every core step (`make bench-core`; skipped in the test run).

Each dataset is prepared and landed once; every step is then timed on its own, in
pipeline order, so each finds its inputs from the step before. Timings are reported,
never asserted: thresholds belong in the report, not in pass/fail tests.
"""

from __future__ import annotations

import pytest

from datasets.registry import dataset_files, load_manifest
from pipelines.core.graph import pipeline_steps
from pipelines.core.landing import land_partition
from pipelines.core.layout import Layout

DATASETS = ["movielens-small", "synthetic:1000000"]
STEPS = [step for step in pipeline_steps() if step.name != "wait_for_partition"]


@pytest.fixture(scope="module", params=DATASETS)
def landed(request, tmp_path_factory):
    files = dataset_files(request.param)
    date = load_manifest(request.param)["run_date"]
    layout = Layout(tmp_path_factory.mktemp("bench") / "run")
    land_partition(layout, date, "snapshot", files, request.param)
    return layout, date, request.param


@pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])
def test_step(benchmark, landed, step):
    layout, date, dataset = landed
    benchmark.group = dataset
    benchmark.pedantic(step.run, args=(layout, date), rounds=3, iterations=1, warmup_rounds=0)
