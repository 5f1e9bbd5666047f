"""
# bench_workload

Synthetic workloads (chains, fan-outs, trees, grids of trivial tasks) as Dagster jobs: one
job per spec file that `$BENCH_WORKLOAD` lists (os.pathsep-separated), named after its
workload (`bench_fanout_8_sleep_0_5`). The harness uses them to measure what Dagster itself
costs: how long an op waits after its upstream finished, how many run at once.

Dagster builds a job's graph when the code loads, so each node is the one `work` op under an
alias (its node name), wired after its upstream nodes with a `Nothing` input. A `map`
workload is dynamic: its `source` op yields one `DynamicOutput` per item it decides on at
run time, `.map()` runs an op per item and `.collect()` joins them. A `flaky` workload (the
retries probe: every op fails its first attempt) gives each op one retry after 1 s; the
others keep Dagster's default of none.
"""

import os

from dagster import (
    DynamicOut,
    DynamicOutput,
    In,
    JobDefinition,
    Nothing,
    OpExecutionContext,
    RetryPolicy,
    job,
    op,
)

from pipelines.core.workloads import FLAKY, JOIN, SOURCE, Workload, mapped_items, run_node
from pipelines.dagster import LABEL_TAG, workload_job_name


def _label(context: OpExecutionContext) -> str:
    """The label the harness launched the run with (its `bench/label` tag)."""
    return context.run.tags.get(LABEL_TAG, "")


def workload_job(spec: str) -> JobDefinition:
    workload = Workload.load(spec)
    name = workload_job_name(workload)
    retry = RetryPolicy(max_retries=1, delay=1) if workload.work == FLAKY else None

    # op names are unique in a code location: each job's ops carry the job's name
    @op(name=f"{name}_work", ins={"after": In(Nothing)}, retry_policy=retry)
    def work(context: OpExecutionContext) -> None:
        run_node(workload, context.op_handle.name, _label(context))  # alias = node name

    if workload.shape == "map":

        @op(name=f"{name}_source", out=DynamicOut(str))
        def source(context: OpExecutionContext):
            """One item per op to fan out to, decided now, at run time."""
            run_node(workload, SOURCE, _label(context))
            for item in mapped_items(spec):
                yield DynamicOutput(item, mapping_key=item)

        @op(name=f"{name}_mapped")
        def mapped(context: OpExecutionContext, item: str) -> None:
            run_node(workload, item, _label(context))

        @job(name=name, tags={"orchestrator-bench": "synthetic"})
        def dynamic():
            work.alias(JOIN)(source.alias(SOURCE)().map(mapped.alias("mapped")).collect())

        return dynamic

    @job(name=name, tags={"orchestrator-bench": "synthetic"})
    def static():
        done = {}
        for node, upstream in workload.upstream.items():
            done[node] = work.alias(node)([done[parent] for parent in upstream])

    return static


def workload_jobs() -> list[JobDefinition]:
    specs = filter(None, os.environ.get("BENCH_WORKLOAD", "").split(os.pathsep))
    return [workload_job(spec) for spec in specs]
