"""Implementation manifests (`pipelines/<name>/pipeline.toml`): found, read, validated.

Everything the generic harness needs to know about an orchestrator comes from here — its
adapter, configs and their reasons, capabilities and faults, colour, and the words the report
uses for it — so no module outside pipelines/<name>/ names one."""

from __future__ import annotations

import importlib
import json
import tomllib
from functools import cache
from pathlib import Path

from bench.kit.errors import BenchError, check_schema
from bench.kit.home import REPO

SCHEMA = Path(__file__).with_name("manifest.schema.json")


PIPELINES = REPO / "pipelines"
FALLBACK_COLOR = "#888888"


def implementations() -> list[str]:
    """Names of every folder under pipelines/ that has a manifest, the reference last."""
    names = sorted(p.parent.name for p in PIPELINES.glob("*/pipeline.toml"))
    return sorted(names, key=lambda n: _declared(n).get("reference", False))


@cache
def _declared(name: str) -> dict:
    """The manifest's raw TOML, for ordering and lookups that must not fail on a manifest
    that `load_manifest` would refuse (that one names the problem when it is used). Read
    once per process, as `load_manifest` is: figures ask for a colour per line drawn."""
    try:
        return tomllib.loads((PIPELINES / name / "pipeline.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def reference_implementation() -> str:
    """The implementation whose results every other must equal: the one whose manifest says
    `reference = true` (a plain-Python run of the core, in this repository)."""
    marked = [n for n in implementations() if load_manifest(n).get("reference")]
    if len(marked) != 1:
        found = ", ".join(marked) or "none"
        raise BenchError(
            f"exactly one pipelines/*/pipeline.toml must say `reference = true` (found: {found})"
        )
    return marked[0]


def color(name: str) -> str:
    """The implementation's colour in every figure (`[report] color`), stable across reports."""
    return _declared(name).get("report", {}).get("color", FALLBACK_COLOR)


def words(name: str, key: str, default: str = "") -> str:
    """How the report describes one aspect of `name` (`[report]` in its manifest: `slots`,
    `backfill`, `recovery`, `native_timings`, `variants`), so generic code names no
    orchestrator."""
    return _declared(name).get("report", {}).get(key, default)


def containers_only(manifest: dict, capability: str) -> bool:
    """Whether the implementation offers `capability` only under --runtime docker (its
    manifest's `containers_only`: a worker fleet that needs a broker, say)."""
    return capability in manifest.get("containers_only", [])


def variant_ran(manifest: dict, chosen: str | None) -> str:
    """The variant a run used: the one chosen with --variant, else the manifest's first
    (its default); "" when the manifest lists none."""
    return chosen or (manifest.get("variants") or [""])[0]


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
