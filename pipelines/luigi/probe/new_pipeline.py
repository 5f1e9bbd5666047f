"""A pipeline deployed while luigid is already running.

Luigi has nothing to find: a task exists when a worker command names its module, so the
harness copies this file next to the worker and runs it at once. The probe for "finds
newly deployed tasks"; not part of the movie pipeline.
"""

from __future__ import annotations

from pathlib import Path

import luigi

from pipelines.core.instrument import task_events


class NewPipeline(luigi.Task):
    workdir = luigi.Parameter()

    def output(self):
        return luigi.LocalTarget(Path(self.workdir) / "new_pipeline.done")

    def run(self):
        with task_events("new_pipeline"), self.output().open("w") as out:
            out.write("deployed\n")
