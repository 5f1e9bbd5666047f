"""The implementation contract: manifests validate; verify spots any difference."""

from __future__ import annotations

import json

import pytest

from bench.kit import manifest
from bench.kit.errors import BenchError
from bench.kit.home import REPO
from bench.measure.fingerprint import compare
from bench.measure.plan import PROFILES


def test_every_implementation_has_a_valid_manifest_and_adapter():
    names = manifest.implementations()
    assert names[-1] == "baseline" and {"airflow", "luigi"} <= set(names)
    for name in names:
        m = manifest.load_manifest(name)
        assert m["name"] == name
        assert manifest.adapter_class(name).name == name


def test_the_schemas_know_every_profile_and_only_those():
    """A manifest's `profiles` (its own and its configs') and a results file's profile are
    the plan's profile names: a profile a schema did not know refused the manifest that
    named it, and a finished compare's results."""
    schema = json.loads(manifest.SCHEMA.read_text())
    config = schema["properties"]["configs"]["additionalProperties"]["properties"]
    for profiles in (schema["properties"]["profiles"], config["profiles"]):
        assert profiles["items"]["enum"] == list(PROFILES)
    results = json.loads((REPO / "bench" / "results.schema.json").read_text())
    assert results["properties"]["profile"]["enum"] == list(PROFILES)


def test_a_broken_manifest_names_the_field(tmp_path, monkeypatch):
    (tmp_path / "pipelines" / "broken").mkdir(parents=True)
    (tmp_path / "pipelines" / "broken" / "pipeline.toml").write_text(
        'name = "broken"\nvariants = []\n'
    )
    monkeypatch.setattr(manifest, "REPO", tmp_path)
    manifest.load_manifest.cache_clear()
    with pytest.raises(
        BenchError, match=r"pipeline.toml: top level: 'title' is a required property"
    ):
        manifest.load_manifest("broken")
    manifest.load_manifest.cache_clear()


def test_unknown_implementation_lists_the_known_ones():
    with pytest.raises(BenchError, match="choose from: airflow, dagster, luigi, prefect, baseline"):
        manifest.load_manifest("kestra")


def test_compare_reports_changed_missing_and_extra_checks():
    reference = {"a": "1", "b": "2", "c": "3"}
    found = {"a": "1", "b": "20", "d": "4"}
    diffs = {d.check: (d.expected, d.found) for d in compare(reference, found)}
    assert diffs == {"b": ("2", "20"), "c": ("3", "(missing)"), "d": ("(missing)", "4")}
    assert compare(reference, dict(reference)) == []


def test_the_harness_names_no_orchestrator():
    """What differs between orchestrators comes from their folders and manifests: bench/
    (outside the contributor templates, which point to examples) names none of them."""
    import re

    from bench.kit.home import REPO
    from bench.kit.manifest import implementations, load_manifest

    names = [n for n in implementations() if not load_manifest(n).get("reference")]
    packages = [load_manifest(n)["orchestrator"]["package"] for n in names]
    pattern = re.compile("|".join(re.escape(w) for w in names + packages), re.IGNORECASE)
    hits = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in sorted((REPO / "bench").rglob("*"))
        if path.is_file() and "templates" not in path.parts and path.suffix != ".pyc"
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == []


def test_a_config_that_lists_profiles_is_measured_only_there_unless_named():
    from bench.compare import configs_of

    assert configs_of("prefect", [], "standard") == ["default", "tuned"]
    assert configs_of("prefect", [], "full") == ["default", "tuned", "processes"]
    assert configs_of("prefect", ["processes"], "standard") == ["processes"]
    assert configs_of("baseline", [], "quick") == ["default", "processes"]
