"""The docker runtime's pure parts: mounts, environment, runtime choice, image tags, mirror.
(Containers themselves are exercised in tests/integration/test_docker.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.kit import code_image, images, runtimes
from bench.kit.base_image import apt_mirror
from bench.kit.containers import _container_env, _mounts
from bench.kit.errors import BenchError
from bench.kit.home import REPO


def test_mounts_keep_host_paths_and_cover_nested_ones_but_never_the_code(tmp_path: Path) -> None:
    home, run = tmp_path / "home", tmp_path / "home" / "runs" / "r1"
    run.mkdir(parents=True)
    inside = REPO / "reports" / "some-run"  # a run folder inside the repository still mounts
    mounts = _mounts([REPO, home, run, inside])
    assert mounts == {
        str(home): {"bind": str(home), "mode": "rw"},  # the run folder is inside it
        str(inside): {"bind": str(inside), "mode": "rw"},
    }  # the repository is not mounted: the code is in the image (bench.kit.code_image)


def test_code_image_tag_follows_the_code_and_the_dependencies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(images, "local_id", lambda name: "sha256:deps")
    tag = code_image.code_tag("orchestrator-bench/luigi:abc")
    assert tag.startswith("orchestrator-bench/luigi-code:")
    assert code_image.code_tag("orchestrator-bench/luigi:abc") == tag  # deterministic
    assert code_image.code_tag("orchestrator-bench/luigi:def") != tag  # new dependencies
    files = code_image.code_files()
    assert REPO / "pipelines" / "core" / "workloads.py" in files
    assert not any("__pycache__" in p.parts or p.suffix == ".pyc" for p in files)
    assert not any(p.is_relative_to(REPO / "bench") for p in files)  # the harness stays out
    changed = tmp_path / "pipelines"
    changed.mkdir()
    (changed / "x.py").write_text("x = 1\n")
    monkeypatch.setattr(code_image, "REPO", tmp_path)
    assert code_image.code_tag("orchestrator-bench/luigi:abc") != tag  # other code


def test_a_container_gets_what_the_adapter_set_not_the_users_shell(monkeypatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t")
    monkeypatch.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")  # the config says the same
    monkeypatch.setenv("LANG", "C.UTF-8")
    env = _container_env(
        {
            "HOME": "/root",
            "HOSTNAME": "box",
            "PATH": "/opt/venv/bin",
            "X": "1",
            "AWS_SECRET_ACCESS_KEY": "s3cr3t",  # inherited unchanged: the shell's
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "LANG": "C.UTF-8",
        },
        own_prefixes=("AIRFLOW_",),
    )
    assert env == {
        "PATH": "/opt/venv/bin",
        "X": "1",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "LANG": "C.UTF-8",
        "HOME": "/tmp",
    }


def test_runtime_choice_is_scoped_and_checked() -> None:
    assert runtimes.selected() == "local"
    with runtimes.use_runtime("docker"):
        assert runtimes.selected() == "docker"
    assert runtimes.selected() == "local"
    assert runtimes.describe(["luigi"]) == {"name": "local"}
    with pytest.raises(BenchError, match="choose from local, docker"), runtimes.use_runtime("k8s"):
        pass


def test_image_tag_follows_every_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "local_id", lambda name: "")  # no engine needed
    tag = images.image_tag("luigi", "python:3.11-slim")
    assert tag.startswith("orchestrator-bench/luigi:") and len(tag.split(":")[1]) == 12
    assert images.image_tag("luigi", "python:3.11-slim") == tag  # deterministic
    assert images.image_tag("luigi", images.OFFLINE_BASE) != tag  # another base, another image
    monkeypatch.setattr(images, "local_id", lambda name: "sha256:rebuilt")
    assert images.image_tag("luigi", "python:3.11-slim") != tag  # the base was rebuilt


def test_every_implementation_has_a_dockerfile_with_a_base_argument() -> None:
    for impl in ("airflow", "luigi", "baseline"):
        text = images.dockerfile(impl).read_text()
        assert "ARG BASE_IMAGE=python:3.11-slim" in text and "FROM ${BASE_IMAGE}" in text


def test_base_image_prefers_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_BASE_IMAGE", "debian:bookworm")
    assert images.base_image() == "debian:bookworm"


@pytest.mark.parametrize(
    ("name", "text", "mirror"),
    [
        (
            "debian.sources",
            "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n",
            "http://mirror.example/debian",
        ),
        (
            "x.list",
            "deb [arch=amd64] http://m.example/debian bookworm main\n",
            "http://m.example/debian",
        ),
        ("empty.list", "# nothing\n", "http://deb.debian.org/debian"),
    ],
)
def test_apt_mirror_reads_both_source_formats(
    tmp_path: Path, name: str, text: str, mirror: str
) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / name).write_text(text)
    assert apt_mirror(tmp_path) == mirror
