"""Metric functions against hand-made event logs with known answers, and a calibration run."""

from __future__ import annotations

import pytest

from bench.measure import metrics as m
from pipelines.core.workloads import Workload

S = 1_000_000_000  # one second in ns


def ev(task, event, t_s):
    return {"task_id": task, "event": event, "t_ns": int(t_s * S)}


def log(*spans):
    """(task, start s, end s) → events, deliberately out of order."""
    out = []
    for task, start, end in spans:
        out += [ev(task, "end", end), ev(task, "start", start)]
    return out[::-1]


CHAIN = {"a": (), "b": ("a",), "c": ("b",)}
DIAMOND = {"a": (), "b": ("a",), "c": ("a",), "d": ("b", "c")}


def test_chain_latencies_makespan_and_trigger():
    events = log(("a", 10.5, 11), ("b", 11.25, 12), ("c", 12.5, 13))
    s = m.summarize(events, submit_ns=10 * S, upstream=CHAIN)
    assert s["trigger_latency_s"] == pytest.approx(0.5)
    assert s["inter_task_samples_s"] == pytest.approx([0.25, 0.5])
    assert s["makespan_s"] == pytest.approx(2.5) and s["wall_s"] == pytest.approx(3.0)
    assert s["critical_path_s"] == pytest.approx(0.5 + 0.75 + 0.5)
    assert s["lower_bound_s"] == pytest.approx(1.75)  # a chain: its critical path
    assert s["overhead_s"] == pytest.approx(2.5 - 1.75)  # makespan − lower bound
    assert s["efficiency"] == pytest.approx(1.75 / 2.5)
    assert s["peak_concurrency"] == 1


def test_a_join_waits_only_for_its_last_upstream():
    events = log(("a", 0, 1), ("b", 1.1, 2), ("c", 1.2, 5), ("d", 5.3, 6))
    edges = m.edge_latencies(m.task_intervals(events), DIAMOND)
    assert edges == pytest.approx({"b": 0.1, "c": 0.2, "d": 0.3})
    assert m.critical_path(m.task_intervals(events), DIAMOND) == pytest.approx(1 + 3.8 + 0.7)


def test_peak_concurrency_counts_overlaps_not_touching_ends():
    spans = [m.Interval(0, 10), m.Interval(5, 15), m.Interval(10, 20), m.Interval(12, 13)]
    assert m.peak_concurrency(spans) == 3  # at t=12: (5,15), (10,20), (12,13); (0,10) ended at 10
    assert m.peak_concurrency([m.Interval(0, 5), m.Interval(5, 9)]) == 1


def test_percentiles_with_few_samples_interpolate():
    p = m.percentiles([1.0, 2.0, 3.0, 4.0])
    assert p["p50"] == pytest.approx(2.5)
    assert p["p95"] == pytest.approx(3.85) and p["p99"] == pytest.approx(3.97)
    assert p["max"] == 4.0 and p["n"] == 4
    assert m.percentiles([7.0])["p99"] == 7.0
    assert m.percentiles([])["n"] == 0


def test_a_retried_task_is_measured_by_its_successful_attempt():
    events = [ev("a", "start", 0), ev("a", "fail", 1), ev("a", "start", 3), ev("a", "end", 4)]
    assert m.task_intervals(events)["a"] == m.Interval(3 * S, 4 * S)
    assert m.attempts(events) == {"a": 2}
    assert m.summarize(events, 0, {"a": ()})["reexecuted_tasks"] == 1


def test_clock_offsets_cancel_out_of_latencies_but_not_out_of_trigger():
    """Events are on one clock; a constant offset of the whole log moves only submit-relative
    numbers, which is why the harness writes its submit mark with the same clock."""
    base = log(("a", 0, 1), ("b", 1.2, 2))
    shifted = [{**e, "t_ns": e["t_ns"] + 7 * S} for e in base]
    up = {"a": (), "b": ("a",)}
    assert m.summarize(shifted, 7 * S, up)["inter_task_samples_s"] == pytest.approx([0.2])
    assert m.summarize(shifted, 7 * S, up)["trigger_latency_s"] == pytest.approx(0.0)
    assert m.summarize(shifted, 0, up)["trigger_latency_s"] == pytest.approx(7.0)


def test_incomplete_runs_are_reported_not_measured():
    s = m.summarize(log(("a", 0, 1)), 0, CHAIN)
    assert s == {"complete": False, "missing_tasks": ["b", "c"], "tasks_done": 1}


FANOUT = {"a": (), "b": (), "c": (), "d": (), "join": ("a", "b", "c", "d")}


def test_the_lower_bound_is_the_work_spread_over_the_slots_or_the_critical_path():
    work = {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0, "join": 0.0}
    assert m.lower_bound(work, FANOUT, slots=1, cores=None) == pytest.approx(4.0)
    assert m.lower_bound(work, FANOUT, slots=2, cores=None) == pytest.approx(2.0)
    assert m.lower_bound(work, FANOUT, slots=8, cores=None) == pytest.approx(1.0)  # the path
    assert m.lower_bound(work, FANOUT, slots=4, cores=2) == pytest.approx(2.0)  # 2 cores


