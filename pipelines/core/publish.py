"""Publish: pick the best model of the run and register it as a new version, with a card.

The registry is a folder per version (`v0001`, `v0002`, ...) holding the model file,
`card.json` and a human-readable `MODEL_CARD.md`. A version folder is assembled under a
temporary name and renamed into place, so a reader never sees half a version. Publishing the
same run twice reuses the version it already made: reruns do not inflate the registry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipelines.core.io import read_json, sha256_file, write_json
from pipelines.core.layout import MODEL_NAMES, Layout, as_date
from pipelines.core.models import Recommender

SELECTION_METRIC = "rmse"
"""Lower is better. Ties go to the first model in MODEL_NAMES (the simpler one)."""


def code_version() -> str:
    """The git commit of the pipeline code (with '-dirty' if modified), or 'unknown'."""
    repo = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()

    try:
        sha = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{sha}-dirty" if dirty else sha


def _landing_digest(layout: Layout, partitions: list[str]) -> str:
    """One hash over the landing manifests (each lists its files' SHA-256) the model saw."""
    digest = hashlib.sha256()
    for day in partitions:
        digest.update(layout.landing_manifest(day).read_bytes())
    return digest.hexdigest()


def select_best(metrics: dict[str, dict]) -> str:
    return min(
        MODEL_NAMES, key=lambda name: (metrics[name][SELECTION_METRIC], MODEL_NAMES.index(name))
    )


def _versions(registry: Path) -> list[Path]:
    return sorted(p for p in registry.glob("v[0-9][0-9][0-9][0-9]") if p.is_dir())


def _model_card(card: dict) -> str:
    columns = ("rmse", "mae", "precision_at_10", "recall_at_10")
    rows = "\n".join(
        f"| {name} | " + " | ".join(f"{m[c]:.4f}" for c in columns) + " |"
        for name, m in card["candidates"].items()
    )
    data = card["data"]
    return f"""# Model card: {card["model_name"]} {card["version"]}

Published {card["published_at"]} by the run for {card["run_date"]}.

- **Model**: `{card["model"]}` with parameters `{card["params"]}`
- **Chosen by**: lowest {card["selection_metric"]} on the held-out split
  (each user's latest 20% of ratings)
- **Training data**: {data["train_rows"]:,} ratings, partitions {", ".join(data["partitions"])};
  landed data (manifests with file SHA-256) `{data["landing_manifest_sha256"][:16]}…`,
  curated ratings checksum `{data["ratings_checksum"][:16]}…`
- **Code version**: `{card["code_version"]}`

| model | RMSE | MAE | precision@10 | recall@10 |
|---|---|---|---|---|
{rows}

Data: MovieLens (F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets:
History and Context. ACM TiiS 5, 4, Article 19) or a synthetic set fitted to it.
"""


def publish(layout: Layout, date: dt.date | str) -> dict:
    """Register the best model for `date` and record which version that is."""
    date = as_date(date)
    metrics = {name: read_json(layout.metrics(name, date)) for name in MODEL_NAMES}
    best = select_best(metrics)
    model_file = layout.model(best, date)
    model_sha = sha256_file(model_file)

    registry = layout.registry
    for version in _versions(registry):
        card = read_json(version / "card.json")
        if card["run_date"] == date.isoformat() and card["model_sha256"] == model_sha:
            write_json(card, layout.published(date))
            return card

    transform = read_json(layout.transform_report(date))
    card = {
        "model_name": registry.name,
        "model": best,
        "params": Recommender.load(model_file).params,
        "model_sha256": model_sha,
        "run_date": date.isoformat(),
        "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "selection_metric": SELECTION_METRIC,
        "metrics": {k: v for k, v in metrics[best].items() if k not in ("date", "model")},
        "candidates": metrics,
        "data": {
            "partitions": transform["partitions"],
            "landing_manifest_sha256": _landing_digest(layout, transform["partitions"]),
            "train_rows": transform["rows"]["train"],
            "ratings_checksum": transform["checksums"]["ratings"],
        },
        "code_version": code_version(),
    }
    registry.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=registry))
    staging.chmod(0o755)
    try:
        shutil.copyfile(model_file, staging / "model.npz")
        while True:  # claim the next free version number; rename fails if another run took it
            number = int(_versions(registry)[-1].name[1:]) + 1 if _versions(registry) else 1
            card["version"] = f"v{number:04d}"
            write_json(card, staging / "card.json")
            (staging / "MODEL_CARD.md").write_text(_model_card(card))
            try:
                staging.rename(registry / card["version"])
                break
            except OSError:
                continue
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_json(card, layout.published(date))
    return card
