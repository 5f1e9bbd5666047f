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


def test_each_case_of_a_stack_is_kept_as_it_ends_and_only_the_rest_fail(monkeypatch):
    """A stack of the full profile runs for an hour: what it measured before an error (or an
    interrupt) is kept, and only the cases it did not reach are recorded as failed."""
    jobs = [_job("fanout:10:noop"), _job("fanout:100:noop"), _job("fanout:1000:noop")]

    def measure(jobs, movies, on_case):
        on_case(compare.CaseResult("luigi", "default", **compare.asdict(jobs[0].case)))
        raise BenchError("the stack stopped answering")

    monkeypatch.setattr(compare, "measure", measure)
    kept: list = []
    results = compare._measured_or_failed(compare.Console(quiet=True), jobs, None, kept.append)
    assert results == kept
    assert [(r.workload, r.error) for r in kept] == [
        ("fanout:10:noop", None),
        ("fanout:100:noop", "the stack stopped answering"),
        ("fanout:1000:noop", "the stack stopped answering"),
    ]
    assert all(r.seconds is not None for r in kept)


def test_a_run_of_many_tasks_gets_time_to_finish():
    from bench.measure.scenarios import SECONDS_PER_TASK, _Stack
    from pipelines.core.workloads import Workload

    assert _Stack(None, Workload.parse("chain:10:noop"), 600).timeout == 600
    fanout = _Stack(None, Workload.parse("fanout:1000:noop"), 600)
    assert fanout.timeout == SECONDS_PER_TASK * 1001  # the join too
