"""Where and with what a measurement was taken: stored with every result file."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import psutil

from bench.kit.home import REPO
from bench.kit.manifest import load_manifest
from bench.measure.resources import usable_cores


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def provenance(impls: list[str]) -> dict:
    return {
        "python": sys.version.split()[0],
        "orchestrators": {name: load_manifest(name)["orchestrator"] for name in impls},
        "git_sha": _git("rev-parse", "HEAD") or "unknown",
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "machine": {
            "cores": os.cpu_count(),
            "usable_cores": usable_cores(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "cpu_model": _cpu_model(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "platform": platform.platform(),
        },
    }
