"""The core's public API: one function per pipeline step, each `(layout, date, ...) -> summary`.

Orchestrators import this module and call one function per task; everything else in
`pipelines.core` is how the steps do their work.
"""

from pipelines.core.evaluate import evaluate
from pipelines.core.features import build_features
from pipelines.core.ingest import ingest
from pipelines.core.landing import partition_ready, partitions_for, previous_partition
from pipelines.core.publish import publish
from pipelines.core.serve import load, score
from pipelines.core.train import train
from pipelines.core.transform import transform
from pipelines.core.validate import validate

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
