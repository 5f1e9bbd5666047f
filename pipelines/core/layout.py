"""Where every file of a pipeline run lives: the one map that core steps and orchestrators share.

A run's working directory holds a small data lake and its neighbours:

    landing/date=D/      partitions as they arrive (a full snapshot or an increment) + _SUCCESS
    lake/raw/date=D/     landed data converted to Parquet, untouched (strings stay strings)
    lake/clean/date=D/   rows that passed validation
    lake/quarantine/date=D/  the rows that did not, each with its reason
    lake/curated/date=D/ consolidated ratings, train/test split, movies, exploded genres
    lake/features/date=D/ per-user and per-movie features (from the training split only)
    lake/serving/date=D/ top-10 recommendations per user from the published model
    models/date=D/       one trained model per file       metrics/date=D/  one evaluation per model
    registry/            versioned published models with model cards
    warehouse/           the recommendations table (SQLite) the business reads

Orchestrators use these paths as their task outputs (Luigi targets, Airflow XCom summaries);
core steps write them atomically. Nothing else in the code base builds a path by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

MODEL_NAMES: tuple[str, ...] = ("bias", "als")
"""The models trained for every run, as independent steps an orchestrator may run in parallel."""

REGISTRY_MODEL = "movie_recommender"


def as_date(value: dt.date | str) -> dt.date:
    """Accept a date or an ISO string (YYYY-MM-DD), as both orchestrators pass either."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"not a date: {value!r}; use YYYY-MM-DD, e.g. 2016-10-17") from None


@dataclass(frozen=True)
class Layout:
    """Paths of one working directory. Cheap to build; holds no state but the root."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())

    # -- landing zone: what the outside world (the stream simulator, a full load) delivers
    def landing(self, date: dt.date | str) -> Path:
        return self.root / "landing" / f"date={as_date(date).isoformat()}"

    def landing_done(self, date: dt.date | str) -> Path:
        """Written last by whoever delivers a partition: its presence means 'complete'."""
        return self.landing(date) / "_SUCCESS"

    def landing_manifest(self, date: dt.date | str) -> Path:
        return self.landing(date) / "_partition.json"

    # -- lake zones, one folder per partition date
    def zone(self, zone: str, date: dt.date | str) -> Path:
        return self.root / "lake" / zone / f"date={as_date(date).isoformat()}"

    def raw_ratings(self, date: dt.date | str) -> Path:
        return self.zone("raw", date) / "ratings.parquet"

    def raw_movies(self, date: dt.date | str) -> Path:
        return self.zone("raw", date) / "movies.parquet"

    def raw_report(self, date: dt.date | str) -> Path:
        """Ingest summary: kind of partition, rows landed, malformed lines set aside."""
        return self.zone("raw", date) / "_ingest.json"

    def malformed_lines(self, date: dt.date | str) -> Path:
        return self.zone("raw", date) / "malformed_lines.parquet"

    def clean_ratings(self, date: dt.date | str) -> Path:
        return self.zone("clean", date) / "ratings.parquet"

    def clean_movies(self, date: dt.date | str) -> Path:
        return self.zone("clean", date) / "movies.parquet"

    def quarantine(self, table: str, date: dt.date | str) -> Path:
        return self.zone("quarantine", date) / f"{table}.parquet"

    def validation_report(self, date: dt.date | str) -> Path:
        return self.zone("clean", date) / "_validation.json"

    def curated(self, name: str, date: dt.date | str) -> Path:
        return self.zone("curated", date) / f"{name}.parquet"

    def transform_report(self, date: dt.date | str) -> Path:
        return self.zone("curated", date) / "_transform.json"

    def features(self, name: str, date: dt.date | str) -> Path:
        return self.zone("features", date) / f"{name}.parquet"

    def recommendations(self, date: dt.date | str) -> Path:
        """Batch-scored top-10 per user, in the lake before it is loaded into the warehouse."""
        return self.zone("serving", date) / "recommendations.parquet"

    # -- models, metrics, registry, warehouse
    def model(self, name: str, date: dt.date | str) -> Path:
        return self.root / "models" / f"date={as_date(date).isoformat()}" / f"{name}.npz"

    def metrics(self, name: str, date: dt.date | str) -> Path:
        return self.root / "metrics" / f"date={as_date(date).isoformat()}" / f"{name}.json"

    @property
    def registry(self) -> Path:
        return self.root / "registry" / REGISTRY_MODEL

    def published(self, date: dt.date | str) -> Path:
        """Which registry version the run for `date` published (written last by publish)."""
        return self.registry / "published" / f"date={as_date(date).isoformat()}.json"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "recommendations.sqlite"

    def load_report(self, date: dt.date | str) -> Path:
        return self.root / "warehouse" / "loads" / f"date={as_date(date).isoformat()}.json"

    @property
    def outputs(self) -> list[Path]:
        """Every folder the pipeline writes (the landing zone is its input): without them
        the next run of a date computes everything again, in every orchestrator."""
        return [self.root / name for name in ("lake", "models", "metrics", "registry", "warehouse")]

    # -- listing
    def landed_dates(self) -> list[dt.date]:
        """Dates of every complete landing partition, oldest first."""
        base = self.root / "landing"
        if not base.is_dir():
            return []
        dates = [
            as_date(p.name.removeprefix("date="))
            for p in base.glob("date=*")
            if (p / "_SUCCESS").exists()
        ]
        return sorted(dates)
