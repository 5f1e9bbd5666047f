"""Integration tests run the real orchestrators through the `bench` CLI, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

BENCH = Path(sys.executable).with_name("bench")


def bench(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BENCH), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def processes_under(folder: Path) -> list[str]:
    """Processes whose working directory is inside `folder` (every service the harness
    starts runs in its run folder): anything listed after a command ended is an orphan."""
    found = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and Path(p.cwd()).is_relative_to(folder):
                found.append(" ".join(p.info["cmdline"] or []))
        except (psutil.Error, OSError):
            continue
    return found


def assert_no_orphans(folder: Path) -> None:
    deadline = time.monotonic() + 5
    while processes_under(folder) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_under(folder) == []


@pytest.fixture(scope="session", autouse=True)
def environments() -> None:
    """Build (or find cached) every implementation's environment once, up front."""
    done = bench("envs", "build", timeout=1200)
    assert done.returncode == 0, done.stderr
