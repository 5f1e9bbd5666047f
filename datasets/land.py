"""`python -m datasets.land WORKDIR [DATASET]`: land a dataset as the full-load snapshot.

The same landing the harness does before every run (bench.measure.runs), as a command that needs
only the shared core's packages — so it also runs inside an implementation's container
(the compose files use it to give the pipeline its data).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from datasets.registry import DatasetSpec, dataset_files, load_manifest, prepare
from pipelines.core.landing import land_partition
from pipelines.core.layout import Layout

DEFAULT = "movielens-small"


def land_dataset(
    workdir: Path, dataset: str | DatasetSpec = DEFAULT, date: dt.date | None = None
) -> dt.date:
    """Prepare `dataset` (cached) and land it as the full-load snapshot for `date`.

    Without a date, the dataset's natural run date is used: the day after its last rating.
    """
    prepare(dataset)
    manifest = load_manifest(dataset)
    date = date or dt.date.fromisoformat(manifest["run_date"])
    rows = {table: info["rows"] for table, info in manifest["files"].items()}
    land_partition(
        Layout(workdir), date, "snapshot", dataset_files(dataset), manifest["name"], rows
    )
    return date


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python -m datasets.land WORKDIR [DATASET]")
    day = land_dataset(Path(sys.argv[1]), *sys.argv[2:])
    print(f"landed {sys.argv[2] if len(sys.argv) == 3 else DEFAULT} for {day} in {sys.argv[1]}")
