"""One writer per folder: two `bench compare` into the same report folder would interleave
their progress and overwrite each other's results."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from bench.kit.errors import BenchError

LOCK_NAME = ".lock"


@contextlib.contextmanager
def only_writer(folder: Path, what: str = "bench compare") -> Iterator[None]:
    """Hold an exclusive lock on `folder` (a `.lock` file in it, released by the kernel
    however the process ends); refuse at once, naming the holder, if another has it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BenchError(
                f"{folder} is being written by another {what} ({holder}); wait for it or "
                "choose another --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            path.unlink(missing_ok=True)
