"""`python -m pipelines.prefect.probe.serve_catalogue N`: serve N catalogued deployments.

Started by the harness beside a running stack (the catalogue scenario): `serve()` registers
every deployment with the server, then polls the server for due runs of any of them and
runs each in a subprocess, as the stack's own runner does for its flows.
"""

from __future__ import annotations

import sys

from prefect import serve
from prefect.deployments.runner import EntrypointType

from pipelines.core.catalogue import pipeline_id
from pipelines.prefect.probe.catalogue import catalogue


def main(count: int) -> None:
    serve(
        *(
            catalogue.to_deployment(
                pipeline_id(index),
                parameters={"name": pipeline_id(index)},
                entrypoint_type=EntrypointType.MODULE_PATH,  # imported by its module path
            )
            for index in range(count)
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
