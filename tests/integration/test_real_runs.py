"""Real Airflow (scheduler, dag-processor, api-server) and real Luigi (luigid, workers)."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.measure.fingerprint import fingerprint
from pipelines.core.io import read_json
from pipelines.core.layout import Layout
from tests.integration.conftest import assert_no_orphans, bench

pytestmark = pytest.mark.integration
FULL_LOAD = "2016-10-17"
NEXT_DAY = "2016-10-18"


def test_verify_airflow_and_luigi_identical_to_baseline(tmp_path):
    done = bench("verify", "airflow", "luigi", "--out", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "airflow: identical to the reference" in done.stdout
    assert "luigi: identical to the reference" in done.stdout
    assert_no_orphans(tmp_path)


@pytest.mark.parametrize("impl", ["airflow", "luigi"])
def test_incremental_day_waits_for_its_partition_and_publishes_a_new_version(tmp_path, impl):
    work = tmp_path / impl
    assert bench("run", impl, "--workdir", work).returncode == 0
    emitted = bench(
        "stream",
        "emit",
        "--workdir",
        work,
        "--date",
        NEXT_DAY,
        "--rows",
        "1500",
        "--bad-fraction",
        "0.04",
    )
    assert emitted.returncode == 0, emitted.stderr
    done = bench("run", impl, "--workdir", work, "--date", NEXT_DAY)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    layout = Layout(work)
    report = read_json(layout.validation_report(NEXT_DAY))["ratings"]
    assert report["rows_in"] == report["rows_kept"] + report["rows_quarantined"]
    assert report["rows_quarantined"] >= 60
    assert read_json(layout.published(NEXT_DAY))["version"] == "v0002"
    assert_no_orphans(tmp_path)


def test_incremental_results_agree_across_orchestrators(tmp_path):
    """Same snapshot, same increment: Airflow and Luigi end in the same state."""
    prints = {}
    for impl in ("airflow", "luigi"):
        work = tmp_path / impl
        assert bench("run", impl, "--workdir", work).returncode == 0
        assert (
            bench(
                "stream", "emit", "--workdir", work, "--date", NEXT_DAY, "--bad-fraction", "0.05"
            ).returncode
            == 0
        )
        assert bench("run", impl, "--workdir", work, "--date", NEXT_DAY).returncode == 0
        prints[impl] = fingerprint(Layout(work), dt.date.fromisoformat(NEXT_DAY))
    assert prints["airflow"] == prints["luigi"]


@pytest.mark.parametrize("impl", ["airflow", "luigi", "baseline"])
def test_a_corrupt_partition_fails_with_one_line_naming_the_file(tmp_path, impl):
    from pipelines.core.landing import land_partition

    bad = tmp_path / "ratings.parquet"
    bad.write_bytes(b"PAR1 definitely not parquet PAR1")
    movies = tmp_path / "movies.csv"
    movies.write_text("movieId,title,genres\n1,A (1999),Drama\n")
    work = tmp_path / "run"
    land_partition(Layout(work), FULL_LOAD, "snapshot", {"ratings": bad, "movies": movies}, "test")
    done = bench("run", impl, "--workdir", work, "--date", FULL_LOAD)
    assert done.returncode == 1
    error = done.stderr.strip().splitlines()
    assert len(error) == 1 and "not a readable Parquet file" in error[0], done.stderr
    assert "Traceback" not in done.stderr
    assert_no_orphans(tmp_path)
