"""The pipeline as a graph of named steps: the contract every implementation orchestrates.

Each step is a plain function `(layout, date) -> summary dict`. Implementations decide how
and where steps run (Airflow tasks, Luigi tasks, a thread pool) but not what they do: the
test suite checks that each implementation's graph has exactly these steps and edges.

    wait_for_partition → ingest → validate → transform → features
      features ─┬→ train_bias → evaluate_bias ─┬→ publish → score → load
                └→ train_als  → evaluate_als  ─┘
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from pipelines.core.io import DataError
from pipelines.core.layout import MODEL_NAMES, Layout
from pipelines.core.steps import (
    build_features,
    evaluate,
    ingest,
    load,
    partition_ready,
    publish,
    score,
    train,
    transform,
    validate,
)

StepFunction = Callable[..., object]


def wait_for_partition(
    layout: Layout, date: dt.date, timeout: float = 0.0, poke: float = 1.0
) -> dict:
    """Block until the landing partition for `date` is complete, or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not partition_ready(layout, date):
        if time.monotonic() >= deadline:
            raise DataError(
                f"{layout.landing(date)}: partition has not arrived after {timeout:.0f} s; "
                "land it with `bench stream emit` or a full load"
            )
        time.sleep(poke)
    return {"date": date.isoformat(), "ready": True}


@dataclass(frozen=True)
class Step:
    """A named unit of work and the steps it waits for. Pipeline steps take (layout, date)."""

    name: str
    run: StepFunction
    upstream: tuple[str, ...]


def pipeline_steps() -> list[Step]:
    """Every step in a valid execution order, each with the steps it depends on."""
    return [
        Step("wait_for_partition", wait_for_partition, ()),
        Step("ingest", ingest, ("wait_for_partition",)),
        Step("validate", validate, ("ingest",)),
        Step("transform", transform, ("validate",)),
        Step("features", build_features, ("transform",)),
        *(Step(f"train_{m}", partial(train, model=m), ("features",)) for m in MODEL_NAMES),
        *(Step(f"evaluate_{m}", partial(evaluate, model=m), (f"train_{m}",)) for m in MODEL_NAMES),
        Step("publish", publish, tuple(f"evaluate_{m}" for m in MODEL_NAMES)),
        Step("score", score, ("publish",)),
        Step("load", load, ("score",)),
    ]


def edges() -> set[tuple[str, str]]:
    """(upstream, downstream) pairs: what implementations' graphs are checked against."""
    return {(up, step.name) for step in pipeline_steps() for up in step.upstream}
