"""Where everything that is not in git lives: prepared datasets here, and the harness's
environments and run folders beside them (`bench.kit.home` re-exports this, so datasets/
needs nothing from bench/)."""

from __future__ import annotations

import os
from pathlib import Path


def bench_home() -> Path:
    """$BENCH_HOME, else ~/.cache/orchestrator-bench."""
    return Path(os.environ.get("BENCH_HOME") or Path.home() / ".cache" / "orchestrator-bench")
