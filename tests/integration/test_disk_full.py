"""A run folder on a disk too small for its data is refused before anything is landed or
started: one line naming the folder and the sizes, nothing left running."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.harness import assert_no_orphans, bench

pytestmark = pytest.mark.integration


def _tmpfs(folder: Path, size: str):
    """A tmpfs of `size` at `folder` (needs root, as in CI)."""
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)])
    if done.returncode:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path):
    yield from _tmpfs(tmp_path / "small", "32m")


@pytest.fixture
def disk(tmp_path: Path):
    yield from _tmpfs(tmp_path / "disk", "256m")


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


def _published(work: Path) -> dict[str, str]:
    """Every file the runs published (model registry, warehouse), by path → sha256."""
    from pipelines.core.io import sha256_file

    return {
        str(f.relative_to(work)): sha256_file(f)
        for folder in ("registry", "warehouse")
        for f in sorted((work / folder).rglob("*"))
        if f.is_file()
    }


def test_a_disk_that_fills_during_a_run_fails_it_and_keeps_what_was_published(disk: Path) -> None:
    work = disk / "run"
    assert bench("run", "baseline", "--workdir", work).returncode == 0  # 2016-10-17 published
    emitted = bench("stream", "emit", "--workdir", work, "--date", "2016-10-18", "--rows", "2000")
    assert emitted.returncode == 0, emitted.stderr
    before = _published(work)
    assert before, "the first run published nothing"
    filler = disk / "filler"
    with open(filler, "wb") as out:  # leave 256 KiB: the day's first outputs do not fit
        while (free := shutil.disk_usage(disk).free - 256 * 1024) > 0:
            out.write(b"\0" * min(1 << 20, free))
            out.flush()
    done = bench("run", "baseline", "--workdir", work, "--date", "2016-10-18")
    filler.unlink()
    assert done.returncode == 1, done.stdout[-1000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "No space left on device" in lines[0], lines[0]
    assert _published(work) == before, "what was published before is untouched"
    assert_no_orphans(disk)
