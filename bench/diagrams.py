"""The tutorials' figures, drawn from what the code declares rather than by hand: the
pipeline from the graph every implementation is checked against, and each orchestrator's
architecture from the `[architecture]` table of its manifest (what runs, where state
lives, what a kill loses). Each returns a PNG `Image`, so it shows inline in a notebook
and embeds in its rendered HTML; drawn on a matplotlib `Figure`, never pyplot, so a
notebook's backend stays its own."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

from bench.kit.manifest import load_manifest
from pipelines.core.graph import pipeline_steps


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
    from matplotlib.figure import Figure  # no pyplot: the notebook's backend stays its own

    fig = Figure(figsize=(13, 2.6))
    ax = fig.subplots()
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
    return _image(fig)


def _image(fig):
    """A figure as a PNG the notebook shows inline and its HTML embeds (a Figure made
    without pyplot has no inline display of its own)."""
    from IPython.display import Image

    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=110, bbox_inches="tight")
    return Image(data=png.getvalue(), format="png")


COLUMNS = {"interface": 0, "control": 1, "execution": 2}  # `state` parts: the bottom row
HEADINGS = ("you and the UI", "control", "execution")
BOX_W, BOX_H = 0.72, 0.8  # in the grid's units (a column is 1 wide, a row 1 high): the
# gaps between columns carry the arrows that must pass a box


def architecture_diagram(impl: str, path: Path | None = None):
    """`impl`'s processes in three columns (interface, control, execution) above the
    places its state lives, with what flows between them and, in red, what a kill of
    each loses — from the `[architecture]` table of its pipeline.toml."""
    manifest = load_manifest(impl)
    drawn = manifest.get("architecture")
    if not drawn:
        raise ValueError(f"pipelines/{impl}/pipeline.toml has no [architecture] table")
    where = _architecture_layout(drawn["parts"], drawn.get("links", []))
    bottom = min(y for _, y in where.values())
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 1.45 * (1.4 - bottom)))
    ax = fig.subplots()
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.93)
    for x, heading in enumerate(HEADINGS):
        ax.text(x, 0.78, heading, ha="center", fontsize=9, color="#777777", style="italic")
    for part in drawn["parts"]:
        _box(ax, part, where[part["name"]])
    labels: list[tuple[float, float]] = []
    for link in drawn.get("links", []):
        ends = (where[link["from"]], where[link["to"]])
        others = [at for at in where.values() if at not in ends]
        _arrow(ax, *ends, link["says"], others, labels)
    ax.set_xlim(-0.6, 2.5)
    ax.set_ylim(bottom - 0.5, 0.9)
    ax.axis("off")
    ax.set_title(f"{manifest['title']}: what runs, where state lives, what a kill loses")
    if path:
        fig.savefig(path, dpi=110, bbox_inches="tight")
    return _image(fig)


def _architecture_layout(parts: list[dict], links: list[dict]) -> dict[str, tuple[float, float]]:
    """Processes stacked in their columns; each state part below, under the mean column
    of the parts linked to it (the nearest free column when taken)."""
    where: dict[str, tuple[float, float]] = {}
    rows = [0, 0, 0]
    for part in parts:
        if part["layer"] != "state":
            x = COLUMNS[part["layer"]]
            where[part["name"]] = (x, -rows[x])
            rows[x] += 1
    depth = -max(max(rows), 1)
    taken: set[int] = set()
    for part in (p for p in parts if p["layer"] == "state"):
        linked = [
            where[other][0]
            for link in links
            for end, other in ((link["to"], link["from"]), (link["from"], link["to"]))
            if end == part["name"] and other in where
        ]
        wanted = round(sum(linked) / len(linked)) if linked else 2
        free = [x for x in range(max(3, len(parts))) if x not in taken]
        x = min(free, key=lambda c: (abs(c - wanted), -c))
        taken.add(x)
        where[part["name"]] = (x, depth)
    return where


def _box(ax, part: dict, at: tuple[float, float]) -> None:
    from matplotlib.patches import FancyBboxPatch

    x, y = at
    state = part["layer"] == "state"
    ax.add_patch(
        FancyBboxPatch(
            (x - BOX_W / 2, y - BOX_H / 2),
            BOX_W,
            BOX_H,
            boxstyle="round,pad=0.01",
            facecolor="#fdf3e1" if state else "#e8f0fe",
            edgecolor="#b07d2a" if state else "#4a72b0",
        )
    )
    top = y + BOX_H / 2 - 0.06
    ax.text(x, top, part["name"], ha="center", va="top", fontsize=9, weight="bold")
    does = textwrap.fill(part["does"], 46)
    ax.text(x, top - 0.17, does, ha="center", va="top", fontsize=7.5)
    if part.get("on_kill"):
        below = top - 0.19 - 0.09 * (does.count("\n") + 1)
        said = ("on a kill: " if state else "kill: ") + part["on_kill"]
        kill = textwrap.fill(said, 50)
        ax.text(x, below, kill, ha="center", va="top", fontsize=7, color="#a23b2a")


def _arrow(ax, start, end, says: str, others: list, labels: list) -> None:
    """From one box to the other, round the `others`, labelled half-way (or nearer an
    end, clear of the `labels` already placed; the new one is added)."""
    from matplotlib.patches import FancyArrowPatch

    a, b, bend = _route(start, end, others)
    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            arrowstyle="->",
            mutation_scale=12,
            color="#555555",
            connectionstyle=f"arc3,rad={bend}",
        )
    )
    points = _curve(a, b, bend, 10)
    at = next(
        (
            points[i]
            for i in (5, 3, 7, 2, 8)
            if all(abs(points[i][0] - x) > 0.3 or abs(points[i][1] - y) > 0.1 for x, y in labels)
        ),
        points[5],
    )
    labels.append(at)
    ax.text(
        *at,
        says,
        ha="center",
        va="center",
        fontsize=7,
        color="#555555",
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
    )


def _route(start: tuple[float, float], end: tuple[float, float], others: list):
    """The arrow's ends and bend (matplotlib's arc3 `rad`): the first of straight, bent,
    round the left sides, over the tops whose curve passes no other box."""
    (x0, y0), (x1, y1) = start, end
    ends = [
        (_edge(start, end), _edge(end, start), (0.0, 0.2, -0.2, 0.35, -0.35)),
        ((x0 - BOX_W / 2, y0), (x1 - BOX_W / 2, y1), (0.2, -0.2, 0.35, -0.35, 0.5, -0.5)),
        ((x0, y0 + BOX_H / 2), (x1, y1 + BOX_H / 2), (0.15, -0.15, 0.3, -0.3)),
    ]
    for a, b, bends in ends:
        for bend in bends:
            if not any(_inside(p, box) for p in _curve(a, b, bend)[2:-2] for box in others):
                return a, b, bend
    return _edge(start, end), _edge(end, start), 0.0


def _curve(a, b, bend: float, n: int = 24) -> list[tuple[float, float]]:
    """Points of arc3's quadratic Bézier: its control point is off the chord's middle by
    `bend` times the chord, to the right of a → b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    cx, cy = (a[0] + b[0]) / 2 + bend * dy, (a[1] + b[1]) / 2 - bend * dx
    return [
        (
            (1 - t) ** 2 * a[0] + 2 * (1 - t) * t * cx + t**2 * b[0],
            (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * cy + t**2 * b[1],
        )
        for t in (i / n for i in range(n + 1))
    ]


def _inside(point: tuple[float, float], box: tuple[float, float], margin: float = 0.03) -> bool:
    return (
        abs(point[0] - box[0]) < BOX_W / 2 + margin and abs(point[1] - box[1]) < BOX_H / 2 + margin
    )


def _edge(center: tuple[float, float], toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from `center` to `toward` leaves the box around `center`."""
    dx, dy = toward[0] - center[0], toward[1] - center[1]
    scale = min(
        (BOX_W / 2) / abs(dx) if dx else float("inf"),
        (BOX_H / 2) / abs(dy) if dy else float("inf"),
    )
    return center[0] + dx * scale, center[1] + dy * scale