def test_efficiency_never_exceeds_one_and_rewards_no_overlapped_waiting():
    """The self-relative speedup this replaces rated a slow 1-slot run as a 'superlinear'
    8-slot one; the lower bound is the same for both, so waiting counts as overhead."""
    # 1 slot, each task waits 1 s for the slot to be freed: 4 × (1 s work + 1 s wait)
    slow = log(("a", 0, 1), ("b", 2, 3), ("c", 4, 5), ("d", 6, 7), ("join", 7.1, 7.1))
    one = m.summarize(slow, 0, FANOUT, slots=1)
    assert one["lower_bound_s"] == pytest.approx(4.0)
    assert one["efficiency"] == pytest.approx(4.0 / 7.1)
    assert one["overhead_s"] == pytest.approx(7.1 - 4.0)
    # 4 slots, every task at once, the join 0.1 s late
    fast = log(("a", 0, 1), ("b", 0, 1), ("c", 0, 1), ("d", 0, 1), ("join", 1.1, 1.1))
    four = m.summarize(fast, 0, FANOUT, slots=4)
    assert four["efficiency"] == pytest.approx(1.0 / 1.1)
    assert four["achieved_parallelism"] == pytest.approx(4.0 / 1.1)
    assert one["efficiency"] <= 1 and four["efficiency"] <= 1


def test_cpu_bound_work_is_its_cpu_time_and_meets_the_cores():
    """Contention stretches wall time (4 tasks of 1 s CPU on 2 cores take 2 s each); the
    bound counts the CPU seconds over min(slots, cores)."""
    events = log(("a", 0, 2), ("b", 0, 2), ("c", 2, 4), ("d", 2, 4), ("join", 4, 4))
    for e in events:
        if e["event"] == "end":
            e["cpu_ns"] = S if e["task_id"] != "join" else 0
    s = m.summarize(events, 0, FANOUT, slots=4, cores=2)
    assert s["work_s"] == pytest.approx(4.0)
    assert s["lower_bound_s"] == pytest.approx(2.0)
    assert s["efficiency"] == pytest.approx(0.5)
    assert m.summarize(events, 0, FANOUT, slots=4)["work_s"] == pytest.approx(8.0)  # wall


@pytest.mark.parametrize(
    ("text", "nodes", "edges"),
    [
        ("chain:3", ["t0000", "t0001", "t0002"], 2),
        ("fanout:4:sleep:0.1", ["t0000", "t0001", "t0002", "t0003", "join"], 4),
        ("tree:7", [f"t{i:04d}" for i in range(7)], 6),
        ("grid:9:cpu:5", [f"t{i:04d}" for i in range(9)], 12),
    ],
)
def test_workload_shapes(text, nodes, edges):
    w = Workload.parse(text)
    assert w.nodes == nodes
    assert sum(len(u) for u in w.upstream.values()) == edges
    seen = set()
    for node, ups in w.upstream.items():  # execution order: parents come first
        assert set(ups) <= seen
        seen.add(node)


@pytest.mark.parametrize("text", ["chain", "star:4", "chain:0", "chain:3:sleep", "fanout:4:gpu:1"])
def test_bad_workloads_say_the_valid_form(text):
    with pytest.raises(ValueError, match="SHAPE:N"):
        Workload.parse(text)


def test_clock_agreement_reports_the_offset_between_two_records():
    events = log(("a", 1.0, 2.0), ("b", 3.0, 4.0))
    native = {"a": (int(1.2 * S), int(2.1 * S)), "b": (int(3.2 * S), int(4.3 * S)), "c": (0, 1)}
    agreement = m.clock_agreement(m.task_intervals(events), native)
    assert agreement["n"] == 2
    assert agreement["start_p50"] == pytest.approx(0.2) and agreement["end_p50"] == pytest.approx(
        0.2
    )
    assert agreement["max_abs"] == pytest.approx(0.3)
    assert m.clock_agreement(m.task_intervals(events), {}) == {"n": 0}


def test_workers_counts_where_tasks_started_by_container_or_fleet_member():
    events = log(("a", 0, 1), ("b", 1.1, 2), ("c", 1.2, 5), ("d", 5.3, 6))
    for event in events:  # containers: one host each
        event["host"] = {"a": "w1", "b": "w2", "c": "w1", "d": "w3"}[event["task_id"]]
    assert len(m.task_workers(events)) == 3
    assert m.summarize(events, submit_ns=0, upstream=DIAMOND)["workers"] == 3
    for event in events:  # local worker processes: one host, a fleet member's name each
        event["host"], event["worker"] = "vm", {"a": "0", "b": "1"}.get(event["task_id"], "1")
    assert len(m.task_workers(events)) == 2
    assert m.summarize(log(("a", 0, 1)), submit_ns=0, upstream={"a": ()})["workers"] == 0


def test_a_flaky_task_fails_its_first_attempt_and_succeeds_when_retried(tmp_path, monkeypatch):
    import shutil

    from pipelines.core.instrument import EVENT_LOG, read_events
    from pipelines.core.workloads import FlakyAttempt, flaky_markers, run_node

    log = tmp_path / "events.jsonl"
    monkeypatch.setenv(EVENT_LOG, str(log))
    workload = Workload.parse("chain:2:flaky")
    with pytest.raises(FlakyAttempt):
        run_node(workload, "t0000")
    run_node(workload, "t0000")  # the retry
    assert [e["event"] for e in read_events(log)] == ["start", "fail", "start", "end"]
    assert m.attempts(read_events(log)) == {"t0000": 2}
    # a run that was not retried leaves its marker; the harness empties the folder before
    # the next run, whose first attempt then fails again
    with pytest.raises(FlakyAttempt):
        run_node(workload, "t0001")
    shutil.rmtree(flaky_markers(log))
    with pytest.raises(FlakyAttempt):
        run_node(workload, "t0001")
