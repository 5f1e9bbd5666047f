"""The container images, built through the Docker SDK: one per implementation, and the
service images a topology needs (`bench/services/<name>/Dockerfile`: PostgreSQL, Redis).

`pipelines/<impl>/Dockerfile` installs the implementation's lock file into /opt/venv on top
of `BASE_IMAGE`; the code goes into a thin image on top (bench.kit.code_image), so editing a
DAG or a task never reinstalls packages. The tag is a hash of everything the build reads —
Dockerfile, lock file, the base image's id, the uv that installs — so an image is rebuilt
exactly when one of those changes, and `bench images prune` removes the superseded ones.

Base image: `$BENCH_BASE_IMAGE` if set; otherwise the offline base if it was built here
(`bench images base --offline`, bench.kit.base_image); otherwise `python:3.11-slim` from the
registry, which is what a developer laptop uses.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.kit.docker_engine import IMPL_LABEL, LABEL, engine
from bench.kit.errors import BenchError
from bench.kit.home import REPO

REGISTRY_BASE = "python:3.11-slim"
OFFLINE_BASE = "orchestrator-bench/base:bookworm"
CA_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")


def base_image() -> str:
    chosen = os.environ.get("BENCH_BASE_IMAGE")
    if chosen:
        return chosen
    return OFFLINE_BASE if local_id(OFFLINE_BASE) else REGISTRY_BASE


def local_id(name: str) -> str:
    from docker.errors import ImageNotFound

    try:
        return engine().images.get(name).id
    except ImageNotFound:
        return ""


SERVICES = Path(__file__).resolve().parents[1] / "services"


def is_service(name: str) -> bool:
    return (SERVICES / name / "Dockerfile").exists()


def dockerfile(name: str) -> Path:
    path = (SERVICES if is_service(name) else REPO / "pipelines") / name / "Dockerfile"
    if not path.exists():
        raise BenchError(f"{path} is missing: every implementation needs one for --runtime docker")
    return path


def _inputs(name: str) -> dict[str, Path]:
    """The build context besides the Dockerfile: an implementation's image installs its
    lock file with uv and must trust what the host trusts; a service image only needs apt."""
    if is_service(name):
        return {}
    return {
        "requirements.lock": REPO / "pipelines" / name / "requirements.lock",
        "uv": Path(_uv_binary()),
        "ca.crt": Path(_ca_bundle()),
    }


def image_tag(name: str, base: str | None = None) -> str:
    """`orchestrator-bench/<name>:<hash of the build's inputs>`."""
    base = base or base_image()
    digest = hashlib.sha256()
    parts = [dockerfile(name).read_bytes(), (base + local_id(base)).encode()]
    if not is_service(name):
        parts += [_inputs(name)["requirements.lock"].read_bytes(), _uv_version().encode()]
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return f"orchestrator-bench/{name}:{digest.hexdigest()[:12]}"


def ensure_image(impl: str, on_line: Callable[[str], None] = lambda _: None) -> str:
    """The current image of `impl`, built first if it does not exist yet."""
    tag = image_tag(impl)
    if not local_id(tag):
        build(impl, on_line)
    engine().images.get(tag).tag(tag.split(":")[0], "latest")  # what the compose files use
    return tag


def build(impl: str, on_line: Callable[[str], None] = lambda _: None) -> str:
    """Build the image from a small context (Dockerfile, lock, uv, CA bundle). The build
    uses the host's network, and the CA bundle lets pip/uv trust a proxy the host trusts."""
    from docker.errors import APIError

    base = base_image()
    tag = image_tag(impl, base)
    with tempfile.TemporaryDirectory(prefix="bench-image-") as context:
        folder = Path(context)
        shutil.copy(dockerfile(impl), folder / "Dockerfile")
        for target, source in _inputs(impl).items():
            shutil.copy(source, folder / target)
        lines: list[str] = []
        try:
            for chunk in engine().api.build(
                path=context,
                tag=tag,
                buildargs={"BASE_IMAGE": base},
                network_mode="host",
                labels={LABEL: "image", IMPL_LABEL: impl},
                rm=True,
                forcerm=True,
                pull=False,
                decode=True,
            ):
                if chunk.get("error"):
                    tail = " | ".join(lines[-3:])
                    raise BenchError(
                        f"building the {impl} image failed: {chunk['error'].strip()} ({tail})"
                    )
                line = chunk.get("stream", "").strip()
                if line:
                    lines.append(line)
                    on_line(line)
        except APIError as exc:
            missing = "pull" in str(exc) or "not found" in str(exc)
            hint = " (no registry? run `bench images base --offline` first)" if missing else ""
            raise BenchError(f"building the {impl} image failed: {exc.explanation}{hint}") from None
    if not local_id(tag):
        raise BenchError(
            f"building the {impl} image ended without an image ({' | '.join(lines[-3:])})"
        )
    return tag


def list_images() -> list[dict]:
    """Our images: tag, implementation, size, and whether it is the current one."""
    current = {}
    out = []
    for image in engine().images.list(filters={"label": LABEL}):
        impl = image.labels.get(IMPL_LABEL, "")
        if impl and impl not in current:
            current[impl] = _current_tags(impl)
        for tag in image.tags or ["<untagged>"]:
            out.append(
                {
                    "tag": tag,
                    "impl": impl or "base",
                    "size_mb": round(image.attrs.get("Size", 0) / 1e6),
                    "current": tag in current.get(impl, ()) or tag == OFFLINE_BASE,
                }
            )
    return sorted(out, key=lambda i: (i["impl"], i["tag"]))


def _current_tags(impl: str) -> tuple[str, ...]:
    """The dependency image and the code image that match today's inputs."""
    from bench.kit.code_image import code_tag

    try:
        dependencies = image_tag(impl)
    except BenchError:
        return ()
    return (dependencies,) if is_service(impl) else (dependencies, code_tag(dependencies))


def prune() -> list[str]:
    """Remove our images that no longer match their inputs (kept: current ones, the base)."""
    removed = []
    for image in list_images():
        if not image["current"]:
            engine().images.remove(image["tag"], force=True)
            removed.append(image["tag"])
    return removed


def _uv_binary() -> str:
    from uv import find_uv_bin

    return find_uv_bin()


def _uv_version() -> str:
    from importlib.metadata import version

    return version("uv")


def _ca_bundle() -> str:
    found = next((p for p in CA_BUNDLES if Path(p).exists()), None)
    if found:
        return found
    import certifi

    return certifi.where()
