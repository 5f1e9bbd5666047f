"""`python -m pipelines.prefect.probe`: serve the deploy probe's new flow (new_pipeline.py).

Served by its module path, as serve.py serves the others, so the runner's subprocess
imports it from any folder.
"""

from prefect import serve
from prefect.deployments.runner import EntrypointType

from pipelines.prefect.probe.new_pipeline import new_pipeline

if __name__ == "__main__":
    serve(new_pipeline.to_deployment("new", entrypoint_type=EntrypointType.MODULE_PATH))
