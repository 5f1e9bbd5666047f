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
            "underscores, starting with a letter (it becomes a Python package), e.g. prefect"
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
    if missing:
        shown = "; ".join(missing[:6]) + (
            f"; and {len(missing) - 6} more" if len(missing) > 6 else ""
        )
        raise BenchError(
            f"{name} is not ready to verify ({len(missing)} to do, see pipelines/{name}/README.md): {shown}"
        )


def remove_implementation(name: str, pipelines: Path = REPO / "pipelines") -> None:
    """Undo `new_implementation` (tests use it to leave the repository as they found it)."""
    shutil.rmtree(pipelines / name, ignore_errors=True)
