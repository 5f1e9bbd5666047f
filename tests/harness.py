"""What the integration tests share (tests/integration and every pipelines/NAME/test_NAME.py):
the `bench` CLI run as a user would, and the check that nothing it started outlives it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

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


def edges_from(impl: str, script: str, extra_env: dict[str, str] | None = None) -> set[tuple]:
    """Run `script` in the implementation's own environment; it prints the graph it found as
    a JSON list of [upstream, downstream] pairs on its last line."""
    import json

    from bench.kit.envs import ensure_env, process_env

    env = ensure_env(impl)
    done = subprocess.run(
        [str(env / "bin" / "python"), "-c", script],
        capture_output=True,
        text=True,
        env=process_env(env, extra_env or {}),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {tuple(e) for e in json.loads(done.stdout.strip().splitlines()[-1])}
