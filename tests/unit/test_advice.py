"""The workload model behind `bench advise` and the decision section, on hand-made results
whose costs are known: the fit must find them, and the break-even follows by arithmetic."""

from __future__ import annotations

import pytest

from bench.report.advice import CostModel, Pipeline, cost_models
from bench.results import CaseResult, Results

EDGE, DISPATCH, TRIGGER = 0.5, 0.1, 2.0  # seconds: what the fake orchestrator costs
CPU_FIXED, CPU_PER_TASK, IDLE_CORES = 1.0, 0.05, 0.25
STAGES = {"chain:10:noop": (10, 10), "fanout:10:noop": (11, 2), "fanout:30:noop": (31, 2)}


def fake_case(key: str, workload: str, noise: tuple[float, ...]) -> CaseResult:
    """A measured case whose every run costs exactly the model's overhead, plus `noise`."""
    impl, config = key.split("/")
    tasks, depth = STAGES[workload]
    overhead = EDGE * (depth - 1) + DISPATCH * (tasks - depth)
    runs = [
        {
            "warmup": False,
            "complete": True,
            "tasks": tasks,
            "overhead_s": overhead + e,
            "makespan_s": overhead + e,
            "trigger_latency_s": TRIGGER + e,
            "resources": {"cpu_seconds": CPU_FIXED + CPU_PER_TASK * tasks},
        }
        for e in noise
    ]
    scenario = "latency" if workload.startswith("chain") else "scale"
    idle = {"cpu_seconds": IDLE_CORES * 5, "seconds": 5.0, "peak_rss_mib": 100.0}
    return CaseResult.from_dict(
        {
            "impl": impl,
            "config": config,
            "scenario": scenario,
            "workload": workload,
            "slots": 4,
            "runs": runs,
            "idle_resources": idle if scenario == "latency" else None,
        }
    )


def fake_results(noise: tuple[float, ...] = (0.0, 0.0, 0.0)) -> Results:
    scenarios = [fake_case("alpha/default", w, noise) for w in STAGES]
    scenarios.append(fake_case("beta/default", "chain:10:noop", noise))  # one shape: no fit
    return Results.from_dict(
        {
            "started_at": "t0",
            "finished_at": "t1",
            "profile": "standard",
            "repeat": 3,
            "dataset": {},
            "provenance": {},
            "configs": {},
            "movies": {},
            "scenarios": [c.to_dict() for c in scenarios],
            "run_folders": "x",
        }
    )


def test_the_fit_finds_the_known_costs():
    model = cost_models(fake_results())["alpha/default"]
    assert model.edge.median == pytest.approx(EDGE)
    assert model.dispatch.median == pytest.approx(DISPATCH)
    assert model.n == 9


def test_a_known_per_task_cost_gives_a_known_break_even():
    model = cost_models(fake_results())["alpha/default"]
    # a chain of 10: overhead 9 × 0.5 = 4.5 s; it is 10 % of the run when the ten tasks
    # take 9 × 4.5 s, i.e. 4.05 s each
    chain = model.predict(Pipeline(task_seconds=1, width=1, depth=10))
    assert chain.overhead.median == pytest.approx(4.5)
    assert chain.break_even_s.median == pytest.approx(4.05)
    # one stage of 8 on 4 slots: overhead 7 × 0.1 = 0.7 s over two waves of tasks
    wide = model.predict(Pipeline(task_seconds=1, width=8, depth=1))
    assert wide.overhead.median == pytest.approx(0.7)
    assert wide.break_even_s.median == pytest.approx(9 * 0.7 / 2)
    assert wide.makespan.median == pytest.approx(2 + 0.7)


def test_deadline_and_cpu_hours_follow_the_prediction():
    model = cost_models(fake_results())["alpha/default"]
    run = model.predict(Pipeline(task_seconds=10, width=1, depth=10, runs_per_day=24))
    done = TRIGGER + 100 + 4.5
    assert run.submit_to_done.median == pytest.approx(done)
    assert run.deadline(done + 1) == "meets" and run.deadline(done - 1) == "misses"
    busy = 24 * done
    cpu = IDLE_CORES * (86_400 - busy) + 24 * (CPU_FIXED + CPU_PER_TASK * 10)
    assert run.cpu_hours_per_day.median == pytest.approx(cpu / 3600)


def test_intervals_widen_with_noisy_runs_and_still_cover_the_truth():
    model = cost_models(fake_results(noise=(-0.2, 0.0, 0.3, 0.1, -0.1)))["alpha/default"]
    chain = model.predict(Pipeline(task_seconds=1, width=1, depth=10))
    assert chain.overhead.low < 4.5 < chain.overhead.high
    assert chain.overhead.high - chain.overhead.low > 0.01
    assert chain.deadline(chain.submit_to_done.median) == "uncertain"


def test_one_run_per_case_gives_no_interval_and_no_ranking():
    """The quick profile's fit: every resample is the data, so a zero-width "interval"
    would claim a precision nothing measured (it printed `1.01 [1.01, 1.01] n=2`)."""
    from bench.measure.stats import Estimate, format_estimate

    single = cost_models(fake_results(noise=(0.0,)))["alpha/default"]
    assert not single.resampled and format_estimate(single.edge) == "0.500 n=3, no CI"
    far_away = Estimate(9.0, 8.9, 9.1, 5)  # a real interval nowhere near 0.5
    assert single.edge.overlaps(far_away)  # without an interval, nothing is ranked
    assert cost_models(fake_results(noise=(0.0, 0.1, -0.1)))["alpha/default"].resampled


def test_one_shape_is_not_enough_to_fit():
    assert "beta/default" not in cost_models(fake_results())
    assert CostModel.from_results(fake_results(), "gamma/default") is None


def test_bench_advise_prints_every_fitted_config_and_the_deadline(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    reference = Path(__file__).parents[2] / "reports" / "reference-standard"
    bench = Path(sys.executable).with_name("bench")
    args = ["advise", str(reference), "--task-seconds", "2", "--width", "20", "--depth", "3"]
    done = subprocess.run([bench, *args, "--deadline", "35"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    from bench.results import load_results

    for key in cost_models(load_results(reference)):
        assert key in done.stdout
    assert "done in 35 s" in done.stdout and ("meets" in done.stdout or "misses" in done.stdout)
