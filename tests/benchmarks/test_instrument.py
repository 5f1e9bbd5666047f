"""What the instrumentation costs (`make bench-core`): one event written, and an empty task
with and without the event log. `bench calibrate` quotes the same figures in every report."""

from __future__ import annotations

from pipelines.core.instrument import EVENT_LOG, append_event, task_events

RECORD = {"run_id": "r", "impl": "x", "task_id": "t0000", "event": "start", "t_ns": 0}


def empty_task() -> None:
    with task_events("t0000"):
        pass


def test_one_event_written(benchmark, tmp_path):
    benchmark(append_event, tmp_path / "events.jsonl", RECORD)


def test_an_empty_task_with_the_event_log(benchmark, tmp_path, monkeypatch):
    monkeypatch.setenv(EVENT_LOG, str(tmp_path / "events.jsonl"))
    benchmark(empty_task)


def test_an_empty_task_without_it(benchmark, monkeypatch):
    monkeypatch.delenv(EVENT_LOG, raising=False)
    benchmark(empty_task)
