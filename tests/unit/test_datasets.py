"""Dataset names, preparation (idempotent, checksummed), the generator's statistics, the stream."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from datasets import registry, synthetic
from datasets.stream import increment
from pipelines.core.io import DataError, sha256_file


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("movielens-small", 100_004),
        ("synthetic:1000", 1000),
        ("synthetic:2k", 2000),
        ("synthetic:1_000_000", 10**6),
    ],
)
def test_names_resolve(name, rows):
    assert registry.resolve(name).rows == rows


@pytest.mark.parametrize(
    "name", ["movielens", "synthetic:", "synthetic:-5", "synthetic:abc", "imdb"]
)
def test_bad_names_say_what_is_valid(name):
    with pytest.raises(ValueError, match="movielens-small, movielens-dir:PATH, synthetic:N"):
        registry.resolve(name)


def test_prepare_is_idempotent_and_checksummed(home):
    folder = registry.prepare("movielens-small")
    manifest = registry.load_manifest("movielens-small")
    assert manifest["files"]["ratings"]["rows"] == 100_004
    assert manifest["files"]["movies"]["rows"] == 9066
    assert manifest["files"]["ratings"]["sha256"] == sha256_file(folder / "ratings.parquet")
    assert manifest["run_date"] == "2016-10-17"  # the day after the last rating
    stamp = (folder / "manifest.json").stat().st_mtime_ns
    assert registry.prepare("movielens-small") == folder
    assert (folder / "manifest.json").stat().st_mtime_ns == stamp  # reused, not rebuilt


def grouplens_files(folder):
    folder.mkdir(parents=True)
    (folder / "ratings.csv").write_text(
        "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,oops,964981247\n"
    )
    (folder / "movies.csv").write_text(
        'movieId,title,genres\n1,Toy Story (1995),Comedy\n2,"Heat, The (1995)",Action\n'
    )


def test_movielens_dir_from_a_folder_and_a_zip(home, tmp_path):
    grouplens_files(tmp_path / "ml-tiny")
    archive = tmp_path / "ml-tiny.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in ("ratings.csv", "movies.csv"):
            z.write(tmp_path / "ml-tiny" / f, f"ml-tiny/{f}")
    for source in (tmp_path / "ml-tiny", archive):
        name = f"movielens-dir:{source}"
        registry.prepare(name)
        manifest = registry.load_manifest(name)
        assert manifest["files"]["ratings"]["rows"] == 2  # copied as delivered, bad row included
        assert manifest["run_date"] == "2000-07-31"


def test_movielens_dir_without_the_files_is_a_clear_error(home, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"no ratings\.csv found"):
        registry.prepare(f"movielens-dir:{tmp_path / 'empty'}")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    files = synthetic.generate(folder, 200_000, seed=0)
    return pd.read_parquet(files["ratings"]), pd.read_parquet(files["movies"]), files


def test_generator_makes_exactly_n_distinct_valid_ratings(generated):
    ratings, movies, _ = generated
    assert len(ratings) == 200_000
    assert not ratings.duplicated(["userId", "movieId"]).any()
    assert ratings["movieId"].isin(movies["movieId"]).all()
    assert set(ratings["rating"].unique()) <= {x / 2 for x in range(1, 11)}


def test_generator_statistics_match_the_real_sample(generated, sample):
    """Tolerances: rating histogram within 0.01 total variation; ratings per user within
    15% at the median and mean; top-1% movies' share of ratings within 10 points; time range
    inside the sample's."""
    ratings, _, _ = generated
    real = sample[0]
    hist = lambda r: r["rating"].value_counts(normalize=True).sort_index()  # noqa: E731
    total_variation = 0.5 * hist(ratings).sub(hist(real), fill_value=0).abs().sum()
    assert total_variation < 0.01
    per_user, real_per_user = ratings.groupby("userId").size(), real.groupby("userId").size()
    assert abs(per_user.mean() / real_per_user.mean() - 1) < 0.15
    assert abs(per_user.median() / real_per_user.median() - 1) < 0.15

    def top_share(r):
        counts = r.groupby("movieId").size().sort_values(ascending=False)
        return counts.iloc[: max(1, len(counts) // 100)].sum() / counts.sum()

    assert abs(top_share(ratings) - top_share(real)) < 0.10
    assert real["timestamp"].min() <= ratings["timestamp"].min()
    assert ratings["timestamp"].max() <= real["timestamp"].max()


def test_generator_is_deterministic(generated, tmp_path):
    _, _, files = generated
    again = synthetic.generate(tmp_path, 200_000, seed=0)
    assert sha256_file(again["ratings"]) == sha256_file(files["ratings"])


def test_stream_increment_is_deterministic_and_spoils_the_share_asked(sample):
    import datetime as dt

    day = dt.date(2016, 10, 18)
    a = increment(sample[0], day, 1000, 0.1, seed=5)
    b = increment(sample[0], day, 1000, 0.1, seed=5)
    assert a.equals(b)
    numeric = a.apply(pd.to_numeric, errors="coerce")
    broken = numeric.isna().any(axis=1) | ~numeric["rating"].isin([x / 2 for x in range(1, 11)])
    duplicates = len(a) - 1000
    unknown = ~numeric["movieId"].isin(sample[0]["movieId"])
    assert broken.sum() + duplicates + (unknown & ~broken).sum() == 100
    day_start = int(dt.datetime(2016, 10, 18, tzinfo=dt.UTC).timestamp())
    ts = numeric["timestamp"].dropna()
    assert ts.between(day_start, day_start + 86_399).all()
    assert np.isin(numeric["userId"].dropna(), sample[0]["userId"]).all()


def test_landing_links_the_prepared_files_and_refuses_a_copy_that_does_not_fit(
    home, tmp_path, monkeypatch
):
    import shutil

    from pipelines.core import landing
    from pipelines.core.layout import Layout

    files = registry.dataset_files("movielens-small")
    target = landing.land_partition(Layout(home / "run"), "2016-10-17", "snapshot", files, "x")
    landed = target / "ratings.parquet"
    assert landed.stat().st_ino == files["ratings"].stat().st_ino, "a link, not a copy"
    assert sha256_file(landed) == sha256_file(files["ratings"])

    monkeypatch.setattr(landing, "_bytes_to_copy", lambda target, sources: 10**9)  # another disk
    usage = type(shutil.disk_usage(tmp_path))
    monkeypatch.setattr(
        landing.shutil, "disk_usage", lambda p: usage(10**10, 10**10 - 10**8, 10**8)
    )
    with pytest.raises(
        DataError, match=r"95 MiB free, but the data needs 1,154 MiB .*bench clean --runs"
    ):
        landing.land_partition(Layout(home / "run2"), "2016-10-17", "snapshot", files, "x")
