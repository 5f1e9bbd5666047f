"""A bad flag, name or date gets one line on stderr naming the problem — never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(sys.executable).with_name("bench")


def bench(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BENCH_HOME": str(home)}
    return subprocess.run([str(BENCH), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["run", "nosuch"],
            "unknown implementation 'nosuch'; choose from: airflow, luigi, prefect, baseline",
        ),
        (["run", "baseline", "--date", "2016-13-01"], "is not a date; use YYYY-MM-DD"),
        (["run", "baseline", "--bogus"], "No such option: --bogus"),
        (["run", "baseline", "--dataset", "imdb"], "unknown dataset 'imdb'"),
        (["run", "luigi", "--variant", "centrl"], "luigi has no variant 'centrl'"),
        (["run"], "Missing argument"),
        (["datasets", "prepare", "synthetic:0"], "synthetic:N needs N ≥ 1"),
        (
            ["stream", "emit", "--workdir", "nowhere", "--date", "2016-10-18"],
            "no full-load snapshot landed",
        ),
        (
            ["stream", "emit", "--workdir", "x", "--date", "2016-10-18", "--bad-fraction", "2"],
            "--bad-fraction",
        ),
        (["verify", "nosuch"], "unknown implementation 'nosuch'"),
        (
            ["report", "nowhere"],
            "nowhere: not found; give a folder written by bench compare",
        ),
        (["validate-results", "nowhere"], "not found; give a folder written by bench compare"),
        (["compare", "--profile", "huge"], "choose from quick, standard, full"),
        # a repeated --impl adds to the list (the second one is checked, not dropped)
        (["compare", "--impl", "luigi", "--impl", "nosuch"], "unknown implementation 'nosuch'"),
        (["advise", "nowhere"], "nowhere: not found; give a folder written by bench compare"),
        (["advise", "reports/reference-standard", "--task-seconds", "0"], "0 is not positive"),
        (["advise", "reports/reference-standard", "--width", "0"], "--width"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, args, expected):
    done = bench(*args, home=tmp_path)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("bench: error: ")
    assert expected in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    runs = tmp_path / "runs"
    assert not runs.exists() or not any(runs.iterdir()), "a failed command left a run folder"


def test_help_lists_every_command(tmp_path):
    done = bench("--help", home=tmp_path)
    assert done.returncode == 0
    for command in ("run", "verify", "compare", "advise", "datasets", "stream", "envs"):
        assert command in done.stdout
