"""The catalogue scenario's code location: N trivial jobs, deployed into a running stack.

`dagster code-server start -m pipelines.dagster.probe.catalogue` with `BENCH_CATALOGUE=N`:
a team with many pipelines has many jobs in its code locations; this one holds N jobs of
one op each, named catalogue_0000, catalogue_0001, … (pipelines.core.catalogue), built by a
factory as a team generating similar jobs would. The harness adds the location to the
workspace as the deploy probe does. Not part of the movie pipeline.
"""

import os

from dagster import Definitions, JobDefinition, OpExecutionContext, job, op

from pipelines.core.catalogue import COUNT_ENV, pipeline_id, say_deployed
from pipelines.dagster import LABEL_TAG


@op
def hello(context: OpExecutionContext) -> str:
    return say_deployed(context.job_name, context.run.tags.get(LABEL_TAG, ""))


def catalogue_job(name: str) -> JobDefinition:
    @job(name=name)
    def catalogued():
        hello()

    return catalogued


defs = Definitions(jobs=[catalogue_job(pipeline_id(i)) for i in range(int(os.environ[COUNT_ENV]))])
