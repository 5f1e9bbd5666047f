"""The code image: an implementation's image plus the pipeline code, what its containers run.

Code reaches containers the way a deployment ships it to worker machines — inside the
image — not through a mount of the host's source tree. A worker container therefore runs
exactly the code its image holds, and a worker whose image lacked it would fail: that is
what the "syncs tasks to workers" row of the report can then claim (a shared source mount
would make any worker pass).

The code is copied to the repository's own path inside the image, so the argv, the
`PYTHONPATH` and the file paths an adapter builds for the local runtime hold in the
container too. The layer is small (the `pipelines/` package) and sits on top of the
dependency image (bench.kit.images), so a code change rebuilds it in seconds and never
reinstalls packages. Tagged by a hash of the dependency image and every copied file.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from bench.kit.docker_engine import IMPL_LABEL, LABEL, engine
from bench.kit.errors import BenchError
from bench.kit.home import REPO

CODE = ("pipelines",)  # what the containers import and read; the harness (bench/) stays out
DOCKERFILE = """\
ARG DEPENDENCIES
FROM ${DEPENDENCIES}
COPY code/ {repo}/
"""


def code_files() -> list[Path]:
    """Every file the code image copies, in a stable order."""
    files = []
    for top in CODE:
        for path in sorted((REPO / top).rglob("*")):
            parts = path.relative_to(REPO).parts
            hidden = any(p == "__pycache__" or p.startswith(".") for p in parts)
            if path.is_file() and not hidden and path.suffix != ".pyc":
                files.append(path)
    return files


def code_tag(dependencies: str) -> str:
    """`orchestrator-bench/<impl>-code:<hash>` of the dependency image and the code."""
    from bench.kit.images import local_id

    name = dependencies.split(":")[0]
    digest = hashlib.sha256((dependencies + local_id(dependencies) + str(REPO)).encode())
    for path in code_files():
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{name}-code:{digest.hexdigest()[:12]}"


def ensure_code_image(impl: str) -> str:
    """The image `impl`'s containers run: its dependency image with the current code."""
    from bench.kit.images import ensure_image, local_id

    dependencies = ensure_image(impl)
    tag = code_tag(dependencies)
    if not local_id(tag):
        _build(impl, dependencies, tag)
    return tag


def _build(impl: str, dependencies: str, tag: str) -> None:
    from docker.errors import APIError, BuildError

    with tempfile.TemporaryDirectory(prefix="bench-code-") as context:
        folder = Path(context)
        (folder / "Dockerfile").write_text(DOCKERFILE.replace("{repo}", str(REPO)))
        for path in code_files():  # exactly what the tag hashed
            target = folder / "code" / path.relative_to(REPO)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        try:
            engine().images.build(
                path=context,
                tag=tag,
                buildargs={"DEPENDENCIES": dependencies},
                labels={LABEL: "image", IMPL_LABEL: impl},
                rm=True,
                pull=False,
            )
        except (APIError, BuildError) as exc:
            raise BenchError(f"building the {impl} code image failed: {exc}") from None
