"""The catalogue scenario's bookkeeping (with a stand-in adapter: the real stacks are in
tests/integration/test_catalogue.py) and its report section."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jsonschema
import pytest

import bench.measure.probes.catalogue as catalogue
from bench.kit.errors import BenchError
from bench.measure.plan import PROFILES
from bench.measure.probes.catalogue import catalogue_size, keeps_a_catalogue, spread
from bench.measure.runs import DEFAULT_DATASET
from bench.report import scenarios
from bench.report.catalogue import catalogue_rows, section
from bench.report.context import ReportContext
from bench.results import SCHEMA, CaseResult, Results
from pipelines.core.catalogue import TASK, pipeline_id
from pipelines.core.instrument import append_event


def test_a_catalogue_case_names_its_size_and_a_bad_one_says_what_is_expected():
    assert catalogue_size("pipelines:1000") == 1000
    for bad in ("pipelines:0", "pipelines:", "dags:10", "fanout:4:noop"):
        with pytest.raises(BenchError, match="pipelines:N"):
            catalogue_size(bad)


def test_runs_are_spread_over_the_catalogue_and_include_the_last_one():
    assert spread(1000, 3) == [333, 666, 999]
    assert spread(3, 2) == [1, 2] and spread(1, 3) == [0]


def test_only_orchestrators_that_keep_definitions_get_a_catalogue():
    kept = {i: keeps_a_catalogue(i) for i in ("airflow", "prefect", "dagster", "luigi", "baseline")}
    assert kept == {
        "airflow": True, "prefect": True, "dagster": True, "luigi": False, "baseline": False,
    }  # fmt: skip


def test_full_deploys_ten_a_hundred_and_a_thousand_where_a_catalogue_is_kept():
    from bench.compare import MEASURE, cases_for

    full = PROFILES["full"]
    sizes = [catalogue_size(c.workload) for c in full.cases if c.scenario == "catalogue"]
    assert sizes == [10, 100, 1000] and "catalogue" in MEASURE

    def planned(impl: str, config: str = "default") -> list[str]:
        return [c.workload for c in cases_for(impl, config, full) if c.scenario == "catalogue"]

    everything = ["pipelines:10", "pipelines:100", "pipelines:1000"]
    assert planned("airflow") == planned("dagster") == everything
    assert planned("luigi") == planned("baseline") == planned("airflow", "tuned") == []


class Stand:
    """An adapter that deploys nothing and runs a catalogued pipeline's task at once."""

    name, config, variant, slots, startup_seconds = "stand", "default", "", 2, 0.0

    def __init__(self, folder: Path, *_, fail: bool = False, **__) -> None:
        self.event_log = folder / "events.jsonl"
        self.services = type("S", (), {"services": []})()
        self.fail = fail
        self.deployed: list[int] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def mark(self, event: str, label: str = "") -> int:
        t_ns = time.time_ns()
        append_event(
            self.event_log, {"run_id": label, "task_id": None, "event": event, "t_ns": t_ns}
        )
        return t_ns

    def deploy_pipelines(self, count: int, timeout: float) -> str:
        if self.fail:
            raise BenchError("stand: the catalogue location failed to load")
        return "nothing"

    def run_deployed(self, index: int, label: str, timeout: float) -> None:
        self.deployed.append(index)
        for event in ("start", "end"):
            time.sleep(0.01)
            record = {"run_id": label, "task_id": TASK, "event": event, "t_ns": time.time_ns()}
            append_event(self.event_log, record)


def test_a_catalogue_measures_listing_idle_cost_and_each_run(tmp_path, monkeypatch):
    monkeypatch.setattr(catalogue, "adapter_class", lambda impl: Stand)
    case = catalogue.measure_catalogue(
        "stand", "default", tmp_path, DEFAULT_DATASET, count=10, triggers=3, idle_s=0.05
    )
    (run,) = case.runs
    assert run["complete"] and run["deployed"] == "nothing" and run["until_known_s"] >= 0
    assert run["idle_before"]["seconds"] == run["idle_after"]["seconds"] == 0.05
    assert [t["pipeline"] for t in run["triggers"]] == [pipeline_id(i) for i in (3, 6, 9)]
    for trigger in run["triggers"]:
        assert 0 < trigger["until_start_s"] < trigger["until_end_s"] <= trigger["until_done_s"]
    assert case.scenario == "catalogue" and case.workload == "pipelines:10"


