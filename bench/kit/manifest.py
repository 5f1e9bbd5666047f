"""Implementation manifests (`pipelines/<name>/pipeline.toml`): found, read, validated."""

from __future__ import annotations

import importlib
import json
import tomllib
from functools import cache
from pathlib import Path

from bench.kit.errors import BenchError, check_schema
from bench.kit.home import REPO

SCHEMA = Path(__file__).with_name("manifest.schema.json")


def implementations() -> list[str]:
    """Names of every folder under pipelines/ that has a manifest, baseline last."""
    names = sorted(p.parent.name for p in (REPO / "pipelines").glob("*/pipeline.toml"))
    return sorted(names, key=lambda n: n == "baseline")


@cache
def load_manifest(name: str) -> dict:
    path = REPO / "pipelines" / name / "pipeline.toml"
    if not path.exists():
        known = ", ".join(implementations())
        raise BenchError(f"unknown implementation {name!r}; choose from: {known}")
    try:
        manifest = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise BenchError(f"{path}: not valid TOML ({exc})") from None
    check_schema(manifest, json.loads(SCHEMA.read_text()), path)
    sections = {f"configs.{c}": spec for c, spec in manifest["configs"].items()}
    if "recovery" in manifest:
        sections["recovery"] = manifest["recovery"]
    for where, spec in sections.items():
        unexplained = set(spec["settings"]) - set(spec.get("reasons", {}))
        if unexplained:
            raise BenchError(f"{path}: {where}: give a reason for {', '.join(sorted(unexplained))}")
    if manifest["name"] != name:
        raise BenchError(f"{path}: name is {manifest['name']!r} but the folder is {name!r}")
    return manifest


def adapter_class(name: str) -> type:
    module_name, _, class_name = load_manifest(name)["adapter"].partition(":")
    try:
        return getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise BenchError(
            f"{name}: adapter {load_manifest(name)['adapter']} not found ({exc})"
        ) from None
