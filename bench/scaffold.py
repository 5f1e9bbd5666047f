"""`bench new NAME`: the contributor path starts from a folder that explains itself.

It writes `pipelines/NAME/` from `bench/templates/implementation/`: a manifest that passes
the schema, an adapter and a pipeline file to fill in, a Dockerfile, a README with the
steps, an integration test, and a lock file holding only the shared core (so the
environment builds at once). Every place that still needs the contributor carries a
`BENCH-TODO` line; `ready()` lists them, and `bench verify` refuses to run anything, with
that list, until none is left — a half-written implementation is never timed.
"""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path

from bench.kit.errors import BenchError
from bench.kit.home import REPO

TEMPLATES = Path(__file__).with_name("templates") / "implementation"
MARKER = "BENCH-TODO"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def new_implementation(name: str, pipelines: Path = REPO / "pipelines") -> Path:
    if not NAME.match(name):
        raise BenchError(
            f"{name!r} cannot name an implementation: use lower-case letters, digits and "
            "underscores, starting with a letter (it becomes a Python package), e.g. my_flow"
        )
    folder = pipelines / name
    if folder.exists():
        raise BenchError(f"{folder} exists already; pick another name or delete it")
    names = {
        "name": name,
        "module": name,
        "cls": "".join(part.capitalize() for part in name.split("_")),
        "title": name.replace("_", " ").title(),
    }
    folder.mkdir(parents=True)
    for template in sorted(TEMPLATES.glob("*.tmpl")):
        target = template.name.removesuffix(".tmpl").replace("implementation", name)
        text = string.Template(template.read_text()).safe_substitute(names)
        (folder / target).write_text(text)
    (folder / "__init__.py").write_text("")
    core_only = (pipelines / "baseline" / "requirements.lock").read_text()
    (folder / "requirements.lock").write_text(
        f"# {MARKER}: only the shared core so far; add the orchestrator to requirements.in "
        f"and run `make lock`\n{core_only}"
    )
    return folder


def todo_items(name: str, pipelines: Path = REPO / "pipelines") -> list[str]:
    """Every `BENCH-TODO` left in the implementation's folder, as `file:line: what`."""
    folder = pipelines / name
    items = []
    for path in sorted(
        p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        try:
            lines = path.read_text().splitlines()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(lines, 1):
            if MARKER in line:
                what = line.split(MARKER, 1)[1].lstrip(": ").strip()
                items.append(f"{path.relative_to(folder)}:{number}: {what}")
    return items


def ready(name: str) -> None:
    """Raise with the list of what is missing unless `name` can be verified."""
    from bench.kit.manifest import load_manifest

    folder = REPO / "pipelines" / name
    manifest = load_manifest(name)  # the schema and the name, or a one-line error
    missing = [
        f"{file} is missing"
        for file in (manifest["pipeline"], manifest["lock"], "Dockerfile")
        if not (folder / file).exists()
    ]
    missing += todo_items(name)
    missing += contract_mismatches(name)
    if missing:
        shown = "; ".join(missing[:6]) + (
            f"; and {len(missing) - 6} more" if len(missing) > 6 else ""
        )
        raise BenchError(
            f"{name} is not ready to verify ({len(missing)} to do, see pipelines/{name}/README.md): {shown}"
        )


# what a manifest may declare → the adapter methods that make it true
DECLARED_BY = {
    "capabilities": {
        "web-ui": ("dashboard_url",),
        "backfill": ("backfill",),
    },
    "faults": {
        fault: ("kill", "recover") for fault in ("worker", "scheduler", "restart", "database")
    },
}


def contract_mismatches(name: str) -> list[str]:
    """Where the manifest and the adapter disagree: a declared capability or fault whose
    methods the adapter does not override (the report would probe it and fail), or an
    overridden method whose capability the manifest does not declare (the report would
    never probe it). Empty when they agree."""
    from bench.kit.adapter import Adapter
    from bench.kit.manifest import adapter_class, load_manifest

    manifest, adapter = load_manifest(name), adapter_class(name)

    def overrides(method: str) -> bool:
        return getattr(adapter, method) is not getattr(Adapter, method)

    problems = []
    for section, table in DECLARED_BY.items():
        declared = set(manifest.get(section, []))
        for item, methods in table.items():
            absent = [m for m in methods if not overrides(m)]
            if item in declared and absent:
                problems.append(
                    f"pipeline.toml declares {section} {item!r} but the adapter has no "
                    f"{', '.join(absent)}()"
                )
    for capability, methods in DECLARED_BY["capabilities"].items():
        if capability not in manifest["capabilities"] and all(overrides(m) for m in methods):
            problems.append(
                f"the adapter has {', '.join(methods)}() but pipeline.toml does not declare "
                f"capabilities {capability!r}"
            )
    return problems


def remove_implementation(name: str, pipelines: Path = REPO / "pipelines") -> None:
    """Undo `new_implementation` (tests use it to leave the repository as they found it)."""
    shutil.rmtree(pipelines / name, ignore_errors=True)
