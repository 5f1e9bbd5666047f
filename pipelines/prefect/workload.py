"""A synthetic workload as a Prefect 3 flow: one task run per node of the spec file.

Each node is submitted to the task runner with `wait_for=` its upstream nodes' futures, so
Prefect starts it once they have finished. A `flaky` workload (the retries probe: every task
fails its first attempt) gives each task one retry; the others keep Prefect's default of none. The nodes come in a valid execution order
(`Workload.upstream`), so every upstream future exists before it is waited for.

    prefect deployment run bench_workload/workload --param spec=run/workload.json --param label=r1
"""

from __future__ import annotations

from prefect import flow, task, unmapped
from prefect.futures import PrefectFuture, wait

from pipelines.core.workloads import FLAKY, JOIN, SOURCE, Workload, mapped_items, run_node
from pipelines.prefect.runners import task_runner


@task(task_run_name="{node}")
def workload_node(spec: str, node: str, label: str = "") -> None:
    """Run one node between its start and end events (the work itself lives in the core);
    `label` names the flow run's measurement in those events."""
    run_node(Workload.load(spec), node, label)


@task(task_run_name="source")
def workload_source(spec: str, label: str = "") -> list[str]:
    """A `map` workload's source: one item per task to fan out to, decided at run time."""
    run_node(Workload.load(spec), SOURCE, label)
    return mapped_items(spec)


@flow(name="bench_workload", task_runner=task_runner())
def bench_workload(spec: str, label: str) -> None:
    """Every node of the workload at `spec`; `label` names the measurement."""
    workload = Workload.load(spec)
    if workload.shape == "map":  # dynamic fan-out: .map() over the source's result
        items = workload_source(spec, label)
        mapped = workload_node.map(unmapped(spec), items, unmapped(label))
        workload_node(spec, JOIN, label, wait_for=mapped)
        return
    node_task = workload_node.with_options(retries=1) if workload.work == FLAKY else workload_node
    futures: dict[str, PrefectFuture] = {}
    for node, upstream in workload.upstream.items():
        futures[node] = node_task.submit(
            spec, node, label, wait_for=[futures[parent] for parent in upstream]
        )
    done = wait(list(futures.values()))
    failed = [f for f in done.done if f.state.is_failed()]
    if failed or done.not_done:
        raise RuntimeError(f"{len(failed)} nodes failed, {len(done.not_done)} never ran")
