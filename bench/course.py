"""The published course (docs/tutorials/): every tutorial executed with its defaults on
real orchestrators — the exercises blank, as a student first sees them — and committed, so
a reader follows it without running anything: the executed notebook (GitHub shows it with
its outputs), one self-contained HTML page per lesson (figures embedded) and an index of
each lesson's outcomes, time, prerequisites and how long it ran.

"Current" means rendered from today's sources: `stale` compares every committed notebook's
cells with its source, re-renders each page and the index from the committed notebooks and
compares them byte for byte, and names the command that fixes each difference. Execution
is not repeated there (it takes real orchestrators minutes, and its numbers vary run to
run); the integration tests execute every notebook instead.
"""

from __future__ import annotations

import os
import platform
import re
import time
from dataclasses import dataclass
from pathlib import Path

from bench.kit.home import REPO
from bench.tutorials import execute, html, notebook, sources, write_html

COURSE = REPO / "docs" / "tutorials"
TEMPLATES = Path(__file__).parent / "templates" / "course"


@dataclass
class Lesson:
    """One lesson as the index lists it: from its first Markdown cell and its run."""

    stem: str
    title: str
    outcomes: str  # "You will: …"
    time: str  # the time it says a student needs
    prerequisites: str
    seconds: int  # how long its cells took to execute when it was rendered
    rendered: str  # the date (UTC) and the machine it ran on


def _said(text: str, label: str) -> str:
    """The text after `**label:**` up to the next bold label or paragraph."""
    found = re.search(rf"\*\*{label}:\*\*(.*?)(?=\*\*[A-Z][a-z ]+:\*\*|\n\n|\Z)", text, re.S)
    return " ".join(found.group(1).split()) if found else ""


def lesson(nb, stem: str) -> Lesson:
    head = nb.cells[0].source
    run = nb.metadata.get("bench", {})
    return Lesson(
        stem=stem,
        title=head.splitlines()[0].lstrip("# ").strip(),
        outcomes=_said(head, "You will"),
        time=_said(head, "Time"),
        prerequisites=_said(head, "Prerequisites"),
        seconds=run.get("seconds", 0),
        rendered=run.get("rendered", ""),
    )


def publish(source: Path, out: Path = COURSE) -> tuple[Path, float]:
    """Execute one lesson with its defaults and write its notebook and page into `out`."""
    import nbformat

    nb, seconds = execute(source)
    nb.metadata["bench"] = {
        "seconds": round(seconds),
        "rendered": f"{time.strftime('%Y-%m-%d', time.gmtime())}, {_machine()}",
    }
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / f"{source.stem}.ipynb")
    return write_html(nb, source, out), seconds


def _machine() -> str:
    return f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}"


def lessons(out: Path = COURSE) -> list[Lesson]:
    import nbformat

    return [lesson(nbformat.read(path, as_version=4), path.stem) for path in _rendered(out)]


def _rendered(out: Path) -> list[Path]:
    return sorted(out.glob("[0-9][0-9]_*.ipynb"))


def index(out: Path = COURSE) -> list[Path]:
    """Every page, `index.html` and `README.md` (what GitHub shows for the folder) from
    the committed notebooks, without executing anything."""
    import nbformat

    written = [write_html(nbformat.read(path, as_version=4), path, out) for path in _rendered(out)]
    for name, text in _indexes(lessons(out)).items():
        (out / name).write_text(text)
        written.append(out / name)
    return written


def _indexes(listed: list[Lesson]) -> dict[str, str]:
    import jinja2
    from markdown_it import MarkdownIt

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = MarkdownIt().renderInline
    total = sum(item.seconds for item in listed)
    return {
        name: env.get_template(f"{name}.j2").render(lessons=listed, total=total)
        for name in ("index.html", "README.md")
    }


def stale(out: Path = COURSE) -> list[str]:
    """What in `out` is not what today's sources render to, each with its fix."""
    import nbformat

    fix = "run `bench tutorials render {}` (real orchestrators: minutes)"
    found = []
    for source in sources():
        path = out / f"{source.stem}.ipynb"
        if not path.exists():
            found.append(f"{_shown(path)} is missing: " + fix.format(source.stem[:2]))
            continue
        nb = nbformat.read(path, as_version=4)
        if _cells(nb) != _cells(notebook(source)):
            found.append(
                f"{_shown(path)} was rendered from an older {source.name}: "
                + fix.format(source.stem[:2])
            )
        elif _text(out / f"{source.stem}.html") != html(nb, source.stem):
            found.append(
                f"{source.stem}.html is not its notebook's page: run `bench tutorials index`"
            )
    known = {source.stem for source in sources()}
    found += [
        f"{_shown(path)} has no source in tutorials/: delete it"
        for path in _rendered(out)
        if path.stem not in known
    ]
    for name, text in _indexes(lessons(out)).items():
        if _text(out / name) != text:
            found.append(f"{_shown(out / name)} is not current: run `bench tutorials index`")
    return found


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _cells(nb) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def _text(path: Path) -> str:
    return path.read_text() if path.exists() else ""
