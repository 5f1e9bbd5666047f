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
            "unknown implementation 'nosuch'; choose from: airflow, dagster, luigi, prefect, baseline",
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


GOOD_RATINGS = "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n2,1,3.5,964982800\n"
GOOD_MOVIES = "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n"
BAD_DOWNLOADS = {  # what the user's folder holds → what the one line must say
    "no rating column": (
        {"ratings.csv": "userId,movieId,timestamp\n1,1,964982703\n"},
        "ratings is missing column(s) rating",
    ),
    "no timestamp column": (
        {"ratings.csv": "userId,movieId,rating\n1,1,4.0\n"},
        "ratings is missing column(s) timestamp",
    ),
    "empty ratings file": ({"ratings.csv": ""}, "ratings.csv: the file is empty"),
    "header only": ({"ratings.csv": "userId,movieId,rating,timestamp\n"}, "no data rows"),
    "words where numbers belong": (
        {"ratings.csv": "userId,movieId,rating,timestamp\na,b,c,d\ne,f,g,h\n"},
        "column userId is mostly not numbers",
    ),
    "movies.csv missing": ({"movies.csv": None}, "no movies.csv found"),
    "movies without titles": (
        {"movies.csv": "movieId,genres\n1,Drama\n"},
        "movies is missing column(s) title",
    ),
}


@pytest.mark.parametrize("case", BAD_DOWNLOADS)
def test_a_bad_download_is_refused_at_the_door_naming_the_users_file(tmp_path, case):
    files, expected = BAD_DOWNLOADS[case]
    source = tmp_path / "ml-download"
    source.mkdir()
    for name, text in ({"ratings.csv": GOOD_RATINGS, "movies.csv": GOOD_MOVIES} | files).items():
        if text is not None:
            (source / name).write_text(text)
    done = bench("datasets", "prepare", f"movielens-dir:{source}", home=tmp_path / "home")
    _one_clear_line(done, expected)
    assert str(source) in done.stderr, "the message names the user's file, not a copy"
    cache = tmp_path / "home" / "datasets"
    assert not cache.exists() or not any(cache.iterdir()), "nothing half-prepared is left"


def test_a_damaged_zip_member_is_refused_naming_the_archive(tmp_path):
    import zipfile

    archive = tmp_path / "ml.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("ml/ratings.csv", GOOD_RATINGS * 400)
        zipped.writestr("ml/movies.csv", GOOD_MOVIES)
    data = bytearray(archive.read_bytes())
    start = data.index(b"ml/ratings.csv") + len("ml/ratings.csv") + 20
    data[start : start + 40] = bytes(40)  # zeros in the middle of the compressed member
    archive.write_bytes(bytes(data))
    done = bench("datasets", "prepare", f"movielens-dir:{archive}", home=tmp_path / "home")
    _one_clear_line(done, "ml/ratings.csv is damaged in the archive")
    assert str(archive) in done.stderr


def _one_clear_line(done: subprocess.CompletedProcess, expected: str) -> None:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("bench: error: ") and expected in lines[0], lines[0]
    assert "Traceback" not in done.stderr + done.stdout
