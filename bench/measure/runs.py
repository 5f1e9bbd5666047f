"""Run folders: create one, land a dataset into it, run an implementation on it."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from bench.kit.adapter import RunResult
from bench.kit.errors import BenchError
from bench.kit.home import bench_home
from bench.kit.manifest import adapter_class
from datasets.land import land_dataset
from datasets.registry import DatasetSpec, resolve
from pipelines.core.io import read_json, write_json
from pipelines.core.landing import partition_ready
from pipelines.core.layout import Layout

DEFAULT_DATASET = resolve("movielens-small")


LIVE_S = 3600  # a folder touched this recently may belong to a running command


def prune_runs(older_than_days: float, base: Path | None = None) -> tuple[int, int, int]:
    """Remove run folders (each holds its dataset, linked or copied) last touched more than
    `older_than_days` ago; (removed, kept, bytes freed). A folder touched within the last
    hour is kept whatever the age asked for: a running command may still be writing it."""
    base = base or bench_home() / "runs"
    limit = time.time() - max(older_than_days * 86400, LIVE_S)
    removed = kept = freed = 0
    for folder in sorted(p for p in base.glob("*") if p.is_dir()):
        touched = max([folder.stat().st_mtime] + [c.stat().st_mtime for c in folder.iterdir()])
        if touched > limit:
            kept += 1
            continue
        files = [f.stat() for f in folder.rglob("*") if f.is_file()]
        freed += sum(f.st_size for f in files if f.st_nlink == 1)  # a link frees nothing
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed, kept, freed


def new_run_dir(label: str, parent: Path | None = None) -> Path:
    """A fresh, uniquely named folder: `<parent or $BENCH_HOME/runs>/<UTC time>-<label>`."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    base = parent or bench_home() / "runs"
    for n in range(100):
        path = base / (f"{stamp}-{label}" + (f"-{n}" if n else ""))
        try:
            path.mkdir(parents=True)
            return path
        except FileExistsError:
            continue
    raise BenchError(f"could not create a run folder under {base}")


def resolve_run(workdir: Path, dataset: DatasetSpec | None, date: dt.date | None) -> dt.date:
    """Decide what to run: land a dataset, or use a partition already in the folder."""
    layout = Layout(workdir)
    if dataset is None and date is not None and partition_ready(layout, date):
        return date  # e.g. an increment landed by `bench stream emit`
    if dataset is None and date is None and layout.landed_dates():
        return layout.landed_dates()[-1]
    return land_dataset(workdir, dataset or DEFAULT_DATASET, date)


def run_implementation(
    impl: str,
    workdir: Path,
    date: dt.date,
    variant: str | None = None,
    timeout: float = 1800,
    on_phase: Callable[[str], None] = lambda _: None,
    config: str = "default",
) -> RunResult:
    """One pipeline run through the implementation's adapter; the result is saved beside it."""
    started = time.monotonic()
    on_phase("preparing environment")
    adapter = adapter_class(impl)(workdir, variant, config=config)
    result = adapter.run(date, timeout=timeout, on_phase=on_phase)
    record = {**result.as_dict(), "total_seconds": round(time.monotonic() - started, 3)}
    history = Path(workdir) / "_runs.json"
    previous = read_json(history) if history.exists() else []
    write_json([*previous, record], history)
    return result
