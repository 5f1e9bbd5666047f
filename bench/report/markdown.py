"""Markdown for the report's tables and numbers, and the self-contained HTML made from it.

The HTML is rendered by markdown-it-py (CommonMark with GFM tables, headings with ids so the
decision section can link to the table behind each sentence) into a jinja2 template; figures
are embedded as base64, so `report.html` is one file that can be mailed or attached.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.anchors.index import slugify

TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("bench.report", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
)


def measured_columns(
    header: list[str], rows: list[list[str]], always: int
) -> tuple[list[str], list[list[str]]]:
    """Leave out a column that no row measured (every cell "–"); the first `always` stay."""
    keep = [i for i in range(len(header)) if i < always or any(row[i] != "–" for row in rows)]
    return [header[i] for i in keep], [[row[i] for i in keep] for row in rows]


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A GFM table; a `|` inside a cell is escaped so it cannot split the cell."""
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows])


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def fmt(value: float | None, digits: int = 3) -> str:
    """A number for a table cell; "–" where nothing was measured."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def anchor(heading: str) -> str:
    """The link target markdown-it's anchors plugin gives a heading, e.g. "#summary"."""
    return "#" + slugify(heading)


def to_html(markdown: str, report_dir: Path, title: str = "Orchestrator comparison") -> str:
    """One self-contained HTML page: the Markdown rendered, every local image inlined."""
    md = MarkdownIt("commonmark").enable("table").use(anchors_plugin, max_level=4)
    tokens = md.parse(markdown)
    for token in tokens:
        for child in token.children or []:
            src = str(child.attrGet("src") or "")
            if child.type == "image" and src and not src.startswith(("data:", "http")):
                data = base64.b64encode((report_dir / src).read_bytes()).decode()
                child.attrSet("src", f"data:image/png;base64,{data}")
    body = md.renderer.render(tokens, md.options, {})
    return TEMPLATES.get_template("report.html.j2").render(title=title, body=Markup(body))
