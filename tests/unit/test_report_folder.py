"""A report folder has one writer at a time, and an interrupted compare is found again."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bench import compare
from bench.kit.errors import BenchError
from bench.kit.locks import only_writer
from pipelines.core.io import write_json


def test_a_second_writer_is_refused_naming_the_first(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from pathlib import Path
                from bench.kit.locks import only_writer
                with only_writer(Path({str(tmp_path)!r})):
                    print("held", flush=True)
                    time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(
                BenchError, match=rf"is being written by another bench compare \(pid {holder.pid}\)"
            ),
            only_writer(tmp_path),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    with only_writer(tmp_path):  # released with its holder, however it ended
        pass


def test_rerunning_without_out_goes_on_with_the_newest_interrupted_compare_of_the_same_plan(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(compare, "REPORTS", tmp_path)
    plan = {"profile": "quick", "pairs": [["luigi", "default"]]}
    for name, saved in (("20261201-000000", plan), ("20261202-000000", {**plan, "profile": "x"})):
        (tmp_path / name).mkdir()
        write_json({"plan": saved}, tmp_path / name / "progress.json")
    assert compare._unfinished(plan) == tmp_path / "20261201-000000"
    assert compare._unfinished({**plan, "profile": "full"}) is None


def _job(workload: str) -> compare.Job:
    case = compare.Case("scale", workload, 4)
    return compare.Job("luigi", "default", case, None, None, None, 3, None, lambda _: None)


def _stack_that_dies_on(deadly: set[str], calls: list):
    """A fake measurer of a shared stack: each case in order, the stack dying on `deadly`."""

    def measure(jobs, movies, on_case):
        calls.append([j.case.workload for j in jobs])
        for job in jobs:
            if job.case.workload in deadly:
                raise BenchError("scheduler exited with code 1: database is locked")
            on_case(compare.CaseResult("luigi", "default", **compare.asdict(job.case)))
        return []

    return measure


def test_each_case_of_a_stack_is_kept_and_a_dead_stack_fails_only_the_case_in_flight(
    monkeypatch,
):
    """A stack of the full profile runs for an hour: what it measured before it died is
    kept (saved as each case ends), the case in flight fails with the reason, and the cases
    after it are measured on a fresh stack."""
    jobs = [_job("fanout:10:noop"), _job("fanout:100:noop"), _job("fanout:1000:noop")]
    calls: list = []
    monkeypatch.setattr(compare, "measure", _stack_that_dies_on({"fanout:100:noop"}, calls))
    kept: list = []
    results = compare._measured_or_failed(compare.Console(quiet=True), jobs, None, kept.append)
    assert results == kept
    assert [(r.workload, r.error) for r in kept] == [
        ("fanout:10:noop", None),
        ("fanout:100:noop", "scheduler exited with code 1: database is locked"),
        ("fanout:1000:noop", None),
    ]
    assert calls == [[j.case.workload for j in jobs], ["fanout:1000:noop"]]
    assert all(r.seconds is not None for r in kept)


def test_a_stack_that_dies_twice_before_measuring_anything_fails_the_rest(monkeypatch):
    jobs = [_job(f"fanout:{n}:noop") for n in (1, 2, 3, 4)]
    calls: list = []
    deadly = {"fanout:1:noop", "fanout:2:noop"}
    monkeypatch.setattr(compare, "measure", _stack_that_dies_on(deadly, calls))
    kept: list = []
    compare._measured_or_failed(compare.Console(quiet=True), jobs, None, kept.append)
    assert len(calls) == 2  # a fresh stack once, not once per case
    assert [r.workload for r in kept] == [j.case.workload for j in jobs]
    assert all(r.error for r in kept)


def test_a_run_of_many_tasks_gets_time_to_finish():
    from bench.measure.scenarios import SECONDS_PER_TASK, _Stack
    from pipelines.core.workloads import Workload

    assert _Stack(None, Workload.parse("chain:10:noop"), 600).timeout == 600
    fanout = _Stack(None, Workload.parse("fanout:1000:noop"), 600)
    assert fanout.timeout == SECONDS_PER_TASK * 1001  # the join too


def test_a_resumed_compare_keeps_and_names_its_sittings(tmp_path):
    """A full profile is measured in several sittings, maybe at different commits: the
    progress file keeps each one and the report's Environment names them."""
    from bench.report.setup import _sittings

    sittings = [
        {
            "started_at": f"2026-12-06T{hour}:00+00:00",
            "git_sha": sha,
            "git_dirty": False,
            "load_average_at_start": [0.7, 1.3, 1.2],
            "pieces_before": pieces,
        }
        for hour, sha, pieces in (("06:34", "8f45916abc", 0), ("08:10", "2a7dabf123", 79))
    ]
    state = compare.State({"profile": "full"}, str(tmp_path / "runs"), sittings=sittings)
    state.save(tmp_path / "progress.json")
    resumed = compare.State.resume(tmp_path / "progress.json", {"profile": "full"}, "x")
    assert resumed.sittings == sittings
    line = _sittings({"sittings": sittings})
    assert "Measured in 2 sittings" in line
    assert "2026-12-06 08:10 at `2a7dabf`" in line and "79 pieces measured before" in line
    assert _sittings({"sittings": sittings[:1]}) == ""


def test_event_logs_are_kept_beside_the_progress_file_for_a_later_sitting(tmp_path):
    """A full profile resumed on another day may find its run folders gone (a cleaned cache,
    a fresh machine): every saved piece's event log is copied next to progress.json, and the
    finished report points to that copy."""
    from bench.results import CaseResult, Results

    log = tmp_path / "runs" / "stack" / "events.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text('{"event": "task_start"}\n')
    case = CaseResult("luigi", "default", "latency", "chain:3:noop", 2, events=str(log))
    out = tmp_path / "out"
    state = compare.State({"profile": "full"}, str(tmp_path / "runs"), scenarios=[case])
    state.save(out / "progress.json")
    copy = out / "events" / f"{compare.case_slug(case)}.jsonl"
    assert copy.read_text() == log.read_text()
    log.unlink()  # the next sitting, its run folder gone
    resumed = compare.State.resume(out / "progress.json", {"profile": "full"}, "x")
    results = Results(
        started_at="", finished_at="", profile="full", repeat=1, dataset={}, provenance={},
        configs={}, movies={}, scenarios=resumed.scenarios, run_folders="", variants={},
        runtime={}, calibration=None,
    )  # fmt: skip
    compare.keep_events_beside(results, out)
    assert results.scenarios[0].events == f"events/{copy.name}" and copy.exists()
