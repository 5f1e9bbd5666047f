"""`bench new NAME` writes a folder that passes the schema and explains what is left;
`bench verify NAME` refuses, naming each missing piece, until nothing is."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from bench.cli.compare import _ready_ones
from bench.kit.errors import BenchError, check_schema
from bench.kit.home import REPO
from bench.kit.manifest import SCHEMA, implementations
from bench.scaffold import new_implementation, remove_implementation, todo_items

BENCH = Path(sys.executable).with_name("bench")


@pytest.fixture
def pipelines(tmp_path: Path) -> Path:
    (tmp_path / "baseline").mkdir()
    shutil.copy(REPO / "pipelines" / "baseline" / "requirements.lock", tmp_path / "baseline")
    return tmp_path


def test_new_writes_every_piece_of_the_contract(pipelines: Path) -> None:
    folder = new_implementation("my_flow", pipelines)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "Dockerfile",
        "README.md",
        "__init__.py",
        "adapter.py",
        "flow.py",
        "pipeline.toml",
        "requirements.in",
        "requirements.lock",
        "test_my_flow.py",
    ]
    manifest = tomllib.loads((folder / "pipeline.toml").read_text())
    check_schema(manifest, json.loads(SCHEMA.read_text()), folder / "pipeline.toml")
    assert manifest["adapter"] == "pipelines.my_flow.adapter:MyFlowAdapter"
    for path in folder.iterdir():
        text = path.read_text()
        assert "$name" not in text and "${cls}" not in text and "$module" not in text, path
        if path.suffix == ".py":
            compile(text, str(path), "exec")  # valid Python from the first minute
    assert "ARG BASE_IMAGE=python:3.11-slim" in (folder / "Dockerfile").read_text()


def test_what_is_left_is_listed_by_file_and_line(pipelines: Path) -> None:
    new_implementation("demo", pipelines)
    items = todo_items("demo", pipelines)
    files = {item.split(":")[0] for item in items}
    assert {
        "adapter.py",
        "flow.py",
        "pipeline.toml",
        "requirements.in",
        "requirements.lock",
    } <= files
    assert any("submit" in item for item in items)


@pytest.mark.parametrize("name", ["Demo", "1demo", "my-flow", ""])
def test_names_that_cannot_be_python_packages_are_refused(pipelines: Path, name: str) -> None:
    with pytest.raises(BenchError, match="lower-case letters"):
        new_implementation(name, pipelines)


def test_an_existing_folder_is_never_overwritten(pipelines: Path) -> None:
    with pytest.raises(BenchError, match="exists already"):
        new_implementation("baseline", pipelines)


def test_bench_new_then_verify_names_what_is_missing() -> None:
    name = "scaffold_check"
    narrow = {**os.environ, "COLUMNS": "40"}  # CI checkouts have long paths: lines must not wrap
    try:
        made = subprocess.run([str(BENCH), "new", name], capture_output=True, text=True, env=narrow)
        assert made.returncode == 0, made.stderr
        assert "adapter.py" in made.stdout and f"`bench verify {name}`" in made.stdout
        checked = subprocess.run(
            [str(BENCH), "verify", name], capture_output=True, text=True, env=narrow
        )
        assert checked.returncode == 1
        message = checked.stderr.strip()
        assert len(message.splitlines()) == 1, message  # one line, no traceback
        assert f"{name} is not ready to verify" in message
        assert "adapter.py" in message and "submit" in message
    finally:
        remove_implementation(name)


def test_verify_finds_where_manifest_and_adapter_disagree(monkeypatch) -> None:
    from bench.kit import Adapter
    from bench.kit import manifest as manifests
    from bench.scaffold import contract_mismatches

    class Half(Adapter[str]):
        name = "half"

        def submit(self, date):
            return "run"

        def wait(self, handle, timeout):
            return None

        def backfill(self, first, last):
            return "runs"

    declared = {"capabilities": ["web-ui"], "faults": ["worker"]}
    monkeypatch.setattr(manifests, "load_manifest", lambda name: declared)
    monkeypatch.setattr(manifests, "adapter_class", lambda name: Half)
    problems = contract_mismatches("half")
    assert problems == [
        "pipeline.toml declares capabilities 'web-ui' but the adapter has no dashboard_url()",
        "pipeline.toml declares faults 'worker' but the adapter has no kill, recover()",
        "the adapter has backfill() but pipeline.toml does not declare capabilities 'backfill'",
    ]


def test_every_implementation_keeps_its_manifest_and_adapter_in_step() -> None:
    from bench.kit.manifest import implementations
    from bench.scaffold import contract_mismatches

    for name in implementations():
        assert contract_mismatches(name) == [], name


def test_compare_skips_an_unfinished_implementation_nobody_named(capsys) -> None:
    name = "scaffold_skip"
    new_implementation(name)
    try:
        chosen = _ready_ones("quick")  # every finished implementation is in quick
        assert name in implementations() and name not in chosen
        assert set(chosen) == set(implementations()) - {name}
        warning = capsys.readouterr().out
        assert f"skipping {name}" in warning and "not ready to verify" in warning
    finally:
        remove_implementation(name)


def test_compare_skips_an_implementation_its_manifest_keeps_out_of_the_profile(
    capsys, monkeypatch
) -> None:
    from bench.kit import manifest

    real = manifest.load_manifest
    first = implementations()[0]
    monkeypatch.setattr(
        manifest,
        "load_manifest",
        lambda name: {**real(name), "profiles": ["full"]} if name == first else real(name),
    )
    assert first not in _ready_ones("standard") and first in _ready_ones("full")
    warning = capsys.readouterr().out
    assert f"skipping {first}: not in the standard profile" in warning
    assert f"--impl {first}" in warning
