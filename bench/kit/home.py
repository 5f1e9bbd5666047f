"""Where the harness keeps what is not in git (environments, datasets, runs), and where the
repository is."""

from __future__ import annotations

from pathlib import Path

from datasets.home import bench_home

REPO = Path(__file__).resolve().parents[2]

__all__ = ["REPO", "bench_home"]
