"""Small helpers the tutorial notebooks share, so a notebook shows the tested code itself
(never a pasted copy) and draws the pipeline from the graph every implementation is
checked against."""

from __future__ import annotations

import inspect
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.kit.home import REPO
from pipelines.core.graph import pipeline_steps
from pipelines.core.instrument import read_events


def source(target, start: str | None = None, end: str | None = None) -> str:
    """The source of a function or class, or of a repository file (from the first line
    that starts with `start` up to the line before the next one that starts with `end`),
    as a Markdown code block."""
    if isinstance(target, str | Path):
        path = REPO / target
        lines = path.read_text().splitlines()
        first = next((i for i, line in enumerate(lines) if start and line.startswith(start)), 0)
        last = next(
            (i for i, ln in enumerate(lines) if end and i > first and ln.startswith(end)),
            len(lines),
        )
        text, where = "\n".join(lines[first:last]).rstrip(), f"{target}, line {first + 1}"
    else:
        text = inspect.getsource(target).rstrip()
        where = f"{inspect.getsourcefile(target).removeprefix(str(REPO) + '/')}"
    language = "toml" if str(target).endswith(".toml") else "python"
    return f"*{where}*\n\n```{language}\n{text}\n```"


def pipeline_diagram(path: Path | None = None):
    """The movie pipeline as a left-to-right graph, laid out by depth."""
    steps = pipeline_steps()
    depth: dict[str, int] = {}
    for step in steps:  # pipeline_steps() is in a valid execution order
        depth[step.name] = 1 + max((depth[u] for u in step.upstream), default=-1)
    rows: dict[int, list[str]] = {}
    for name, d in depth.items():
        rows.setdefault(d, []).append(name)
    where = {
        name: (d, (len(names) - 1) / 2 - i)
        for d, names in rows.items()
        for i, name in enumerate(names)
    }
    fig, ax = plt.subplots(figsize=(13, 2.6))
    for step in steps:
        for up in step.upstream:
            (x0, y0), (x1, y1) = where[up], where[step.name]
            ax.annotate(
                "",
                xy=(x1 - 0.38, y1),
                xytext=(x0 + 0.38, y0),
                arrowprops={"arrowstyle": "->", "color": "#777777"},
            )
    for name, (x, y) in where.items():
        ax.text(
            x,
            y,
            name.replace("_", "\n", 1) if len(name) > 10 else name,
            ha="center",
            va="center",
            fontsize=8,
            bbox={"boxstyle": "round", "facecolor": "#e8f0fe", "edgecolor": "#4a72b0"},
        )
    ax.set_xlim(-0.6, max(depth.values()) + 0.6)
    ax.set_ylim(-1.2, 1.2)
    ax.axis("off")
    ax.set_title(
        "The movie pipeline (pipelines/core/graph.py): every implementation runs this graph"
    )
    if path:
        fig.savefig(path, dpi=110, bbox_inches="tight")
    return fig


def started_tasks(event_log: Path, since: int = 0) -> list[str]:
    """Task ids that started, in order, among the events after the first `since` lines."""
    if not Path(event_log).exists():
        return []
    events = read_events(event_log)[since:]
    return [e["task_id"] for e in events if e["event"] == "start"]


def event_count(event_log: Path) -> int:
    return len(read_events(event_log)) if Path(event_log).exists() else 0
