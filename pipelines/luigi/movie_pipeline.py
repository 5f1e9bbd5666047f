"""The movie pipeline in Luigi: one Task class per step, `requires` / `output` / `run`.

Luigi thinks in *targets*: a task is complete when its output exists, and a run asks for
the last task and lets Luigi walk `requires()` backwards to whatever is missing. Run twice,
nothing happens; delete one output and only that part (and what depends on it) reruns.

Every `run()` calls one function of the shared core (`pipelines.core`), which writes each
file atomically and its summary file last — so the summary is each task's target, and a
task killed half-way is simply not complete.

Run one date against a central scheduler (start `luigid` first), or locally:

    luigi --module pipelines.luigi.movie_pipeline MoviePipeline \\
        --workdir runs/demo --date 2016-10-17 --workers 2 [--local-scheduler]

Backfill a range of dates, oldest first, skipping the complete ones:

    luigi --module pipelines.luigi.movie_pipeline RangeDaily --of MoviePipeline \\
        --MoviePipeline-workdir runs/demo --start 2016-10-18 --stop 2016-10-21
"""

from __future__ import annotations

import luigi
from luigi.tools.range import RangeDaily  # noqa: F401  (exposed for `luigi --module ... RangeDaily`)

from pipelines.core import steps
from pipelines.core.layout import MODEL_NAMES, Layout


class MovieTask(luigi.Task):
    """Parameters shared by every step: where the run lives and which day it processes."""

    # date first: RangeDaily fills in the first positional parameter of the task it backfills
    date = luigi.DateParameter(description="the partition date, YYYY-MM-DD")
    workdir = luigi.Parameter(description="the run's working directory (landing zone, lake, ...)")

    @property
    def layout(self) -> Layout:
        return Layout(self.workdir)


class PartitionArrived(luigi.ExternalTask):
    """The day's partition in the landing zone. Luigi never runs it; it only checks it.

    Until `_SUCCESS` appears, everything downstream stays pending: run the pipeline again
    later (e.g. from cron) and it picks up where the data allows.
    """

    date = luigi.DateParameter()
    workdir = luigi.Parameter()

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(Layout(self.workdir).landing_done(self.date))


class Ingest(MovieTask):
    """Landing → raw zone (Parquet), malformed lines set aside."""

    def requires(self):
        return self.clone(PartitionArrived)

    def output(self):
        return luigi.LocalTarget(self.layout.raw_report(self.date))

    def run(self):
        steps.ingest(self.layout, self.date)


class Validate(MovieTask):
    """Raw → clean + quarantine (with a reason per row).

    An increment's ratings are checked against the movie catalogue of the snapshot it
    builds on, so it needs that snapshot validated first.
    """

    def requires(self):
        snapshot = steps.partitions_for(self.layout, self.date)[0]  # this date if none landed
        if snapshot == self.date:
            return self.clone(Ingest)
        return [self.clone(Ingest), self.clone(Validate, date=snapshot)]

    def output(self):
        return luigi.LocalTarget(self.layout.validation_report(self.date))

    def run(self):
        steps.validate(self.layout, self.date)


class Transform(MovieTask):
    """Consolidate the snapshot and the increments since, split train/test."""

    def requires(self):
        # every partition this date builds on: the latest snapshot and the increments after it
        return [
            self.clone(Validate, date=day) for day in steps.partitions_for(self.layout, self.date)
        ]

    def output(self):
        return luigi.LocalTarget(self.layout.transform_report(self.date))

    def run(self):
        steps.transform(self.layout, self.date)


class Features(MovieTask):
    """Per-user and per-movie features from the training split."""

    def requires(self):
        return self.clone(Transform)

    def output(self):
        return {
            name: luigi.LocalTarget(self.layout.features(name, self.date))
            for name in ("user_features", "movie_features")
        }

    def run(self):
        steps.build_features(self.layout, self.date)


class TrainModel(MovieTask):
    """One model. With --workers 2 the models train side by side."""

    model = luigi.ChoiceParameter(choices=MODEL_NAMES, var_type=str)

    def requires(self):
        return self.clone(Features)

    def output(self):
        return luigi.LocalTarget(self.layout.model(self.model, self.date))

    def run(self):
        steps.train(self.layout, self.date, self.model)


class EvaluateModel(MovieTask):
    """RMSE, MAE, precision@10, recall@10 of one model on the held-out split."""

    model = luigi.ChoiceParameter(choices=MODEL_NAMES, var_type=str)

    def requires(self):
        return self.clone(TrainModel)

    def output(self):
        return luigi.LocalTarget(self.layout.metrics(self.model, self.date))

    def run(self):
        steps.evaluate(self.layout, self.date, self.model)


class Publish(MovieTask):
    """Register the best model as a new version with a model card.

    Versions follow dates: a backfill may evaluate several days at once, but a day is
    published only after the day it builds on (Luigi's way of saying `depends_on_past`).
    """

    def requires(self):
        evaluations = [self.clone(EvaluateModel, model=name) for name in MODEL_NAMES]
        previous = steps.previous_partition(self.layout, self.date)
        return evaluations + ([self.clone(Publish, date=previous)] if previous else [])

    def output(self):
        return luigi.LocalTarget(self.layout.published(self.date))

    def run(self):
        steps.publish(self.layout, self.date)


class Score(MovieTask):
    """Top-10 recommendations per user from the published model."""

    def requires(self):
        return self.clone(Publish)

    def output(self):
        return luigi.LocalTarget(self.layout.recommendations(self.date))

    def run(self):
        steps.score(self.layout, self.date)


class Load(MovieTask):
    """Replace the warehouse's recommendations table in one transaction, in date order, so
    the table always ends with the newest day's recommendations."""

    def requires(self):
        previous = steps.previous_partition(self.layout, self.date)
        return [self.clone(Score)] + ([self.clone(Load, date=previous)] if previous else [])

    def output(self):
        return luigi.LocalTarget(self.layout.load_report(self.date))

    def run(self):
        steps.load(self.layout, self.date)


class MoviePipeline(luigi.WrapperTask):
    """The whole pipeline for one date: ask for this, Luigi works out the rest."""

    date = luigi.DateParameter()
    workdir = luigi.Parameter()

    def requires(self):
        return self.clone(Load)
