"""The load scenario's figures: runs in flight at once told apart by their labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.measure.load import (
    MIN_ARRIVALS,
    batch_labels,
    kept_up,
    saturation,
    step_arrivals,
    summarize_batch,
)
from bench.report.context import ReportContext
from bench.report.decision import sustained, throughput
from bench.report.load import section, sweep_row
from bench.results import CaseResult, Results
from pipelines.core.workloads import Workload

S = 1_000_000_000
CHAIN = Workload.parse("chain:2:noop")


def events(run: str, start_s: float, task_s: float = 1.0) -> list[dict]:
    """The two tasks of a chain run, one after the other from `start_s`."""
    out, t = [], start_s
    for task in CHAIN.nodes:
        out += [
            {"run_id": run, "task_id": task, "event": "start", "t_ns": int(t * S)},
            {"run_id": run, "task_id": task, "event": "end", "t_ns": int((t + task_s) * S)},
        ]
        t += task_s
    return out


def test_each_run_is_timed_from_its_own_submit_to_its_own_last_task():
    a, b = batch_labels("run-1", 2)
    submits = {a: 0, b: int(0.5 * S)}
    log = events(a, 1.0) + events(b, 3.0)  # b waits for a free slot until 3 s
    log.append({"run_id": a, "task_id": None, "event": "submit", "t_ns": 0})  # a harness mark
    summary = summarize_batch(log, submits, CHAIN.upstream)
    assert summary["complete"] and summary["runs"] == 2 and summary["tasks"] == 4
    assert summary["run_latency_samples_s"] == [3.0, 4.5]  # a: 0 → 3; b: 0.5 → 5
    assert summary["queue_wait_samples_s"] == [1.0, 2.5]
    assert summary["drain_s"] == 5.0 and summary["runs_per_s"] == 2 / 5.0
    assert summary["tasks_per_s"] == 4 / 5.0 and summary["submit_spread_s"] == 0.5


def test_a_run_missing_a_task_makes_the_batch_incomplete():
    a, b = batch_labels("run-1", 2)
    log = events(a, 1.0) + events(b, 1.0)[:2]  # b's second task never ran
    summary = summarize_batch(log, {a: 0, b: 0}, CHAIN.upstream)
    assert not summary["complete"] and summary["runs_missing"] == [b]


def test_batches_of_other_sizes_have_labels_of_their_own():
    assert not set(batch_labels("run-1", 4)) & set(batch_labels("run-1", 16))


def test_another_runs_tasks_are_not_counted():
    (a,) = batch_labels("run-2", 1)
    log = events(a, 1.0) + events(
        batch_labels("run-1", 1)[0], 0.2
    )  # an earlier batch's late events
    summary = summarize_batch(log, {a: 0}, CHAIN.upstream)
    assert summary["tasks"] == 2 and summary["run_latency_samples_s"] == [3.0]


def _case(key: str, batch: int, drains: list[float]) -> CaseResult:
    impl, config = key.split("/")
    runs = []
    for i, drain in enumerate(drains):
        log = [e for r in batch_labels(f"run-{i}", batch) for e in events(r, 0.1)]
        submits = dict.fromkeys(batch_labels(f"run-{i}", batch), 0)
        summary = summarize_batch(log, submits, CHAIN.upstream) | {"drain_s": drain}
        summary["runs_per_s"] = batch / drain
        runs.append({"label": f"run-{i}", "warmup": False, "batch": batch} | summary)
    data = {"impl": impl, "config": config, "scenario": "load", "workload": str(CHAIN)}
    return CaseResult.from_dict(data | {"slots": 2, "batch": batch, "runs": runs})


def test_the_section_and_the_decision_name_the_highest_throughput(tmp_path: Path):
    cases = [
        _case("luigi/default", 4, [2.0, 2.1, 2.2, 2.0, 2.1]),  # ~1.9 runs/s
        _case("luigi/default", 8, [3.0, 3.1, 3.0, 3.2, 3.1]),  # ~2.6 runs/s: its best
        _case("prefect/default", 8, [8.0, 8.2, 8.1, 8.3, 8.0]),  # ~1 run/s
    ]
    results = Results("t0", "t1", "standard", 5, {}, {}, {}, {}, cases, run_folders="x")
    bullet, text = throughput(results)
    assert "highest throughput: **luigi/default** (2.58 runs/s" in bullet and "tied" not in bullet
    assert "(8 at once)" in text
    md = section(ReportContext(results, tmp_path))
    assert "## Load: runs submitted at once" in md and "n=5" in md
    assert (tmp_path / "figures" / "load.png").stat().st_size > 0
    one = Results("t0", "t1", "quick", 1, {}, {}, {}, {}, [_case("luigi/default", 2, [1.0])], "x")
    assert "one batch each, so not a ranking" in throughput(one)[0]


def test_a_refused_batch_is_left_out_and_counted_with_its_reason(tmp_path: Path):
    case = _case("luigi/default", 4, [2.0, 2.1, 2.2])
    refused = {"label": "run-3", "warmup": False, "batch": 4, "complete": False}
    case.runs.append(refused | {"error": "refused to trigger (HTTP 500: Database error)"})
    results = Results("t0", "t1", "full", 3, {}, {}, {}, {}, [case], run_folders="x")
    md = section(ReportContext(results, tmp_path))
    assert "n=3" in md and "**1** of 4: refused to trigger (HTTP 500: Database error)" in md
    case.runs[:3] = []  # none completed: the row says so instead of figures
    md = section(ReportContext(results, tmp_path))
    assert "failed: no batch completed: **1** of 1: refused to trigger" in md
    assert "`--variant luigi=local`" in md  # the other variant its manifest offers


def test_a_refused_batch_points_to_the_variants_its_manifest_offers(tmp_path: Path):
    case = _case("airflow/default", 4, [2.0, 2.1])
    case.runs.append({"label": "run-3", "warmup": False, "batch": 4, "complete": False})
    results = Results("t0", "t1", "full", 3, {}, {}, {}, {}, [case], run_folders="x")
    assert "`--variant airflow=postgres`" in section(ReportContext(results, tmp_path))
    results.variants = {"airflow": "postgres"}
    assert "`--variant airflow=sqlite`" in section(ReportContext(results, tmp_path))
    case.runs.pop()  # every batch completed: nothing to point to
    assert "--variant" not in section(ReportContext(results, tmp_path))


def served(label: str, arrivals: list[float], run_s: float) -> tuple[dict[str, int], list[dict]]:
    """Runs arriving at `arrivals` (s), served one at a time for `run_s` each: the submits
    and the event log of a stack with room for one run."""
    submits, log, free = {}, [], 0.0
    for run, at in zip(batch_labels(label, len(arrivals)), arrivals, strict=True):
        submits[run] = int(at * S)
        start = max(at, free)
        log += events(run, start, run_s / 2)
        free = start + run_s
    return submits, log


def step(rate: float, count: int, run_s: float, fraction: float = 1.0) -> dict:
    submits, log = served(f"s{rate}", [i / rate for i in range(count)], run_s)
    summary = summarize_batch(log, submits, CHAIN.upstream)
    return {"fraction": fraction, "offered_runs_per_s": rate} | summary


def test_a_step_keeps_up_while_runs_leave_as_fast_as_they_arrive():
    calm = step(rate=1.0, count=8, run_s=0.5)  # one run a second, half a second each
    assert calm["departure_runs_per_s"] == pytest.approx(1.0) and kept_up(calm)
    assert calm["queue_wait_s"]["p99"] == 0.0
    busy = step(rate=2.0, count=8, run_s=1.0)  # two a second, one second each: a backlog
    assert busy["departure_runs_per_s"] == pytest.approx(1.0) and not kept_up(busy)
    assert busy["queue_wait_samples_s"][-1] == pytest.approx(3.5)  # the last waits 7 × 0.5 s


def test_the_first_step_that_falls_behind_gives_the_saturation_throughput():
    steps = [step(r, 8, 1.0) for r in (0.5, 0.75, 0.95, 1.5)]  # capacity: 1 run/s
    assert [kept_up(s) for s in steps] == [True, True, True, False]
    found = saturation(steps)
    assert found["saturated"] and found["runs_per_s"] == pytest.approx(1.0)
    assert found["tasks_per_s"] == pytest.approx(2.0)  # two tasks a run
    assert found["at_80"] == 1  # 0.75 runs/s: the fastest step at ≤ 80 % of 1 run/s
    never = saturation(steps[:2])  # never fell behind: the most completed, a lower bound
    assert not never["saturated"] and never["runs_per_s"] == pytest.approx(0.75)


def test_a_step_lasts_a_minute_of_arrivals_at_most():
    assert step_arrivals(rate=10.0, most=16) == 16
    assert step_arrivals(rate=0.1, most=16) == 7  # 60 s at 0.1 runs/s: 7 arrivals
    assert step_arrivals(rate=0.01, most=16) == MIN_ARRIVALS
    assert step_arrivals(rate=0.01, most=2) == 2


def _sweep_case(key: str, capacities: list[float]) -> CaseResult:
    """A load case whose sweeps met a stack of one run at a time of 1/capacity s a run."""
    impl, config = key.split("/")
    runs = []
    for i, capacity in enumerate(capacities):
        steps = [step(f * capacity, 8, 1 / capacity, f) for f in (0.5, 0.8, 1.6)]
        for s in steps:
            s["resources"] = {"cpu_seconds": 0.5 * s["drain_s"]}
        submits, log = served(f"run-{i}", [0.0] * 8, 1 / capacity)  # the batch: all at once
        batch = {"label": f"run-{i}", "warmup": False, "batch": 8}
        batch |= summarize_batch(log, submits, CHAIN.upstream)
        batch |= {"steps": steps, "saturation": saturation(steps)}
        runs.append(batch)
    data = {"impl": impl, "config": config, "scenario": "load", "workload": str(CHAIN)}
    return CaseResult.from_dict(
        data | {"slots": 1, "batch": 8, "rates": [0.5, 0.8, 1.6], "runs": runs}
    )


def test_the_sweep_table_and_the_decision_name_the_highest_saturation(tmp_path: Path):
    cases = [
        _sweep_case("luigi/default", [4.0, 4.1, 3.9]),
        _sweep_case("airflow/default", [0.4, 0.41, 0.39]),
    ]
    results = Results("t0", "t1", "full", 3, {}, {}, {}, {}, cases, run_folders="x")
    bullet, text = sustained(results)
    assert "saturation throughput: **luigi/default** (8.0 tasks/s" in bullet
    assert "not a ranking" not in bullet and "**airflow/default** 0.80 " in text
    md = section(ReportContext(results, tmp_path))
    assert "### Runs arriving at a steady rate (open loop)" in md
    assert "| 3 of 3 sweeps |" in md and "0.50 [0.50, 0.50] n=3" not in md
    assert (tmp_path / "figures" / "load-sweep.png").stat().st_size > 0
    broken = _sweep_case("luigi/default", [4.0, 4.1])
    broken.runs[0]["steps"].append({"fraction": 2.0, "complete": False, "error": "HTTP 500"})
    assert "**1** ended in a failed step at ×2: HTTP 500" in " ".join(sweep_row(broken))
    one = Results(
        "t0", "t1", "quick", 1, {}, {}, {}, {}, [_sweep_case("luigi/default", [4.0])], "x"
    )
    assert "so not a ranking" in sustained(one)[0]
