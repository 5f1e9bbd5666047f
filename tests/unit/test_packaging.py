"""pyproject.toml and requirements/*.in describe one environment: the same packages."""

from __future__ import annotations

import re
import tomllib

from bench.kit.home import REPO


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[#]", requirement.strip(), maxsplit=1)[0].lower()


def _listed(path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names |= _listed(path.parent / line[3:].strip())
        elif line:
            names.add(_name(line))
    return names


def test_pyproject_declares_what_the_lock_is_resolved_from():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared |= {_name(r) for r in extra}
    assert declared == _listed(REPO / "requirements" / "bench.in")


def test_the_core_dependencies_come_first_and_alone():
    """Every implementation environment installs requirements/core.in: pyproject's
    dependencies hold it, and the harness's own packages besides, never an extra's."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    core = _listed(REPO / "requirements" / "core.in")
    dependencies = [_name(r) for r in project["dependencies"]]
    assert set(dependencies[: len(core)]) == core