def test_a_catalogue_that_fails_to_deploy_is_a_failed_row_naming_why(tmp_path, monkeypatch):
    monkeypatch.setattr(
        catalogue, "adapter_class", lambda impl: lambda *a, **k: Stand(*a, fail=True)
    )
    case = catalogue.measure_catalogue(
        "stand", "default", tmp_path, DEFAULT_DATASET, count=10, idle_s=0.01
    )
    assert not case.runs[0]["complete"] and "failed to load" in case.runs[0]["error"]
    (row,) = catalogue_rows([case])
    assert row[2].startswith("failed: stand: the catalogue location failed to load")


def _case(key: str, count: int, known: float, cores: tuple[float, float]) -> CaseResult:
    impl, config = key.split("/")
    idle = [{"cpu_seconds": c * 30, "peak_rss_mib": 100.0 + count, "seconds": 30.0} for c in cores]
    triggers = [
        {"pipeline": pipeline_id(i), "label": f"catalogue-{i}", "until_start_s": 1.0 + i / count,
         "until_end_s": 1.1 + i / count, "until_done_s": 1.5 + i / count}
        for i in spread(count, 3)
    ]  # fmt: skip
    run = {"label": "catalogue", "warmup": False, "error": "", "complete": True, "count": count,
           "submit_ns": 0, "until_known_s": known, "idle_before": idle[0], "idle_after": idle[1],
           "triggers": triggers, "deployed": ""}  # fmt: skip
    data = {"impl": impl, "config": config, "scenario": "catalogue", "slots": 2, "runs": [run]}
    return CaseResult.from_dict(data | {"workload": f"pipelines:{count}"})


def test_the_section_tables_each_count_and_draws_the_figure(tmp_path: Path):
    cases = [
        _case("airflow/default", n, 270.0 + n / 10, (0.05, 0.05 + n / 2000))
        for n in (10, 100, 1000)
    ] + [_case("prefect/default", n, 2.0 + n / 50, (0.1, 0.1 + n / 5000)) for n in (10, 100, 1000)]
    results = Results("t0", "t1", "full", 5, {}, {}, {}, {}, cases, run_folders="x")
    schema = json.loads(SCHEMA.read_text())
    case_schema = schema["properties"]["scenarios"]["items"] | {"$defs": schema["$defs"]}
    for case in cases:  # the schema accepts catalogue runs, and checks them
        jsonschema.validate(json.loads(json.dumps(case.to_dict())), case_schema)
    broken = json.loads(json.dumps(cases[0].to_dict()))
    broken["runs"][0].pop("idle_before")
    with pytest.raises(jsonschema.ValidationError, match="idle_before"):
        jsonschema.validate(broken, case_schema)
    md = section(ReportContext(results, tmp_path))
    assert "## Many pipelines in one stack" in md
    # single measurements carry n=1 and three digits; the runs among them their CI
    assert "| airflow/default | 1000 | 370 n=1 | 0.0500 → 0.550 n=1 | 1100 → 1100 n=1 | 1.7 [" in md
    assert md.count("] n=3 |") == 2 * len(cases)
    assert (tmp_path / "figures" / "catalogue.png").stat().st_size > 0
    # its runs are not timed workload runs: the Scenarios table leaves them out (it raised
    # a KeyError on them, after the first docker scaleout compare had measured everything)
    assert "pipelines:1000" not in scenarios.section(ReportContext(results, tmp_path))


def test_the_decision_names_where_a_run_among_the_most_pipelines_starts_soonest():
    from bench.report.decision import many_pipelines

    slow = _case("airflow/default", 1000, 370.0, (0.05, 0.55))
    for trigger in slow.runs[0]["triggers"]:
        trigger["until_start_s"] += 5  # 6 s and more against prefect's ~1.3 s
    cases = [_case("prefect/default", 100, 4.0, (0.1, 0.12)), slow]
    cases.append(_case("prefect/default", 1000, 22.0, (0.1, 0.3)))
    results = Results("t0", "t1", "full", 5, {}, {}, {}, {}, cases, run_folders="x")
    bullet, text = many_pipelines(results)
    assert bullet.startswith("**Many pipelines** — with 1,000 deployed, a run among them")
    assert "soonest on **prefect/default**" in bullet and "tied" not in bullet
    assert "**airflow/default** listed all 1,000 in 370 s and idled at 0.55 cores" in text
    nothing = Results("t0", "t1", "full", 5, {}, {}, {}, {}, [], run_folders="x")
    assert many_pipelines(nothing) == ("", "")
