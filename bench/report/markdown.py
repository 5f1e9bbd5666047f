"""Markdown for the report's tables and numbers, and the self-contained HTML made from it."""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def fmt(value: float | None, digits: int = 3) -> str:
    """A number for a table cell; "–" where nothing was measured."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:90%}"
)


def to_html(markdown: str, report_dir: Path) -> str:
    """A small, dependency-free Markdown subset → HTML, with figures inlined as base64."""
    body, in_table, in_list = [], False, False
    for line in markdown.splitlines():
        if line.startswith("!["):
            target = line.split("](", 1)[1][:-1]
            data = base64.b64encode((report_dir / target).read_bytes()).decode()
            body.append(f'<img src="data:image/png;base64,{data}" style="max-width:100%">')
            continue
        if line.startswith("|"):
            cells = [html.escape(c.strip()) for c in line.strip("|").split("|")]
            if set(line) <= {"|", "-"}:
                continue
            tag = "td" if in_table else "th"
            if not in_table:
                body.append("<table>")
                in_table = True
            body.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith(("- ", "* ")):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{html.escape(line[2:])}</li>")
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{html.escape(line[level:].strip())}</h{level}>")
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    head = "<!doctype html><meta charset=utf-8><title>Orchestrator comparison</title>"
    return f"{head}<style>{STYLE}</style>\n" + "\n".join(body)
