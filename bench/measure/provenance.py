"""Where and with what a measurement was taken: stored with every result file."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import psutil

from bench.kit.home import REPO, bench_home
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


def _virtualization() -> str:
    """What systemd-detect-virt says (kvm, docker, none...), else the CPU's hypervisor flag."""
    try:
        found = subprocess.run(
            ["systemd-detect-virt"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
        if found:
            return found
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            flagged = any(" hypervisor" in line for line in cpuinfo if line.startswith("flags"))
        return "a hypervisor (cpuinfo flag)" if flagged else "none detected"
    except OSError:
        return "unknown"


def _disk(path: os.PathLike) -> dict:
    """The filesystem the run folders are written to: its device, type, size and free space."""
    target = os.path.realpath(path)
    parts = sorted(psutil.disk_partitions(all=True), key=lambda p: len(p.mountpoint))
    mount = [p for p in parts if target.startswith(p.mountpoint)][-1:] or [None]
    usage = psutil.disk_usage(target if os.path.exists(target) else "/")
    return {
        "device": mount[0].device if mount[0] else "unknown",
        "fstype": mount[0].fstype if mount[0] else "unknown",
        "total_gib": round(usage.total / 2**30, 1),
        "free_gib": round(usage.free / 2**30, 1),
    }


def provenance(impls: list[str]) -> dict:
    return {
        "command": " ".join(["bench", *sys.argv[1:]]),
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
            "kernel": f"{platform.system()} {platform.release()} {platform.version()}",
            "virtualization": _virtualization(),
            "disk": _disk(bench_home()),
        },
    }
