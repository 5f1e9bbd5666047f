"""`python -m pipelines.prefect.serve`: the process that runs this implementation's flows.

`serve()` registers one deployment per flow with the Prefect server, then polls the server
for flow runs that are due (every `PREFECT_RUNNER_POLL_FREQUENCY` seconds, 10 by default)
and runs each in a subprocess of its own. It is Prefect's smallest production set-up: a
server (API, UI, database) and this long-running runner — no work pool, no worker.
"""

from __future__ import annotations

from prefect import serve
from prefect.deployments.runner import EntrypointType

from pipelines.prefect import DEPLOYMENTS
from pipelines.prefect.flow import movie_pipeline
from pipelines.prefect.workload import bench_workload


def main() -> None:
    serve(
        *(
            flow.to_deployment(
                name=DEPLOYMENTS[flow.name],
                # the subprocess imports the flow by module path: it works from any folder
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
            for flow in (movie_pipeline, bench_workload)
        )
    )


if __name__ == "__main__":
    main()
