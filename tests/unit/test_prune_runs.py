"""`bench clean --runs`: old run folders (a dataset copy each) go; a folder a running
command may be writing stays, whatever age was asked for."""

from __future__ import annotations

import os
import time

from bench.measure.runs import prune_runs


def _folder(base, name, days_ago, size=1000):
    folder = base / name
    (folder / "landing").mkdir(parents=True)
    (folder / "landing" / "ratings.csv").write_bytes(b"x" * size)
    then = time.time() - days_ago * 86400
    for path in (folder / "landing", folder):
        os.utime(path, (then, then))
    return folder


def test_old_folders_go_and_live_ones_stay(tmp_path):
    old = _folder(tmp_path, "20261101-000000-airflow", 30, size=5000)
    recent = _folder(tmp_path, "20261201-000000-luigi", 2)
    live = _folder(tmp_path, "20261204-000000-compare", 0)
    assert prune_runs(7, tmp_path) == (1, 2, 5000)
    assert not old.exists() and recent.exists() and live.exists()
    assert prune_runs(0, tmp_path) == (1, 1, 1000)  # "every folder" still spares the live one
    assert live.exists() and not recent.exists()
    assert prune_runs(7, tmp_path / "none") == (0, 0, 0)
