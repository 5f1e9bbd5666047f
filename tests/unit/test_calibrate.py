"""`bench calibrate`: the measuring path recovers injected delays, and a broken metric
cannot pass."""

from __future__ import annotations

import dataclasses

from bench.measure import calibrate as cal
from bench.measure import metrics


def test_the_injected_schedule_implies_known_answers():
    truth = cal.expected(runs=5)
    assert truth["trigger_latency_s"] == 0.060
    assert truth["inter_task_p50_s"] == (0.020 + 0.025) / 2  # edges 10, 15, 20, 25, 30, 40 ms
    assert truth["inter_task_p95_s"] == 0.040  # pooled over 5 runs: the join's 40 ms
    # a (60 + 100) → c (30 + 300) → join (40 + 40) → e (25 + 120) → f (15 + 60), from 60 ms
    assert abs(truth["makespan_s"] - 0.730) < 1e-9


def test_the_measuring_path_recovers_them():
    """Sleeping threads can be woken late when the machine is busy: a figure is allowed
    another try, but every figure must come out right in one run."""
    for _attempt in range(3):
        checks = cal.calibrate(runs=3)
        if all(c.ok for c in checks):
            break
    assert [c.figure for c in checks if not c.ok] == []


def test_a_metric_with_start_and_end_swapped_fails(monkeypatch):
    real = metrics.task_intervals

    def swapped(events):
        return {
            task: dataclasses.replace(span, start_ns=span.end_ns, end_ns=span.start_ns)
            for task, span in real(events).items()
        }

    monkeypatch.setattr(metrics, "task_intervals", swapped)
    failed = {c.figure for c in cal.calibrate(runs=2) if not c.ok}
    assert {"trigger_latency_s", "inter_task_p50_s", "makespan_s"} <= failed


def test_a_join_measured_from_its_first_upstream_fails(monkeypatch):
    def first_upstream(intervals, upstream):
        return {
            task: (intervals[task].start_ns - min(intervals[u].end_ns for u in ups)) / metrics.NS
            for task, ups in upstream.items()
            if ups and task in intervals
        }

    monkeypatch.setattr(metrics, "edge_latencies", first_upstream)
    failed = {c.figure for c in cal.calibrate(runs=2) if not c.ok}
    assert "inter_task_p95_s" in failed  # the join waited 40 ms after its *last* upstream


def test_instrumentation_cost_is_measured():
    cost = cal.instrumentation_cost(events=200)
    assert cost["us_per_event"] > 0 and cost["events"] == 200
    assert cost["us_per_empty_task_with_log"] > cost["us_per_empty_task_without_log"]
