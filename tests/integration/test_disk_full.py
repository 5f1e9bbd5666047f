"""A run folder on a disk too small for its data is refused before anything is landed or
started: one line naming the folder and the sizes, nothing left running."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.harness import assert_no_orphans, bench

pytestmark = pytest.mark.integration


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 32 MiB tmpfs (needs root, as in CI)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)])
    if done.returncode:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_workdir_on_a_full_disk_is_refused_with_one_line(small_disk: Path) -> None:
    done = bench("run", "luigi", "--workdir", small_disk / "run")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "MiB free, but the data needs" in lines[0] and str(small_disk) in lines[0]
    assert "bench clean --runs" in lines[0]
    assert_no_orphans(small_disk)
    landed = [p for p in (small_disk / "run").rglob("*") if p.is_file()]
    assert landed == [], "nothing half-landed"
