"""A base image without a registry: Debian bookworm from its package mirror.

Machines that cannot pull `python:3.11-slim` can still reach Debian's packages: debootstrap
a minimal bookworm (its python3 is 3.11, as on the host) with venv support and CA
certificates, and `docker import` the tree. Once it exists, every image build uses it
(bench.kit.images.base_image). Needs root and the `debootstrap` program (docs/environment.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.kit.docker_engine import LABEL, engine
from bench.kit.errors import BenchError
from bench.kit.images import OFFLINE_BASE

PACKAGES = "python3,python3-venv,ca-certificates"
DEFAULT_MIRROR = "http://deb.debian.org/debian"


def apt_mirror(apt: Path = Path("/etc/apt")) -> str:
    """The Debian mirror this machine's apt uses (it is the one it can reach)."""
    for source in [apt / "sources.list", *sorted((apt / "sources.list.d").glob("*"))]:
        try:
            text = source.read_text()
        except OSError:
            continue
        found = re.search(r"^URIs:\s*(\S+/debian)\s*$", text, re.M) or re.search(
            r"^deb\s+(?:\[[^]]*\]\s+)?(\S+/debian)\s+bookworm", text, re.M
        )
        if found:
            return found.group(1)
    return DEFAULT_MIRROR


def build_offline_base(on_line: Callable[[str], None] = lambda _: None) -> str:
    debootstrap = shutil.which("debootstrap")
    if not debootstrap:
        raise BenchError("building the offline base needs debootstrap: apt-get install debootstrap")
    if os.geteuid() != 0:
        raise BenchError("debootstrap needs root: run `sudo bench images base --offline`")
    engine()  # fail before spending a minute on debootstrap
    with tempfile.TemporaryDirectory(prefix="bench-rootfs-") as scratch:
        root, archive = Path(scratch) / "root", Path(scratch) / "root.tar"
        argv = [debootstrap, "--variant=minbase", f"--include={PACKAGES}", "bookworm"]
        on_line(f"debootstrap bookworm from {apt_mirror()} (about a minute)")
        done = subprocess.run([*argv, str(root), apt_mirror()], capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
            raise BenchError(f"debootstrap failed: {last}")
        shutil.rmtree(root / "var" / "cache" / "apt" / "archives", ignore_errors=True)
        subprocess.run(["tar", "-C", str(root), "-cf", str(archive), "."], check=True)
        on_line(f"importing as {OFFLINE_BASE}")
        repository, tag = OFFLINE_BASE.split(":")
        engine().api.import_image_from_file(
            str(archive),
            repository=repository,
            tag=tag,
            changes=[f'LABEL {LABEL}="base"', 'CMD ["python3"]'],
        )
    return OFFLINE_BASE
