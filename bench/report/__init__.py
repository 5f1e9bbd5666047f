"""The comparison report, built only from the results model and the event logs it names.

The report is a list of sections, each a function of one `ReportContext` returning its
Markdown (one module per section); the figures are drawn first so the summary can show
them. Writes `report.md`, a self-contained `report.html` (figures embedded) and
`figures/*.png`; `bench report RUN_DIR` rebuilds it at any time from the same files.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

from bench.kit.errors import BenchError
from bench.report import (
    catalogue,
    clocks,
    decision,
    delta,
    features,
    load,
    published,
    recovery,
    resources,
    scenarios,
    setup,
    summary,
)
from bench.report.context import ReportContext
from bench.report.figures import (
    ecdf_figure,
    gantt_figure,
    parallelism_figure,
    scale_figure,
    wall_time_figure,
)
from bench.report.markdown import to_html
from bench.report.recovery import recovery_figure
from bench.results import Results

SECTIONS: list[Callable[[ReportContext], str]] = [
    summary.header,
    decision.section,
    summary.section,
    scenarios.section,
    load.section,
    catalogue.section,
    delta.section,
    recovery.section,
    features.section,
    clocks.section,
    resources.section,
    setup.configurations,
    setup.method,
    decision.assumptions,
    published.section,
    setup.environment,
]


def draw_figures(results: Results, report_dir: Path) -> dict[str, Path]:
    """Every figure the results can fill, by title, in display order."""
    folder, cases = report_dir / "figures", results.scenarios
    figures = {
        "Movie pipeline wall time": wall_time_figure(results, folder / "wall_time.png"),
        "Inter-task latency (ECDF)": ecdf_figure(cases, folder / "latency_ecdf.png"),
        "Efficiency": parallelism_figure(cases, folder / "parallelism.png", _cores(results)),
        "Timeline": gantt_figure(cases, folder / "gantt.png", report_dir),
        "Scale": scale_figure(cases, folder / "scale.png"),
        "Recovery": recovery_figure(cases, folder / "recovery.png", report_dir),
    }
    return {title: path for title, path in figures.items() if path}


def _cores(results: Results) -> float:
    machine = results.provenance.get("machine", {})
    return float(machine.get("usable_cores") or machine.get("cores") or 1)


def write_report(
    report_dir: Path, results: Results, previous: tuple[str, Results] | None = None
) -> Path:
    """report.md, report.html and figures/ in `report_dir`; with `previous` (a name and
    that run's results), a section of what changed since.

    The report is written last, after hours of measuring: whatever goes wrong while it is
    built must not end the compare in a traceback nor cost the results. The traceback is
    kept in report-error.txt for the bug report, and one line says how to rebuild."""
    try:
        return _write(report_dir, results, previous)
    except Exception as exc:  # any failure at all: results.json stays as written
        (report_dir / "report-error.txt").write_text(traceback.format_exc())
        raise BenchError(
            f"the report in {report_dir} could not be built ({type(exc).__name__}: {exc}; "
            f"traceback in report-error.txt); results.json is kept, and after a fix "
            f"`bench report {report_dir}` builds the report from it"
        ) from exc


def _write(report_dir: Path, results: Results, previous: tuple[str, Results] | None) -> Path:
    ctx = ReportContext(results, report_dir, draw_figures(results, report_dir), previous)
    text = "\n".join(part for section in SECTIONS if (part := section(ctx)))
    md_path = report_dir / "report.md"
    md_path.write_text(text)
    (report_dir / "report.html").write_text(to_html(text, report_dir))
    return md_path
