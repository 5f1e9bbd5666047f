"""Where the harness keeps what is not in git: environments, datasets, runs."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def bench_home() -> Path:
    """$BENCH_HOME, else ~/.cache/orchestrator-bench."""
    return Path(os.environ.get("BENCH_HOME") or Path.home() / ".cache" / "orchestrator-bench")
