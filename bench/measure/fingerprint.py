"""Correctness before speed: every implementation must produce what the baseline produces.

A run's *fingerprint* is what must be identical across orchestrators given the same data,
date and seeds: row accounting and quarantine counts, content checksums of the curated
and feature tables, each model's metrics, the model chosen, and the recommendations table
as loaded into the warehouse. Checksums are over content (not file bytes), so Parquet
writer metadata does not matter; metrics are compared exactly, because the core is
deterministic and the environments pin the same numeric libraries.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from pipelines.core.io import frame_checksum, read_json, read_parquet
from pipelines.core.layout import MODEL_NAMES, Layout
from pipelines.core.serve import warehouse_table

METRICS = ("rmse", "mae", "precision_at_10", "recall_at_10", "users_evaluated", "test_ratings")


def fingerprint(layout: Layout, date: dt.date) -> dict[str, str]:
    """Check name → comparable value (a string) for one finished run."""
    checks: dict[str, str] = {}
    validation = read_json(layout.validation_report(date))
    for table in ("ratings", "movies"):
        if table in validation:
            counts = validation[table]
            checks[f"quarantine: {table}"] = (
                f"{counts['rows_in']} in = {counts['rows_kept']} kept + {counts['rows_quarantined']} "
                f"quarantined {json.dumps(counts['by_reason'], sort_keys=True)}"
            )
    transform = read_json(layout.transform_report(date))
    for name, digest in sorted(transform["checksums"].items()):
        checks[f"curated: {name}"] = f"{transform['rows'][name]} rows {digest[:16]}"
    for name in ("user_features", "movie_features"):
        table = read_parquet(layout.features(name, date))
        checks[f"features: {name}"] = f"{len(table)} rows {frame_checksum(table)[:16]}"
    for model in MODEL_NAMES:
        metrics = read_json(layout.metrics(model, date))
        checks[f"metrics: {model}"] = " ".join(f"{k}={metrics[k]!r}" for k in METRICS)
    card = read_json(layout.published(date))
    checks["published model"] = f"{card['model']} rmse={card['metrics']['rmse']!r}"
    recs = warehouse_table(layout).drop(columns=["model_version"])
    checks["warehouse: recommendations"] = f"{len(recs)} rows {frame_checksum(recs)[:16]}"
    return checks


@dataclass
class Difference:
    check: str
    expected: str
    found: str


def compare(reference: dict[str, str], candidate: dict[str, str]) -> list[Difference]:
    return [
        Difference(check, reference.get(check, "(missing)"), candidate.get(check, "(missing)"))
        for check in sorted(reference.keys() | candidate.keys())
        if reference.get(check) != candidate.get(check)
    ]
