"""The core's public API: one function per pipeline step, each `(layout, date, ...) -> summary`.

Orchestrators import this module and call one function per task; everything else in
`pipelines.core` is how the steps do their work. Every step is wrapped in the same
instrumentation (`pipelines.core.instrument`): its task id is the step name, plus the
model for the per-model steps (`train_bias`, `evaluate_als`, ...).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from pipelines.core import evaluate as _evaluate
from pipelines.core import features as _features
from pipelines.core import ingest as _ingest
from pipelines.core import publish as _publish
from pipelines.core import serve as _serve
from pipelines.core import train as _train
from pipelines.core import transform as _transform
from pipelines.core import validate as _validate
from pipelines.core.instrument import task_events
from pipelines.core.landing import partition_ready, partitions_for, previous_partition


def _instrumented(name: str, function: Callable[..., dict]) -> Callable[..., dict]:
    @functools.wraps(function)
    def step(layout, date, *args: str, **kwargs: str) -> dict:
        with task_events("_".join([name, *args, *kwargs.values()])):
            return function(layout, date, *args, **kwargs)

    return step


ingest = _instrumented("ingest", _ingest.ingest)
validate = _instrumented("validate", _validate.validate)
transform = _instrumented("transform", _transform.transform)
build_features = _instrumented("features", _features.build_features)
train = _instrumented("train", _train.train)
evaluate = _instrumented("evaluate", _evaluate.evaluate)
publish = _instrumented("publish", _publish.publish)
score = _instrumented("score", _serve.score)
load = _instrumented("load", _serve.load)

__all__ = [
    "build_features",
    "evaluate",
    "ingest",
    "load",
    "partition_ready",
    "partitions_for",
    "previous_partition",
    "publish",
    "score",
    "train",
    "transform",
    "validate",
]
