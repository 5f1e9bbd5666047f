"""Integration tests run the real orchestrators through the `bench` CLI, as a user would."""

from __future__ import annotations

import pytest

from tests.harness import BENCH, assert_no_orphans, bench, processes_under

__all__ = ["BENCH", "assert_no_orphans", "bench", "processes_under"]


@pytest.fixture(scope="session", autouse=True)
def environments() -> None:
    """Build (or find cached) every implementation's environment once, up front."""
    done = bench("envs", "build", timeout=1200)
    assert done.returncode == 0, done.stderr
