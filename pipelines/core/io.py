"""Atomic file I/O for every step of the pipeline.

Every output is written to a temporary file in the destination folder and then renamed
into place (`os.replace` is atomic on POSIX). A step killed half-way — by an orchestrator's
time-out, a SIGKILL in the recovery benchmark, or Ctrl-C — leaves either the previous file
or none, never half a file. That is what lets Luigi's `complete()` (does the output exist?)
and Airflow's retries be trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


class DataError(Exception):
    """Input data that the pipeline cannot use at all (not row-level: those are quarantined).

    The message is one line that names the file, what is wrong and how to fix it.
    """


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside `final`; rename it onto `final` only on success."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.chmod(0o644)  # mkstemp makes 0600; outputs are read by other users (containers)
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    """Write `df` atomically as Parquet (zstd, no index) and return the path."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return path


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a Parquet file or folder of parts, turning corruption into a one-line DataError."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found; run the step that produces it first")
    if path.is_file() and path.stat().st_size == 0:
        raise DataError(f"{path}: file is empty (0 bytes); re-create it")
    try:
        return pq.read_table(path, columns=columns).to_pandas()
    except (pa.ArrowInvalid, OSError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(
            f"{path}: not a readable Parquet file ({first_line}); re-create it"
        ) from exc


def write_json(obj: Any, path: Path) -> Path:
    """Write `obj` atomically as indented, key-sorted JSON (stable bytes for checksums)."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")
    return path


def read_json(path: Path) -> Any:
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found; run the step that produces it first")
    return json.loads(path.read_text())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def frame_checksum(df: pd.DataFrame) -> str:
    """A content checksum of a table: same rows, same order, same values → same digest.

    Unlike a file hash it ignores Parquet metadata (writer version, row-group layout), so two
    orchestrators that produce the same data compare equal.
    """
    digest = hashlib.sha256()
    digest.update(",".join(f"{c}:{df[c].dtype}" for c in df.columns).encode())
    digest.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return digest.hexdigest()
