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
