"""The landing zone: how data arrives, and which partitions a run for date D covers.

Two kinds of partition arrive, each in its own `landing/date=D/` folder:

* a **snapshot** (batch full load): the whole dataset, ratings and movies. It replaces
  everything that came before it.
* an **increment**: only new ratings (the stream simulator, or a nightly export).

A run for date D covers the latest snapshot on or before D plus every increment after it up
to D. The deliverer writes `_SUCCESS` last; a partition without it has not arrived yet.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Literal

from pipelines.core.io import DataError, atomic_path, read_json, sha256_file, write_json
from pipelines.core.layout import Layout, as_date

PartitionKind = Literal["snapshot", "increment"]


def partition_ready(layout: Layout, date: dt.date | str) -> bool:
    """The sensor's question: has the partition for `date` fully arrived?"""
    return layout.landing_done(date).exists()


def partition_info(layout: Layout, date: dt.date | str) -> dict:
    """The manifest the deliverer wrote: kind, files, row counts, source."""
    if not partition_ready(layout, date):
        raise DataError(
            f"{layout.landing(date)}: partition has not arrived (no _SUCCESS); "
            "land it with `bench stream emit` or a full load first"
        )
    return read_json(layout.landing_manifest(date))


def partitions_for(layout: Layout, date: dt.date | str) -> list[dt.date]:
    """Dates a run for `date` must read: the latest snapshot ≤ date and the increments after it.

    `date` itself is always last, whether it has arrived yet or not, so orchestrators can
    declare the dependency on it before it lands.
    """
    date = as_date(date)
    landed = [d for d in layout.landed_dates() if d < date]
    covered: list[dt.date] = []
    for d in reversed(landed):
        covered.insert(0, d)
        if partition_info(layout, d)["kind"] == "snapshot":
            break
    if partition_ready(layout, date) and partition_info(layout, date)["kind"] == "snapshot":
        covered = []
    if covered and partition_info(layout, covered[0])["kind"] != "snapshot":
        covered = []  # no snapshot before: the increments have nothing to add to
    return [*covered, date]


def previous_partition(layout: Layout, date: dt.date | str) -> dt.date | None:
    """The partition this date builds on directly (None for a snapshot or the first date).

    Publishing and loading must happen in date order — else a backfill could leave the
    warehouse holding an older day's recommendations — so orchestrators make each date's
    publish and load wait for this one's.
    """
    covered = partitions_for(layout, date)
    return covered[-2] if len(covered) > 1 else None


def snapshot_for(layout: Layout, date: dt.date | str) -> dt.date:
    """The snapshot partition whose movie catalogue is in force on `date`."""
    first = partitions_for(layout, date)[0]
    if not partition_ready(layout, first) or partition_info(layout, first)["kind"] != "snapshot":
        raise DataError(
            f"{layout.root}: no full-load snapshot landed on or before {as_date(date)}; "
            "run a full load first (bench run IMPL --workdir ...)"
        )
    return first


FREE_MARGIN_BYTES = 200 * 2**20  # left free besides the copy, for the run's own outputs


def _link_or_copy(src: Path, dst: Path) -> None:
    """`dst` (a placeholder atomic_path made) becomes a hard link to `src`, or a copy."""
    try:
        dst.unlink(missing_ok=True)
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed there
        shutil.copyfile(src, dst)


def _bytes_to_copy(target: Path, sources: list[Path]) -> int:
    """What landing `sources` in `target` needs on its disk: those on another file system
    are copied (a link cannot cross file systems)."""
    device = target.stat().st_dev
    return sum(s.stat().st_size for s in sources if s.is_file() and s.stat().st_dev != device)


def _check_room(target: Path, sources: list[Path]) -> None:
    """Refuse, naming the folder and the sizes, when copies of `sources` would not fit."""
    needed = _bytes_to_copy(target, sources)
    free = shutil.disk_usage(target).free
    if needed and needed + FREE_MARGIN_BYTES > free:
        raise DataError(
            f"{target}: {free / 2**20:,.0f} MiB free, but the data needs "
            f"{(needed + FREE_MARGIN_BYTES) / 2**20:,.0f} MiB (with a margin for the run's outputs); "
            "free some space (`bench clean --runs`) or choose a --workdir on another disk"
        )


def land_partition(
    layout: Layout,
    date: dt.date | str,
    kind: PartitionKind,
    files: dict[str, Path],
    source: str,
    rows: dict[str, int] | None = None,
) -> Path:
    """Deliver files into `landing/date=D/` and mark the partition complete.

    Files are hard-linked when they are on the same file system (a run folder then costs no
    disk for its dataset; nothing ever writes to a landed file), else copied — never moved,
    so the prepared dataset stays intact. A copy that would not fit on the disk is refused
    before it starts. Re-landing the same date replaces the partition. `files` maps a table
    name ("ratings", "movies") to a CSV or Parquet file; the landed name keeps the file's
    suffix so ingest knows how to read it.
    """
    if kind == "snapshot" and not {"ratings", "movies"} <= files.keys():
        raise ValueError("a snapshot needs both 'ratings' and 'movies'")
    target = layout.landing(date)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    _check_room(target, [Path(f) for f in files.values()])
    names, digests = {}, {}
    for table, src in files.items():
        src = Path(src)
        if src.is_dir():
            raise ValueError(f"{src}: land a single file per table, not a folder")
        name = f"{table}{''.join(src.suffixes)}"
        with atomic_path(target / name) as tmp:
            _link_or_copy(src, tmp)
        names[table] = name
        digests[table] = sha256_file(target / name)
    info = {
        "date": as_date(date).isoformat(),
        "kind": kind,
        "files": names,
        "sha256": digests,
        "source": source,
        "rows": rows or {},
    }
    write_json(info, layout.landing_manifest(date))
    layout.landing_done(date).touch()
    return target
